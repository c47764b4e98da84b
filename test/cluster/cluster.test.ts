// One table split over 4 Durable Objects of its own by partition-key hash, through the SDK
// client (src/cluster/router.ts): every partition's object holds the definition, items land
// on the partition of their key, reads and scans see every item exactly once in global
// hash order; the catalogue's home (shard 0) defines the table and holds none of it.
import { runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { objectName } from "../../src/cluster/placement";
import { equalPartitions, partitionOfHash, sharedObject, tablePartitions } from "../../src/schema/partition-map";
import { partitionMapOf } from "../../src/schema/table-def";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  ScanCommand,
  TagResourceCommand,
  ListTagsOfResourceCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  paginateScan,
} from "../../src/index";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";
import type { TableDef } from "../../src/schema/table-def";

const env = workerEnv as unknown as Env;
const SHARDS = 4;

const HOME = sharedObject(0);

function stubOf(tenant: string, object: string): DurableObjectStub {
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(objectName(tenant, object)));
}

async function defOn(tenant: string, object: string, table: string): Promise<TableDef | undefined> {
  return runInDurableObject(stubOf(tenant, object), (_i, state) => {
    const row = state.storage.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).toArray()[0];
    return row ? (JSON.parse(row.def) as TableDef) : undefined;
  });
}

/** The objects of the table's partitions, in hash order, as the catalogue's home maps them. */
async function objectsOf(tenant: string, table: string): Promise<string[]> {
  const def = await defOn(tenant, HOME, table);
  if (!def) throw new Error(`no table ${table}`);
  return partitionMapOf(def).partitions.map((entry) => entry.object);
}

/** Live item rows of `table` in `object`, with their partition key hash prefixes. */
async function rowsOn(tenant: string, object: string, table: string): Promise<number[]> {
  return runInDurableObject(stubOf(tenant, object), (_i, state) => {
    const sql = state.storage.sql;
    const row = sql.exec<{ tid: number }>("SELECT tid FROM tables WHERE name = ?", table).toArray()[0];
    if (!row) return [];
    return sql
      .exec<{ pk: ArrayBuffer }>("SELECT pk FROM items WHERE tid = ? ORDER BY pk, sk", row.tid)
      .toArray()
      .map((r) => new DataView(r.pk).getUint32(0));
  });
}

function shardOfKey(pk: string): number {
  return partitionOfHash(equalPartitions(SHARDS), partitionHash(encodeKey("S", pk)));
}

function hashOf(pk: string): number {
  return partitionHash(encodeKey("S", pk));
}

async function setup(): Promise<{ client: DynamoDBClient; tenant: string; table: string }> {
  const tenant = uniqueName("cluster");
  const table = uniqueName("sharded");
  const client = new DynamoDBClient({ shards: SHARDS, tenant });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
        { AttributeName: "g", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byG",
          KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return { client, tenant, table };
}

async function put200(client: DynamoDBClient, table: string): Promise<void> {
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 100; i++) {
    for (const sk of [1, 2]) {
      writes.push(
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: `p${i}` }, sk: { N: String(sk) }, v: { N: String(i) } },
          }),
        ),
      );
    }
  }
  await Promise.all(writes);
}

/** The (pk, sk) pairs in the order a full Scan must return them: by partition hash, then sk. */
function expectedOrder(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < 100; i++) keys.push(`p${i}`);
  keys.sort((a, b) => hashOf(a) - hashOf(b));
  return keys.flatMap((pk) => [`${pk}/1`, `${pk}/2`]);
}

function keysOf(items: Record<string, { S?: string; N?: string }>[] | undefined): string[] {
  return (items ?? []).map((item) => `${item.pk?.S}/${item.sk?.N}`);
}

