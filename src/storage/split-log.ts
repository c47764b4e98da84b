// The storage side of a partition split (src/split/source.ts): SQLite triggers on `items`
// that this object creates for the range a split moves, and the reads that must not see
// a range once it has moved.
//
// - Watching: while the range is copied to its new object, every write to it notes the key
//   in `split_dirty`, in the write's own transaction, so no write path can forget to and
//   the copy catches up by re-sending those keys as they then are.
// - Fencing: for the few steps that hand the range over, a write to it aborts (RAISE) in
//   SQLite itself, whatever path it came by; the engine answers such a write with
//   PartitionMovedException, which the cluster router retries against the new owner.
// - Disowned: once the range belongs to the new object, its rows here are deleted in
//   bounded chunks; until then range reads of the table and its indexes skip them.
// Triggers live in the database file, so they outlast an eviction or a crash.
import { HASH_PREFIX_BYTES } from "../keys/partition.js";
import type { SplitPlan } from "../protocol/shard-rpc.js";
import { partitionMapOf, type TableDef } from "../schema/table-def.js";
import { compareBytes } from "../values/compare.js";
import { hex, lockedItem } from "./item-locks.js";
import type { Sql } from "./sql.js";

export type { SplitPlan };

/** Stored partition keys [from, to) as hash prefixes; no `to`: to the end of the hash space. */
export interface KeyRange {
  from: Uint8Array;
  to?: Uint8Array;
}

/** The stored-key range of the hashes [low, high) (high up to 2^32). */
export function keyRangeOf(low: number, high: number): KeyRange {
  return high >= 2 ** 32 ? { from: hashPrefix(low) } : { from: hashPrefix(low), to: hashPrefix(high) };
}

function hashPrefix(hash: number): Uint8Array {
  const out = new Uint8Array(HASH_PREFIX_BYTES);
  new DataView(out.buffer).setUint32(0, hash);
  return out;
}

/** Whether the stored partition key `pk` lies in `range`. */
export function inKeyRange(pk: Uint8Array, range: KeyRange): boolean {
  return compareBytes(pk, range.from) >= 0 && (range.to === undefined || compareBytes(pk, range.to) < 0);
}

/** The text SQLite's RAISE gives a write to a fenced range; found in the error it throws. */
const MOVING = "durable-dynamodb: partition range moving";

export function isMovingError(err: unknown): boolean {
  return err instanceof Error && err.message.includes(MOVING);
}

/** `column` in `range`, as SQL with the bounds inlined (trigger bodies take no bindings). */
export function inRange(column: string, range: KeyRange): string {
  const upper = range.to ? ` AND ${column} < X'${hex(range.to)}'` : "";
  return `${column} >= X'${hex(range.from)}'${upper}`;
}

/** Notes every write to table `tid`'s `range` in split_dirty. Call inside a transaction. */
export function watchRange(sql: Sql, tid: number, range: KeyRange): void {
  for (const [event, row] of EVENTS) {
    sql.exec(
      `CREATE TRIGGER IF NOT EXISTS split_watch_${event.toLowerCase()}_${tid} AFTER ${event} ON items ` +
        `WHEN ${row}.tid = ${tid} AND ${inRange(`${row}.pk`, range)} BEGIN ` +
        `INSERT INTO split_dirty (tid, pk, sk) VALUES (${row}.tid, ${row}.pk, ${row}.sk); END`,
    );
  }
}

/** Refuses every write to table `tid`'s `range`. Call inside a transaction. */
export function fenceRange(sql: Sql, tid: number, range: KeyRange): void {
  for (const [event, row] of EVENTS) {
    sql.exec(
      `CREATE TRIGGER IF NOT EXISTS split_fence_${event.toLowerCase()}_${tid} BEFORE ${event} ON items ` +
        `WHEN ${row}.tid = ${tid} AND ${inRange(`${row}.pk`, range)} BEGIN SELECT RAISE(ABORT, '${MOVING}'); END`,
    );
  }
}

/** Drops the watch and the fence of table `tid` and its noted keys. Call inside a transaction. */
export function dropSplitTriggers(sql: Sql, tid: number): void {
  for (const [event] of EVENTS) {
    sql.exec(`DROP TRIGGER IF EXISTS split_watch_${event.toLowerCase()}_${tid}`);
    sql.exec(`DROP TRIGGER IF EXISTS split_fence_${event.toLowerCase()}_${tid}`);
  }
  sql.exec("DELETE FROM split_dirty WHERE tid = ?", tid);
}

const EVENTS: readonly (readonly ["INSERT" | "UPDATE" | "DELETE", "new" | "old"])[] = [
  ["INSERT", "new"],
  ["UPDATE", "new"],
  ["DELETE", "old"],
];

/** The ranges this object no longer owns, per scope (table or index id), rows not yet deleted. */
const DISOWNED = new WeakMap<Sql, Map<number, KeyRange>>();

/**
 * The range of scope `scope` that range reads skip: for a table, its rows' partition keys;
 * for an index, the table keys of its entries. A split's range is skipped from the moment
 * this object's map shows it published (reads are placed by that map from then on) until
 * its rows here are deleted and the split's row with them. Read once per object, again
 * after `forgetDisowned`.
 */
