// Cross-shard TransactWriteItems and TransactGetItems by two-phase commit
// (src/txn/coordinator.ts, src/txn/prepared-shares.ts) on a table spread over 4 shards.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import {
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from "../../src/index";
import { armFault, clearFaults } from "../../src/storage/faults";
import { accountsOnShards, accountsTable, preparedOn, SHARDS, shardOfKey, shardStub } from "./txn-support";

afterEach(() => clearFaults());

async function balance(client: DynamoDBClient, table: string, pk: string): Promise<number | undefined> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }));
  const n = out.Item?.n?.N;
  return n === undefined ? undefined : Number(n);
}

function put(table: string, pk: string, n: number) {
  return { Put: { TableName: table, Item: { pk: { S: pk }, n: { N: String(n) } } } };
}

async function preparedEverywhere(tenant: string): Promise<number> {
  let total = 0;
  for (let k = 0; k < SHARDS; k++) total += await preparedOn(tenant, k);
  return total;
}

describe("cross-shard transactions (4 shards)", () => {
  it("TransactWriteItems: commits actions on every shard", async () => {
    const { client, tenant, table } = await accountsTable();
    const names = accountsOnShards(4);
    expect(new Set(names.map(shardOfKey)).size).toBe(4);
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: names[3] as string }, n: { N: "5" } } }));
    const out = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put(table, names[0] as string, 1),
          put(table, names[1] as string, 2),
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: { S: names[3] as string } },
              ConditionExpression: "n = :five",
              ExpressionAttributeValues: { ":five": { N: "5" } },
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: { S: names[2] as string } },
              UpdateExpression: "ADD n :three",
              ExpressionAttributeValues: { ":three": { N: "3" } },
            },
          },
        ],
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(out.ConsumedCapacity).toEqual([
      { TableName: table, CapacityUnits: 8, ReadCapacityUnits: 2, WriteCapacityUnits: 6 },
    ]);
    expect(await balance(client, table, names[0] as string)).toBe(1);
    expect(await balance(client, table, names[1] as string)).toBe(2);
    expect(await balance(client, table, names[2] as string)).toBe(3);
    expect(await preparedEverywhere(tenant)).toBe(0);
  });

  it("TransactWriteItems: a failed condition on one shard cancels every shard, reasons in request order", async () => {
    const { client, tenant, table } = await accountsTable();
    const names = accountsOnShards(4);
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: names[2] as string }, n: { N: "7" } } }));
    const err = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            put(table, names[0] as string, 1),
            put(table, names[1] as string, 2),
            {
              Update: {
                TableName: table,
                Key: { pk: { S: names[2] as string } },
                UpdateExpression: "SET n = :one",
                ConditionExpression: "n = :zero",
                ExpressionAttributeValues: { ":one": { N: "1" }, ":zero": { N: "0" } },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
            {
              Delete: {
                TableName: table,
                Key: { pk: { S: names[3] as string } },
                ConditionExpression: "attribute_exists(pk)",
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "TransactionCanceledException",
      message:
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed, ConditionalCheckFailed]",
      CancellationReasons: [
        { Code: "None" },
        { Code: "None" },
        {
          Code: "ConditionalCheckFailed",
          Message: "The conditional request failed",
          Item: { pk: { S: names[2] }, n: { N: "7" } },
        },
        { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
      ],
    });
    expect(await balance(client, table, names[0] as string)).toBeUndefined();
    expect(await balance(client, table, names[1] as string)).toBeUndefined();
    expect(await balance(client, table, names[2] as string)).toBe(7);
    expect(await preparedEverywhere(tenant)).toBe(0);
    // The prepared shares released their items.
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: names[0] as string }, n: { N: "9" } } }));
    expect(await balance(client, table, names[0] as string)).toBe(9);
  });

  it("TransactWriteItems: a whole-request fault on one shard is a plain error and nothing is written", async () => {
    const { client, table } = await accountsTable();
    const names = accountsOnShards(2);
    await expect(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [put(table, names[0] as string, 1), put("no-such-table-2pc", names[1] as string, 2)],
        }),
      ),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(await balance(client, table, names[0] as string)).toBeUndefined();
  });

  it("TransactGetItems: reads items of every shard in request order", async () => {
    const { client, table } = await accountsTable();
    const names = accountsOnShards(4);
    for (const [i, name] of names.slice(0, 3).entries()) {
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: name }, n: { N: String(i) } } }));
    }
    const out = await client.send(
      new TransactGetItemsCommand({
        TransactItems: [2, 3, 0, 1].map((i) => ({
          Get: { TableName: table, Key: { pk: { S: names[i] as string } }, ProjectionExpression: "n" },
        })),
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(out.Responses).toEqual([
      { Item: { n: { N: "2" } } },
      {},
      { Item: { n: { N: "0" } } },
      { Item: { n: { N: "1" } } },
    ]);
    expect(out.ConsumedCapacity).toEqual([{ TableName: table, CapacityUnits: 8, ReadCapacityUnits: 8 }]);
  });

  it("TransactWriteItems: ClientRequestToken across shards replays the first response and refuses another request", async () => {
    const { client, table } = await accountsTable();
    const names = accountsOnShards(2);
    const request = {
      TransactItems: names.map((name) => ({
        Update: {
          TableName: table,
          Key: { pk: { S: name } },
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        },
      })),
      ClientRequestToken: `tok-${Date.now()}`,
    };
    const first = await client.send(new TransactWriteItemsCommand(request));
    const second = await client.send(new TransactWriteItemsCommand(request));
    expect(second.ItemCollectionMetrics).toEqual(first.ItemCollectionMetrics);
    for (const name of names) expect(await balance(client, table, name)).toBe(1);
    await expect(
      client.send(new TransactWriteItemsCommand({ ...request, TransactItems: request.TransactItems.slice(0, 1) })),
    ).rejects.toMatchObject({
      name: "IdempotentParameterMismatchException",
      message: "Request parameters do not match the earlier request made with this ClientRequestToken",
    });
    for (const name of names) expect(await balance(client, table, name)).toBe(1);
  });

  it("TransactWriteItems: an item held by a transaction in flight refuses writes and other transactions", async () => {
    const { client, tenant, table } = await accountsTable();
    const names = accountsOnShards(2);
    // The commit of the first share fails once: the decision stands, that shard keeps its share prepared.
    armFault("participant:before-commit");
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [put(table, names[0] as string, 1), put(table, names[1] as string, 2)],
      }),
    );
    const held =
      (await preparedOn(tenant, shardOfKey(names[0] as string))) > 0 ? (names[0] as string) : (names[1] as string);
    const other = held === names[0] ? (names[1] as string) : (names[0] as string);
    expect(await preparedOn(tenant, shardOfKey(held))).toBe(1);
    expect(await balance(client, table, other)).toBeDefined();

    await expect(
      client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: held }, n: { N: "0" } } })),
    ).rejects.toMatchObject({ name: "TransactionConflictException", message: "Transaction is ongoing for the item" });
    const err = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [put(table, other, 10), put(table, held, 20)] }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "TransactionCanceledException",
      CancellationReasons: [
        { Code: "None" },
        { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" },
      ],
    });
    const read = await client
      .send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: { S: held } } } }] }))
      .catch((e: unknown) => e);
    expect(read).toMatchObject({
      name: "TransactionCanceledException",
      CancellationReasons: [{ Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }],
    });

    // The shard's alarm asks the coordinator, learns the decision and commits its share.
    expect(await runDurableObjectAlarm(shardStub(tenant, shardOfKey(held)))).toBe(true);
    expect(await preparedOn(tenant, shardOfKey(held))).toBe(0);
    expect(await balance(client, table, names[0] as string)).toBe(1);
    expect(await balance(client, table, names[1] as string)).toBe(2);
  });
});
