// A Durable Object class using the mixin, as a user's would: test-only, reached through
// the MIXIN_TEST binding that vitest.config.ts declares.
import { DurableObject } from "cloudflare:workers";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type AttributeValue,
} from "../../src/index";
import type { EmbeddedRequestHandler } from "../../src/client/request-handler";
import { withDynamoDB } from "../../src/mixin";
import type { Env } from "../../src/worker";

export class MixinTestObject extends withDynamoDB(DurableObject<Env>) {
  /** The example from the mixin's documentation: a fetch handler writing through this.dynamodb. */
  override async fetch(request: Request): Promise<Response> {
    const id = new URL(request.url).searchParams.get("id") ?? "default";
    await this.ensureTable("visits");
    await this.dynamodb.send(new PutItemCommand({ TableName: "visits", Item: { id: { S: id } } }));
    const got = await this.dynamodb.send(new GetItemCommand({ TableName: "visits", Key: { id: { S: id } } }));
    return Response.json(got.Item ?? null);
  }

  async ensureTable(name: string): Promise<void> {
    const tables = await this.dynamodb.send(new ListTablesCommand({}));
    if (tables.TableNames?.includes(name)) return;
    await this.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }

  async put(table: string, item: Record<string, AttributeValue>): Promise<void> {
    await this.dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
  }

  async get(table: string, id: string): Promise<Record<string, AttributeValue> | null> {
    const got = await this.dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } }));
    return got.Item ?? null;
  }

  async tables(): Promise<string[]> {
    return (await this.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
  }

  async deleteTable(name: string): Promise<void> {
    await this.dynamodb.send(new DeleteTableCommand({ TableName: name }));
  }

  /** Adds a GSI on `g` (string) and returns its status right after UpdateTable. */
  async addIndex(table: string): Promise<string | undefined> {
    const out = await this.dynamodb.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: "by-g",
              KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
              Projection: { ProjectionType: "ALL" },
            },
          },
        ],
      }),
    );
    return out.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus;
  }

  async indexStatus(table: string): Promise<string | undefined> {
    const out = await this.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    return out.Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus;
  }

  /** Error name and HTTP status of a GetItem on a table this instance doesn't have. */
  async missingTableError(name: string): Promise<{ name: string; status: number | undefined; typed: boolean }> {
    try {
      await this.dynamodb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "x" } } }));
    } catch (err) {
      const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, typed: err instanceof ResourceNotFoundException };
    }
    throw new Error("expected ResourceNotFoundException");
  }

  /**
   * The conformance door (test/support/doors.ts): one wire request through the request
   * handler `this.dynamodb` uses, i.e. this instance's embedded engine.
   */
  async wire(operation: string, body: string): Promise<{ status: number; body: string }> {
    const handler = this.dynamodb.config.requestHandler as unknown as EmbeddedRequestHandler;
    const { response } = await handler.handle({
      headers: { "x-amz-target": `DynamoDB_20120810.${operation}` },
      hostname: "localhost",
      body,
    });
    return { status: response.statusCode, body: new TextDecoder().decode(response.body) };
  }

  /** Rows of the engine's SQLite tables, to observe migrations and housekeeping. */
  sqlCount(table: string): number {
    return this.ctx.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
  }

  async alarmTime(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }

  sqlTables(): string[] {
    return this.ctx.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .toArray()
      .map((r) => r.name);
  }
}
