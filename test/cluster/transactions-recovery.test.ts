// Cross-shard transactions after crashes and evictions (src/txn/coordinator.ts): injected
// faults stop the coordinator or a shard at a named step, evictDurableObject drops every
// object's memory, and the objects' alarms finish each transaction all or nothing.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
} from "../../src/index";
import { armFault, clearFaults } from "../../src/storage/faults";
import {
  accountsOnShards,
  accountsTable,
  coordinatorRows,
  preparedOn,
  SHARDS,
  shardOfKey,
  shardStub,
} from "./txn-support";

afterEach(() => clearFaults());

async function balance(client: DynamoDBClient, table: string, pk: string): Promise<number | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }));
  const n = out.Item?.n?.N;
  return n === undefined ? undefined : Number(n);
}

function put(table: string, pk: string, n: number) {
  return { Put: { TableName: table, Item: { pk: { S: pk }, n: { N: String(n) } } } };
}

async function evictAll(tenant: string): Promise<void> {
  for (let k = 0; k < SHARDS; k++) await evictDurableObject(shardStub(tenant, k));
  for (const { stub } of await coordinatorRows(tenant)) await evictDurableObject(stub);
}

async function preparedEverywhere(tenant: string): Promise<number> {
  let total = 0;
  for (let k = 0; k < SHARDS; k++) total += await preparedOn(tenant, k);
  return total;
}

/** Runs due alarms of shards and coordinators until nothing of `tenant`'s transactions is left. */
async function settle(tenant: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const coordinators = await coordinatorRows(tenant);
    if (coordinators.length === 0 && (await preparedEverywhere(tenant)) === 0) return;
    for (const { stub } of coordinators) await runDurableObjectAlarm(stub);
    for (let k = 0; k < SHARDS; k++) await runDurableObjectAlarm(shardStub(tenant, k));
  }
  throw new Error("transactions left unfinished");
}

