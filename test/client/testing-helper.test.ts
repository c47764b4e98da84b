// durable-dynamodb/testing: each database is fresh and isolated from every other.
import { ListTablesCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../src/testing";

const USERS = {
  TableName: "users",
  BillingMode: "PAY_PER_REQUEST" as const,
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" as const }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" as const }],
};

describe("durable-dynamodb/testing", () => {
  it("createTestDatabase: creates the declared tables, fresh each time", async () => {
    const db = await createTestDatabase({ tables: [USERS] });
    expect((await db.client.send(new ListTablesCommand({}))).TableNames).toEqual(["users"]);
    await db.documents.send(new PutCommand({ TableName: "users", Item: { id: "u1", age: 30 } }));
    expect((await db.documents.send(new GetCommand({ TableName: "users", Key: { id: "u1" } }))).Item).toEqual({
      id: "u1",
      age: 30,
    });
  });

  it("createTestDatabase: two databases with the same table names never see each other's items", async () => {
    const [a, b] = await Promise.all([
      createTestDatabase({ tables: [USERS], shards: 4 }),
      createTestDatabase({ tables: [USERS], name: "other" }),
    ]);
    expect(a.tenant).not.toBe(b.tenant);
    expect(b.tenant.startsWith("other-")).toBe(true);
    await a.client.send(new PutItemCommand({ TableName: "users", Item: { id: { S: "only-in-a" } } }));
    expect((await a.client.send(new ScanCommand({ TableName: "users" }))).Count).toBe(1);
    expect((await b.client.send(new ScanCommand({ TableName: "users" }))).Count).toBe(0);
  });
});
