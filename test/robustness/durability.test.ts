// Durability and atomicity of writes: acknowledged writes survive the eviction of the
// shard Durable Object (its instance torn down, only SQLite kept), and a request that
// throws in the middle of its writes (a fault injected into the item store,
// test/support/write-faults.ts) leaves nothing of itself behind: not an item row, not a table
// counter, not an index entry, before or after an eviction.
import { evictDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { tableShard } from "../support/tables";
import { ok, uniqueName, wire } from "../support/wire";
import { armShardFault, faultFired, snapshot, storedState, type Item } from "./support";

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });

/** A hash+range table with a GSI on `g`, so index rows must roll back with the item rows. */
async function createTable(name: string): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
}

/** Items, table counters and GSI entries: everything a write changes. */
async function state(table: string): Promise<{ items: string[]; count: unknown; bytes: unknown; index: number }> {
  const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
  const index = await ok("Scan", { TableName: table, IndexName: "byG", Select: "COUNT" });
  return {
    items: await snapshot(table),
    count: described.ItemCount,
    bytes: described.TableSizeBytes,
    index: index.Count as number,
  };
}

function item(pk: string, sk: string, extra: Item = {}): Item {
  return { pk: S(pk), sk: S(sk), g: S(`g-${pk}`), n: N("1"), ...extra };
}

let table: string;

beforeEach(async () => {
  table = uniqueName("durable");
  await createTable(table);
  for (const sk of ["1", "2", "3"]) await ok("PutItem", { TableName: table, Item: item("seed", sk) });
});

describe("acknowledged writes survive eviction", () => {
  it("Durability: every write acknowledged by any operation is there after the shard is evicted", async () => {
    await ok("PutItem", { TableName: table, Item: item("a", "1") });
    await ok("UpdateItem", {
      TableName: table,
      Key: { pk: S("a"), sk: S("2") },
      UpdateExpression: "SET g = :g ADD n :one",
      ExpressionAttributeValues: { ":g": S("g-a"), ":one": N("1") },
    });
    await ok("DeleteItem", { TableName: table, Key: { pk: S("seed"), sk: S("1") } });
    await ok("BatchWriteItem", {
      RequestItems: {
        [table]: [
          { PutRequest: { Item: item("b", "1") } },
          { PutRequest: { Item: item("b", "2") } },
          { DeleteRequest: { Key: { pk: S("seed"), sk: S("2") } } },
        ],
      },
    });
    await ok("TransactWriteItems", {
      TransactItems: [
        { Put: { TableName: table, Item: item("c", "1") } },
        {
          Update: {
            TableName: table,
            Key: { pk: S("a"), sk: S("1") },
            UpdateExpression: "SET n = n + :one",
            ExpressionAttributeValues: { ":one": N("1") },
          },
        },
        { Delete: { TableName: table, Key: { pk: S("seed"), sk: S("3") } } },
      ],
    });
    const before = await state(table);
    expect(before.items).toHaveLength(5);
    expect(before.count).toBe(5);
    expect(before.index).toBe(5);
    await evictDurableObject(await tableShard(table));
    expect(await state(table)).toEqual(before);
    const got = await ok("GetItem", { TableName: table, Key: { pk: S("a"), sk: S("1") }, ConsistentRead: true });
    expect(got.Item).toEqual(item("a", "1", { n: N("2") }));
  });

  it("Durability: writes racing an eviction are either acknowledged and kept, or refused and absent", async () => {
    const object = await tableShard(table);
    const puts = Array.from({ length: 20 }, (_, i) =>
      wire("PutItem", { TableName: table, Item: item("race", String(i)) }),
    );
    const evicted = evictDurableObject(object).catch(() => undefined); // may find it idle
    const replies = await Promise.all(puts);
    await evicted;
    const items = await snapshot(table);
    replies.forEach((reply, i) => {
      const stored = items.some((text) => text.includes(`"race"`) && text.includes(`"sk":{"S":"${i}"}`));
      if (reply.status === 200) expect(stored, `acknowledged put ${i}`).toBe(true);
    });
    const acknowledged = replies.filter((r) => r.status === 200).length;
    console.log(`durability: ${acknowledged}/20 puts acknowledged while evicting, all kept`);
  });
});

