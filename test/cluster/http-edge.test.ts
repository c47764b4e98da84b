// The HTTP edge routes through the same cluster router as the SDK client (untenanted
// shards); DDB_DEFAULT_SHARDS sets the shard count of tables it creates.
import { runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { equalPartitions, partitionOfHash, sharedObject, tablePartitions } from "../../src/schema/partition-map";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { handleHttp } from "../../src/edge/http";
import type { Env } from "../../src/worker";
import { signedRequest, uniqueName } from "../support/wire";
import type { TableDef } from "../../src/schema/table-def";

const env = workerEnv as unknown as Env;
const sharded: Env = { DYNAMODB: env.DYNAMODB, DDB_DEFAULT_SHARDS: "3", DDB_CREDENTIALS: env.DDB_CREDENTIALS };

async function call(operation: string, input: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await handleHttp(
    await signedRequest("http://localhost/", {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(input),
    }),
    sharded,
  );
  return { status: response.status, body: await response.json() };
}

async function defOn(object: string, table: string): Promise<TableDef | undefined> {
  const stub = env.DYNAMODB.get(env.DYNAMODB.idFromName(object));
  return runInDurableObject(stub, (_i, state) => {
    const row = state.storage.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).toArray()[0];
    return row ? (JSON.parse(row.def) as TableDef) : undefined;
  });
}

describe("HTTP edge with DDB_DEFAULT_SHARDS=3", () => {
  it("creates a 3-shard table and routes items, scans and LSI queries", async () => {
    const table = uniqueName("http-sharded");
    const created = await call("CreateTable", {
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
        { AttributeName: "l", AttributeType: "N" },
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
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    });
    expect(created.status).toBe(200);
    const home = await defOn(sharedObject(0), table);
    const map = tablePartitions(home?.tableId as string, 3);
    expect(home?.partitions).toEqual(map);
    for (const { object } of map.partitions) expect((await defOn(object, table))?.partitions).toEqual(map);

    for (let i = 0; i < 30; i++) {
      const put = await call("PutItem", {
        TableName: table,
        Item: { pk: { S: `h${i % 10}` }, sk: { S: `s${i}` }, l: { N: String(100 - i) } },
      });
      expect(put.status).toBe(200);
    }
    const scanned = await call("Scan", { TableName: table });
    expect(scanned.body.Count).toBe(30);
    const hashes = (scanned.body.Items as { pk: { S: string } }[]).map((item) =>
      partitionHash(encodeKey("S", item.pk.S)),
    );
    expect(hashes).toEqual([...hashes].sort((a, b) => a - b));
    expect(new Set(hashes.map((h) => partitionOfHash(equalPartitions(3), h))).size).toBeGreaterThan(1);

    const lsiScan = await call("Scan", { TableName: table, IndexName: "byL" });
    expect(lsiScan.body.Count).toBe(30);

    const byL = await call("Query", {
      TableName: table,
      IndexName: "byL",
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "h3" } },
    });
    expect((byL.body.Items as { l: { N: string } }[]).map((item) => Number(item.l.N))).toEqual([77, 87, 97]);

    const described = await call("DescribeTable", { TableName: table });
    expect((described.body.Table as { ItemCount: number }).ItemCount).toBe(30);
    // Our documented extension: the partition count and map version of a multi-partition table.
    // Each partition with its hash range [HashStart, HashEnd) and what it holds.
    const extension = (described.body.Table as { DurableDynamoDB?: Record<string, unknown> }).DurableDynamoDB;
    const partitions = extension?.Partitions as { ItemCount: number; TableSizeBytes: number }[];
    expect(extension).toEqual({
      PartitionCount: 3,
      PartitionMapVersion: 1,
      Partitions: equalPartitions(3).partitions.map((p, k, all) => ({
        HashStart: p.low,
        HashEnd: all[k + 1]?.low ?? 2 ** 32,
        ItemCount: partitions[k]?.ItemCount,
        TableSizeBytes: partitions[k]?.TableSizeBytes,
      })),
    });
    const byPartition = new Array<number>(3).fill(0);
    for (const h of hashes) byPartition[partitionOfHash(equalPartitions(3), h)]! += 1;
    expect(partitions.map((p) => p.ItemCount)).toEqual(byPartition);
    expect(partitions.reduce((sum, p) => sum + p.TableSizeBytes, 0)).toBe(
      (described.body.Table as { TableSizeBytes: number }).TableSizeBytes,
    );
    const lsi = (described.body.Table as { LocalSecondaryIndexes: { ItemCount: number }[] }).LocalSecondaryIndexes;
    expect(lsi[0]?.ItemCount).toBe(30);

    expect((await call("DeleteTable", { TableName: table })).status).toBe(200);
    for (const object of [sharedObject(0), ...map.partitions.map((entry) => entry.object)])
      expect(await defOn(object, table)).toBeUndefined();
    expect((await call("GetItem", { TableName: table, Key: { pk: { S: "h1" }, sk: { S: "s1" } } })).status).toBe(400);
  });
  it("runs a transaction across shards through the edge", async () => {
    const table = uniqueName("http-txn");
    await call("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    const shardOf = (pk: string) => partitionOfHash(equalPartitions(3), partitionHash(encodeKey("S", pk)));
    let other = 1;
    while (shardOf(`t${other}`) === shardOf("t0")) other++;
    const keys = ["t0", `t${other}`];
    const written = await call("TransactWriteItems", {
      TransactItems: keys.map((pk) => ({ Put: { TableName: table, Item: { pk: { S: pk }, v: { N: "1" } } } })),
    });
    expect(written).toEqual({ status: 200, body: {} });
    const read = await call("TransactGetItems", {
      TransactItems: keys.map((pk) => ({ Get: { TableName: table, Key: { pk: { S: pk } } } })),
    });
    expect(read).toEqual({
      status: 200,
      body: { Responses: keys.map((pk) => ({ Item: { pk: { S: pk }, v: { N: "1" } } })) },
    });
  });
});
