// UpdateTable's GlobalSecondaryIndexUpdates: creating a GSI on a table that already has
// items (an online backfill run by the shard's alarm), deleting one, changing an index's
// throughput, and DynamoDB's checks on all of it.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DynamoShard } from "../../src/shard";
import { query, tableArn, tableDescription, tableShard } from "../support/tables";
import { fails, ok, uniqueName } from "../support/wire";
import { itInOneObject } from "../support/doors";

const V = "ValidationException";
const INVALID = "One or more parameter values were invalid: ";
const NOT_NULL = "failed to satisfy constraint: Member must not be null";
const ONE_ONLINE_INDEX = [
  "LimitExceededException",
  "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
];

type Json = Record<string, unknown>;

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const def = (name: string, type = "S") => ({ AttributeName: name, AttributeType: type });
const hash = (name: string) => ({ AttributeName: name, KeyType: "HASH" });
const range = (name: string) => ({ AttributeName: name, KeyType: "RANGE" });
const ALL = { ProjectionType: "ALL" };
const throughput = (read: number, write: number) => ({ ReadCapacityUnits: read, WriteCapacityUnits: write });

/** A GSI Create on `gk` (string) named `name`, with `extra` members on the action. */
function createGsi(name = "byG", extra: Json = {}): Json {
  return { Create: { IndexName: name, KeySchema: [hash("gk")], Projection: ALL, ...extra } };
}

/** A pk/sk table, on-demand unless `extra` says otherwise. */
async function createTable(extra: Json = {}): Promise<string> {
  const name = uniqueName("gsiu");
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [def("pk"), def("sk")],
    KeySchema: [hash("pk"), range("sk")],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  });
  return name;
}

/** A pk/sk table with an LSI `byL` on `lk` and a GSI `byG` on `gk`. */
async function createIndexedTable(extra: Json = {}): Promise<string> {
  return createTable({
    AttributeDefinitions: [def("pk"), def("sk"), def("lk"), def("gk")],
    LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: [hash("pk"), range("lk")], Projection: ALL }],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [hash("gk")], Projection: ALL }],
    ...extra,
  });
}

type Call = (operation: string, input: unknown) => { status: number; body: Json };

/**
 * Runs `fn` inside the shard, with `call` answering requests synchronously: nothing (the
 * alarm included) runs between the calls one synchronous stretch makes.
 */
async function inShard<T>(
  table: string,
  fn: (call: Call, instance: DynamoShard, state: DurableObjectState) => T | Promise<T>,
): Promise<T> {
  return runInDurableObject(await tableShard(table), (instance: DynamoShard, state) => {
    const call: Call = (operation, input) => {
      // A table of one partition keeps its GSIs beside its items: no outbox, answered synchronously.
      const reply = instance.handle(operation, JSON.stringify(input), { region: "us-east-1", host: "localhost" });
      if (reply instanceof Promise) throw new Error("a write waited for index propagation");
      return { status: reply.status, body: JSON.parse(reply.body) as Json };
    };
    return fn(call, instance, state);
  });
}

/** Like `ok`/`fails`, for `call`. */
function okIn(call: Call, operation: string, input: unknown): Json {
  const reply = call(operation, input);
  if (reply.status !== 200) throw new Error(`${operation} failed: ${JSON.stringify(reply.body)}`);
  return reply.body;
}
function failsIn(call: Call, operation: string, input: unknown): [string, string | undefined] {
  const reply = call(operation, input);
  if (reply.status === 200) throw new Error(`${operation} unexpectedly succeeded`);
  return [String(reply.body.__type).split("#")[1] ?? "", reply.body.message as string | undefined];
}

/** Item i of a seeded table: every 10th has no gk (sparse), every 10th+1 a numeric gk. */
function seedItem(i: number): Json {
  const item: Json = { pk: S(`p${i}`), sk: S("s"), n: N(String(i)) };
  if (i % 10 === 1) item.gk = N(String(i));
  else if (i % 10 !== 0) item.gk = S(`g${i % 7}`);
  return item;
}

function seed(call: Call, table: string, count: number): void {
  for (let i = 0; i < count; i++) okIn(call, "PutItem", { TableName: table, Item: seedItem(i) });
}

