// Test helpers for the table-level operations: ARNs, descriptions, and a look inside the
// shard's SQLite database.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Env } from "../../src/worker";
import { ok } from "./wire";

/** Region and account the engine names in ARNs when a request carries no credentials. */
export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";

export function tableArn(name: string, region = REGION, account = ACCOUNT): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
}

export async function tableDescription(name: string): Promise<Record<string, unknown>> {
  return (await ok("DescribeTable", { TableName: name })).Table as Record<string, unknown>;
}

export async function createProvisionedTable(name: string, read: number, write: number): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write },
  });
}

/** Every table name ListTables reports, following LastEvaluatedTableName to the end. */
export async function allTableNames(): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await ok("ListTables", start === undefined ? {} : { ExclusiveStartTableName: start });
    names.push(...(page.TableNames as string[]));
    start = page.LastEvaluatedTableName as string | undefined;
  } while (start !== undefined);
  return names;
}

/** The Durable Object that holds every table (one shard until the cluster issue). */
export function shard(): DurableObjectStub {
  const ns = (env as unknown as Env).DYNAMODB;
  return ns.get(ns.idFromName("shard-0"));
}

/** Runs a read-only query in the shard's SQLite database. */
export async function query<T extends Record<string, SqlStorageValue>>(
  sql: string,
  ...bindings: unknown[]
): Promise<T[]> {
  return runInDurableObject(shard(), (_instance, state) => state.storage.sql.exec<T>(sql, ...bindings).toArray());
}

/** The internal id of a live table. */
export async function tableTid(name: string): Promise<number> {
  const [row] = await query<{ tid: number }>("SELECT tid FROM tables WHERE name = ?", name);
  if (!row) throw new Error(`no table ${name}`);
  return row.tid;
}

export async function itemRows(tid: number): Promise<number> {
  const [row] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM items WHERE tid = ?", tid);
  return row?.n ?? 0;
}
