// Python boto3 (Debian package python3-boto3, run with /usr/bin/python3) against the real
// HTTP endpoint. boto3_flow.py runs the whole flow once and prints its results as JSON;
// the tests below check that output piece by piece.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, REGION, endpoint, uniqueName } from "./support";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "boto3_flow.py");

/** Why the boto3 tests cannot run here, or undefined when they can. */
function boto3SkipReason(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import boto3"], { encoding: "utf8", timeout: 60_000 });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import boto3: install the Debian package python3-boto3`;
  return undefined;
}
const SKIP_REASON = boto3SkipReason();
if (SKIP_REASON) console.warn(`boto3.test.ts: skipping the boto3 tests: ${SKIP_REASON}`);

/** `it`, skipped (with the reason in its name) only when boto3 is unavailable. */
function boto3Test(name: string, body: () => void): void {
  it.skipIf(SKIP_REASON !== undefined)(SKIP_REASON ? `${name} (skipped: ${SKIP_REASON})` : name, body);
}

interface CrcCheck {
  operation: string;
  status: number;
  bodyBytes: number;
  header: string | null;
  matches: boolean;
}

/** What boto3_flow.py prints; see the script for how each member is produced. */
interface FlowOutput {
  createTable: { TableDescription: Record<string, unknown> };
  describeTable: { Table: Record<string, unknown> };
  putFirst: unknown;
  putSecond: unknown;
  getItem: unknown;
  bigItem: unknown;
  deleteItem: unknown;
  getDeleted: unknown;
  missingTable: unknown;
  missingKey: unknown;
  resourceTableStatus: string;
  resourceGet: unknown;
  resourceDelete: unknown;
  listTables: string[];
  listTablesPaged: string[];
  deleteTable: { TableDescription: Record<string, unknown> };
  listAfterDelete: string[];
  crc: CrcCheck[];
}

function runFlow(table: string, missing: string): Promise<FlowOutput> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, [SCRIPT, endpoint, table, missing], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) fail(new Error(`boto3_flow.py exited with ${code}:\n${stderr}`));
      else done(JSON.parse(stdout) as FlowOutput);
    });
  });
}

