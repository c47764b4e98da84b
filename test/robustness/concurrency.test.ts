// Concurrency through the SDK-compatible client inside workerd (issue #9): 200 concurrent
// optimistic increments of one counter, each reading the version and writing with
// ConditionExpression "v = :v", retried (after a random pause) on ConditionalCheckFailedException.
// The shard runs each request's read-check-write in one synchronous SQLite transaction,
// so the counter must end at exactly the number of increments acknowledged: no lost
// update, no double count. (The same over HTTP: test/e2e/concurrency.test.ts.)
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "../../src/index";
import { uniqueName } from "../support/wire";

const WRITERS = 200;
const ATTEMPTS = 5;

/** One writer: read the version, write version + 1 if still current; true once it succeeded. */
async function increment(client: DynamoDBClient, table: string): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await client.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: "counter" } }, ConsistentRead: true }),
    );
    const version = read.Item?.v?.N ?? "0";
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: "counter" } },
          UpdateExpression: "SET v = v + :one, n = n + :one",
          ConditionExpression: "v = :v",
          ExpressionAttributeValues: { ":one": { N: "1" }, ":v": { N: version } },
        }),
      );
      return true;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Back off a random few milliseconds, as clients do, so writers interleave.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    }
  }
  return false;
}

describe("concurrent conditional writes through the client", () => {
  it("Concurrency: 200 concurrent version-checked increments end at exactly the number that succeeded", async () => {
    const client = new DynamoDBClient({});
    const table = uniqueName("counter");
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await client.send(
      new PutItemCommand({ TableName: table, Item: { id: { S: "counter" }, v: { N: "0" }, n: { N: "0" } } }),
    );

    const results = await Promise.all(Array.from({ length: WRITERS }, () => increment(client, table)));
    const succeeded = results.filter(Boolean).length;

    const final = await client.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: "counter" } }, ConsistentRead: true }),
    );
    console.log(
      `concurrency (client): ${WRITERS} writers, ${succeeded} increments acknowledged, counter ${final.Item?.n?.N}`,
    );
    expect(succeeded).toBeGreaterThan(0);
    expect(final.Item).toEqual({ id: { S: "counter" }, v: { N: String(succeeded) }, n: { N: String(succeeded) } });
  });

  it("Concurrency: 200 concurrent unconditional ADDs are all counted", async () => {
    const client = new DynamoDBClient({});
    const table = uniqueName("adder");
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const add = () =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: "counter" } },
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        }),
      );
    await Promise.all(Array.from({ length: WRITERS }, add));
    const final = await client.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: "counter" } }, ConsistentRead: true }),
    );
    expect(final.Item?.n).toEqual({ N: String(WRITERS) });
  });
});
