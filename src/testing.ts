// `durable-dynamodb/testing`: fresh, isolated databases for users' own tests under
// @cloudflare/vitest-plugin, without restarting workerd between tests.
//
//   import { createTestDatabase } from "durable-dynamodb/testing";
//   const db = await createTestDatabase({ tables: [usersTable], shards: 4 });
//   await db.documents.send(new PutCommand({ TableName: "users", Item: { id: "u1" } }));
//
// Each database is a tenant of its own (src/client/client.ts `tenant`): its tables live in
// shard Durable Objects no other database names, so tests never see each other's tables
// or items, even when they run concurrently against one workerd.
import { CreateTableCommand, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, type TranslateConfig } from "@aws-sdk/lib-dynamodb";
import { DynamoDBClient, type DynamoDBClientConfig } from "./client/client.js";

export interface TestDatabaseOptions extends Omit<DynamoDBClientConfig, "tenant"> {
  /** Tables created before the database is handed out (CreateTable inputs). */
  tables?: CreateTableCommandInput[];
  /** Marshalling options of `documents`. */
  translateConfig?: TranslateConfig;
  /** A readable prefix for the database's tenant name (default "test"). */
  name?: string;
}

export interface TestDatabase {
  /** The low-level client, confined to this database. */
  client: DynamoDBClient;
  /** A DynamoDBDocumentClient over `client`. */
  documents: DynamoDBDocumentClient;
  /** The tenant name isolating this database. */
  tenant: string;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const { tables = [], translateConfig, name = "test", ...config } = options;
  const tenant = `${name}-${crypto.randomUUID()}`;
  const client = new DynamoDBClient({ ...config, tenant });
  for (const table of tables) await client.send(new CreateTableCommand(table));
  return { client, documents: DynamoDBDocumentClient.from(client, translateConfig), tenant };
}
