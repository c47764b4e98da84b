// Wire fuzzing (issue #9, bad input): random and mutated JSON requests for every operation
// in src/engine/dispatch.ts's OPERATIONS, sent through the HTTP edge as SDKs send them. Every
// answer must be a 200 with a well-formed body or a typed DynamoDB error (status 400, a
// known __type, a message): never a 500, an unparseable body or a hang. A rejected
// request must not change stored data: after each rejected write, every row of the
// shard's SQLite database (items, indexes, definitions, counters) is compared with before. Seeds are fixed so a failure replays; the
// counts are bounded so the file stays well under a minute on two slow cores.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/engine/dispatch";
import { DynamoError, type DynamoErrorType } from "../../src/errors";
import { sized } from "../support/depth";
import { ok, wire, type WireResult } from "../support/wire";
import { mutate, mutation, randomBody } from "./fuzz-requests";
import { AUX, MAIN, TEMPLATED, template } from "./fuzz-templates";
import { changedTables, storedState } from "./support";
import { tableObjectName } from "../support/tables";

const SEED = 20261122;
/** Mutated requests per operation, and wholly random bodies per operation. */
const MUTATED_PER_OP = sized(14, 80);
const RANDOM_PER_OP = sized(8, 15);
const HANG_MS = 20_000;

const ERROR_TYPES: DynamoErrorType[] = [
  "ValidationException",
  "SerializationException",
  "ResourceNotFoundException",
  "ResourceInUseException",
  "ConditionalCheckFailedException",
  "UnknownOperationException",
  "LimitExceededException",
  "ItemCollectionSizeLimitExceededException",
  "TransactionCanceledException",
  "TransactionConflictException",
  "IdempotentParameterMismatchException",
  // Backups and point-in-time recovery (src/backup).
  "BackupNotFoundException",
  "BackupInUseException",
  "TableNotFoundException",
  "TableAlreadyExistsException",
  "TableInUseException",
  "PointInTimeRecoveryUnavailableException",
  "InvalidRestoreTimeException",
  "ExportNotFoundException",
  "ExportConflictException",
  "InvalidExportTimeException",
  "ImportNotFoundException",
];
const KNOWN = new Set(ERROR_TYPES.map((t) => new DynamoError(t, "").wireType));

const READS = new Set([
  "GetItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "TransactGetItems",
  "DescribeTable",
  "ListTables",
  "ListTagsOfResource",
  "DescribeEndpoints",
  "DescribeLimits",
  "DescribeTimeToLive",
  "DescribeBackup",
  "ListBackups",
  "DescribeContinuousBackups",
]);

/** A light check of a 200's body: the members every SDK reads for the operation. */
function wellFormed(operation: string, body: Record<string, unknown>): boolean {
  if ("__type" in body) return false;
  switch (operation) {
    case "Query":
    case "Scan":
      return typeof body.Count === "number" && typeof body.ScannedCount === "number";
    case "BatchGetItem":
      return typeof body.Responses === "object" && typeof body.UnprocessedKeys === "object";
    case "BatchWriteItem":
      return typeof body.UnprocessedItems === "object";
    case "TransactGetItems":
      return Array.isArray(body.Responses);
    case "ListTables":
      return Array.isArray(body.TableNames);
    case "DescribeTable":
      return typeof body.Table === "object";
    case "CreateTable":
    case "DeleteTable":
    case "UpdateTable":
      return typeof body.TableDescription === "object";
    default:
      return true;
  }
}

interface Finding {
  operation: string;
  request: string;
  problem: string;
}

async function send(operation: string, body: string): Promise<WireResult | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${HANG_MS} ms`), HANG_MS);
  });
  try {
    return await Promise.race([wire(operation, body), hang]);
  } catch (err) {
    return `unparseable answer: ${String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Problem with an answer, or undefined if it is a correct kind of answer. */
function judge(operation: string, reply: WireResult): string | undefined {
  if (reply.status === 200) return wellFormed(operation, reply.body) ? undefined : "malformed 200 body";
  if (reply.status !== 400) return `status ${reply.status}`;
  const type = reply.body.__type;
  if (typeof type !== "string" || !KNOWN.has(type)) return `unknown __type ${String(type)}`;
  // TransactionCanceledException spells it "Message", as DynamoDB does; others "message".
  const message = reply.body.message ?? reply.body.Message;
  if (!type.endsWith("#UnknownOperationException") && typeof message !== "string") return "no message";
  return undefined;
}

async function seed(): Promise<void> {
  await ok("CreateTable", {
    TableName: MAIN,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
      { AttributeName: "l", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: "byL",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "l", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  await ok("CreateTable", {
    TableName: AUX,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  for (const op of ["PutItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems"]) {
    for (let i = 0; i < 10; i++) await ok(op, template(op, i));
  }
}

describe("wire fuzzing", () => {
  beforeAll(seed);

  it("Fuzz harness: the stored-state dump sees an accepted write and nothing else", async () => {
    const before = await storedState();
    expect(changedTables(before, await storedState())).toEqual([]);
    await ok("PutItem", { TableName: AUX, Item: { id: { S: "harness" } } });
    const object = await tableObjectName(AUX);
    expect(changedTables(before, await storedState())).toEqual([`${object}/items`, `${object}/tables`]);
  });

  it("Fuzz: every operation answers random and mutated requests with a result or a typed error, and rejected writes change nothing", async () => {
    const operations = Object.keys(OPERATIONS);
    const untemplated = operations.filter((op) => !TEMPLATED.has(op));
    const findings: Finding[] = [];
    let sent = 0;
    let accepted = 0;
    let rejectedWrites = 0;
    let before: Record<string, string> | undefined;

    for (const [o, operation] of operations.entries()) {
      const mutated = fc
        .sample(fc.tuple(fc.nat(1000), fc.array(mutation, { minLength: 1, maxLength: 3 })), {
          seed: SEED + o,
          numRuns: MUTATED_PER_OP,
        })
        .map(([i, mutations]) => mutate(template(operation, i), mutations));
      const random = fc.sample(randomBody, { seed: SEED - o, numRuns: RANDOM_PER_OP });
      for (const body of [...mutated, ...random]) {
        const isWrite = !READS.has(operation);
        if (isWrite) before ??= await storedState();
        const reply = await send(operation, body);
        sent++;
        const problem = typeof reply === "string" ? reply : judge(operation, reply);
        if (problem) findings.push({ operation, request: body.slice(0, 300), problem });
        if (typeof reply === "string" || !isWrite) continue;
        if (reply.status === 200) {
          accepted++;
          before = undefined; // it wrote: take a fresh snapshot before the next write
          continue;
        }
        rejectedWrites++;
        const after = await storedState();
        const changed = changedTables(before as Record<string, string>, after);
        if (changed.length > 0) {
          const problem = `a rejected write (${reply.status} ${String(reply.body.__type)}) changed ${changed.join(", ")}`;
          findings.push({ operation, request: body.slice(0, 300), problem });
        }
        before = after;
      }
    }

    console.log(
      `fuzz: ${sent} requests over ${operations.length} operations (${accepted} writes accepted, ` +
        `${rejectedWrites} rejected writes checked for no change), ${findings.length} unexpected` +
        (untemplated.length > 0 ? `; fuzzed from a generic template: ${untemplated.join(", ")}` : ""),
    );
    expect(findings.slice(0, 5)).toEqual([]);
  }, 240_000);
});