describe("a fault mid-request leaves no partial writes", () => {
  interface Case {
    name: string;
    step: "before-row" | "after-row";
    skip: number;
    operation: string;
    input: () => Record<string, unknown>;
  }
  const cases: Case[] = [
    {
      name: "PutItem, before its row",
      step: "before-row",
      skip: 0,
      operation: "PutItem",
      input: () => ({ TableName: table, Item: item("x", "1") }),
    },
    {
      name: "PutItem over an item, after its row",
      step: "after-row",
      skip: 0,
      operation: "PutItem",
      input: () => ({ TableName: table, Item: item("seed", "1", { n: N("9") }) }),
    },
    {
      name: "UpdateItem, after its row",
      step: "after-row",
      skip: 0,
      operation: "UpdateItem",
      input: () => ({
        TableName: table,
        Key: { pk: S("seed"), sk: S("2") },
        UpdateExpression: "SET g = :g REMOVE n",
        ExpressionAttributeValues: { ":g": S("moved") },
      }),
    },
    {
      name: "DeleteItem, after its row",
      step: "after-row",
      skip: 0,
      operation: "DeleteItem",
      input: () => ({ TableName: table, Key: { pk: S("seed"), sk: S("3") } }),
    },
    {
      name: "BatchWriteItem, after its third of five rows",
      step: "after-row",
      skip: 2,
      operation: "BatchWriteItem",
      input: () => ({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: item("b", "1") } },
            { DeleteRequest: { Key: { pk: S("seed"), sk: S("1") } } },
            { PutRequest: { Item: item("b", "3") } },
            { PutRequest: { Item: item("b", "4") } },
            { PutRequest: { Item: item("seed", "2", { n: N("7") }) } },
          ],
        },
      }),
    },
    {
      name: "BatchWriteItem, before its last row",
      step: "before-row",
      skip: 2,
      operation: "BatchWriteItem",
      input: () => ({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: item("b", "1") } },
            { PutRequest: { Item: item("b", "2") } },
            { DeleteRequest: { Key: { pk: S("seed"), sk: S("3") } } },
          ],
        },
      }),
    },
    {
      name: "TransactWriteItems, after its third of four rows",
      step: "after-row",
      skip: 2,
      operation: "TransactWriteItems",
      input: () => ({
        TransactItems: [
          { Put: { TableName: table, Item: item("t", "1") } },
          {
            Update: {
              TableName: table,
              Key: { pk: S("seed"), sk: S("1") },
              UpdateExpression: "ADD n :one",
              ExpressionAttributeValues: { ":one": N("1") },
            },
          },
          { Delete: { TableName: table, Key: { pk: S("seed"), sk: S("2") } } },
          { Put: { TableName: table, Item: item("t", "2") } },
        ],
      }),
    },
  ];

  for (const c of cases) {
    it(`Atomicity: ${c.name} throws, and nothing of it is applied, before or after eviction`, async () => {
      const before = await state(table);
      const stored = await storedState(); // every row of every SQLite table
      await armShardFault(table, c.step, c.skip);
      const reply = await wire(c.operation, c.input());
      expect(faultFired()).toBe(true);
      expect(reply.status).toBe(500);
      expect(reply.body.__type).toBe("com.amazonaws.dynamodb.v20120810#InternalServerError");
      expect(await state(table)).toEqual(before);
      expect(await storedState()).toEqual(stored);
      await evictDurableObject(await tableShard(table));
      expect(await state(table)).toEqual(before);
      expect(await storedState()).toEqual(stored);
      // Nothing stays locked or half-done: the same request now succeeds in full.
      const retried = await wire(c.operation, c.input());
      expect(retried.status).toBe(200);
      expect(await state(table)).not.toEqual(before);
    });
  }
});
