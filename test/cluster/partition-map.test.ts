// Partition maps (src/schema/partition-map.ts): a table created over N partitions records
// its map in the catalogue, and a definition written before maps existed (`shards: N`,
// data spread over the shared shards) keeps working with its data where it is.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardName } from "../../src/cluster/placement";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { equalPartitions, partitionOfHash } from "../../src/schema/partition-map";
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
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
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
});
