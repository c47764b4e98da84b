// Online partition splits (src/split): a partition's upper hash range moves to a new
// Durable Object while the table serves, and every item keeps its meaning across it.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from "../../src/index";
import { armFault, clearFaults, type FaultStep } from "../../src/storage/faults";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { splitObject } from "../../src/schema/partition-map";
import { partitionMapOf } from "../../src/schema/table-def";
import { wire, uniqueName } from "../support/wire";
import {
  countRows,
  homeDef,
  isInjected,
  objectOf,
  objectStub,
  runToEnd,
  splitRequest,
  splitState,
  startManual,
  step,
  storedHashes,
} from "./split-support";
import { accountsOnShards, accountsTable, preparedOn, shardStub } from "./txn-support";

type Item = Record<string, AttributeValue>;

/** A table keyed (pk S, sk N) with a GSI on g and an LSI on l. */
async function createTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
        { AttributeName: "g", AttributeType: "S" },
        { AttributeName: "l", AttributeType: "N" },
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
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

function item(i: number, version = 0): Item {
  return {
    pk: { S: `p${i % 37}` },
    sk: { N: String(i) },
    g: { S: `g${i % 5}` },
    l: { N: String(1000 - i) },
    v: { N: String(version) },
  };
}

async function putAll(client: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

/** A fresh tenant's table (over `shards` partitions) holding items 0..count-1. */
async function loadedTable(
  prefix: string,
  count: number,
  shards?: number,
): Promise<{ tenant: string; table: string; client: DynamoDBClient; items: Item[] }> {
  const tenant = uniqueName(prefix);
  const table = uniqueName("t");
  const client = new DynamoDBClient({ tenant, ...(shards === undefined ? {} : { shards }) });
  await createTable(client, table);
  const items = Array.from({ length: count }, (_, i) => item(i));
  await putAll(client, table, items);
  return { tenant, table, client, items };
}

/** Every item of the table by a paged Scan (pages of `limit`), sorted by (pk, sk). */
async function scanAll(client: DynamoDBClient, table: string, limit: number): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, Limit: limit, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return sortItems(out);
}

