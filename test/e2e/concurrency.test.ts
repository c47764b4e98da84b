// Concurrency over HTTP (issue #9): 200 concurrent optimistic increments of one counter
// by @aws-sdk/client-dynamodb against the started endpoint, each reading the version and
// writing with ConditionExpression "v = :v", retried (after a random pause) on
// ConditionalCheckFailedException. The counter must end at exactly the number of
// increments acknowledged: no lost update, no double count. (The same through the
// in-Worker client: test/robustness/concurrency.test.ts.)
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint, uniqueName } from "./support";

const WRITERS = 200;
const ATTEMPTS = 5;

const client = new DynamoDBClient({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
  maxAttempts: 1, // an SDK retry could hide a failed request; none is expected
});
const table = uniqueName("concurrency");
const KEY = { id: { S: "counter" } };

async function read(): Promise<Record<string, { N?: string; S?: string }> | undefined> {
  return (await client.send(new GetItemCommand({ TableName: table, Key: KEY, ConsistentRead: true }))).Item;
}

/** One writer: read the version, write version + 1 if still current; true once it succeeded. */
async function increment(): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const version = (await read())?.v?.N ?? "0";
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: KEY,
          UpdateExpression: "SET v = v + :one, n = n + :one",
          ConditionExpression: "v = :v",
          ExpressionAttributeValues: { ":one": { N: "1" }, ":v": { N: version } },
        }),
      );
      return true;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    }
  }
  return false;
}

describe("concurrent conditional writes over HTTP", () => {
  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
  });

  it("Concurrency: 200 concurrent version-checked increments over HTTP end at exactly the number that succeeded", async () => {
    await client.send(new PutItemCommand({ TableName: table, Item: { ...KEY, v: { N: "0" }, n: { N: "0" } } }));
    const results = await Promise.all(Array.from({ length: WRITERS }, increment));
    const succeeded = results.filter(Boolean).length;
    const final = await read();
    console.log(`concurrency (HTTP): ${WRITERS} writers, ${succeeded} increments acknowledged, counter ${final?.n?.N}`);
    expect(succeeded).toBeGreaterThan(0);
    expect(final).toEqual({ ...KEY, v: { N: String(succeeded) }, n: { N: String(succeeded) } });
  });

  it("Concurrency: 200 concurrent unconditional ADDs over HTTP are all counted", async () => {
    await client.send(new PutItemCommand({ TableName: table, Item: { ...KEY, n: { N: "0" } } }));
    const add = () =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: KEY,
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        }),
      );
    await Promise.all(Array.from({ length: WRITERS }, add));
    expect((await read())?.n).toEqual({ N: String(WRITERS) });
  });
});
