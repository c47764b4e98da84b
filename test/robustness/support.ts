// Helpers for the robustness suites: the engine of a table's object, whole-table
// snapshots, and a seeded random source for the hand-rolled sequences.
import { runInDurableObject } from "cloudflare:test";
import type { Engine } from "../../src/engine/engine";
import { armWriteFault, type WriteFaultStep } from "../support/write-faults";
import { env } from "cloudflare:workers";
import { sharedObject } from "../../src/schema/partition-map";
import { partitionMapOf, type TableDef } from "../../src/schema/table-def";
import type { Env } from "../../src/worker";
import { queryIn, shard, tableShard } from "../support/tables";
import { ok } from "../support/wire";

export type Item = Record<string, Record<string, unknown>>;

/** Runs `fn` with the engine of the object holding table `table` (its first partition). */
export async function withShardEngine<R>(table: string, fn: (engine: Engine) => R): Promise<R> {
  return runInDurableObject(await tableShard(table), (instance) =>
    fn((instance as unknown as { engine: Engine }).engine),
  );
}

/** The fault's disarm function, kept here: it lives in the shard's isolate, as tests do. */
let disarm: (() => boolean) | undefined;

/** Arms a write fault in the engine of the object holding `table` (test/support/write-faults.ts). */
export async function armShardFault(table: string, step: WriteFaultStep, skip = 0): Promise<void> {
  await withShardEngine(table, (engine) => {
    disarm = armWriteFault(engine, step, skip);
  });
}

/** Disarms the fault; true if it had fired. */
export function faultFired(): boolean {
  const fired = disarm?.() ?? false;
  disarm = undefined;
  return fired;
}

/**
 * Everything stored for live tables, per Durable Object and SQLite table (keys
 * `object/table`): the catalogue's home and every object of every table it defines. Items,
 * index entries, TTL entries, table definitions and counters, transaction and stream
 * bookkeeping, each object read in one call inside it. Left out is what background
 * housekeeping changes on its own (alarms: TTL sweeps, purges of dropped tables and
 * indexes): the purge queues, the sweeper's own state, and rows of dropped tables and
 * indexes awaiting purge. Equal dumps mean no request changed anything stored in between.
 */
export async function storedState(): Promise<Record<string, string>> {
  const home = shard();
  const defs = await queryIn<{ def: string }>(home, "SELECT def FROM tables ORDER BY name");
  const objects = new Set([sharedObject(0)]);
  for (const { def } of defs) {
    for (const entry of partitionMapOf(JSON.parse(def) as TableDef).partitions) objects.add(entry.object);
  }
  const ns = (env as unknown as Env).DYNAMODB;
  const names = [...objects].sort();
  // Read side by side: each read is one synchronous call inside its object, and the fuzz
  // suite takes a dump after every rejected write.
  const tables = await Promise.all(
    names.map((object) =>
      runInDurableObject(ns.get(ns.idFromName(object)) as unknown as DurableObjectStub, (instance) =>
        dumpEngine((instance as unknown as { engine: Engine }).engine),
      ),
    ),
  );
  const dump: Record<string, string> = {};
  names.forEach((object, i) => {
    for (const [name, rows] of Object.entries(tables[i] ?? {})) dump[`${object}/${name}`] = rows;
  });
  return dump;
}

function dumpEngine(engine: Engine): Record<string, string> {
  const tables = engine.sql.all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  );
  const dump: Record<string, string> = {};
  for (const { name, sql } of tables) {
    if (HOUSEKEEPING_ONLY.has(name)) continue;
    const live = /\btid INTEGER\b/.test(sql)
      ? " WHERE tid IN (SELECT tid FROM tables)"
      : /\biid INTEGER\b/.test(sql)
        ? " WHERE iid NOT IN (SELECT iid FROM dropped_indexes)"
        : "";
    const rows = engine.sql
      .all(`SELECT * FROM "${name}"${live}`)
      .map((row) => Object.values(row).map((v) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)].join(".") : v)));
    dump[name] = JSON.stringify(rows);
  }
  return dump;
}

const HOUSEKEEPING_ONLY = new Set(["dropped_tables", "dropped_indexes", "ttl_state"]);

/** The SQLite tables whose rows differ between two dumps of storedState. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

/** Every item of a table (consistent Scan to the end), sorted by its JSON text. */
export async function snapshot(table: string): Promise<string[]> {
  const items: string[] = [];
  let start: unknown;
  do {
    const page = await ok("Scan", {
      TableName: table,
      ConsistentRead: true,
      ...(start === undefined ? {} : { ExclusiveStartKey: start }),
    });
    for (const item of (page.Items ?? []) as Item[]) items.push(canonical(item));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort();
}

/** JSON text with object keys sorted at every level (items compare by value). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** A small deterministic PRNG (mulberry32): sequences replay from their seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
