// BatchWriteItem and BatchGetItem split over 4 shards (src/cluster/router.ts): a shard that
// fails leaves its part unprocessed while the other shards' parts apply.
import { afterEach, describe, expect, it } from "vitest";
import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, GetItemCommand } from "../../src/index";
import { armFault, clearFaults } from "../../src/storage/faults";
import { accountsOnShards, accountsTable, SHARDS } from "./txn-support";

afterEach(() => clearFaults());

describe("batches over shards (4 shards)", () => {
  it("BatchWriteItem: a failed shard's requests come back as UnprocessedItems, the others apply", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(4);
    const puts = names.map((pk) => ({ PutRequest: { Item: { pk: { S: pk }, n: { N: "1" } } } }));
    // The first part sent (shard of names[0] in shard order) fails.
    armFault("router:batch-shard");
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts } }));
    const unprocessed = out.UnprocessedItems?.[table] ?? [];
    expect(unprocessed.length).toBe(1);
    const lost = unprocessed[0]?.PutRequest?.Item?.pk?.S as string;
    for (const pk of names) {
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }));
      expect(got.Item === undefined).toBe(pk === lost);
    }
    // Retrying the unprocessed part completes the batch.
    const retry = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: unprocessed } }));
    expect(retry.UnprocessedItems).toEqual({});
    const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: lost } } }));
    expect(got.Item).toEqual({ pk: { S: lost }, n: { N: "1" } });
  });

  it("BatchGetItem: a failed shard's keys come back as UnprocessedKeys", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(4);
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: names.map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })) },
      }),
    );
    armFault("router:batch-shard");
    const out = await client.send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: names.map((pk) => ({ pk: { S: pk } })) } } }),
    );
    expect(out.Responses?.[table]?.length).toBe(3);
    expect(out.UnprocessedKeys?.[table]?.Keys?.length).toBe(1);
  });

  it("BatchWriteItem: every shard failing is an InternalServerError", async () => {
    const { tenant, table } = await accountsTable();
    const client = new DynamoDBClient({ shards: SHARDS, tenant, maxAttempts: 1 });
    const names = accountsOnShards(2);
    armFault("router:batch-shard", 2);
    await expect(
      client.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: names.map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })) },
        }),
      ),
    ).rejects.toMatchObject({ name: "InternalServerError" });
  });
});