function sortItems(items: Item[]): Item[] {
  const key = (i: Item) => `${i.pk?.S}/${String(i.sk?.N).padStart(6, "0")}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Checks the table through every read path against `expected`. */
async function expectTable(client: DynamoDBClient, table: string, expected: Item[]): Promise<void> {
  const sorted = sortItems(expected);
  expect(await scanAll(client, table, 17)).toEqual(sorted);
  // Parallel scan: three segments, disjoint and complete.
  const segments: Item[] = [];
  for (let segment = 0; segment < 3; segment++) {
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, Segment: segment, TotalSegments: 3, Limit: 20, ExclusiveStartKey: start }),
      );
      segments.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  expect(sortItems(segments)).toEqual(sorted);
  for (const one of sorted.slice(0, 60)) {
    const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: one.pk!, sk: one.sk! } }));
    expect(got.Item).toEqual(one);
  }
  const pks = [...new Set(sorted.map((i) => i.pk?.S as string))];
  for (const pk of pks) {
    const byTable = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: pk } },
      }),
    );
    expect(byTable.Count, pk).toBe(sorted.filter((i) => i.pk?.S === pk).length);
    const byLsi = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byL",
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: pk } },
      }),
    );
    expect(byLsi.Count, pk).toBe(byTable.Count);
  }
  for (let g = 0; g < 5; g++) {
    const byGsi = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": { S: `g${g}` } },
      }),
    );
    expect(sortItems(byGsi.Items ?? [])).toEqual(sorted.filter((i) => i.g?.S === `g${g}`));
  }
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  expect(described.Table?.ItemCount).toBe(sorted.length);
  expect(described.Table?.GlobalSecondaryIndexes?.[0]?.ItemCount).toBe(sorted.length);
}

describe("partition splits", () => {
  it("SplitPartition: splits a table's partition at its median while it serves, through the client", async () => {
    const tenant = uniqueName("split");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await createTable(client, table);
    const zero = await objectOf(tenant, table);
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
      }),
    );
    // Expiring in a day: TTL entries, not deletions.
    const expires = String(Math.floor(Date.now() / 1000) + 86_400);
    const items = Array.from({ length: 220 }, (_, i) => (i % 2 ? { ...item(i), ttl: { N: expires } } : item(i)));
    await putAll(client, table, items);

    const started = await client.splitPartition(table);
    expect(started).toMatchObject({
      TableName: table,
      Partition: 0,
      HashStart: 0,
      HashEnd: 2 ** 32,
      PartitionMapVersion: 1,
      SplitStatus: "SPLITTING",
    });
    // The alarm runs it; the source's split row goes when the moved rows are deleted.
    for (let i = 0; i < 400 && (await splitState(tenant, zero)) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await splitState(tenant, zero)).toBeUndefined();

    const list = await client.listPartitions(table);
    expect(list.version).toBe(2);
    expect(list.partitions.map((p) => [p.HashStart, p.HashEnd])).toEqual([
      [0, started.SplitAt],
      [started.SplitAt, 2 ** 32],
    ]);
    const target = splitObject((await homeDef(tenant, table)).tableId, started.SplitAt);
    const below = await storedHashes(tenant, zero);
    const above = await storedHashes(tenant, target);
    expect(below.every((h) => h < started.SplitAt)).toBe(true);
    expect(above.every((h) => h >= started.SplitAt)).toBe(true);
    expect(below.length + above.length).toBe(220);
    // At the median: neither side holds more than two thirds.
    expect(Math.max(below.length, above.length)).toBeLessThan(147);
    expect(list.partitions.map((p) => p.ItemCount)).toEqual([below.length, above.length]);
    // LSI entries moved with their items; the GSI's one partition stays where it was, with
    // every item's entry (it splits by its own size: test/cluster/gsi-index-split.test.ts).
    expect(await countRows(tenant, target, "index_items")).toBe(above.length);
    expect(await countRows(tenant, zero, "index_items")).toBe(below.length + 220);
    expect(await countRows(tenant, zero, "split_dirty")).toBe(0);
    const expiring = (h: (n: number) => boolean) =>
      items.filter((one) => one.ttl !== undefined && h(partitionHashOf(one.pk?.S as string))).length;
    expect(await countRows(tenant, target, "ttl_index")).toBe(expiring((h) => h >= started.SplitAt));
    expect(await countRows(tenant, zero, "ttl_index")).toBe(expiring((h) => h < started.SplitAt));
    await expectTable(client, table, items);

    // Writes after the split land by the new map.
    const more = Array.from({ length: 40 }, (_, i) => item(1000 + i));
    await putAll(client, table, more);
    await expectTable(client, table, [...items, ...more]);
  });

  it("SplitPartition: writes to the moving range during the copy, the catch-up and the fence all land", async () => {
    const { tenant, table, client, items } = await loadedTable("splitw", 700);
    const zero = await objectOf(tenant, table);
    const model = new Map(items.map((one) => [i(one), one]));
    const plan = await startManual(await splitRequest(tenant, table, 0));

    const write = async (i: number, version: number) => {
      const next = item(i, version);
      await client.send(new PutItemCommand({ TableName: table, Item: next }));
      model.set(i, next);
    };
    const remove = async (i: number) => {
      const gone = item(i);
      await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: gone.pk!, sk: gone.sk! } }));
      model.delete(i);
    };
    expect(await step(tenant, zero)).toBe("more"); // the first chunk of 200 rows
    expect(await splitState(tenant, zero)).toBe("copying");
    for (let i = 0; i < 700; i += 7) await write(i, 1); // copied or not yet, in range or not
    for (let i = 3; i < 700; i += 50) await remove(i);
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: item(10).pk!, sk: item(10).sk! },
        UpdateExpression: "ADD v :one",
        ExpressionAttributeValues: { ":one": { N: "1" } },
      }),
    );
    model.set(10, { ...item(10), v: { N: "2" } }); // written as version 1 above, then ADD 1
    while ((await splitState(tenant, zero)) === "copying") await step(tenant, zero);
    expect(await splitState(tenant, zero)).toBe("draining");
    for (let i = 1; i < 700; i += 9) await write(i, 2);
    while ((await splitState(tenant, zero)) === "draining") await step(tenant, zero);
    expect(await splitState(tenant, zero)).toBe("fenced");

    // A write to the fenced range waits in the router until the new map is published.
    const inRange = [...model.keys()].find((i) => hashOf(item(i)) >= plan.at) as number;
    const pending = write(inRange, 3);
    await step(tenant, zero); // publish
    await pending;
    await runToEnd(tenant, zero);
    await expectTable(client, table, [...model.values()]);
    expect(await countRows(tenant, zero, "items")).toBe(
      [...model.values()].filter((one) => hashOf(one) < plan.at).length,
    );
  });

  it("SplitPartition: a crash at any step of the move or the cut-over loses and duplicates nothing", async () => {
    const steps: FaultStep[] = [
      "split:after-copy-chunk",
      "split:after-drain-chunk",
      "split:before-publish",
      "split:after-publish",
      "split:after-broadcast",
      "split:before-cleaned",
    ];
    for (const fault of steps) {
      const { tenant, table, client, items } = await loadedTable("splitc", 120);
      const zero = await objectOf(tenant, table);
      const model = new Map(items.map((one) => [i(one), one]));
      await startManual(await splitRequest(tenant, table, 0));
      armFault(fault);
      let crashed = 0;
      let n = 0;
      for (let round = 0; round < 200 && (await splitState(tenant, zero)) !== undefined; round++) {
        // Writes between steps, but not while the range is fenced (they would wait for the next step).
        if ((await splitState(tenant, zero)) !== "fenced") {
          const next = item(n++ % 150, round);
          await client.send(new PutItemCommand({ TableName: table, Item: next }));
          model.set(i(next), next);
        }
        try {
          await step(tenant, zero);
        } catch (err) {
          if (!isInjected(err)) throw err;
          crashed++;
          await abortAllDurableObjects(); // the crash: every instance gone, storage kept
        }
      }
      clearFaults();
      expect(crashed, fault).toBe(1);
      expect(await splitState(tenant, zero), fault).toBeUndefined();
      await expectTable(client, table, [...model.values()]);
      expect((await client.listPartitions(table)).partitions.length, fault).toBe(2);
    }
  });

  it("SplitPartition: a table deleted during its split abandons it and drops the new object's copy", async () => {
    const { tenant, table, client } = await loadedTable("splitd", 50);
    const zero = await objectOf(tenant, table);
    const plan = await startManual(await splitRequest(tenant, table, 0));
    await step(tenant, zero); // copied
    expect(await countRows(tenant, plan.target, "items")).toBeGreaterThan(0);
    await client.send(new DeleteTableCommand({ TableName: table }));
    await runToEnd(tenant, zero);
    const copy = await runInDurableObject(objectStub(tenant, plan.target), (instance) =>
      (instance as unknown as { tableInfo(name: string): unknown }).tableInfo(table),
    );
    expect(copy).toBeNull();
    expect(await countRows(tenant, zero, "split_dirty")).toBe(0);
  });

  it("SplitPartition: splits a partition made by an earlier split, and one of a table created over several", async () => {
    const { tenant, table, client, items } = await loadedTable("split2", 160, 2);
    const zero = await objectOf(tenant, table);
    const one = await objectOf(tenant, table, 1);
    const first = await startManual(await splitRequest(tenant, table, 1)); // partition 1's range
    await runToEnd(tenant, one);
    const second = await startManual(await splitRequest(tenant, table, 2)); // the new object's range
    await runToEnd(tenant, first.target);
    const map = partitionMapOf(await homeDef(tenant, table));
    expect(map.version).toBe(3);
    expect(map.partitions.map((p) => p.object)).toEqual([zero, one, first.target, second.target]);
    await expectTable(client, table, items);
  });

  it("SplitPartition: a transaction share prepared before another partition's split commits after it", async () => {
    const { tenant, table, client } = await accountsTable();
    const names = accountsOnShards(2); // on shards 0 and 1
    armFault("participant:before-commit"); // the commit decided, one share left prepared
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: names.map((pk, n) => ({
          Put: { TableName: table, Item: { pk: { S: pk }, n: { N: String(n) } } },
        })),
      }),
    );
    clearFaults();
    const prepared = async () => (await preparedOn(tenant, 0)) + (await preparedOn(tenant, 1));
    expect(await prepared()).toBe(1);
    // Partition 3 splits: every object's map moves on to version 2.
    await startManual(await splitRequest(tenant, table, 3));
    await runToEnd(tenant, await objectOf(tenant, table, 3));
    for (let round = 0; round < 5 && (await prepared()) > 0; round++) {
      for (let k = 0; k < 2; k++) await runDurableObjectAlarm(shardStub(tenant, k));
    }
    expect(await prepared()).toBe(0);
    for (const [n, pk] of names.entries()) {
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }));
      expect(got.Item).toEqual({ pk: { S: pk }, n: { N: String(n) } });
    }
  });

  it("SplitPartition: waits to fence while a transaction holds an item of the moving range, and the item keeps its commit", async () => {
    const { tenant, table, client } = await accountsTable();
    const names = accountsOnShards(2); // on shards 0 and 1
    armFault("participant:before-commit"); // the commit decided, one share (either) left prepared
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: names.map((pk, n) => ({
          Put: { TableName: table, Item: { pk: { S: pk }, n: { N: String(n + 10) } } },
        })),
      }),
    );
    clearFaults();
    const k = (await preparedOn(tenant, 0)) === 1 ? 0 : 1;
    expect(await preparedOn(tenant, k)).toBe(1);
    const source = await objectOf(tenant, table, k);
    const held = names[k] as string;
    // The partition splits right at the held item's hash: the item is in the moving part.
    const request = await splitRequest(tenant, table, k);
    await startManual({ ...request, at: partitionHashOf(held) });
    while ((await splitState(tenant, source)) === "copying") await step(tenant, source);
    // Caught up, but the share holds an item of the range: no fence.
    expect(await step(tenant, source)).toEqual({ waitMs: 50 });
    expect(await splitState(tenant, source)).toBe("draining");
    for (let round = 0; round < 5 && (await preparedOn(tenant, k)) > 0; round++) {
      await runDurableObjectAlarm(shardStub(tenant, k));
    }
    expect(await preparedOn(tenant, k)).toBe(0);
    await runToEnd(tenant, source);
    const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: held } } }));
    expect(got.Item).toEqual({ pk: { S: held }, n: { N: String(k + 10) } });
    expect((await client.listPartitions(table)).partitions.length).toBe(5);
  });

  it("SplitPartition: a ClientRequestToken used before a table's first split still replays after it", async () => {
    const { tenant, table, client } = await loadedTable("splitk", 60);
    const zero = await objectOf(tenant, table);
    const adds = (token: string, by = "1") =>
      new TransactWriteItemsCommand({
        ClientRequestToken: token,
        TransactItems: [0, 1].map((i) => ({
          Update: {
            TableName: table,
            Key: { pk: item(i).pk!, sk: item(i).sk! },
            UpdateExpression: "ADD v :by",
            ExpressionAttributeValues: { ":by": { N: by } },
          },
        })),
      });
    await client.send(adds("token-1"));
    await startManual(await splitRequest(tenant, table, 0));
    await runToEnd(tenant, zero);
    expect((await client.listPartitions(table)).partitions.length).toBe(2);
    await client.send(adds("token-1")); // a retry: replayed, not applied again
    for (const i of [0, 1]) {
      const got = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: item(i).pk!, sk: item(i).sk! } }),
      );
      expect(got.Item?.v).toEqual({ N: "1" });
    }
    await expect(client.send(adds("token-1", "2"))).rejects.toMatchObject({
      name: "IdempotentParameterMismatchException",
    });
  });

  it("SplitPartition: refuses what it cannot split, with DynamoDB's errors", async () => {
    const tenant = uniqueName("splite");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await expect(client.splitPartition(table)).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: `Requested resource not found: Table: ${table} not found`,
    });
    await createTable(client, table);
    const zero = await objectOf(tenant, table);
    await expect(client.splitPartition(table, { partition: 1 })).rejects.toMatchObject({
      name: "ValidationException",
      message: "Partition must be an integer from 0 to 0",
    });
    await expect(client.splitPartition(table, { at: 0 })).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "The split point must lie inside the partition's hash range (0, 4294967296); this partition cannot be split there",
    });
    await startManual(await splitRequest(tenant, table, 0));
    await expect(client.splitPartition(table)).rejects.toMatchObject({
      name: "ResourceInUseException",
      message: `Table ${table} is already splitting a partition`,
    });
    await runToEnd(tenant, zero);

    await runToEnd(tenant, zero);
  });

  it("SplitPartition: the endpoint's signed admin operation starts a split", async () => {
    const table = uniqueName("t");
    const created = await wire("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    expect(created.status).toBe(200);
    for (let i = 0; i < 30; i++) await wire("PutItem", { TableName: table, Item: { pk: { S: `k${i}` } } });
    const started = await wire("SplitPartition", { TableName: table }, "DurableDynamoDB_20261207.SplitPartition");
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ TableName: table, Partition: 0, SplitStatus: "SPLITTING" });
    const unknown = await wire("MergePartitions", { TableName: table }, "DurableDynamoDB_20261207.MergePartitions");
    expect([unknown.status, unknown.body.__type]).toEqual([400, "com.amazon.coral.service#UnknownOperationException"]);
  });
});

function i(one: Item): number {
  return Number(one.sk?.N);
}

function hashOf(one: Item): number {
  return partitionHashOf(one.pk?.S as string);
}

function partitionHashOf(pk: string): number {
  return partitionHash(encodeKey("S", pk));
}
