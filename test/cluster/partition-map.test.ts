// Partition maps (src/schema/partition-map.ts): a table created over N partitions records
// its map in the catalogue, and a definition written before maps existed (`shards: N`,
// data spread over the shared shards) keeps working with its data where it is.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { objectName, shardName } from "../../src/cluster/placement";
import { Router } from "../../src/cluster/router";
import type { ShardNamespace } from "../../src/protocol/shard-rpc";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { equalPartitions, partitionOfHash, type PartitionMap } from "../../src/schema/partition-map";
import { partitionMapOf, type TableDef } from "../../src/schema/table-def";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "../../src/index";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";

const env = workerEnv as unknown as Env;
const PARTITIONS = 3;

function stubOf(tenant: string, k: number): DurableObjectStub {
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(shardName(tenant, k)));
}

function objectStub(tenant: string, object: string): DurableObjectStub {
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(objectName(tenant, object)));
}

type Handler = { handle(operation: string, body: string, meta: unknown): Promise<{ status: number; body: string }> };

/**
 * A table over the tenant's shared shards 0..PARTITIONS-1, as tables were placed before they
 * had objects of their own: created straight on the home, as another isolate would (no
 * router here caches it), each shard given its copy of the definition.
 */
async function createSharedTable(tenant: string, table: string): Promise<TableDef> {
  const body = JSON.stringify({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const meta = { region: "us-east-1", host: "test", cluster: { createShards: PARTITIONS } };
  expect((await (stubOf(tenant, 0) as unknown as Handler).handle("CreateTable", body, meta)).status).toBe(200);
  const def = await runInDurableObject(stubOf(tenant, 0), (instance) =>
    (instance as unknown as { tableInfo(n: string): TableDef }).tableInfo(table),
  );
  for (let k = 1; k < PARTITIONS; k++) {
    await runInDurableObject(stubOf(tenant, k), (instance) => {
      (instance as unknown as { applyTable(n: string, d: unknown): void }).applyTable(table, def);
    });
  }
  return def;
}

/** A table keyed by the string attribute pk, on demand. */
async function createTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

/**
 * A table over PARTITIONS partitions of a tenant of its own, written to once through a
 * client (whose router now holds its definition, map version 1), and that definition.
 */
async function cachedTable(
  prefix: string,
): Promise<{ tenant: string; table: string; client: DynamoDBClient; def: TableDef }> {
  const tenant = uniqueName(prefix);
  const table = uniqueName("t");
  const client = new DynamoDBClient({ shards: PARTITIONS, tenant });
  await createTable(client, table);
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" } } }));
  const def = await runInDurableObject(stubOf(tenant, 0), (instance) =>
    (instance as unknown as { tableInfo(n: string): TableDef }).tableInfo(table),
  );
  return { tenant, table, client, def };
}

/** Rewrites the table's stored definition on shard k as it was written before partition maps. */
async function writeLegacyDefinition(tenant: string, k: number, table: string): Promise<void> {
  await runInDurableObject(stubOf(tenant, k), (_i, state) => {
    const sql = state.storage.sql;
    const row = sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one();
    const def = JSON.parse(row.def) as Record<string, unknown>;
    delete def.partitions;
    def.shards = PARTITIONS;
    sql.exec("UPDATE tables SET def = ? WHERE name = ?", JSON.stringify(def), table);
  });
}

/** Sets the map version of the table's stored definition in `object` (shard k by its number). */
async function setMapVersion(tenant: string, object: number | string, table: string, version: number): Promise<void> {
  const stub = typeof object === "number" ? stubOf(tenant, object) : objectStub(tenant, object);
  await runInDurableObject(stub, (_i, state) => {
    const sql = state.storage.sql;
    const def = JSON.parse(sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one().def) as {
      partitions: PartitionMap;
    };
    def.partitions.version = version;
    sql.exec("UPDATE tables SET def = ? WHERE name = ?", JSON.stringify(def), table);
  });
}

async function mapVersionOn(tenant: string, k: number, table: string): Promise<number> {
  return runInDurableObject(stubOf(tenant, k), (_i, state) => {
    const row = state.storage.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one();
    return (JSON.parse(row.def) as { partitions: PartitionMap }).partitions.version;
  });
}

/** The partition-key hashes (the stored keys' prefixes) of the items stored on shard k. */
async function hashesOn(tenant: string, k: number): Promise<number[]> {
  return runInDurableObject(stubOf(tenant, k), (_i, state) =>
    state.storage.sql
      .exec<{ pk: ArrayBuffer }>("SELECT pk FROM items")
      .toArray()
      .map((r) => new DataView(r.pk).getUint32(0)),
  );
}

describe("partition maps", () => {
  it("Cluster: a table from before partition maps is served with its data in place", async () => {
    const tenant = uniqueName("legacy");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ shards: PARTITIONS, tenant });
    await createSharedTable(tenant, table);
    const before = Array.from({ length: 30 }, (_, i) => `old${i}`);
    for (const pk of before) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    for (let k = 0; k < PARTITIONS; k++) await writeLegacyDefinition(tenant, k, table);
    await abortAllDurableObjects(); // the shards wake on the old definition

    const after = Array.from({ length: 30 }, (_, i) => `new${i}`);
    for (const pk of after) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    for (const pk of [...before, ...after]) {
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }));
      expect(got.Item, pk).toEqual({ pk: { S: pk } });
    }
    const scanned = await client.send(new ScanCommand({ TableName: table }));
    expect(scanned.Items?.map((i) => i.pk?.S).sort()).toEqual([...before, ...after].sort());
    // Every item on the shard its hash names: the old ones never moved, the new ones went there too.
    const all: number[] = [];
    for (let k = 0; k < PARTITIONS; k++) {
      const stored = await hashesOn(tenant, k);
      expect(stored.length).toBeGreaterThan(0);
      for (const hash of stored) expect(partitionOfHash(equalPartitions(PARTITIONS), hash)).toBe(k);
      all.push(...stored);
    }
    const expected = [...before, ...after].map((pk) => partitionHash(encodeKey("S", pk)));
    expect(all.sort()).toEqual(expected.sort());
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.ItemCount).toBe(60);
  });

  it("Cluster: a router placing by an older map version is refused by the partition, refreshes and retries", async () => {
    const { tenant, table, client, def } = await cachedTable("mapv");
    const map = partitionMapOf(def);
    await setMapVersion(tenant, 0, table, 2); // the catalogue's home
    for (const { object } of map.partitions) await setMapVersion(tenant, object, table, 2);
    await abortAllDurableObjects();

    const tableId = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableId;
    const partition = objectStub(
      tenant,
      map.partitions[partitionOfHash(map, partitionHash(encodeKey("S", "a")))]?.object as string,
    ) as unknown as Handler;
    const get = JSON.stringify({ TableName: table, Key: { pk: { S: "a" } } });
    const meta = (version: number) => ({
      region: "us-east-1",
      host: "test",
      cluster: { expect: { [table]: { tableId, mapVersion: version } } },
    });
    const stale = await partition.handle("GetItem", get, meta(1));
    expect([stale.status, JSON.parse(stale.body).__type]).toEqual([
      400,
      "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
    ]);
    expect((await partition.handle("GetItem", get, meta(2))).status).toBe(200);

    // The client's router still holds version 1: its requests are refused, then retried on version 2.
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const pk of keys) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    for (const pk of ["a", ...keys]) {
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }));
      expect(got.Item, pk).toEqual({ pk: { S: pk } });
    }
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.ItemCount).toBe(21);
  });

  it("Cluster: a map published again while the router rereads it is followed to its newest version", async () => {
    const { tenant, table, def } = await cachedTable("mapm");
    type Applier = { applyTable(n: string, d: TableDef): Promise<void> };
    // A split publishing: the home's definition first, then every partition's.
    const publish = async (version: number) => {
      const next = { ...def, partitions: { ...partitionMapOf(def), version } };
      await (stubOf(tenant, 0) as unknown as Applier).applyTable(table, next);
      for (const { object } of partitionMapOf(def).partitions) {
        await (objectStub(tenant, object) as unknown as Applier).applyTable(table, next);
      }
    };
    await publish(2);
    // Each time the router rereads the definition, the next version is published right after
    // the home answered (up to version 5): three changes within one request.
    let version = 2;
    const home = env.DYNAMODB.idFromName(shardName(tenant, 0));
    const namespace = {
      idFromName: (name: string) => env.DYNAMODB.idFromName(name),
      get(id: DurableObjectId) {
        const stub = env.DYNAMODB.get(id);
        if (!id.equals(home)) return stub;
        return new Proxy(stub, {
          get(target, property) {
            if (property === "tableInfo") {
              return async (name: string) => {
                const got = await (target as unknown as { tableInfo(n: string): Promise<TableDef> }).tableInfo(name);
                if (version < 5) await publish(++version);
                return got;
              };
            }
            const value = Reflect.get(target, property) as unknown;
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
      },
    } as unknown as ShardNamespace;
    const router = new Router(() => namespace, tenant, PARTITIONS);
    const reply = await router.deliver("GetItem", JSON.stringify({ TableName: table, Key: { pk: { S: "a" } } }), {
      region: "us-east-1",
      host: "test",
    });
    expect(reply).toEqual({ status: 200, body: JSON.stringify({ Item: { pk: { S: "a" } } }) });
    expect(version).toBe(5);
  });

  it("Cluster: a partition keeps its newer map when an older definition of the table reaches it late", async () => {
    const { tenant, table, def } = await cachedTable("mapo");
    type Applier = { applyTable(n: string, d: TableDef): Promise<void> };
    const { object } = partitionMapOf(def).partitions[1] as { object: string };
    const partition = objectStub(tenant, object) as unknown as Applier;
    const versionHere = () =>
      runInDurableObject(objectStub(tenant, object), (_i, state) => {
        const row = state.storage.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one();
        return (JSON.parse(row.def) as { partitions: PartitionMap }).partitions.version;
      });
    const withVersion = (version: number): TableDef => ({ ...def, partitions: { ...partitionMapOf(def), version } });
    await partition.applyTable(table, withVersion(3));
    expect(await versionHere()).toBe(3);
    // A router's repair from a definition it read at version 2, arriving after the split's.
    await partition.applyTable(table, withVersion(2));
    expect(await versionHere()).toBe(3);
    await partition.applyTable(table, withVersion(4));
    expect(await versionHere()).toBe(4);
  });

  it("Cluster: a partition that missed a map change is repaired from the catalogue on first use", async () => {
    const tenant = uniqueName("mapr");
    const table = uniqueName("t");
    await createSharedTable(tenant, table);
    // The catalogue moves to version 2; partitions 1 and 2 never hear of it.
    await setMapVersion(tenant, 0, table, 2);
    await abortAllDurableObjects();

    const client = new DynamoDBClient({ shards: PARTITIONS, tenant });
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const pk of keys) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    const scanned = await client.send(new ScanCommand({ TableName: table }));
    expect(scanned.Items?.map((i) => i.pk?.S).sort()).toEqual([...keys].sort());
    for (let k = 0; k < PARTITIONS; k++) expect(await mapVersionOn(tenant, k, table)).toBe(2);
  });

  it("Cluster: listPartitions reports each partition's range, items and size, and the map version", async () => {
    const tenant = uniqueName("list");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ shards: PARTITIONS, tenant });
    await createTable(client, table);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (const pk of keys) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    const list = await client.listPartitions(table);
    const counts = new Array<number>(PARTITIONS).fill(0);
    for (const pk of keys)
      counts[partitionOfHash(equalPartitions(PARTITIONS), partitionHash(encodeKey("S", pk)))]! += 1;
    const ranges = equalPartitions(PARTITIONS).partitions.map((p, k, all) => [p.low, all[k + 1]?.low ?? 2 ** 32]);
    expect([list.table, list.version, list.itemCount]).toEqual([table, 1, 40]);
    expect(list.partitions.map((p) => [p.HashStart, p.HashEnd, p.ItemCount])).toEqual(
      ranges.map(([low, high], k) => [low, high, counts[k]]),
    );
    expect(list.partitions.reduce((sum, p) => sum + p.TableSizeBytes, 0)).toBe(list.sizeBytes);

    const single = uniqueName("one");
    const one = new DynamoDBClient({ tenant });
    await createTable(one, single);
    await one.send(new PutItemCommand({ TableName: single, Item: { pk: { S: "a" } } }));
    const whole = await one.listPartitions(single);
    expect(whole.partitions).toEqual([
      { HashStart: 0, HashEnd: 2 ** 32, ItemCount: 1, TableSizeBytes: whole.sizeBytes },
    ]);
    expect(whole.version).toBe(1);

    const absent = uniqueName("absent");
    await expect(one.listPartitions(absent)).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: `Requested resource not found: Table: ${absent} not found`,
    });
  });
});