describe("cross-shard transaction recovery (4 shards)", () => {
  it("TransactWriteItems: a coordinator crash before the decision is aborted by the shards' alarms, after eviction", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(3);
    armFault("coordinator:after-prepare");
    await expect(
      client.send(new TransactWriteItemsCommand({ TransactItems: names.map((n, i) => put(table, n, i + 1)) })),
    ).rejects.toMatchObject({ name: "InternalServerError" });
    for (const name of names) expect(await preparedOn(tenant, shardOfKey(name))).toBe(1);
    expect((await coordinatorRows(tenant)).map((c) => c.states)).toEqual([["preparing"]]);

    await evictAll(tenant);
    // A woken shard still holds the prepared items.
    await expect(
      client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: names[0] as string }, n: { N: "0" } } })),
    ).rejects.toMatchObject({ name: "TransactionConflictException", message: "Transaction is ongoing for the item" });

    // The first shard's alarm asks the coordinator, which no live call drives: abort.
    expect(await runDurableObjectAlarm(shardStub(tenant, shardOfKey(names[0] as string)))).toBe(true);
    expect(await preparedOn(tenant, shardOfKey(names[0] as string))).toBe(0);
    await settle(tenant);
    for (const name of names) expect(await balance(client, table, name)).toBeUndefined();
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: names[0] as string }, n: { N: "4" } } }));
    expect(await balance(client, table, names[0] as string)).toBe(4);
  });

  it("TransactWriteItems: a coordinator crash after the decision is committed by the alarms, after eviction", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(4);
    armFault("coordinator:after-decision");
    await expect(
      client.send(new TransactWriteItemsCommand({ TransactItems: names.map((n, i) => put(table, n, i + 1)) })),
    ).rejects.toMatchObject({ name: "InternalServerError" });
    expect((await coordinatorRows(tenant)).map((c) => c.states)).toEqual([["commit"]]);
    for (const name of names) expect(await balance(client, table, name)).toBeUndefined();

    await evictAll(tenant);
    // One shard learns the decision from its own alarm...
    expect(await runDurableObjectAlarm(shardStub(tenant, shardOfKey(names[1] as string)))).toBe(true);
    expect(await balance(client, table, names[1] as string)).toBe(2);
    expect(await balance(client, table, names[0] as string)).toBeUndefined();
    // ... the coordinator's alarm tells the others.
    const [coordinator] = await coordinatorRows(tenant);
    expect(await runDurableObjectAlarm((coordinator as { stub: DurableObjectStub }).stub)).toBe(true);
    expect(await coordinatorRows(tenant)).toEqual([]);
    expect(await preparedEverywhere(tenant)).toBe(0);
    for (const [i, name] of names.entries()) expect(await balance(client, table, name)).toBe(i + 1);
  });

  it("TransactWriteItems: a shard crashing at commit is committed later by its alarm", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(2);
    armFault("participant:before-commit");
    await client.send(new TransactWriteItemsCommand({ TransactItems: names.map((n, i) => put(table, n, i + 1)) }));
    expect(await preparedEverywhere(tenant)).toBe(1);
    await evictAll(tenant);
    await settle(tenant);
    for (const [i, name] of names.entries()) expect(await balance(client, table, name)).toBe(i + 1);
  });

  it("TransactWriteItems: concurrent transfers across shards with evictions keep the total", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const accounts = accountsOnShards(16, "bank");
    const START = 100;
    const TOTAL = START * accounts.length;
    for (const name of accounts) {
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: name }, n: { N: String(START) } } }));
    }
    // mulberry32: a seeded generator, so every run makes the same transfers.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const outcomes = { committed: 0, cancelled: 0, failed: 0 };
    const transfer = async (): Promise<void> => {
      const from = accounts[random(accounts.length)] as string;
      let to = accounts[random(accounts.length)] as string;
      if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length] as string;
      const amount = 1 + random(30);
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { pk: { S: from } },
                  UpdateExpression: "ADD n :minus",
                  ConditionExpression: "n >= :amount",
                  ExpressionAttributeValues: { ":minus": { N: String(-amount) }, ":amount": { N: String(amount) } },
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: { S: to } },
                  UpdateExpression: "ADD n :amount",
                  ExpressionAttributeValues: { ":amount": { N: String(amount) } },
                },
              },
            ],
          }),
        );
        outcomes.committed++;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === "TransactionCanceledException") outcomes.cancelled++;
        else outcomes.failed++;
      }
    };
    let checks = 0;
    const check = async (): Promise<void> => {
      try {
        const out = await client.send(
          new TransactGetItemsCommand({
            TransactItems: accounts.map((pk) => ({ Get: { TableName: table, Key: { pk: { S: pk } } } })),
          }),
        );
        const sum = (out.Responses ?? []).reduce((s, r) => s + Number(r.Item?.n?.N ?? "NaN"), 0);
        expect(sum).toBe(TOTAL);
        checks++;
      } catch (err) {
        // A snapshot meeting a transfer in flight is cancelled (TransactionConflict): no check.
        if ((err as { name?: string }).name !== "TransactionCanceledException") throw err;
      }
    };
    for (let round = 0; round < 16; round++) {
      const work: Promise<void>[] = [];
      for (let i = 0; i < 6; i++) work.push(transfer());
      work.push(check().then(check));
      if (round % 3 === 1) work.push(evictDurableObject(shardStub(tenant, round % SHARDS)));
      if (round % 4 === 2) {
        work.push(
          coordinatorRows(tenant).then(async (rows) => {
            for (const { stub } of rows) await evictDurableObject(stub);
          }),
        );
      }
      await Promise.all(work);
      if (round % 4 === 3) await settle(tenant);
    }
    await settle(tenant);
    await check();
    let sum = 0;
    for (const name of accounts) {
      const n = (await balance(client, table, name)) as number;
      expect(n).toBeGreaterThanOrEqual(0);
      sum += n;
    }
    expect(sum).toBe(TOTAL);
    checks++;
    expect(outcomes.committed).toBeGreaterThan(0);
    console.log(
      `transfers: ${outcomes.committed} committed, ${outcomes.cancelled} cancelled, ${outcomes.failed} failed; ` +
        `invariant checks passed: ${checks}`,
    );
    // Evictions and recoveries take long on a loaded two-core machine: more than the default 30 s.
  }, 60_000);
});
