// Partitions that split by themselves (src/split/auto.ts): past the size threshold
// (DDB_SPLIT_BYTES, 8 MiB in the tests: vitest.config.ts), or under a write rate above
// DDB_SPLIT_WRITES_PER_SECOND for several windows in a row.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, BatchWriteItemCommand } from "../../src/index";
import type { Engine } from "../../src/engine/engine";
import { AutoSplit, SUSTAINED_WINDOWS, WINDOW_MS, writtenItems } from "../../src/split/auto";
import { uniqueName } from "../support/wire";
import { objectOf, objectStub, splitState } from "./split-support";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";

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

/** Runs `check` in `object` with a clock the test moves. */
async function onShard<T>(
  tenant: string,
  object: string,
  run: (auto: AutoSplit, clock: { now: number }, engine: Engine) => T,
  thresholds = { bytes: 1_000_000, writesPerSecond: 10 },
): Promise<T> {
  return runInDurableObject(objectStub(tenant, object), (instance) => {
    const engine = (instance as unknown as { engine: Engine }).engine;
    const clock = { now: 1_000_000 };
    return run(new AutoSplit(engine, thresholds, () => clock.now), clock, engine);
  });
}

describe("partitions that split by themselves", () => {
  it("SplitPartition: counts a write request's items per table, with their keys", () => {
    const key = { pk: { S: "a" } };
    expect(writtenItems("PutItem", { TableName: "a", Item: key })).toEqual([{ table: "a", key }]);
    expect(writtenItems("GetItem", { TableName: "a", Key: key })).toEqual([]);
    expect(
      writtenItems("BatchWriteItem", {
        RequestItems: { a: [{ PutRequest: { Item: key } }, { DeleteRequest: { Key: key } }], b: [{}] },
      }),
    ).toEqual([
      { table: "a", key },
      { table: "a", key },
      { table: "b", key: undefined },
    ]);
    expect(
      writtenItems("TransactWriteItems", {
        TransactItems: [{ Put: { TableName: "a", Item: key } }, { ConditionCheck: { TableName: "b", Key: key } }],
      }),
    ).toEqual([
      { table: "a", key },
      { table: "b", key },
    ]);
  });

  it("SplitPartition: a partition past the size threshold splits at the end of the window", async () => {
    const tenant = uniqueName("auto");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await createTable(client, table);
    const object = await objectOf(tenant, table);
    const big = "x".repeat(100_000);
    for (let i = 0; i < 12; i++) {
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` }, big: { S: big } } }));
    }
    const self = { tenant, object };
    const request = await onShard(tenant, object, (auto, clock) => {
      const before = auto.check({ self });
      clock.now += WINDOW_MS;
      return { before, after: auto.check({ self }) };
    });
    expect(request.before).toBeUndefined();
    expect(request.after).toMatchObject({ table, source: object, low: 0, high: 2 ** 32, tenant, version: 1 });
    // Not without knowing who it is (no router has addressed it yet).
    const anonymous = await onShard(tenant, object, (auto, clock) => {
      clock.now += WINDOW_MS;
      return auto.check(undefined);
    });
    expect(anonymous).toBeUndefined();
  });

  it("SplitPartition: a write rate above the threshold splits only when it lasts", async () => {
    const tenant = uniqueName("autor");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await createTable(client, table);
    const object = await objectOf(tenant, table);
    for (let i = 0; i < 4; i++)
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }));
    const self = { object, tenant };
    const decisions = await onShard(tenant, object, (auto, clock) => {
      const out: boolean[] = [];
      // 11 writes per second for SUSTAINED_WINDOWS - 1 windows, a quiet one, then SUSTAINED_WINDOWS.
      const window = (writes: number) => {
        auto.noteWrites(Array.from({ length: writes }, () => ({ table, key: undefined })));
        clock.now += WINDOW_MS;
        out.push(auto.check({ self }) !== undefined);
      };
      const busy = (11 * WINDOW_MS) / 1000;
      for (let n = 1; n < SUSTAINED_WINDOWS; n++) window(busy);
      window(0);
      for (let n = 0; n < SUSTAINED_WINDOWS; n++) window(busy);
      return out;
    });
    expect(decisions).toEqual([
      ...Array.from({ length: SUSTAINED_WINDOWS - 1 }, () => false),
      false,
      ...Array.from({ length: SUSTAINED_WINDOWS - 1 }, () => false),
      true,
    ]);
  });

  it("SplitPartition: a busy partition splits at the median of its recent writes", async () => {
    const tenant = uniqueName("autom");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await createTable(client, table);
    const object = await objectOf(tenant, table);
    for (let i = 0; i < 4; i++)
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }));
    // The writes go to 40 keys, the hottest the most: the split point is the sampled median.
    const keys = Array.from({ length: 40 }, (_, i) => `hot${i}`);
    const writes = keys.flatMap((key, i) => Array.from({ length: 40 - i }, () => key));
    const hashes = writes.map((key) => partitionHash(encodeKey("S", key))).sort((a, b) => a - b);
    const request = await onShard(tenant, object, (auto, clock) => {
      let out;
      for (let n = 0; n < SUSTAINED_WINDOWS && !out; n++) {
        auto.noteWrites(writes.map((key) => ({ table, key: { pk: { S: key } } })));
        clock.now += WINDOW_MS;
        out = auto.check({ self: { tenant, object } });
      }
      return out;
    });
    expect(request?.at).toBeDefined();
    // Within the hashes written (a sample of them: one write in eight), near their median.
    const rank = hashes.findIndex((h) => h >= (request?.at as number));
    expect(Math.abs(rank - hashes.length / 2)).toBeLessThan(hashes.length / 8);
  });

  it("SplitPartition: a partition holding one partition key's items only does not split", async () => {
    const tenant = uniqueName("autoh");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await client.send(
      new CreateTableCommand({
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
    );
    const object = await objectOf(tenant, table);
    const big = "y".repeat(100_000);
    for (let i = 0; i < 12; i++) {
      await client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: "one" }, sk: { N: String(i) }, big: { S: big } } }),
      );
    }
    const request = await onShard(tenant, object, (auto, clock) => {
      clock.now += WINDOW_MS;
      return auto.check({ self: { tenant, object } });
    });
    expect(request).toBeUndefined();
  });

  it("SplitPartition: a table written past DDB_SPLIT_BYTES splits by itself and keeps its items", async () => {
    const tenant = uniqueName("autoe");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await createTable(client, table);
    const object = await objectOf(tenant, table);
    const big = "z".repeat(350_000);
    for (let i = 0; i < 26; i += 2) {
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: [i, i + 1].map((n) => ({ PutRequest: { Item: { pk: { S: `k${n}` }, big: { S: big } } } })),
          },
        }),
      );
    }
    // The first window ends WINDOW_MS after the object started: write until the split shows.
    const deadline = Date.now() + WINDOW_MS + 10_000;
    let partitions = 1;
    while (partitions === 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "tick" } } }));
      partitions = (await client.listPartitions(table)).partitions.length;
    }
    expect(partitions).toBe(2);
    for (let i = 0; i < 200 && (await splitState(tenant, object)) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const list = await client.listPartitions(table);
    expect(list.itemCount).toBe(27);
    expect(list.partitions.every((p) => p.ItemCount > 0)).toBe(true);
  });
});
