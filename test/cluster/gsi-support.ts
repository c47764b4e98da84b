// Tables with GSIs kept in partitions of their own, for test/cluster/gsi-*.test.ts: the
// objects holding them, delivery of every outbox, and the index compared with the table.
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import {
  CreateTableCommand,
  DescribeTableCommand,
  ScanCommand,
  UpdateTableCommand,
  type AttributeValue,
  type DynamoDBClient,
} from "../../src/index";
import { clearFaults } from "../../src/storage/faults";
import { partitionMapOf, type IndexDef, type TableDef } from "../../src/schema/table-def";
import type { DynamoShard } from "../../src/shard";
import { countRows, homeDef, objectStub } from "./split-support";

export type Item = Record<string, AttributeValue>;

/** A 4-partition table keyed (pk S, sk N) with byG (g, r; ALL) and byH (h1 + h2, a multi-attribute key; KEYS_ONLY). */
export async function createTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
        { AttributeName: "g", AttributeType: "S" },
        { AttributeName: "r", AttributeType: "N" },
        { AttributeName: "h1", AttributeType: "S" },
        { AttributeName: "h2", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byG",
          KeySchema: [
            { AttributeName: "g", KeyType: "HASH" },
            { AttributeName: "r", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
        {
          IndexName: "byH",
          KeySchema: [
            { AttributeName: "h1", KeyType: "HASH" },
            { AttributeName: "h2", KeyType: "HASH" },
          ],
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

/** The objects holding the table's partitions and those of its partitioned GSIs. */
export function objects(def: TableDef): { table: string[]; indexes: Map<string, string[]> } {
  const indexes = new Map<string, string[]>();
  for (const index of def.indexes ?? []) {
    if (index.partitions)
      indexes.set(
        index.name,
        index.partitions.partitions.map((p) => p.object),
      );
  }
  return { table: partitionMapOf(def).partitions.map((p) => p.object), indexes };
}

/** Runs the table partitions' alarms until their outboxes are empty (faults cleared first). */
export async function settle(tenant: string, def: TableDef): Promise<void> {
  clearFaults();
  for (const object of objects(def).table) {
    for (let i = 0; ; i++) {
      if ((await countRows(tenant, object, "gsi_outbox")) === 0) break;
      if (i > 200) throw new Error(`the outbox of ${object} does not empty`);
      if (i % 20 === 0)
        await runInDurableObject(objectStub(tenant, object), (shard) => (shard as unknown as DynamoShard).alarm());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export async function scanAll(client: DynamoDBClient, table: string, index?: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ...(index ? { IndexName: index } : {}), ExclusiveStartKey: start, Limit: 7 }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** What an index holds of the table's items, by DynamoDB's projection rules. */
export function projected(items: Item[], index: IndexDef): Item[] {
  const keys = index.keySchema.map((k) => k.AttributeName);
  return items
    .filter((item) => keys.every((k) => item[k] !== undefined))
    .map((item) => {
      if (index.projection.ProjectionType === "ALL") return item;
      const names = ["pk", "sk", ...keys, ...(index.projection.NonKeyAttributes ?? [])];
      return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n] as AttributeValue]));
    });
}

export const byKey = (items: Item[]): string[] =>
  items.map((i) => JSON.stringify(Object.entries(i).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();

export async function expectConverged(client: DynamoDBClient, tenant: string, table: string): Promise<void> {
  const def = await homeDef(tenant, table);
  await settle(tenant, def);
  const items = await scanAll(client, table);
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  for (const index of def.indexes ?? []) {
    const expected = projected(items, index);
    expect(byKey(await scanAll(client, table, index.name)), index.name).toEqual(byKey(expected));
    const counts = described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.name);
    expect(counts?.ItemCount, `${index.name} ItemCount`).toBe(expected.length);
  }
}

/** A small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** UpdateTable adding byV (partition key v, a string) with `projection`. */
export async function addIndexOnV(
  client: DynamoDBClient,
  table: string,
  projection: "ALL" | "KEYS_ONLY",
): Promise<void> {
  await client.send(
    new UpdateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "v", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: "byV",
            KeySchema: [{ AttributeName: "v", KeyType: "HASH" }],
            Projection: { ProjectionType: projection },
          },
        },
      ],
    }),
  );
}

/** Polls DescribeTable until the index is ACTIVE (its backfill's alarms run by themselves). */
export async function untilIndexActive(client: DynamoDBClient, table: string, index: string): Promise<void> {
  for (let i = 0; ; i++) {
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    if (described.Table?.GlobalSecondaryIndexes?.find((x) => x.IndexName === index)?.IndexStatus === "ACTIVE") return;
    if (i > 300) throw new Error(`${index} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