function gsiOf(description: Json, name: string): Json | undefined {
  return ((description.GlobalSecondaryIndexes as Json[] | undefined) ?? []).find((i) => i.IndexName === name);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drives the table's object's alarm until the index is ACTIVE (the alarm may also run by itself). */
async function untilActive(table: string, index: string): Promise<Json> {
  const object = await tableShard(table);
  for (let i = 0; i < 200; i++) {
    const description = await tableDescription(table);
    if (gsiOf(description, index)?.IndexStatus === "ACTIVE") return description;
    if (!(await runDurableObjectAlarm(object))) await sleep(5);
  }
  throw new Error(`index ${index} of ${table} never became ACTIVE`);
}

/** Drives the alarm of the table's object until `done` holds. */
async function until(table: string, done: () => Promise<boolean>): Promise<void> {
  const object = await tableShard(table);
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    if (!(await runDurableObjectAlarm(object))) await sleep(5);
  }
  throw new Error("housekeeping never finished");
}

async function indexIds(name: string): Promise<Record<string, number>> {
  const [row] = await query<{ def: string }>(name, "SELECT def FROM tables WHERE name = ?", name);
  const parsed = JSON.parse(row?.def ?? "{}") as { indexes?: { name: string; iid: number }[] };
  return Object.fromEntries((parsed.indexes ?? []).map((i) => [i.name, i.iid]));
}

/**
 * What an ALL-projected index on the string attribute gk should hold for a table, against
 * what it holds: eligible items, index rows, rows identical to their item, and the
 * counters.
 */
async function audit(table: string, iid: number) {
  const [tid] = await query<{ tid: number }>(table, "SELECT tid FROM tables WHERE name = ?", table);
  const eligible = "json_extract(doc, '$.gk.S') IS NOT NULL AND json_extract(doc, '$.gk.S') != ''";
  const [items] = await query<{ n: number; b: number | null }>(
    table,
    `SELECT COUNT(*) AS n, SUM(size) AS b FROM items WHERE tid = ? AND ${eligible}`,
    tid?.tid,
  );
  const [rows] = await query<{ n: number; b: number | null }>(
    table,
    "SELECT COUNT(*) AS n, SUM(size) AS b FROM index_items WHERE iid = ?",
    iid,
  );
  const [matching] = await query<{ n: number }>(
    table,
    "SELECT COUNT(*) AS n FROM index_items x JOIN items t ON t.tid = ? AND t.pk = x.tpk AND t.sk = x.tsk " +
      "WHERE x.iid = ? AND x.doc = json(t.doc) AND x.size = t.size",
    tid?.tid,
    iid,
  );
  const [stats] = await query<{ item_count: number; size_bytes: number }>(
    table,
    "SELECT item_count, size_bytes FROM index_stats WHERE iid = ?",
    iid,
  );
  return {
    eligible: [items?.n ?? 0, items?.b ?? 0],
    rows: [rows?.n ?? 0, rows?.b ?? 0],
    matching: matching?.n ?? 0,
    stats: [stats?.item_count ?? 0, stats?.size_bytes ?? 0],
  };
}

