// Schema v8: a table's counters (DescribeTable's ItemCount and TableSizeBytes) follow its
// item rows by SQLite triggers (src/storage/schema.ts). Every kind of write must leave them
// equal to the rows' own count and total size, and a shard migrated from v7 must gain the
// triggers and keep its counters right from then on.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
import { migrate, SCHEMA_VERSION } from "../../src/storage/schema";
import { Sql } from "../../src/storage/sql";
import { itInOneObject } from "../support/doors";
import { query, tableShard, tableTid } from "../support/tables";
import { createHashRangeTable, ok, uniqueName } from "../support/wire";

const S = (s: string) => ({ S: s });

/** [DescribeTable's counters, the rows' own count and total size]. */
async function countersAndRows(table: string): Promise<[unknown[], unknown[]]> {
  const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
  const [row] = await query<{ n: number; bytes: number }>(
    table,
    "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM items WHERE tid = ?",
    await tableTid(table),
  );
  return [
    [described.ItemCount, described.TableSizeBytes],
    [row?.n, row?.bytes],
  ];
}

/** One write of each kind, each changing the count or the size; checks the counters after each. */
async function writeEveryWay(table: string, itemsBefore: number): Promise<void> {
  const key = (pk: string, sk: string) => ({ pk: S(pk), sk: S(sk) });
  const steps: [string, Record<string, unknown>][] = [
    ["PutItem", { Item: { ...key("a", "1"), v: S("new") } }],
    ["PutItem", { Item: { ...key("a", "1"), v: S("overwritten, longer") } }],
    ["PutItem", { Item: { ...key("a", "1"), v: S("short") }, ReturnValues: "ALL_OLD" }],
    ["PutItem", { Item: { ...key("a", "2"), v: S("second") }, ConditionExpression: "attribute_not_exists(pk)" }],
    [
      "UpdateItem",
      { Key: key("a", "2"), UpdateExpression: "SET w = :w", ExpressionAttributeValues: { ":w": S("grown") } },
    ],
    ["UpdateItem", { Key: key("a", "2"), UpdateExpression: "REMOVE v", ReturnValues: "ALL_NEW" }],
    [
      "UpdateItem",
      { Key: key("a", "3"), UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": S("made") } },
    ],
    ["DeleteItem", { Key: key("a", "3") }],
    ["DeleteItem", { Key: key("absent", "0") }],
  ];
  for (const [operation, input] of steps) {
    await ok(operation, { TableName: table, ...input });
    const [counters, rows] = await countersAndRows(table);
    expect(counters, `${operation} ${JSON.stringify(input)}`).toEqual(rows);
  }
  await ok("BatchWriteItem", {
    RequestItems: {
      [table]: [
        { PutRequest: { Item: { ...key("b", "1"), v: S("batch") } } },
        { PutRequest: { Item: { ...key("a", "1"), v: S("batch overwrite") } } },
        { DeleteRequest: { Key: key("a", "2") } },
      ],
    },
  });
  await ok("TransactWriteItems", {
    TransactItems: [
      { Put: { TableName: table, Item: { ...key("c", "1"), v: S("txn") } } },
      { Delete: { TableName: table, Key: key("b", "1") } },
      {
        Update: {
          TableName: table,
          Key: key("a", "1"),
          UpdateExpression: "SET v = :v",
          ExpressionAttributeValues: { ":v": S("t") },
        },
      },
    ],
  });
  const [counters, rows] = await countersAndRows(table);
  expect(counters).toEqual(rows);
  expect(rows[0]).toBe(itemsBefore + 2); // a/1 and c/1 are left
}

describe("schema v8: table counters kept by triggers", () => {
  itInOneObject("every kind of write leaves the counters equal to the rows' count and size", async () => {
    const table = uniqueName("counted");
    await createHashRangeTable(table);
    await writeEveryWay(table, 0);
  });

  itInOneObject("a v7 shard gains the triggers on migration and its counters stay right", async () => {
    const table = uniqueName("counted");
    await createHashRangeTable(table);
    await ok("PutItem", { TableName: table, Item: { pk: S("seed"), sk: S("0"), v: S("before the migration") } });
    const migrated = await runInDurableObject(await tableShard(table), (_instance, state) => {
      const sql = state.storage.sql;
      const triggers = () =>
        sql
          .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
          .toArray()
          .map((row) => row.name);
      // Back to what version 7 had: no triggers, schema_version 7.
      for (const name of triggers()) sql.exec(`DROP TRIGGER ${name}`);
      sql.exec("UPDATE _meta SET value = '7' WHERE key = 'schema_version'");
      const before = triggers();
      migrate(new Sql(state.storage));
      return {
        before,
        after: triggers(),
        version: sql.exec<{ value: string }>("SELECT value FROM _meta WHERE key = 'schema_version'").one().value,
      };
    });
    expect(migrated).toEqual({
      before: [],
      after: ["items_counted_delete", "items_counted_insert", "items_counted_resize"],
      version: String(SCHEMA_VERSION),
    });
    const [counters, rows] = await countersAndRows(table);
    expect(counters).toEqual(rows);
    await writeEveryWay(table, 1);
  });
});
