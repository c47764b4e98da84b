// Driving partition splits (src/split) from tests: a split started straight on its
// object (no alarm armed, so nothing runs it but the test), its steps one at a time, its
// state, and what each object stores.
import { runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { objectName, partitionRange } from "../../src/schema/partition-map";
import { partitionMapOf, type TableDef } from "../../src/schema/table-def";
import type { Engine } from "../../src/engine/engine";
import type { SplitPlan, SplitStart } from "../../src/protocol/shard-rpc";
import { startSplit } from "../../src/split/plan";
import type { SplitSource, StepResult } from "../../src/split/source";
import type { Env } from "../../src/worker";

const env = workerEnv as unknown as Env;

interface ShardInside {
  engine: Engine;
  splits: SplitSource;
}

export function objectStub(tenant: string | undefined, object: string): DurableObjectStub {
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(objectName(tenant, object)));
}

/** The catalogue home's definition of the table. */
export async function homeDef(tenant: string | undefined, table: string): Promise<TableDef> {
  const def = await runInDurableObject(objectStub(tenant, "shard-0"), (instance) =>
    (instance as unknown as ShardInside).engine.tableInfo(table),
  );
  if (!def) throw new Error(`no table ${table}`);
  return def;
}

/** The object (without the tenant's prefix) of partition `k` of the table, by the home's map. */
export async function objectOf(tenant: string | undefined, table: string, k = 0): Promise<string> {
  return partitionMapOf(await homeDef(tenant, table)).partitions[k]?.object as string;
}

/** What the router would ask partition `index`'s object to split (at `at`, or its median). */
export async function splitRequest(
  tenant: string | undefined,
  table: string,
  index: number,
  at?: number,
): Promise<SplitStart> {
  const def = await homeDef(tenant, table);
  const map = partitionMapOf(def);
  const { low, high } = partitionRange(map, index);
  const request: SplitStart = {
    table,
    tableId: def.tableId,
    version: map.version,
    source: map.partitions[index]?.object as string,
    low,
    high,
  };
  if (tenant !== undefined) request.tenant = tenant;
  if (at !== undefined) request.at = at;
  return request;
}

/** Starts the split on its object without arming its alarm: only `step` moves it on. */
export async function startManual(request: SplitStart): Promise<SplitPlan> {
  return runInDurableObject(objectStub(request.tenant, request.source), (instance) =>
    startSplit((instance as unknown as ShardInside).engine, request),
  );
}

export async function step(tenant: string | undefined, source: string): Promise<StepResult> {
  return runInDurableObject(objectStub(tenant, source), (instance) =>
    (instance as unknown as ShardInside).splits.step(),
  );
}

/** The state of the source's split, undefined once it has ended. */
export async function splitState(tenant: string | undefined, source: string): Promise<string | undefined> {
  return runInDurableObject(
    objectStub(tenant, source),
    (_i, state) => state.storage.sql.exec<{ state: string }>("SELECT state FROM splits").toArray()[0]?.state,
  );
}

/** Steps the split until it ends (a bounded number of steps). */
export async function runToEnd(tenant: string | undefined, source: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await splitState(tenant, source)) === undefined) return;
    await step(tenant, source);
  }
  throw new Error("split did not end in 500 steps");
}

/** The 32-bit hashes of the items (of any table) an object stores. */
export async function storedHashes(tenant: string | undefined, object: string): Promise<number[]> {
  return runInDurableObject(objectStub(tenant, object), (_i, state) =>
    state.storage.sql
      .exec<{ pk: ArrayBuffer }>("SELECT pk FROM items")
      .toArray()
      .map((row) => new DataView(row.pk).getUint32(0)),
  );
}

/** Rows of one kind an object stores: "items", "index_items", "ttl_index", "split_dirty". */
export async function countRows(tenant: string | undefined, object: string, table: string): Promise<number> {
  return runInDurableObject(
    objectStub(tenant, object),
    (_i, state) => state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n,
  );
}

export function isInjected(err: unknown): boolean {
  return String(err instanceof Error ? err.message : err).includes("injected fault");
}