describe("UpdateTable GlobalSecondaryIndexUpdates", () => {
  describe("validations", () => {
    it("UpdateTable: checks the members of each action", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", GlobalSecondaryIndexUpdates: [{ Create: {} }] })).toEqual([
        V,
        "3 validation errors detected: " +
          `Value null at 'globalSecondaryIndexUpdates.1.member.create.projection' ${NOT_NULL}; ` +
          `Value null at 'globalSecondaryIndexUpdates.1.member.create.indexName' ${NOT_NULL}; ` +
          `Value null at 'globalSecondaryIndexUpdates.1.member.create.keySchema' ${NOT_NULL}`,
      ]);
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          GlobalSecondaryIndexUpdates: [{ Update: {} }, { Delete: { IndexName: "ab" } }],
        }),
      ).toEqual([
        V,
        "3 validation errors detected: " +
          `Value null at 'globalSecondaryIndexUpdates.1.member.update.indexName' ${NOT_NULL}; ` +
          `Value null at 'globalSecondaryIndexUpdates.1.member.update.provisionedThroughput' ${NOT_NULL}; ` +
          "Value 'ab' at 'globalSecondaryIndexUpdates.2.member.delete.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("UpdateTable: wants exactly one action per entry and one entry per index", async () => {
      const cases: [unknown[], string][] = [
        [
          [{}],
          `${INVALID}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
        ],
        [
          [{ Update: { IndexName: "gsi1", ProvisionedThroughput: throughput(1, 1) }, Delete: { IndexName: "gsi1" } }],
          `${INVALID}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`,
        ],
        [
          [
            { Delete: { IndexName: "gsi1" } },
            { Update: { IndexName: "gsi1", ProvisionedThroughput: throughput(1, 1) } },
          ],
          `${INVALID}Only one global secondary index update per index is allowed simultaneously. Index: gsi1`,
        ],
      ];
      for (const [updates, message] of cases) {
        expect(await fails("UpdateTable", { TableName: "abc", GlobalSecondaryIndexUpdates: updates })).toEqual([
          V,
          message,
        ]);
      }
    });

    it("UpdateTable: refuses an empty list once another change makes the request valid", async () => {
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          GlobalSecondaryIndexUpdates: [],
          DeletionProtectionEnabled: true,
        }),
      ).toEqual([V, `${INVALID}List of GlobalSecondaryIndexUpdates is empty`]);
    });

    it("UpdateTable: keeps index creation apart from deletion protection and table throughput", async () => {
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
          DeletionProtectionEnabled: true,
        }),
      ).toEqual([V, `${INVALID}DeletionProtection modification must be the only operation in the request`]);
      for (const update of [createGsi(), { Delete: { IndexName: "byG" } }]) {
        expect(
          await fails("UpdateTable", {
            TableName: "abc",
            AttributeDefinitions: [def("gk")],
            GlobalSecondaryIndexUpdates: [update],
            ProvisionedThroughput: throughput(2, 2),
          }),
        ).toEqual([V, `${INVALID}You cannot create or delete index while updating table IOPS`]);
      }
    });

    it("UpdateTable: wants AttributeDefinitions and a projection for a new index", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", GlobalSecondaryIndexUpdates: [createGsi()] })).toEqual([
        V,
        `${INVALID}AttributeDefinitions is not specified for index: byG`,
      ]);
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi("byG", { Projection: {} })],
        }),
      ).toEqual([V, `${INVALID}Unknown ProjectionType: null`]);
    });

    it("UpdateTable: creates or deletes one index per call", async () => {
      const table = await createIndexedTable();
      const two = [
        [createGsi("one"), createGsi("two")],
        [createGsi("one"), { Delete: { IndexName: "byG" } }],
      ];
      for (const updates of two) {
        expect(
          await fails("UpdateTable", {
            TableName: table,
            AttributeDefinitions: [def("gk")],
            GlobalSecondaryIndexUpdates: updates,
          }),
        ).toEqual(ONE_ONLINE_INDEX);
      }
    });

    itInOneObject("UpdateTable: creates or deletes no other index while one is being built", async () => {
      const table = await createIndexedTable();
      await inShard(table, (call) => {
        for (let i = 0; i < 5; i++)
          okIn(call, "PutItem", { TableName: table, Item: { pk: S(`p${i}`), sk: S("s"), n: N("1") } });
        okIn(call, "UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("n", "N")],
          GlobalSecondaryIndexUpdates: [
            { Create: { IndexName: "byN", KeySchema: [hash("n")], Projection: { ProjectionType: "KEYS_ONLY" } } },
          ],
        });
        expect(
          failsIn(call, "UpdateTable", {
            TableName: table,
            AttributeDefinitions: [def("gk")],
            GlobalSecondaryIndexUpdates: [createGsi("other")],
          }),
        ).toEqual(ONE_ONLINE_INDEX);
        expect(
          failsIn(call, "UpdateTable", {
            TableName: table,
            GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }],
          }),
        ).toEqual(ONE_ONLINE_INDEX);
        // Nor is the table deleted while an index is being built (DynamoDB's rule).
        expect(failsIn(call, "DeleteTable", { TableName: table })).toEqual([
          "ResourceInUseException",
          "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.",
        ]);
      });
      await untilActive(table, "byN");
      await ok("DeleteTable", { TableName: table });
    });

    it("UpdateTable: refuses a second index of an existing name, LSIs included", async () => {
      const table = await createIndexedTable();
      for (const name of ["byG", "byL"]) {
        expect(
          await fails("UpdateTable", {
            TableName: table,
            AttributeDefinitions: [def("gk")],
            GlobalSecondaryIndexUpdates: [createGsi(name)],
          }),
        ).toEqual([V, "Attempting to create an index which already exists"]);
      }
    });

    it("UpdateTable: refuses a 21st GSI with LimitExceededException", async () => {
      const gsis = Array.from({ length: 20 }, (_, i) => ({
        IndexName: `gsi${i}`,
        KeySchema: [hash("gk")],
        Projection: ALL,
      }));
      const table = await createTable({
        AttributeDefinitions: [def("pk"), def("sk"), def("gk")],
        GlobalSecondaryIndexes: gsis,
      });
      expect(
        await fails("UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi("gsi20")],
        }),
      ).toEqual([
        "LimitExceededException",
        "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20",
      ]);
    });

    it("UpdateTable: names an unknown index and refuses to delete or update an LSI", async () => {
      const table = await createIndexedTable();
      expect(
        await fails("UpdateTable", {
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "nope" } }],
        }),
      ).toEqual(["ResourceNotFoundException", `Requested resource not found: Index nope for table ${table}`]);
      expect(
        await fails("UpdateTable", {
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byL" } }],
        }),
      ).toEqual([V, "Cannot delete an index that is not a GlobalSecondaryIndex: byL"]);
      expect(
        await fails("UpdateTable", {
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byL", ProvisionedThroughput: throughput(1, 1) } }],
        }),
      ).toEqual([V, "Cannot update an index that is not a GlobalSecondaryIndex: byL"]);
    });

    it("UpdateTable: gates index throughput by the table's billing mode", async () => {
      const onDemand = await createIndexedTable();
      expect(
        await fails("UpdateTable", {
          TableName: onDemand,
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: throughput(2, 2) } }],
        }),
      ).toEqual([
        V,
        `${INVALID}The only Updates for index: byG when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`,
      ]);
      expect(
        await fails("UpdateTable", {
          TableName: onDemand,
          AttributeDefinitions: [def("x")],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: "byX",
                KeySchema: [hash("x")],
                Projection: ALL,
                ProvisionedThroughput: throughput(1, 1),
              },
            },
          ],
        }),
      ).toEqual([
        V,
        `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: byX when BillingMode is PAY_PER_REQUEST`,
      ]);
      const provisioned = await createTable({ BillingMode: "PROVISIONED", ProvisionedThroughput: throughput(1, 1) });
      expect(
        await fails("UpdateTable", {
          TableName: provisioned,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
        }),
      ).toEqual([V, `${INVALID}Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: byG`]);
      // Switching to PROVISIONED assigns no index a capacity: each must be given one.
      expect(
        await fails("UpdateTable", {
          TableName: onDemand,
          BillingMode: "PROVISIONED",
          ProvisionedThroughput: throughput(5, 5),
        }),
      ).toEqual([V, `${INVALID}ProvisionedThroughput must be specified for index: byG`]);
    });

    it("UpdateTable: refuses an index throughput equal to the current one", async () => {
      const table = await createIndexedTable({
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: throughput(1, 1),
        GlobalSecondaryIndexes: [
          { IndexName: "byG", KeySchema: [hash("gk")], Projection: ALL, ProvisionedThroughput: throughput(2, 2) },
        ],
      });
      expect(
        await fails("UpdateTable", {
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: throughput(2, 2) } }],
        }),
      ).toEqual([
        V,
        "The provisioned throughput for the index byG will not change. The requested value equals the current value. " +
          "Current ReadCapacityUnits provisioned for index byG: 2. Requested ReadCapacityUnits: 2. " +
          "Current WriteCapacityUnits provisioned for index byG: 2. Requested WriteCapacityUnits: 2. " +
          "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
      ]);
    });

    it("UpdateTable: checks a new index's key attributes and projections", async () => {
      const table = await createIndexedTable();
      const cases: [Json, Json[], string][] = [
        [
          createGsi("byX", { KeySchema: [hash("x")] }),
          [def("gk")],
          `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [x], AttributeDefinitions: [pk, sk, lk, gk]`,
        ],
        [
          createGsi("byX", { KeySchema: [range("gk")] }),
          [def("gk")],
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ],
        [
          createGsi("byX", { KeySchema: [hash("gk")] }),
          [def("gk", "N")],
          `${INVALID}Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. Existing schema: Schema:[SchemaElement: key{gk:S:HASH}] New schema: Schema:[SchemaElement: key{gk:N:HASH}]`,
        ],
      ];
      for (const [update, definitions, message] of cases) {
        expect(
          await fails("UpdateTable", {
            TableName: table,
            AttributeDefinitions: definitions,
            GlobalSecondaryIndexUpdates: [update],
          }),
        ).toEqual([V, message]);
      }
      // 100 NonKeyAttributes at most over the table's indexes, counting the new one.
      const many = await createTable({
        AttributeDefinitions: [def("pk"), def("sk"), def("gk")],
        GlobalSecondaryIndexes: Array.from({ length: 5 }, (_, i) => ({
          IndexName: `gsi${i}`,
          KeySchema: [hash("gk")],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: Array.from({ length: 20 }, (_, j) => `a${j}`) },
        })),
      });
      expect(
        await fails("UpdateTable", {
          TableName: many,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [
            createGsi("gsi5", { Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["a"] } }),
          ],
        }),
      ).toEqual([
        V,
        `${INVALID}Number of projected attributes in all indexes exceeds limit of 100, number of projected attributes:101`,
      ]);
    });
  });

  describe("functionality", () => {
    itInOneObject(
      "UpdateTable: creates a GSI on a table of 300 items, CREATING and Backfilling until the alarm has filled it",
      async () => {
        const table = await createTable();
        const { response, described, scan } = await inShard(table, (call) => {
          seed(call, table, 300);
          const response = okIn(call, "UpdateTable", {
            TableName: table,
            AttributeDefinitions: [def("gk"), def("unused")],
            GlobalSecondaryIndexUpdates: [createGsi()],
          }).TableDescription as Json;
          const described = okIn(call, "DescribeTable", { TableName: table }).Table as Json;
          const scan = failsIn(call, "Scan", { TableName: table, IndexName: "byG" });
          return { response, described, scan };
        });
        const index = {
          IndexName: "byG",
          KeySchema: [hash("gk")],
          Projection: ALL,
          IndexStatus: "CREATING",
          ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: `${tableArn(table)}/index/byG`,
        };
        // The response: the table UPDATING, the index allocated but not yet backfilling.
        expect(response.TableStatus).toBe("UPDATING");
        expect(response.GlobalSecondaryIndexes).toEqual([{ ...index, Backfilling: false }]);
        // Only the new key attribute is added; an unused one in the request is ignored.
        expect(response.AttributeDefinitions).toEqual([def("pk"), def("sk"), def("gk")]);
        expect(described.TableStatus).toBe("ACTIVE");
        expect(described.GlobalSecondaryIndexes).toEqual([{ ...index, Backfilling: true }]);
        expect(described.AttributeDefinitions).toEqual([def("pk"), def("sk"), def("gk")]);
        expect(scan).toEqual([V, "Cannot read from backfilling global secondary index: byG"]);

        const done = await untilActive(table, "byG");
        const gsi = gsiOf(done, "byG");
        expect(gsi).not.toHaveProperty("Backfilling");
        // Every 10th item has no gk and every 10th+1 a numeric one: both are left out.
        expect(gsi?.ItemCount).toBe(240);
        const { byG } = await indexIds(table);
        const audited = await audit(table, byG!);
        expect(audited.eligible[0]).toBe(240);
        expect(audited.rows).toEqual(audited.eligible);
        expect(audited.matching).toBe(240);
        expect(audited.stats).toEqual(audited.rows);
        expect(gsi?.IndexSizeBytes).toBe(audited.eligible[1]);
        // No backfill cursor is left behind.
        const [row] = await query<{ def: string }>(table, "SELECT def FROM tables WHERE name = ?", table);
        expect(row?.def).not.toContain("backfillAfter");
      },
    );

    itInOneObject("UpdateTable: backfills in bounded chunks, resuming after the last item copied", async () => {
      const table = await createTable();
      await inShard(table, async (call, instance, state) => {
        seed(call, table, 300);
        okIn(call, "UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
        });
        // One chunk, inspected before anything else can run.
        const chunk = instance.alarm();
        const gsi = gsiOf(okIn(call, "DescribeTable", { TableName: table }).Table as Json, "byG");
        const row = state.storage.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one();
        await chunk;
        expect(gsi?.IndexStatus).toBe("CREATING");
        // 200 items read, of which those with a string gk were copied.
        expect(gsi?.ItemCount).toBeGreaterThan(100);
        expect(gsi?.ItemCount).toBeLessThan(200);
        expect(row.def).toContain("backfillAfter");
      });
      await untilActive(table, "byG");
      const { byG } = await indexIds(table);
      const audited = await audit(table, byG!);
      expect(audited.rows).toEqual(audited.eligible);
      expect(audited.stats).toEqual(audited.rows);
    });

    // The counters are only right if the write path maintains a CREATING index just for the
    // rows the backfill has passed (backfillCovers in src/storage/backfill.ts).
    itInOneObject("UpdateTable: writes made while the index is backfilling are reflected in it", async () => {
      const table = await createTable();
      await inShard(table, async (call, instance) => {
        seed(call, table, 300);
        okIn(call, "UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
        });
        // One chunk, then writes on both sides of the backfill's position, in the same
        // synchronous stretch (nothing else can run in between).
        const chunk = instance.alarm();
        for (let i = 0; i < 300; i++) {
          const key = { pk: S(`p${i}`), sk: S("s") };
          if (i % 10 === 1) continue; // numeric gk: any write keeping it is refused now
          if (i % 4 === 0) okIn(call, "PutItem", { TableName: table, Item: { ...key, gk: S(`h${i}`), extra: S("x") } });
          else if (i % 4 === 1) {
            okIn(call, "UpdateItem", { TableName: table, Key: key, UpdateExpression: "REMOVE gk" });
          } else if (i % 4 === 2) okIn(call, "DeleteItem", { TableName: table, Key: key });
        }
        for (let i = 300; i < 320; i++) {
          okIn(call, "PutItem", { TableName: table, Item: { pk: S(`p${i}`), sk: S("s"), gk: S("new") } });
        }
        expect(failsIn(call, "PutItem", { TableName: table, Item: { pk: S("p1"), sk: S("s"), gk: N("1") } })).toEqual([
          V,
          `${INVALID}Type mismatch for Index Key gk Expected: S Actual: N IndexName: byG`,
        ]);
        await chunk;
      });
      await untilActive(table, "byG");
      const { byG } = await indexIds(table);
      const audited = await audit(table, byG!);
      expect(audited.rows).toEqual(audited.eligible);
      expect(audited.matching).toBe(audited.eligible[0]);
      expect(audited.stats).toEqual(audited.rows);
      const gsi = gsiOf(await tableDescription(table), "byG");
      expect([gsi?.ItemCount, gsi?.IndexSizeBytes]).toEqual(audited.eligible);
    });

    // DynamoDB skips, and does not fail on, items whose value cannot be an index key: of
    // another type, empty, or over the key size limits (Alternator's
    // test_gsi_updatetable.py, run against AWS).
    it("UpdateTable: the backfill skips items whose value cannot be the index's key", async () => {
      const table = await createTable();
      const items: [string, Json | undefined][] = [
        ["ok", S("g")],
        ["number", N("1")],
        ["empty", S("")],
        ["long", S("x".repeat(2049))],
        ["longest", S("x".repeat(2048))],
        ["none", undefined],
      ];
      for (const [id, gk] of items) {
        await ok("PutItem", { TableName: table, Item: { pk: S(id), sk: S("1"), ...(gk ? { gk } : {}) } });
      }
      await ok("UpdateTable", {
        TableName: table,
        AttributeDefinitions: [def("gk")],
        GlobalSecondaryIndexUpdates: [createGsi()],
      });
      await untilActive(table, "byG");
      const scanned = (await ok("Scan", { TableName: table, IndexName: "byG" })).Items as { pk: { S: string } }[];
      expect(scanned.map((i) => i.pk.S).sort()).toEqual(["longest", "ok"]);
    });

    it("UpdateTable: backfills an empty table and an index that no item has", async () => {
      const table = await createTable();
      await ok("UpdateTable", {
        TableName: table,
        AttributeDefinitions: [def("gk")],
        GlobalSecondaryIndexUpdates: [createGsi()],
      });
      const gsi = gsiOf(await untilActive(table, "byG"), "byG");
      expect([gsi?.ItemCount, gsi?.IndexSizeBytes]).toEqual([0, 0]);
      await ok("PutItem", { TableName: table, Item: { pk: S("a"), sk: S("1"), gk: S("g") } });
      expect(gsiOf(await tableDescription(table), "byG")?.ItemCount).toBe(1);
    });

    itInOneObject(
      "UpdateTable: deletes a GSI, listing it DELETING, pruning its key attribute and purging its rows",
      async () => {
        const table = await createIndexedTable();
        for (let i = 0; i < 5; i++)
          await ok("PutItem", { TableName: table, Item: { pk: S(`p${i}`), sk: S("s"), gk: S("g") } });
        const { byG } = await indexIds(table);
        const response = (
          await ok("UpdateTable", { TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] })
        ).TableDescription as Json;
        expect(response.TableStatus).toBe("UPDATING");
        expect(gsiOf(response, "byG")).toMatchObject({ IndexName: "byG", IndexStatus: "DELETING", ItemCount: 5 });
        const described = await tableDescription(table);
        expect(described).not.toHaveProperty("GlobalSecondaryIndexes");
        expect(described.AttributeDefinitions).toEqual([def("pk"), def("sk"), def("lk")]);
        expect(await fails("Scan", { TableName: table, IndexName: "byG" })).toEqual([
          V,
          "The table does not have the specified index: byG",
        ]);
        await until(table, async () => (await audit(table, byG!)).rows[0] === 0);
        expect(await query(table, "SELECT iid FROM dropped_indexes WHERE iid = ?", byG)).toEqual([]);
        // The table's items and its other index are untouched; the name can be used again.
        expect(described.ItemCount).toBe(5);
        await ok("UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
        });
        expect(gsiOf(await untilActive(table, "byG"), "byG")?.ItemCount).toBe(5);
        expect((await indexIds(table)).byG).not.toBe(byG);
      },
    );

    itInOneObject("UpdateTable: deletes an index while it is being backfilled", async () => {
      const table = await createTable();
      await inShard(table, async (call, instance) => {
        seed(call, table, 300);
        okIn(call, "UpdateTable", {
          TableName: table,
          AttributeDefinitions: [def("gk")],
          GlobalSecondaryIndexUpdates: [createGsi()],
        });
        await instance.alarm();
      });
      const { byG } = await indexIds(table);
      // In the same object as the index's creation (the catalogue's home has not seen it).
      const deleted = await inShard(
        table,
        (call) =>
          okIn(call, "UpdateTable", {
            TableName: table,
            GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }],
          }).TableDescription as Json,
      );
      expect(gsiOf(deleted, "byG")?.IndexStatus).toBe("DELETING");
      await until(table, async () => (await audit(table, byG!)).rows[0] === 0);
      const described = await tableDescription(table);
      expect(described).not.toHaveProperty("GlobalSecondaryIndexes");
      expect(described.AttributeDefinitions).toEqual([def("pk"), def("sk")]);
      await ok("DeleteTable", { TableName: table });
    });

    it("UpdateTable: changes an index's provisioned throughput", async () => {
      const table = await createIndexedTable({
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: throughput(1, 1),
        GlobalSecondaryIndexes: [
          { IndexName: "byG", KeySchema: [hash("gk")], Projection: ALL, ProvisionedThroughput: throughput(2, 2) },
        ],
      });
      const response = (
        await ok("UpdateTable", {
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: throughput(3, 4) } }],
        })
      ).TableDescription as Json;
      expect(response.TableStatus).toBe("ACTIVE");
      expect(gsiOf(response, "byG")?.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 3,
        WriteCapacityUnits: 4,
      });
      expect(gsiOf(await tableDescription(table), "byG")?.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 3,
        WriteCapacityUnits: 4,
      });
    });

    it("UpdateTable: carries index throughput across billing mode switches", async () => {
      const table = await createIndexedTable({
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: throughput(1, 1),
        GlobalSecondaryIndexes: [
          { IndexName: "byG", KeySchema: [hash("gk")], Projection: ALL, ProvisionedThroughput: throughput(2, 2) },
        ],
      });
      const onDemand = (await ok("UpdateTable", { TableName: table, BillingMode: "PAY_PER_REQUEST" }))
        .TableDescription as Json;
      expect(gsiOf(onDemand, "byG")?.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 0,
        WriteCapacityUnits: 0,
      });
      const back = (
        await ok("UpdateTable", {
          TableName: table,
          BillingMode: "PROVISIONED",
          ProvisionedThroughput: throughput(5, 5),
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: throughput(6, 7) } }],
        })
      ).TableDescription as Json;
      expect(gsiOf(back, "byG")?.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 6,
        WriteCapacityUnits: 7,
      });
    });
  });
});