/** Set members come back in no guaranteed order (as in DynamoDB): compare them sorted. */
function sortSets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortSets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      ["SS", "NS", "BS"].includes(k) && Array.isArray(v) ? [...(v as string[])].sort() : sortSets(v),
    ]),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("boto3", () => {
  const table = uniqueName("boto3");
  const missing = uniqueName("boto3-missing");
  let flow: FlowOutput;

  beforeAll(async () => {
    if (SKIP_REASON) return;
    flow = await runFlow(table, missing);
  });

  /** The item boto3_flow.py writes with the low-level client, as stored (1.50 -> 1.5). */
  const lowLevelItem = {
    id: { S: "low-1" },
    n: { N: "1.5" },
    b: { B: Buffer.from([0x00, 0x01, 0xfe, 0xff]).toString("base64") },
    bs: { BS: [Buffer.from([1]).toString("base64"), Buffer.from([2, 3]).toString("base64")] },
    ss: { SS: ["x", "y"] },
    ns: { NS: ["1", "2"] },
    m: { M: { k: { S: "v" } } },
    l: { L: [{ NULL: true }, { BOOL: false }] },
  };

  /**
   * boto3 returns only the members its service model knows: Debian's botocore 1.29 predates
   * DeletionProtectionEnabled, newer ones return it. Present or not, it must be false.
   */
  function withoutDeletionProtection(description: Record<string, unknown>): Record<string, unknown> {
    const { DeletionProtectionEnabled, ...rest } = description;
    expect([undefined, false]).toContain(DeletionProtectionEnabled);
    return rest;
  }

  const description = () => ({
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    TableName: table,
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    TableStatus: "ACTIVE",
    CreationDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    TableSizeBytes: 0,
    ItemCount: 0,
    TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}`,
    TableId: expect.stringMatching(UUID),
    BillingModeSummary: {
      BillingMode: "PAY_PER_REQUEST",
      LastUpdateToPayPerRequestDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    },
  });

  boto3Test("boto3: create_table and the table_exists waiter", () => {
    expect(Object.keys(flow.createTable)).toEqual(["TableDescription"]);
    expect(withoutDeletionProtection(flow.createTable.TableDescription)).toEqual(description());
    expect(Object.keys(flow.describeTable)).toEqual(["Table"]);
    expect(withoutDeletionProtection(flow.describeTable.Table)).toEqual(description());
    expect(flow.describeTable.Table.TableId).toBe(flow.createTable.TableDescription.TableId);
  });

  boto3Test("boto3: put_item returns ALL_OLD attributes and consumed capacity", () => {
    expect(flow.putFirst).toEqual({ ConsumedCapacity: { TableName: table, CapacityUnits: 1 } });
    expect(sortSets(flow.putSecond)).toEqual(
      sortSets({ Attributes: lowLevelItem, ConsumedCapacity: { TableName: table, CapacityUnits: 1 } }),
    );
  });

  boto3Test("boto3: get_item returns the item with normalized numbers and binary", () => {
    expect(sortSets(flow.getItem)).toEqual(
      sortSets({ Item: lowLevelItem, ConsumedCapacity: { TableName: table, CapacityUnits: 0.5 } }),
    );
  });

  boto3Test("boto3: delete_item returns ALL_OLD attributes and the item is gone", () => {
    expect(sortSets(flow.deleteItem)).toEqual(
      sortSets({ Attributes: lowLevelItem, ConsumedCapacity: { TableName: table, CapacityUnits: 1 } }),
    );
    expect(flow.getDeleted).toEqual({});
  });

  boto3Test("boto3: a 50 KB item round-trips and is charged 49 write units", () => {
    // 50,003 bytes of payload text (one 3-byte character) + names and key: 50,017 bytes.
    expect(flow.bigItem).toEqual({
      putReturnedSame: true,
      putCapacity: { TableName: table, CapacityUnits: 49 },
      getReturnedSame: true,
      payloadLength: 50_001,
    });
  });

  boto3Test("boto3: every response carries a matching x-amz-crc32 header", () => {
    expect(flow.crc.length).toBeGreaterThan(15);
    for (const check of flow.crc) {
      expect(check.header, `${check.operation} x-amz-crc32`).toMatch(/^\d+$/);
      expect(check.matches, `${check.operation} CRC32 of ${check.bodyBytes} bytes`).toBe(true);
    }
    // botocore verified these too: large bodies, and error bodies.
    const bigGet = flow.crc.find((c) => c.operation === "GetItem" && c.bodyBytes > 50_000);
    const bigPut = flow.crc.find((c) => c.operation === "PutItem" && c.bodyBytes > 50_000);
    expect(bigGet).toBeDefined();
    expect(bigPut).toBeDefined();
    expect(flow.crc.filter((c) => c.status === 400).length).toBeGreaterThanOrEqual(2);
  });

  boto3Test("boto3: errors are typed exceptions with DynamoDB's messages", () => {
    expect(flow.missingTable).toEqual({
      class: "ResourceNotFoundException",
      code: "ResourceNotFoundException",
      message: "Requested resource not found",
      status: 400,
    });
    expect(flow.missingKey).toEqual({
      code: "ValidationException",
      message: "One or more parameter values were invalid: Missing the key id in the item",
      status: 400,
    });
  });

  boto3Test("boto3: resource API Table.put_item/get_item with Decimal and Binary", () => {
    const expected = {
      id: "res-1",
      price: { Decimal: "19.99" },
      qty: { Decimal: "3" },
      trailing: { Decimal: "1.5" },
      data: { Binary: Buffer.from([0x00, 0x01, 0xff]).toString("base64") },
      raw: { Binary: Buffer.from([0x10, 0x20]).toString("base64") },
      tags: { set: ["a", "b"] },
      sizes: { set: [{ Decimal: "1" }, { Decimal: "2.5" }] },
      nested: { list: [{ Decimal: "1" }, "two", null, true], empty: {} },
    };
    expect(flow.resourceTableStatus).toBe("ACTIVE");
    expect(flow.resourceGet).toEqual(expected);
    expect(flow.resourceDelete).toEqual(expected);
  });

  boto3Test("boto3: list_tables and its paginator list the table", () => {
    expect(flow.listTables).toContain(table);
    expect(flow.listTables).toEqual([...flow.listTables].sort());
    expect(flow.listTablesPaged).toEqual(flow.listTables);
  });

  boto3Test("boto3: delete_table and the table_not_exists waiter", () => {
    // Left in the table: the 50 KB item (50,017 bytes).
    expect(Object.keys(flow.deleteTable)).toEqual(["TableDescription"]);
    // DynamoDB's reduced description of a table being deleted (no AttributeDefinitions,
    // KeySchema or CreationDateTime), its counts those of all its shards.
    const { AttributeDefinitions, KeySchema, CreationDateTime, ...reduced } = description();
    expect([AttributeDefinitions, KeySchema, CreationDateTime]).toHaveLength(3);
    expect(withoutDeletionProtection(flow.deleteTable.TableDescription)).toEqual({
      ...reduced,
      TableStatus: "DELETING",
      ItemCount: 1,
      TableSizeBytes: 50_017,
    });
    expect(flow.listAfterDelete).not.toContain(table);
  });
});
