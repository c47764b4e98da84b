// Test helpers for the table-level operations: ARNs, descriptions, and a look inside the
// SQLite database of the objects holding a table.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { objectName, partitionObject, shardName } from "../../src/cluster/placement";
import type { DynamoShard } from "../../src/shard";
import type { Env } from "../../src/worker";
import { mixinObject, testDoor } from "./doors";
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

/** The catalogue's home, shard 0: every table is defined there. */
export function shard(): DurableObjectStub {
  const ns = (env as unknown as Env).DYNAMODB;
  return ns.get(ns.idFromName(shardName(undefined, 0))) as unknown as DurableObjectStub;
}

/**
 * The Durable Object holding partition `k` of table `name`, as the catalogue's home maps it:
 * a table created through a router has objects of its own (src/schema/partition-map.ts).
 * On the mixin's door, the mixin's one object.
 */
export async function tableShard(name: string, k = 0, tenant?: string): Promise<DurableObjectStub<DynamoShard>> {
  if (testDoor() === "mixin") return mixinObject() as unknown as DurableObjectStub<DynamoShard>;
  const ns = (env as unknown as Env).DYNAMODB;
  const object = objectName(tenant, await tableObjectName(name, k, tenant));
  return ns.get(ns.idFromName(object)) as unknown as DurableObjectStub<DynamoShard>;
}

/** The name (without the tenant's prefix) of the object holding partition `k` of table `name`. */
export async function tableObjectName(name: string, k = 0, tenant?: string): Promise<string> {
  const ns = (env as unknown as Env).DYNAMODB;
  const def = await ns.get(ns.idFromName(shardName(tenant, 0))).tableInfo(name);
  if (!def) throw new Error(`no table ${name}`);
  return partitionObject(def, k);
}

/** Runs a read-only query in the SQLite database of `object`. */
export async function queryIn<T extends Record<string, SqlStorageValue>>(
  object: DurableObjectStub,
  sql: string,
  ...bindings: unknown[]
): Promise<T[]> {
  return runInDurableObject(object, (_instance, state) => state.storage.sql.exec<T>(sql, ...bindings).toArray());
}

/** Runs a read-only query in the database of the object holding table `name` (its only partition). */
export async function query<T extends Record<string, SqlStorageValue>>(
  name: string,
  sql: string,
  ...bindings: unknown[]
): Promise<T[]> {
  return queryIn<T>(await tableShard(name), sql, ...bindings);
}

/** The internal id of a live table in the object holding it (ids are per object). */
export async function tableTid(name: string): Promise<number> {
  const [row] = await query<{ tid: number }>(name, "SELECT tid FROM tables WHERE name = ?", name);
  if (!row) throw new Error(`no table ${name}`);
  return row.tid;
}

/** The item rows of table id `tid` in `object`. */
export async function itemRows(object: DurableObjectStub, tid: number): Promise<number> {
  const [row] = await queryIn<{ n: number }>(object, "SELECT COUNT(*) AS n FROM items WHERE tid = ?", tid);
  return row?.n ?? 0;
}
