// Vector indexes through `npm start` with the AWS SDK for JavaScript (issue 25's "done
// when"): a table with a vector index is created, items with vectors written, searches
// return the exact TopK with their scores and DynamoDB's errors for bad input; UpdateTable
// adds an index to a populated table and searches see every item once its backfill ends.
// Also through lib-dynamodb's DocumentClient (plain number arrays).
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  SearchVectorsCommand,
  UpdateTableCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, SearchVectorsCommand as DocSearchVectors } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { sdkClient, uniqueName } from "./support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const vector = (xs: number[]): AttributeValue => ({ L: xs.map((x) => ({ N: String(x) })) });

describe("vector search through the endpoint", () => {
  it("AWS SDK: creates a vector index, writes, searches exactly, refuses bad searches", async () => {
    const client = sdkClient();
    const table = uniqueName("vec");
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "tenant", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        VectorIndexes: [
          {
            IndexName: "byTenant",
            VectorAttribute: { AttributeName: "emb" },
            Dimensions: 2,
            DistanceFunction: "EUCLIDEAN",
            SearchSchema: [{ AttributeName: "tenant", SearchSchemaElementType: "HASH" }],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    for (let i = 0; i < 40; i++) {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { id: { S: `t${i}` }, tenant: { S: i % 2 ? "odd" : "even" }, emb: vector([i, 0]) },
        }),
      );
    }
    const out = await client.send(
      new SearchVectorsCommand({
        TableName: table,
        IndexName: "byTenant",
        SearchVector: [{ N: "10.25" }, { N: "0" }],
        SearchConditionExpression: "tenant = :t",
        ExpressionAttributeValues: { ":t": { S: "even" } },
        TopK: 3,
      }),
    );
    expect(out.SearchResults?.map((r) => r.Item?.id?.S)).toEqual(["t10", "t12", "t8"]);
    expect(out.SearchResults?.map((r) => r.Score)).toEqual([0.25, 1.75, 2.25]);
    const refused = await client
      .send(new SearchVectorsCommand({ TableName: table, IndexName: "byTenant", SearchVector: [{ N: "1" }], TopK: 3 }))
      .catch((err: Error) => err);
    expect([(refused as Error).name, (refused as Error).message]).toEqual([
      "ValidationException",
      "Input search vector dimension 1 does not match vector index dimension 2",
    ]);
  });

  it("AWS SDK: UpdateTable adds a vector index to a populated table; DocumentClient searches it", async () => {
    const client = sdkClient();
    const doc = DynamoDBDocumentClient.from(client);
    const table = uniqueName("vec");
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    for (let i = 0; i < 120; i++)
      await doc.send(new PutCommand({ TableName: table, Item: { id: `d${i}`, emb: [0, i, 1] } }));
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        VectorIndexUpdates: [
          {
            Create: {
              IndexName: "late",
              VectorAttribute: { AttributeName: "emb" },
              Dimensions: 3,
              DistanceFunction: "DOT_PRODUCT",
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          },
        ],
      }),
    );
    for (let k = 0; ; k++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      const index = Table?.VectorIndexes?.[0];
      if (index?.IndexStatus === "ACTIVE" && Table?.TableStatus === "ACTIVE") {
        expect(index.ItemCount).toBe(120);
        break;
      }
      if (k > 400) throw new Error("index never ACTIVE");
      await sleep(50);
    }
    const out = await doc.send(
      new DocSearchVectors({ TableName: table, IndexName: "late", SearchVector: [0, 1, 0], TopK: 2 }),
    );
    expect(out.SearchResults).toEqual([
      { Item: { id: "d119" }, Score: 119 },
      { Item: { id: "d118" }, Score: 118 },
    ]);
  });
});