describe("sharded cluster (4 shards)", () => {
  it("creates the table in objects of its own and spreads items by partition hash", async () => {
    const { client, tenant, table } = await setup();
    const home = await defOn(tenant, HOME, table);
    const tableId = home?.tableId as string;
    expect(home?.partitions).toEqual(tablePartitions(tableId, SHARDS));
    const objects = await objectsOf(tenant, table);
    expect(new Set(objects).size).toBe(SHARDS);
    expect(objects).not.toContain(HOME);
    const defs = await Promise.all(objects.map((object) => defOn(tenant, object, table)));
    for (const def of defs) {
      expect(def).toMatchObject({ name: table, tableId, partitions: tablePartitions(tableId, SHARDS) });
      expect(def?.indexes?.map((i) => [i.name, i.status])).toEqual([["byG", "ACTIVE"]]);
    }

    await put200(client, table);
    expect(await rowsOn(tenant, HOME, table)).toEqual([]);
    let total = 0;
    for (let k = 0; k < SHARDS; k++) {
      const hashes = await rowsOn(tenant, objects[k] as string, table);
      expect(hashes.length).toBeGreaterThan(0);
      for (const h of hashes) expect(partitionOfHash(equalPartitions(SHARDS), h)).toBe(k);
      total += hashes.length;
    }
    expect(total).toBe(200);

    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.ItemCount).toBe(200);
    expect(described.Table?.TableSizeBytes).toBeGreaterThan(0);
    expect(described.Table?.GlobalSecondaryIndexes?.[0]?.ItemCount).toBe(0);
  });

  it("routes GetItem, UpdateItem, DeleteItem and Query to the key's shard", async () => {
    const { client, tenant, table } = await setup();
    await put200(client, table);
    const key = { pk: { S: "p42" }, sk: { N: "2" } };
    const got = await client.send(new GetItemCommand({ TableName: table, Key: key }));
    expect(got.Item?.v).toEqual({ N: "42" });

    const updated = await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: "SET v = v + :one",
        ExpressionAttributeValues: { ":one": { N: "1" } },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(updated.Attributes?.v).toEqual({ N: "43" });

    const queried = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "p42" } },
      }),
    );
    expect(keysOf(queried.Items as never)).toEqual(["p42/1", "p42/2"]);
    expect(queried.Items?.[1]?.v).toEqual({ N: "43" });

    const legacy = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "p7" }] } },
      }),
    );
    expect(keysOf(legacy.Items as never)).toEqual(["p7/1", "p7/2"]);

    await client.send(new DeleteItemCommand({ TableName: table, Key: key }));
    expect((await client.send(new GetItemCommand({ TableName: table, Key: key }))).Item).toBeUndefined();
    const shard = shardOfKey("p42");
    const onShard = await rowsOn(tenant, (await objectsOf(tenant, table))[shard] as string, table);
    expect(onShard.filter((h) => h === hashOf("p42"))).toHaveLength(1);
  });

  it("scans every item exactly once in global hash order, whole and paginated", async () => {
    const { client, table } = await setup();
    await put200(client, table);
    const expected = expectedOrder();

    const whole = await client.send(new ScanCommand({ TableName: table }));
    expect(whole.LastEvaluatedKey).toBeUndefined();
    expect(whole.Count).toBe(200);
    expect(keysOf(whole.Items as never)).toEqual(expected);

    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateScan({ client, pageSize: 7 }, { TableName: table })) {
      pages++;
      expect(page.ScannedCount).toBeLessThanOrEqual(7);
      paged.push(...keysOf(page.Items as never));
    }
    expect(paged).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(200 / 7));

    // Limit spanning a shard boundary: the page continues into the next shard.
    const counted = await client.send(new ScanCommand({ TableName: table, Select: "COUNT" }));
    expect(counted.Count).toBe(200);
    expect(counted.Items).toBeUndefined();
  });

  it("runs parallel scan segments over the shards they cover", async () => {
    const { client, table } = await setup();
    await put200(client, table);
    for (const total of [1, 3, 4, 8]) {
      const seen: string[] = [];
      for (let segment = 0; segment < total; segment++) {
        let start: Record<string, never> | undefined;
        do {
          const page = await client.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: total,
              Limit: 11,
              ExclusiveStartKey: start,
            }),
          );
          seen.push(...keysOf(page.Items as never));
          start = page.LastEvaluatedKey as never;
        } while (start);
      }
      expect(seen).toEqual(expectedOrder());
    }
  });

  it("splits BatchWriteItem and BatchGetItem across shards", async () => {
    const { client, tenant, table } = await setup();
    const puts = Array.from({ length: 25 }, (_, i) => ({
      PutRequest: { Item: { pk: { S: `b${i}` }, sk: { N: "0" }, n: { N: String(i) } } },
    }));
    const written = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts } }));
    expect(written.UnprocessedItems).toEqual({});
    const shardsUsed = new Set(puts.map((p) => shardOfKey(p.PutRequest.Item.pk.S)));
    expect(shardsUsed.size).toBeGreaterThan(1);
    let total = 0;
    for (const object of await objectsOf(tenant, table)) total += (await rowsOn(tenant, object, table)).length;
    expect(total).toBe(25);

    const got = await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [table]: { Keys: Array.from({ length: 25 }, (_, i) => ({ pk: { S: `b${i}` }, sk: { N: "0" } })) },
        },
      }),
    );
    expect(got.UnprocessedKeys).toEqual({});
    const values = (got.Responses?.[table] ?? []).map((item) => Number(item.n?.N)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const deletes = puts.map((p) => ({ DeleteRequest: { Key: { pk: p.PutRequest.Item.pk, sk: { N: "0" } } } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: deletes } }));
    const after = await client.send(new ScanCommand({ TableName: table }));
    expect(after.Count).toBe(0);
  });

  it("runs single-shard and cross-shard transactions", async () => {
    const { client, table } = await setup();
    // Two sort keys of one partition: one shard.
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: "t" }, sk: { N: "1" } } } },
          { Put: { TableName: table, Item: { pk: { S: "t" }, sk: { N: "2" } } } },
        ],
      }),
    );
    const q = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "t" } },
      }),
    );
    expect(q.Count).toBe(2);

    // Two partitions on different shards.
    let other = 0;
    while (shardOfKey(`x${other}`) === shardOfKey("t")) other++;
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: { S: "t" }, sk: { N: "3" } } } },
          { Put: { TableName: table, Item: { pk: { S: `x${other}` }, sk: { N: "3" } } } },
        ],
      }),
    );
    const both = await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [table]: {
            Keys: [
              { pk: { S: "t" }, sk: { N: "3" } },
              { pk: { S: `x${other}` }, sk: { N: "3" } },
            ],
          },
        },
      }),
    );
    expect(both.Responses?.[table]?.length).toBe(2);
  });

  it("reads a GSI of a multi-shard table from every shard", async () => {
    const { client, table } = await setup();
    for (let i = 0; i < 8; i++) {
      await client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: `g${i}` }, sk: { N: "1" }, g: { S: "x" } } }),
      );
    }
    const q = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": { S: "x" } },
      }),
    );
    expect(q.Count).toBe(8);
    const s = await client.send(new ScanCommand({ TableName: table, IndexName: "byG" }));
    expect(s.Count).toBe(8);
  });

  it("broadcasts UpdateTable and tags, and repairs a shard that missed the definition", async () => {
    const { client, tenant, table } = await setup();
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: "byH",
              KeySchema: [{ AttributeName: "h", KeyType: "HASH" }],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          },
        ],
      }),
    );
    const objects = await objectsOf(tenant, table);
    for (const object of objects) {
      const def = await defOn(tenant, object, table);
      expect(def?.indexes?.map((i) => i.name)).toEqual(["byG", "byH"]);
    }
    const arn = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableArn as string;
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "core" }] }));
    expect((await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: "team", Value: "core" },
    ]);
    for (const object of objects) expect((await defOn(tenant, object, table))?.tags).toEqual({ team: "core" });

    // Partition 2's object loses its copy (as if it had missed the CreateTable broadcast).
    const third = objects[2] as string;
    await runInDurableObject(stubOf(tenant, third), (instance) => {
      (instance as unknown as { applyTable(n: string, d: null): void }).applyTable(table, null);
    });
    expect(await defOn(tenant, third, table)).toBeUndefined();
    let pk = 0;
    while (shardOfKey(`r${pk}`) !== 2) pk++;
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `r${pk}` }, sk: { N: "1" } } }));
    expect(await defOn(tenant, third, table)).toMatchObject({ name: table });
    expect(await rowsOn(tenant, third, table)).toHaveLength(1);
  });

  it("deletes the table from every object", async () => {
    const { client, tenant, table } = await setup();
    await put200(client, table);
    const objects = await objectsOf(tenant, table);
    await client.send(new DeleteTableCommand({ TableName: table }));
    for (const object of [HOME, ...objects]) expect(await defOn(tenant, object, table)).toBeUndefined();
    await expect(
      client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "p1" }, sk: { N: "1" } } })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("notices a table recreated behind its cache (TableId check)", async () => {
    const { client, tenant, table } = await setup();
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" } } }));
    // Another isolate (whose router this client's cache never hears of) drops the table
    // and recreates it with one shard: straight to the shards, bypassing this router.
    const meta = { region: "us-east-1", host: "test" };
    const shard0 = stubOf(tenant, HOME) as unknown as {
      handle(operation: string, body: string, meta: unknown): Promise<{ status: number; body: string }>;
    };
    const objects = await objectsOf(tenant, table);
    expect((await shard0.handle("DeleteTable", JSON.stringify({ TableName: table }), meta)).status).toBe(200);
    for (const object of objects) {
      await runInDurableObject(stubOf(tenant, object), (instance) => {
        (instance as unknown as { applyTable(n: string, d: null): void }).applyTable(table, null);
      });
    }
    const created = await shard0.handle(
      "CreateTable",
      JSON.stringify({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
      meta,
    );
    expect(created.status).toBe(200);
    // Recreated in the home alone (not through a router). Keys the stale cache (4 partitions)
    // sends to partition 0's object and to another one.
    let onZero = 0;
    while (shardOfKey(`z${onZero}`) !== 0) onZero++;
    let elsewhere = 0;
    while (shardOfKey(`e${elsewhere}`) === 0) elsewhere++;
    for (const pk of [`z${onZero}`, `e${elsewhere}`]) {
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: "1" } } }));
    }
    expect(await rowsOn(tenant, HOME, table)).toHaveLength(2);
    expect((await defOn(tenant, HOME, table))?.partitions).toEqual(equalPartitions(1));
  });
});

describe("tables with one partition", () => {
  it("live in one object of their own, without a shard count", async () => {
    const tenant = uniqueName("single");
    const table = uniqueName("one");
    const client = new DynamoDBClient({ tenant });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (let i = 0; i < 20; i++) {
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }));
    }
    const home = await defOn(tenant, HOME, table);
    expect(home?.partitions).toEqual(tablePartitions(home?.tableId as string, 1));
    const [object] = await objectsOf(tenant, table);
    expect(await rowsOn(tenant, object as string, table)).toHaveLength(20);
    expect(await rowsOn(tenant, HOME, table)).toEqual([]);
    expect(await defOn(tenant, sharedObject(1), table)).toBeUndefined();
  });
});
