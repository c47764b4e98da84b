// Query and Scan of a GSI on a 4-shard table (src/cluster/gsi.ts), and Scan of the table
// itself (src/cluster/scan.ts), against the same data in
// a one-shard table: page by page, for every Limit, the same Items, Count, ScannedCount
// and LastEvaluatedKey, so paging is exact, stateless and in index order.
import { describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from "../../src/index";
import { uniqueName } from "../support/wire";

type Input = Omit<QueryCommandInput, "TableName"> | Omit<ScanCommandInput, "TableName">;

async function twin(): Promise<{ one: DynamoDBClient; four: DynamoDBClient; table: string }> {
  const table = uniqueName("gsi");
  const one = new DynamoDBClient({ shards: 1, tenant: uniqueName("one") });
  const four = new DynamoDBClient({ shards: 4, tenant: uniqueName("four") });
  for (const client of [one, four]) {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
          { AttributeName: "g", AttributeType: "S" },
          { AttributeName: "r", AttributeType: "N" },
          { AttributeName: "h", AttributeType: "S" },
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
            KeySchema: [{ AttributeName: "h", KeyType: "HASH" }],
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["v"] },
          },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }
  return { one, four, table };
}

async function fill(clients: DynamoDBClient[], table: string, pad = 0, count = 36): Promise<void> {
  for (let i = 0; i < count; i++) {
    const item: Record<string, { S: string } | { N: string }> = {
      pk: { S: `p${i % 12}` },
      sk: { N: String(Math.floor(i / 12)) },
      v: { N: String((i * 7) % 10) },
    };
    if (i % 5 !== 4) item.g = { S: ["a", "b", "c"][i % 3] as string };
    item.r = { N: String(i % 4) }; // ties: ordered by the table key
    if (i % 2 === 0) item.h = { S: i % 4 === 0 ? "x" : "y" };
    if (pad > 0) item.pad = { S: "z".repeat(pad) };
    for (const client of clients) await client.send(new PutItemCommand({ TableName: table, Item: item }));
  }
}

async function page(client: DynamoDBClient, operation: "Query" | "Scan", table: string, input: Input, start?: unknown) {
  const request = { ...input, TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) };
  const out =
    operation === "Query"
      ? await client.send(new QueryCommand(request as QueryCommandInput))
      : await client.send(new ScanCommand(request as ScanCommandInput));
  return { Items: out.Items, Count: out.Count, ScannedCount: out.ScannedCount, LastEvaluatedKey: out.LastEvaluatedKey };
}

/** Pages both tables to the end, page by page; returns the number of pages. */
async function compare(
  one: DynamoDBClient,
  four: DynamoDBClient,
  operation: "Query" | "Scan",
  table: string,
  input: Input,
): Promise<number> {
  let start: unknown;
  let pages = 0;
  for (;;) {
    const expected = await page(one, operation, table, input, start);
    const actual = await page(four, operation, table, input, start);
    expect(actual).toEqual(expected);
    pages++;
    if (!expected.LastEvaluatedKey) return pages;
    start = expected.LastEvaluatedKey;
    if (pages > 100) throw new Error("too many pages");
  }
}

const CASES: { name: string; operation: "Query" | "Scan"; input: Input }[] = [
  {
    name: "Query g = a, forward",
    operation: "Query",
    input: { IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "a" } } },
  },
  {
    name: "Query g = b, backward, r range, filter, projection",
    operation: "Query",
    input: {
      IndexName: "byG",
      KeyConditionExpression: "g = :g AND r >= :r",
      FilterExpression: "v > :v",
      ProjectionExpression: "pk, v",
      ScanIndexForward: false,
      ExpressionAttributeValues: { ":g": { S: "b" }, ":r": { N: "1" }, ":v": { N: "3" } },
    },
  },
  {
    name: "Query g = c, Select COUNT",
    operation: "Query",
    input: {
      IndexName: "byG",
      KeyConditionExpression: "g = :g",
      Select: "COUNT",
      ExpressionAttributeValues: { ":g": { S: "c" } },
    },
  },
  { name: "Scan byG", operation: "Scan", input: { IndexName: "byG" } },
  {
    name: "Scan of the table, filter, projection",
    operation: "Scan",
    input: {
      FilterExpression: "v >= :v",
      ProjectionExpression: "sk, v",
      ExpressionAttributeValues: { ":v": { N: "4" } },
    },
  },
  {
    name: "Scan byH, filter",
    operation: "Scan",
    input: { IndexName: "byH", FilterExpression: "v < :v", ExpressionAttributeValues: { ":v": { N: "5" } } },
  },
];

describe("GSI Query and Scan on a 4-shard table", () => {
  it("Query and Scan: every Limit pages exactly as one shard does", async () => {
    const { one, four, table } = await twin();
    await fill([one, four], table);
    for (const { name, operation, input } of CASES) {
      const all = await page(one, operation, table, input);
      const total = all.ScannedCount ?? 0;
      expect(total, name).toBeGreaterThan(2);
      await compare(one, four, operation, table, input);
      for (let limit = 1; limit <= total + 1; limit++) {
        const pages = await compare(one, four, operation, table, { ...input, Limit: limit });
        expect(pages, `${name}, Limit ${limit}`).toBe(Math.floor(total / limit) + 1);
      }
    }
  });

  it("Scan: pages of an index and of the table stop at 1 MB read across shards as on one shard", async () => {
    const { one, four, table } = await twin();
    await fill([one, four], table, 100_000, 24);
    const pages = await compare(one, four, "Scan", table, { IndexName: "byG" });
    expect(pages).toBeGreaterThan(1);
    // The table's own Scan walks the shards in hash order and cuts at 1 MB across them.
    expect(await compare(one, four, "Scan", table, {})).toBe(3);
  });

  it("Query: a filter on the index key is refused as on one shard", async () => {
    const { four, table } = await twin();
    await expect(
      four.send(
        new QueryCommand({
          TableName: table,
          IndexName: "byG",
          KeyConditionExpression: "g = :g",
          FilterExpression: "r > :r",
          ExpressionAttributeValues: { ":g": { S: "a" }, ":r": { N: "1" } },
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: "Filter Expression can only contain non-primary key attributes: Primary key attribute: r",
    });
  });
});
