// Test helpers: talk to the Worker exactly as an SDK does, over DynamoDB's wire protocol,
// signing every request with SigV4 (the test Worker requires it: vitest.config.ts).
import { SignatureV4 } from "@smithy/signature-v4";
import { env } from "cloudflare:workers";
import { Sha256 } from "../../src/edge/auth-hash";
import type { Env } from "../../src/env";
import worker from "../../src/worker";
import { isHttpDoor, testDoor, throughDoor, withoutExtension } from "./doors";

export interface WireResult {
  status: number;
  /** The JSON body; `{}` for an empty one (DynamoDB's answer to TagResource, for one). */
  body: Record<string, unknown>;
  /** The body as text (the wire door; other doors give the engine's reply text). */
  text: string;
  headers: Headers;
}

// The Worker under test: its fetch handler, called with a Request as workerd calls it. Not
// through the pool's `exports.default`, whose dispatch into the same isolate costs more per
// request than the edge itself; the suites that check what workerd's own HTTP layer does
// (test/edge, test/auth, test/wire.test.ts) still go through it, and test/e2e through sockets.
const workerEnv = env as unknown as Env;

export async function wire(
  operation: string,
  input: unknown,
  target = `DynamoDB_20120810.${operation}`,
): Promise<WireResult> {
  const door = testDoor();
  if (!isHttpDoor(door) && target.startsWith("DynamoDB_20120810.")) {
    return throughDoor(door, target.slice("DynamoDB_20120810.".length), input);
  }
  const response = await worker.fetch(
    await signedRequest("http://localhost/", {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
      body: typeof input === "string" ? input : JSON.stringify(input),
    }),
    workerEnv,
  );
  const text = await response.text();
  const body = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  // Tables of several partitions describe themselves with our extension (tested in test/cluster).
  if (door === "wire-4") withoutExtension(body);
  return { status: response.status, body, text, headers: response.headers };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The test Worker's first DDB_CREDENTIALS pair (vitest.config.ts). */
export const TEST_CREDENTIALS: Credentials = (() => {
  const first = ((env as { DDB_CREDENTIALS?: string }).DDB_CREDENTIALS ?? "").split(",")[0] ?? "";
  const colon = first.indexOf(":");
  return { accessKeyId: first.slice(0, colon), secretAccessKey: first.slice(colon + 1) };
})();

export interface SignOptions {
  credentials?: Credentials;
  region?: string;
  signingDate?: Date;
}

/** A request signed as the AWS SDK signs it (header form; Host and the body hash included). */
export async function signedRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array },
  options: SignOptions = {},
): Promise<Request> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: "dynamodb",
    region: options.region ?? "us-east-1",
    credentials: options.credentials ?? TEST_CREDENTIALS,
    sha256: Sha256,
  });
  const query: Record<string, string> = {};
  for (const [name, value] of target.searchParams) query[name] = value;
  const signed = await signer.sign(
    {
      method: init.method ?? "POST",
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname,
      query,
      headers: { ...init.headers, host: target.host },
      body: init.body,
    },
    { signingDate: options.signingDate ?? new Date() },
  );
  return new Request(url, { method: signed.method, headers: signed.headers, body: init.body });
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

/**
 * Two hash tables (key `id`, S) alike but for a stream on the second: a table with a stream
 * takes the whole-item write path every time (streams need old and new images), so it is
 * the reference for the shortcuts a plain table takes (in-place UpdateItem, one-statement
 * PutItem). Returns [plain, streamed].
 */
export async function createStreamTwins(plainPrefix: string, streamedPrefix: string): Promise<[string, string]> {
  const twins: [string, string] = [uniqueName(plainPrefix), uniqueName(streamedPrefix)];
  for (const [name, stream] of [
    [twins[0], false],
    [twins[1], true],
  ] as const) {
    await ok("CreateTable", {
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } } : {}),
    });
  }
  return twins;
}
