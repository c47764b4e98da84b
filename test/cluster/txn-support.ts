// Helpers for the cross-shard transaction tests: a 4-partition table of accounts, keys known
// to land on distinct partitions, and direct looks into partition and coordinator objects.
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { objectName, shardName } from "../../src/cluster/placement";
import { equalPartitions, partitionOfHash } from "../../src/schema/partition-map";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { CreateTableCommand, DynamoDBClient } from "../../src/index";
import { partitionMapOf, type TableDef } from "../../src/schema/table-def";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";

export const env = workerEnv as unknown as Env;
export const SHARDS = 4;

export function shardOfKey(pk: string): number {
  return partitionOfHash(equalPartitions(SHARDS), partitionHash(encodeKey("S", pk)));
}

/** `count` account names, each on another shard than the previous one, cycling through shards. */
export function accountsOnShards(count: number, prefix = "acct"): string[] {
  const byShard: string[][] = Array.from({ length: SHARDS }, () => []);
  for (let i = 0; byShard.some((list) => list.length < Math.ceil(count / SHARDS)); i++) {
    const name = `${prefix}${i}`;
    const list = byShard[shardOfKey(name)] as string[];
    if (list.length < Math.ceil(count / SHARDS)) list.push(name);
  }
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(byShard[i % SHARDS]?.[Math.floor(i / SHARDS)] as string);
  return out;
}

/** The objects of each tenant's accounts table, by partition (accountsTable notes them). */
const accountObjects = new Map<string, string[]>();

/** The object of partition k of the tenant's accounts table. */
export function shardStub(tenant: string, k: number): DurableObjectStub {
  const object = accountObjects.get(tenant)?.[k];
  if (object === undefined) throw new Error(`no accounts table of tenant ${tenant}`);
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(objectName(tenant, object)));
}

/** Prepared shares a shard holds (cross-shard transactions not yet committed or aborted). */
export async function preparedOn(tenant: string, k: number): Promise<number> {
  return runInDurableObject(shardStub(tenant, k), (_i, state) => {
    return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM txn_prepared").one().n;
  });
}

/**
 * The namespace's objects before each tenant's accounts table existed. A coordinator object is
 * named after its tenant (`txn:<tenant>:<id>`), so none of these can hold a tenant's rows; the
 * objects earlier files left in the namespace (over a hundred in a whole run) are not woken
 * again on every look.
 */
const objectsBefore = new Map<string, Set<string>>();

/** Every object of the namespace holding unfinished coordinator rows of `tenant`'s transactions. */
export async function coordinatorRows(tenant: string): Promise<{ stub: DurableObjectStub; states: string[] }[]> {
  const out: { stub: DurableObjectStub; states: string[] }[] = [];
  const before = objectsBefore.get(tenant);
  if (before === undefined) throw new Error(`no accounts table of tenant ${tenant}`);
  for (const id of await listDurableObjectIds(env.DYNAMODB)) {
    if (before.has(id.toString())) continue;
    const stub = env.DYNAMODB.get(id);
    const states = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ state: string; plan: string }>("SELECT state, plan FROM txn_coordinator WHERE state <> 'done'")
        .toArray()
        .filter((r) => r.plan.includes(`"${tenant}:`))
        .map((r) => r.state),
    );
    if (states.length > 0) out.push({ stub, states });
  }
  return out;
}

export async function accountsTable(): Promise<{ client: DynamoDBClient; tenant: string; table: string }> {
  const tenant = uniqueName("txn");
  const table = uniqueName("accounts");
  objectsBefore.set(tenant, new Set((await listDurableObjectIds(env.DYNAMODB)).map((id) => id.toString())));
  const client = new DynamoDBClient({ shards: SHARDS, tenant });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const home = env.DYNAMODB.get(env.DYNAMODB.idFromName(shardName(tenant, 0)));
  const def = (await home.tableInfo(table)) as TableDef;
  accountObjects.set(
    tenant,
    partitionMapOf(def).partitions.map((entry) => entry.object),
  );
  return { client, tenant, table };
}
