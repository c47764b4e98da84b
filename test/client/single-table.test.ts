// An ElectroDB-style single-table design through the real DocumentClient over the
// package's client: entities sharing pk/sk, an overloaded GSI (gsi1pk/gsi1sk), item
// collections, and adding a GSI online to a table of 10,000 items while it is in use.
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from "../../src/index";
import { tableShard } from "../support/tables";
import { uniqueName } from "../support/wire";

const client = new DynamoDBClient({});
const doc = DynamoDBDocumentClient.from(client);

async function createTable(name: string, withGsi: boolean): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
        ...(withGsi
          ? [
              { AttributeName: "gsi1pk", AttributeType: "S" as const },
              { AttributeName: "gsi1sk", AttributeType: "S" as const },
            ]
          : []),
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      ...(withGsi
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: "gsi1",
                KeySchema: [
                  { AttributeName: "gsi1pk", KeyType: "HASH" },
                  { AttributeName: "gsi1sk", KeyType: "RANGE" },
                ],
                Projection: { ProjectionType: "ALL" },
              },
            ],
          }
        : {}),
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

describe("Single-table design through the DocumentClient", () => {
  it("DocumentClient: entities share pk/sk; collections and an overloaded GSI answer access patterns", async () => {
    const table = uniqueName("store");
    await createTable(table, true);
    const user = { pk: "USER#1", sk: "PROFILE", gsi1pk: "EMAIL#ann@example.com", gsi1sk: "USER#1", name: "Ann" };
    const orders = [1, 2, 3].map((n) => ({
      pk: "USER#1",
      sk: `ORDER#2026-11-0${n}`,
      gsi1pk: n === 2 ? "STATUS#shipped" : "STATUS#open",
      gsi1sk: `2026-11-0${n}#ORDER#${n}`,
      total: n * 10,
    }));
    const otherUser = { pk: "USER#2", sk: "PROFILE", gsi1pk: "EMAIL#bob@example.com", gsi1sk: "USER#2", name: "Bob" };
    for (const item of [user, ...orders, otherUser]) await doc.send(new PutCommand({ TableName: table, Item: item }));

    // The user's item collection: profile and orders in one Query, sort-key order.
    const collection = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :u",
        ExpressionAttributeValues: { ":u": "USER#1" },
      }),
    );
    expect(collection.Items?.map((i) => i.sk)).toEqual([
      "ORDER#2026-11-01",
      "ORDER#2026-11-02",
      "ORDER#2026-11-03",
      "PROFILE",
    ]);
    // Only the orders, newest first.
    const recent = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :u AND begins_with(sk, :o)",
        ExpressionAttributeValues: { ":u": "USER#1", ":o": "ORDER#" },
        ScanIndexForward: false,
        Limit: 2,
      }),
    );
    expect(recent.Items?.map((i) => i.total)).toEqual([30, 20]);
    expect(recent.LastEvaluatedKey).toEqual({ pk: "USER#1", sk: "ORDER#2026-11-02" });
    // Look up a user by email through the overloaded GSI.
    const byEmail = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :e",
        ExpressionAttributeValues: { ":e": "EMAIL#bob@example.com" },
      }),
    );
    expect(byEmail.Items).toEqual([otherUser]);
    // Open orders across users, by date.
    const open = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :s AND gsi1sk >= :from",
        ExpressionAttributeValues: { ":s": "STATUS#open", ":from": "2026-11-02" },
      }),
    );
    expect(open.Items?.map((i) => i.sk)).toEqual(["ORDER#2026-11-03"]);
    // Shipping an order moves it between GSI partitions.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: "USER#1", sk: "ORDER#2026-11-03" },
        UpdateExpression: "SET gsi1pk = :s",
        ExpressionAttributeValues: { ":s": "STATUS#shipped" },
      }),
    );
    const shipped = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :s",
        ExpressionAttributeValues: { ":s": "STATUS#shipped" },
      }),
    );
    expect(shipped.Items?.map((i) => i.total)).toEqual([20, 30]);
  });

  it("UpdateTable: a GSI added to a table of 10,000 items backfills while reads and writes continue", async () => {
    const table = uniqueName("big");
    await createTable(table, false);
    const total = 10_000;
    for (let start = 0; start < total; start += 25) {
      const requests = Array.from({ length: 25 }, (_, i) => {
        const n = start + i;
        return { PutRequest: { Item: { pk: `P#${n % 500}`, sk: `S#${n}`, kind: n % 10 === 0 ? "tenth" : "other" } } };
      });
      await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    }
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "kind", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: "byKind",
              KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          },
        ],
      }),
    );
    const shard = await tableShard(table);
    const status = async () =>
      (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes?.[0];
    expect((await status())?.IndexStatus).toBe("CREATING");
    // Interleave writes (to rows both behind and ahead of the backfill) and reads with backfill steps.
    let steps = 0;
    let extra = 0;
    while ((await status())?.IndexStatus !== "ACTIVE" && steps < 1000) {
      await runDurableObjectAlarm(shard);
      steps++;
      await doc.send(
        new PutCommand({ TableName: table, Item: { pk: `P#${steps % 500}`, sk: `NEW#${steps}`, kind: "tenth" } }),
      );
      extra++;
      const read = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": "P#0" },
        }),
      );
      expect(read.Count).toBeGreaterThanOrEqual(20);
    }
    const index = await status();
    expect(index?.IndexStatus).toBe("ACTIVE");
    expect(steps).toBeGreaterThan(10);
    expect(index?.ItemCount).toBe(total + extra);
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: "byKind",
          KeyConditionExpression: "kind = :k",
          ExpressionAttributeValues: { ":k": "tenth" },
          Select: "COUNT",
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(count).toBe(total / 10 + extra);
  }, 300_000);
});