export function disownedRange(sql: Sql, scope: number): KeyRange | undefined {
  let ranges = DISOWNED.get(sql);
  if (!ranges) {
    ranges = new Map();
    const rows = sql.all<{ plan: string; def: string }>(
      "SELECT s.plan AS plan, t.def AS def FROM splits AS s JOIN tables AS t ON t.tid = s.tid",
    );
    for (const row of rows) {
      const plan = JSON.parse(row.plan) as SplitPlan;
      const def = JSON.parse(row.def) as TableDef;
      const published = partitionMapOf(def).partitions.some((p) => p.low === plan.at && p.object === plan.target);
      if (def.tableId !== plan.tableId || !published) continue;
      // A GSI kept in partitions of its own is not moved by the table's split: its entries
      // here (an index partition held in this object) stay this object's.
      const moved = (def.indexes ?? []).filter((index) => !index.partitions).map((index) => index.iid);
      for (const id of [def.tid, ...moved]) {
        ranges.set(id, keyRangeOf(plan.at, plan.high));
      }
    }
    DISOWNED.set(sql, ranges);
  }
  return ranges.size === 0 ? undefined : ranges.get(scope);
}

const INDEX_DISOWNED = new WeakMap<Sql, Map<number, KeyRange>>();
const INDEX_FENCES = new WeakMap<Sql, Map<number, { at: number; high: number }>>();

/**
 * The hashes [at, high) of index `iid` that a split of this index partition, in progress
 * here, has fenced: changes to them wait until the split ends (src/split/index-split.ts).
 * Read once per object, again after `forgetDisowned` (every write asks).
 */
export function indexFence(sql: Sql, iid: number): { at: number; high: number } | undefined {
  let fences = INDEX_FENCES.get(sql);
  if (!fences) {
    fences = new Map();
    for (const row of sql.all<{ iid: number; plan: string }>("SELECT iid, plan FROM index_splits")) {
      const plan = JSON.parse(row.plan) as { at: number; high: number };
      fences.set(row.iid, { at: plan.at, high: plan.high });
    }
    INDEX_FENCES.set(sql, fences);
  }
  return fences.get(iid);
}

/**
 * The range of index `iid` a split of this index partition (src/split/index-split.ts) has
 * handed over and not yet deleted here: range reads skip its entries by their index
 * partition key. Read once per object, again after `forgetDisowned`.
 */
export function disownedIndexRange(sql: Sql, iid: number): KeyRange | undefined {
  let ranges = INDEX_DISOWNED.get(sql);
  if (!ranges) {
    ranges = new Map();
    for (const row of sql.all<{ iid: number; plan: string }>(
      "SELECT iid, plan FROM index_splits WHERE state = 'cleaning'",
    )) {
      const plan = JSON.parse(row.plan) as { at: number; high: number };
      ranges.set(row.iid, keyRangeOf(plan.at, plan.high));
    }
    INDEX_DISOWNED.set(sql, ranges);
  }
  return ranges.size === 0 ? undefined : ranges.get(iid);
}

/**
 * Whether one of `locks` (src/storage/item-locks.ts) is an item of a range fenced for its
 * hand-over: a cross-shard transaction may not take it now.
 */
export function fencedLock(sql: Sql, locks: readonly string[]): boolean {
  if (locks.length === 0) return false;
  const fenced = sql.all<{ tid: number; plan: string }>(
    "SELECT tid, plan FROM splits WHERE state IN ('fenced', 'published')",
  );
  return fenced.some((row) => {
    const plan = JSON.parse(row.plan) as SplitPlan;
    return locks.some((lock) => lockInSplit(lock, row.tid, plan));
  });
}

/** Whether a lock key names an item of table `tid` in the split's moving range. */
export function lockInSplit(lock: string, tid: number, plan: SplitPlan): boolean {
  const item = lockedItem(lock);
  const range = keyRangeOf(plan.at, plan.high);
  return item.tid === tid && item.pkHex >= hex(range.from) && (range.to === undefined || item.pkHex < hex(range.to));
}

/**
 * The range of table `tid` a split here has fenced or handed over, if any: changes to it
 * are no longer this object's to make (the TTL sweep leaves its items to their new owner).
 */
export function handedOverRange(sql: Sql, tid: number): KeyRange | undefined {
  const row = sql.first<{ plan: string }>(
    "SELECT plan FROM splits WHERE tid = ? AND state IN ('fenced', 'published', 'cleaning')",
    tid,
  );
  if (!row) return undefined;
  const plan = JSON.parse(row.plan) as SplitPlan;
  return keyRangeOf(plan.at, plan.high);
}

/** After a change of a table's definition or of a split here: the ranges are read again. */
export function forgetDisowned(sql: Sql): void {
  DISOWNED.delete(sql);
  INDEX_DISOWNED.delete(sql);
  INDEX_FENCES.delete(sql);
}

/** `column` in `range` with its bindings, for reads of the range. */
export function withinRange(column: string, range: KeyRange): { sql: string; params: Uint8Array[] } {
  return range.to
    ? { sql: `${column} >= ? AND ${column} < ?`, params: [range.from, range.to] }
    : { sql: `${column} >= ?`, params: [range.from] };
}

/** `NOT (column in range)` with its bindings, for range reads. */
export function outsideRange(column: string, range: KeyRange): { sql: string; params: Uint8Array[] } {
  const within = withinRange(column, range);
  return { sql: `NOT (${within.sql})`, params: within.params };
}
