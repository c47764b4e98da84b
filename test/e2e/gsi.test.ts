// Global secondary indexes through `npm start` with the AWS SDK: the endpoint spreads
// tables over SERVER_SHARDS partitions, so every GSI here is kept in partitions of its own
// (src/gsi/propagation.ts) and read one partition per Query, as DynamoDB reads it.
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkClient, SERVER_SHARDS, uniqueName } from "./support";

type Item = Record<string, AttributeValue>;

const client = sdkClient();
const table = uniqueName("gsi");

/** Orders o1..o30: customer c(i % 3), status open/shipped, a total, a region for the multi-attribute index. */
function order(i: number): Item {
  const item: Item = {
    id: { S: `o${i}` },
    customer: { S: `c${i % 3}` },
    total: { N: String(i * 10) },
    note: { S: `note ${i}` },
  };
  if (i % 4 !== 3) item.status = { S: i % 2 === 0 ? "open" : "shipped" };
  if (i % 5 === 0) Object.assign(item, { region: { S: "eu" }, tier: { N: String(i % 2) } });
  return item;
}

async function queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, TableName: table, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

beforeAll(async () => {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "id", AttributeType: "S" },
        { AttributeName: "customer", AttributeType: "S" },
        { AttributeName: "total", AttributeType: "N" },
        { AttributeName: "status", AttributeType: "S" },
        { AttributeName: "region", AttributeType: "S" },
        { AttributeName: "tier", AttributeType: "N" },
      ],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byCustomer",
          KeySchema: [
            { AttributeName: "customer", KeyType: "HASH" },
            { AttributeName: "total", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["status"] },
        },
        {
          IndexName: "byStatus",
          KeySchema: [{ AttributeName: "status", KeyType: "HASH" }],
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
        {
          IndexName: "byRegionTier",
          KeySchema: [
            { AttributeName: "region", KeyType: "HASH" },
            { AttributeName: "tier", KeyType: "HASH" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  for (let i = 1; i <= 30; i++) await client.send(new PutItemCommand({ TableName: table, Item: order(i) }));
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: table }));
});

describe(`GSIs through npm start (${SERVER_SHARDS} partitions)`, () => {
  it("Query: pages of 4 in index order, forwards and backwards, with the projection's attributes", async () => {
    const forward = await queryAll({
      IndexName: "byCustomer",
      KeyConditionExpression: "customer = :c AND #total > :t",
      ExpressionAttributeNames: { "#total": "total" },
      ExpressionAttributeValues: { ":c": { S: "c1" }, ":t": { N: "50" } },
      Limit: 4,
    });
    expect(forward.map((i) => i.total?.N)).toEqual(["70", "100", "130", "160", "190", "220", "250", "280"]);
    // INCLUDE status: the keys and status where the item has one (o7 has none).
    expect(Object.keys(forward[0] ?? {}).sort()).toEqual(["customer", "id", "total"]);
    expect(Object.keys(forward[1] ?? {}).sort()).toEqual(["customer", "id", "status", "total"]);
    const backward = await queryAll({
      IndexName: "byCustomer",
      KeyConditionExpression: "customer = :c",
      ExpressionAttributeValues: { ":c": { S: "c1" } },
      ScanIndexForward: false,
      Limit: 3,
    });
    expect(backward.map((i) => i.total?.N)).toEqual([
      "280",
      "250",
      "220",
      "190",
      "160",
      "130",
      "100",
      "70",
      "40",
      "10",
    ]);
  });

  it("Query: a multi-attribute partition key, a filter and COUNT", async () => {
    const eu = await queryAll({
      IndexName: "byRegionTier",
      KeyConditionExpression: "#region = :r AND tier = :t",
      ExpressionAttributeNames: { "#region": "region" },
      ExpressionAttributeValues: { ":r": { S: "eu" }, ":t": { N: "0" } },
    });
    expect(eu.map((i) => i.id?.S).sort()).toEqual(["o10", "o20", "o30"]);
    const counted = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byStatus",
        KeyConditionExpression: "#s = :s",
        FilterExpression: "begins_with(id, :o)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "open" }, ":o": { S: "o1" } },
        Select: "COUNT",
      }),
    );
    // open: even i with i % 4 != 3 (all even i): 15 items, of which o10, o12, o14, o16, o18 start with o1.
    expect([counted.Count, counted.ScannedCount]).toEqual([5, 15]);
  });

  it("Query: ConsistentRead on a GSI is refused with DynamoDB's message", async () => {
    await expect(
      client.send(
        new QueryCommand({
          TableName: table,
          IndexName: "byStatus",
          KeyConditionExpression: "#s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "open" } },
          ConsistentRead: true,
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: "Consistent reads are not supported on global secondary indexes",
    });
  });

  it("UpdateItem and DeleteItem move and remove entries; a Scan of the index sees every item once", async () => {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: "o3" } },
        UpdateExpression: "SET customer = :c, #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":c": { S: "c9" }, ":s": { S: "open" } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: "o6" } } }));
    const c9 = await queryAll({
      IndexName: "byCustomer",
      KeyConditionExpression: "customer = :c",
      ExpressionAttributeValues: { ":c": { S: "c9" } },
    });
    expect(c9.map((i) => [i.id?.S, i.status?.S])).toEqual([["o3", "open"]]);
    const scanned: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, IndexName: "byStatus", Limit: 5, ExclusiveStartKey: start }),
      );
      scanned.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    // 29 items; 7 without a status (i % 4 == 3, less o3 which now has one).
    expect(scanned).toHaveLength(29 - 6);
    expect(new Set(scanned.map((i) => i.id?.S)).size).toBe(scanned.length);
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.ItemCount])).toEqual([
      ["byCustomer", 29],
      ["byStatus", 23],
      ["byRegionTier", 6],
    ]);
  });

  it("UpdateTable: a GSI added online is backfilled into its own partitions, then queried", async () => {
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "note", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: "byNote",
              KeySchema: [{ AttributeName: "note", KeyType: "HASH" }],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          },
        ],
      }),
    );
    for (let i = 0; ; i++) {
      const described = await client.send(new DescribeTableCommand({ TableName: table }));
      if (described.Table?.GlobalSecondaryIndexes?.find((x) => x.IndexName === "byNote")?.IndexStatus === "ACTIVE")
        break;
      if (i > 300) throw new Error("byNote did not become ACTIVE");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const found = await queryAll({
      IndexName: "byNote",
      KeyConditionExpression: "note = :n",
      ExpressionAttributeValues: { ":n": { S: "note 17" } },
    });
    expect(found).toEqual([{ id: { S: "o17" }, note: { S: "note 17" } }]);
  });
});
