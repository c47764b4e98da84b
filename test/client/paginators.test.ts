// The AWS SDK's paginators walk every item exactly once, in order, whatever the page size,
// and also when pages are cut at 1 MB rather than by Limit.
import { describe, expect, it } from "vitest";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  paginateQuery,
  paginateScan,
  type AttributeValue,
} from "../../src/index";
import { uniqueName } from "../support/wire";

const client = new DynamoDBClient({});

async function table(items: Record<string, AttributeValue>[]): Promise<string> {
  const name = uniqueName("pages");
  await client.send(
    new CreateTableCommand({
      TableName: name,
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
  for (let i = 0; i < items.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  return name;
}

async function queryAll(name: string, pageSize: number | undefined): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pages = 0;
  for await (const page of paginateQuery(
    { client, ...(pageSize ? { pageSize } : {}) },
    { TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } },
  )) {
    pages++;
    for (const item of page.Items ?? []) keys.push((item.sk as { N: string }).N);
  }
  return { keys, pages };
}

describe("Paginators", () => {
  it("paginateQuery and paginateScan: every page size from 1 to N walks each item once, in order", async () => {
    const n = 12;
    const name = await table(
      Array.from({ length: n }, (_, i) => ({ pk: { S: i < 9 ? "p" : `q${i}` }, sk: { N: String(i) } })),
    );
    const scanOrder: string[] = [];
    for await (const page of paginateScan({ client }, { TableName: name })) {
      for (const item of page.Items ?? [])
        scanOrder.push(`${(item.pk as { S: string }).S}/${(item.sk as { N: string }).N}`);
    }
    expect(scanOrder).toHaveLength(n);
    for (let pageSize = 1; pageSize <= n; pageSize++) {
      const { keys } = await queryAll(name, pageSize);
      expect(keys).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8"]);
      const scanned: string[] = [];
      for await (const page of paginateScan({ client, pageSize }, { TableName: name })) {
        for (const item of page.Items ?? [])
          scanned.push(`${(item.pk as { S: string }).S}/${(item.sk as { N: string }).N}`);
      }
      expect(scanned).toEqual(scanOrder);
    }
  });

  it("paginateQuery: pages cut at 1 MB still walk every item once", async () => {
    // 15 items of ~100 KB: DynamoDB cuts the first page at the item that crosses 1 MB.
    const big = "x".repeat(100_000);
    const name = await table(
      Array.from({ length: 15 }, (_, i) => ({ pk: { S: "p" }, sk: { N: String(i) }, blob: { S: big } })),
    );
    const { keys, pages } = await queryAll(name, undefined);
    expect(keys).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(pages).toBe(2);
  });
});
