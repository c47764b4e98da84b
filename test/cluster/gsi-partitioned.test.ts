// Global secondary indexes kept in partitions of their own (IndexDef.partitions): a table
// of several partitions sends its index changes through a per-partition outbox
// (src/storage/gsi-outbox.ts, src/gsi/propagation.ts) to the index's partitions
// (src/storage/gsi-inbox.ts), which a Query reads one of. Crashes are injected at every step
// of that delivery; after them the index equals the table's projection.
import { runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from "../../src/index";
import { armFault, clearFaults, type FaultStep } from "../../src/storage/faults";
import { partitionMapOf } from "../../src/schema/table-def";
import type { DynamoShard } from "../../src/shard";
import { Router } from "../../src/cluster/router";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";
import { countRows, homeDef, objectStub, runToEnd, splitRequest, splitState, startManual, step } from "./split-support";
import {
  addIndexOnV,
  createTable,
  expectConverged,
  objects,
  random,
  scanAll,
  settle,
  untilIndexActive,
  type Item,
} from "./gsi-support";

const env = workerEnv as unknown as Env;

const STEPS: FaultStep[] = ["gsi:before-send", "gsi:before-apply-commit", "gsi:after-apply"];

afterEach(() => clearFaults());

describe("GSIs in partitions of their own", () => {
  it("CreateTable: a 4-partition table's GSIs get 4 objects each, which alone hold their entries", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4 });
    const table = uniqueName("t");
    await createTable(client, table);
    for (let i = 0; i < 12; i++) {
      const item: Item = { pk: { S: `p${i}` }, sk: { N: "1" }, g: { S: `g${i % 3}` }, r: { N: String(i) } };
      if (i % 2 === 0) Object.assign(item, { h1: { S: "x" }, h2: { N: String(i % 4) } });
      await client.send(new PutItemCommand({ TableName: table, Item: item }));
    }
    const def = await homeDef(tenant, table);
    const { table: tableObjects, indexes } = objects(def);
    expect(indexes.get("byG")).toHaveLength(4);
    expect(indexes.get("byH")).toHaveLength(4);
    let entries = 0;
    for (const object of [...(indexes.get("byG") ?? []), ...(indexes.get("byH") ?? [])]) {
      entries += await countRows(tenant, object, "index_items");
    }
    expect(entries).toBe(12 + 6);
    for (const object of tableObjects) expect(await countRows(tenant, object, "index_items")).toBe(0);
    // A write waits for its changes: read-your-write through the index.
    const query = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": { S: "g1" } },
      }),
    );
    expect(query.Items?.map((i) => i.r?.N)).toEqual(["1", "4", "7", "10"]);
    const multi = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byH",
        KeyConditionExpression: "h1 = :a AND h2 = :b",
        ExpressionAttributeValues: { ":a": { S: "x" }, ":b": { N: "2" } },
      }),
    );
    expect(multi.Items?.map((i) => i.pk?.S).sort()).toEqual(["p10", "p2", "p6"]);
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.ItemCount])).toEqual([
      ["byG", 12],
      ["byH", 6],
    ]);
    // Our extension member (the SDK drops it): the index partitions and what waits for them.
    const raw = await new Router(() => env.DYNAMODB, tenant, 4).deliver(
      "DescribeTable",
      JSON.stringify({ TableName: table }),
      { region: "us-east-1", host: "localhost" },
    );
    const extension = (JSON.parse(raw.body) as { Table: { DurableDynamoDB: Record<string, unknown> } }).Table
      .DurableDynamoDB;
    expect(extension.GlobalSecondaryIndexes).toEqual([
      { IndexName: "byG", PartitionCount: 4, PendingChanges: 0, LagMillis: 0 },
      { IndexName: "byH", PartitionCount: 4, PendingChanges: 0, LagMillis: 0 },
    ]);
  });

  for (const step of STEPS) {
    it(`PutItem: a crash at ${step} leaves the change to the alarm, applied once`, async () => {
      const tenant = uniqueName("gp");
      const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
      const table = uniqueName("t");
      await createTable(client, table);
      const item: Item = { pk: { S: "a" }, sk: { N: "1" }, g: { S: "one" }, r: { N: "5" } };
      armFault(step);
      await client.send(new PutItemCommand({ TableName: table, Item: item }));
      const query = () =>
        client.send(
          new QueryCommand({
            TableName: table,
            IndexName: "byG",
            KeyConditionExpression: "g = :g",
            ExpressionAttributeValues: { ":g": { S: "one" } },
          }),
        );
      const def = await homeDef(tenant, table);
      // Acknowledged: the change waits in the outbox (applied already, after a crash past the apply).
      let waiting = 0;
      for (const object of objects(def).table) waiting += await countRows(tenant, object, "gsi_outbox");
      expect(waiting).toBe(1);
      expect((await query()).Items ?? []).toEqual(step === "gsi:after-apply" ? [item] : []);
      await settle(tenant, def);
      expect((await query()).Items).toEqual([item]);
      const described = await client.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "byG")?.ItemCount).toBe(1);
    });
  }

  it("model: random writes with crashes at every step of propagation; after quiescence each index is the table's projection", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    const next = random(2611);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const key = (): Item => ({ pk: { S: `p${Math.floor(next() * 8)}` }, sk: { N: String(Math.floor(next() * 3)) } });
    const attrs = (): Item => {
      const item: Item = { w: { S: pick(["u", "v"]) } };
      if (next() < 0.8) item.g = { S: pick(["a", "b", "c"]) };
      if (next() < 0.8) item.r = { N: String(Math.floor(next() * 4)) };
      if (next() < 0.5) Object.assign(item, { h1: { S: pick(["x", "y"]) }, h2: { N: String(Math.floor(next() * 2)) } });
      return item;
    };
    for (let op = 0; op < 60; op++) {
      if (next() < 0.35) armFault(pick(STEPS));
      const kind = pick(["put", "put", "update", "delete", "batch"]);
      if (kind === "put") {
        await client.send(new PutItemCommand({ TableName: table, Item: { ...key(), ...attrs() } }));
      } else if (kind === "update") {
        const moves = next() < 0.5;
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(),
            UpdateExpression: moves ? "SET g = :g, r = :r" : "REMOVE g SET w = :w",
            ExpressionAttributeValues: moves
              ? { ":g": { S: pick(["a", "b", "d"]) }, ":r": { N: String(op % 5) } }
              : { ":w": { S: "z" } },
          }),
        );
      } else if (kind === "delete") {
        await client.send(new DeleteItemCommand({ TableName: table, Key: key() }));
      } else {
        const puts = new Map<string, Item>();
        for (let i = 0; i < 3; i++) {
          const item = { ...key(), ...attrs() };
          puts.set(`${item.pk?.S}/${item.sk?.N}`, item);
        }
        await client.send(
          new BatchWriteItemCommand({
            RequestItems: { [table]: [...puts.values()].map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
      if (next() < 0.1) await expectConverged(client, tenant, table);
    }
    await expectConverged(client, tenant, table);
  });

  it("UpdateTable: a GSI added to a 4-partition table is backfilled into objects of its own; deleting it drops them", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4 });
    const table = uniqueName("t");
    await createTable(client, table);
    for (let i = 0; i < 20; i++) {
      await client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: `p${i}` }, sk: { N: "0" }, v: { S: `v${i % 2}` } } }),
      );
    }
    await addIndexOnV(client, table, "KEYS_ONLY");
    await untilIndexActive(client, table, "byV");
    const query = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byV",
        KeyConditionExpression: "v = :v",
        ExpressionAttributeValues: { ":v": { S: "v1" } },
      }),
    );
    expect(query.Items?.map((i) => i.pk?.S).sort()).toEqual([
      "p1",
      "p11",
      "p13",
      "p15",
      "p17",
      "p19",
      "p3",
      "p5",
      "p7",
      "p9",
    ]);
    const def = await homeDef(tenant, table);
    const byV = objects(def).indexes.get("byV") ?? [];
    expect(byV).toHaveLength(4);
    let entries = 0;
    for (const object of byV) entries += await countRows(tenant, object, "index_items");
    expect(entries).toBe(20);

    await client.send(
      new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byV" } }] }),
    );
    for (const object of byV) {
      const shard = objectStub(tenant, object);
      // The alarm purges the dropped copy's rows, a bounded chunk per run.
      for (let i = 0; i < 5 && (await countRows(tenant, object, "index_items")) > 0; i++) {
        await runInDurableObject(shard, (instance) => (instance as unknown as DynamoShard).alarm());
      }
      expect(
        await runInDurableObject(shard, (instance) => (instance as unknown as DynamoShard).tableInfo(table)),
      ).toBeNull();
      expect(await countRows(tenant, object, "index_items")).toBe(0);
    }
    // DeleteTable: the other indexes' objects drop their copies too.
    const rest = [...(objects(def).indexes.get("byG") ?? [])];
    await client.send(new DeleteTableCommand({ TableName: table }));
    for (const object of rest) {
      const shard = objectStub(tenant, object);
      expect(
        await runInDurableObject(shard, (instance) => (instance as unknown as DynamoShard).tableInfo(table)),
      ).toBeNull();
    }
  });

  it("Query: an index still being backfilled into its partitions is refused until every table partition has reported", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    await client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" }, v: { S: "x" } } }),
    );
    armFault("gsi:before-send", 10_000); // the backfill's changes stay in the outboxes
    await addIndexOnV(client, table, "ALL");
    const query = client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byV",
        KeyConditionExpression: "v = :v",
        ExpressionAttributeValues: { ":v": { S: "x" } },
      }),
    );
    await expect(query).rejects.toMatchObject({
      name: "ValidationException",
      message: "Cannot read from backfilling global secondary index: byV",
    });
    clearFaults();
    await untilIndexActive(client, table, "byV");
    const found = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byV",
        KeyConditionExpression: "v = :v",
        ExpressionAttributeValues: { ":v": { S: "x" } },
      }),
    );
    expect(found.Items).toEqual([{ pk: { S: "a" }, sk: { N: "1" }, v: { S: "x" } }]);
  });

  it("SplitPartition: the source's index changes are applied before the new object takes the moved items' writes", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    const request = await splitRequest(tenant, table, 0);
    const put = (i: number, g: string) =>
      client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `p${i}` }, sk: { N: "0" }, g: { S: g }, r: { N: String(i) } },
        }),
      );
    for (let i = 0; i < 40; i++) await put(i, "before");
    // Changes stay in the outboxes: nothing is delivered until the faults are cleared.
    armFault("gsi:before-send", 10_000);
    for (let i = 0; i < 40; i++) await put(i, "queued");
    await startManual(request);
    let state: string | undefined;
    let result: Awaited<ReturnType<typeof step>> | undefined;
    for (let i = 0; i < 100; i++) {
      state = await splitState(tenant, request.source);
      if (state === "fenced") {
        result = await step(tenant, request.source);
        break;
      }
      await step(tenant, request.source);
    }
    // Fenced, the source's changes waiting: it does not publish.
    expect(state).toBe("fenced");
    expect(result).toEqual({ waitMs: 50 });
    expect(await splitState(tenant, request.source)).toBe("fenced");
    clearFaults();
    await settle(tenant, await homeDef(tenant, table));
    await runToEnd(tenant, request.source);
    expect(partitionMapOf(await homeDef(tenant, table)).partitions).toHaveLength(5);
    for (let i = 0; i < 40; i++) await put(i, "after");
    await expectConverged(client, tenant, table);
    const after = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": { S: "after" } },
      }),
    );
    expect(after.Count).toBe(40);
  });

  it("PutItem: past DDB_GSI_MAX_PENDING changes waiting, writes are throttled with nothing written", async () => {
    const tenant = uniqueName("gp");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    const def = await homeDef(tenant, table);
    // Every table partition's outbox looks 100,000 changes long (a seq gap; nothing delivers meanwhile).
    armFault("gsi:before-send", 1000);
    for (const object of objects(def).table) {
      await runInDurableObject(objectStub(tenant, object), (_s, state) => {
        for (const seq of [1, 100_000]) {
          state.storage.sql.exec(
            "INSERT INTO gsi_outbox (seq, tid, table_name, table_id, index_name, dest, ipk, isk, tpk, tsk, doc, size, at) " +
              "VALUES (?, 0, 'gone', 'gone', 'gone', 'nowhere', x'00', x'', x'00', x'', NULL, 0, 0)",
            seq,
          );
        }
      });
    }
    const put = client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" }, g: { S: "x" }, r: { N: "1" } } }),
    );
    await expect(put).rejects.toMatchObject({
      name: "ThrottlingException",
      message:
        "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.",
    });
    // Not an index change: a write leaving every index as it was goes through.
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "b" }, sk: { N: "1" } } }));
    const scan = await scanAll(client, table);
    expect(scan.map((i) => i.pk?.S)).toEqual(["b"]);
    for (const object of objects(def).table) {
      await runInDurableObject(objectStub(tenant, object), (_s, state) => {
        state.storage.sql.exec("DELETE FROM gsi_outbox WHERE table_name = 'gone'");
      });
    }
  });
});
