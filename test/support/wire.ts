// Test helpers: talk to the Worker exactly as an SDK does, over DynamoDB's wire protocol.
import { exports } from "cloudflare:workers";

export interface WireResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

// The Worker under test (its default export), as the Vitest plugin exposes it.
const worker = (exports as unknown as { default: Fetcher }).default;

export async function wire(
  operation: string,
  input: unknown,
  target = `DynamoDB_20120810.${operation}`,
): Promise<WireResult> {
  const response = await worker.fetch("http://localhost/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body: typeof input === "string" ? input : JSON.stringify(input),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}

/** Calls an operation and returns its output; fails the test on an error reply. */
export async function ok(operation: string, input: unknown): Promise<Record<string, unknown>> {
  const result = await wire(operation, input);
  if (result.status !== 200) throw new Error(`${operation} failed: ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Calls an operation that must fail and returns [short error type, message]. */
export async function fails(operation: string, input: unknown): Promise<[string, string | undefined]> {
  const result = await wire(operation, input);
  if (result.status === 200) throw new Error(`${operation} unexpectedly succeeded: ${JSON.stringify(result.body)}`);
  const type = String(result.body.__type).split("#")[1] ?? "";
  return [type, result.body.message as string | undefined];
}

let counter = 0;
/** A table name unique within the test run. */
export function uniqueName(prefix = "table"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createHashTable(name: string, type: "S" | "N" | "B" = "S"): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: type }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
}

export async function createHashRangeTable(
  name: string,
  hashType: "S" | "N" | "B" = "S",
  rangeType: "S" | "N" | "B" = "S",
): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: hashType },
      { AttributeName: "sk", AttributeType: rangeType },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  });
}
