// A table partition's outbox of changes to global secondary indexes kept in partitions of
// their own (IndexDef.partitions). writeItem (./write.ts) appends an item's index changes
// here in the item's own transaction, so no change is lost to a crash; the shard's
// propagation (src/gsi/propagation.ts) sends them, in seq order per destination, to the
// index partitions, which apply each once (./gsi-inbox.ts), and deletes what was applied.
//
// Back-pressure: DynamoDB throttles writes to a table whose GSI cannot keep up with them
// (the developer guide's "GSI write throttling and back pressure"). Here an index that
// cannot keep up shows as a long outbox: past `maxPending` changes waiting, a write that
// would add more is refused with ThrottlingException (SDKs retry it), nothing written.
import { DynamoError } from "../errors.js";
import { storedHash } from "../keys/partition.js";
import type { IndexChange } from "../schema/index-change.js";
import { partitionOfHash } from "../schema/partition-map.js";
import { ACCOUNT_ID, type IndexDef, type TableDef } from "../schema/table-def.js";
import type { PartitionMap } from "../schema/partition-map.js";
import type { IndexEntry } from "./index-maintenance.js";
import type { IndexRowKey } from "./index-store.js";
import { indexFence } from "./split-log.js";
import type { Sql } from "./sql.js";

/** Changes waiting before writes adding more are throttled (DDB_GSI_MAX_PENDING). */
export const DEFAULT_MAX_PENDING = 100_000;

/** An outbox row: a change and the object it goes to. */
export interface OutboxRow extends IndexChange {
  /** The index partition's object, without the tenant's prefix. */
  dest: string;
}

interface Row extends Record<string, ArrayBuffer | string | number | null> {
  seq: number;
  table_name: string;
  table_id: string;
  index_name: string;
  dest: string;
  ipk: ArrayBuffer;
  isk: ArrayBuffer;
  tpk: ArrayBuffer;
  tsk: ArrayBuffer;
  doc: string | null;
  size: number;
}

/**
 * Whether the object `self` (without its tenant; undefined: not known) takes changes to
 * `index` entries of partition-key hash `hash` now: its map names it for the hash, and no
 * split of that index partition here has fenced the hash (src/split/index-split.ts).
 */
export function holdsIndexKey(sql: Sql, index: IndexDef, hash: number, self: string | undefined): boolean {
  const map = index.partitions;
  if (map && self !== undefined && map.partitions[partitionOfHash(map, hash)]?.object !== self) return false;
  const fence = indexFence(sql, index.iid);
  return !fence || hash < fence.at || hash >= fence.high;
}

export class GsiOutbox {
  /** Changes appended by this instance (a request that raised it wrote some, or tried to). */
  appended = 0;
  /** This object's name without its tenant, once known (the shard sets it): changes it holds are applied in place. */
  self: () => string | undefined = () => undefined;

  constructor(
    private readonly sql: Sql,
    private readonly maxPending = DEFAULT_MAX_PENDING,
  ) {}

  /**
   * Records that `index`'s entry at `key` is now `entry` (deleted when undefined). Call
   * inside the item's transaction.
   */
  append(
    def: TableDef,
    index: IndexDef & { partitions: PartitionMap },
    key: IndexRowKey,
    entry: IndexEntry | undefined,
    region: string | undefined,
    /** False for a backfill, which adds at most one change per item of the table. */
    throttle = true,
  ): void {
    if (throttle && this.pending() >= this.maxPending) throw backPressure(def, index, region);
    this.appended++;
    const dest = index.partitions.partitions[partitionOfHash(index.partitions, storedHash(key.ipk))];
    this.sql.exec(
      "INSERT INTO gsi_outbox (tid, table_name, table_id, index_name, dest, ipk, isk, tpk, tsk, doc, size, at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      def.tid,
      def.name,
      def.tableId,
      index.name,
      dest?.object ?? "",
      key.ipk,
      key.isk,
      key.tpk,
      key.tsk,
      entry ? entry.doc : null,
      entry ? entry.size : 0,
      Date.now(),
    );
  }

  /**
   * Whether this object holds the index partition of `key` (a table of one partition keeps
   * its GSIs' first partitions in its own object): the change is applied in place, in the
   * item's transaction, rather than sent.
   */
  holdsHere(index: IndexDef, key: IndexRowKey): boolean {
    const self = this.self();
    return self !== undefined && holdsIndexKey(this.sql, index, storedHash(key.ipk), self);
  }

  /** Changes waiting, at most: from the oldest waiting to the newest written (seq never goes back). */
  pending(): number {
    const row = this.sql.first<{ low: number | null; high: number | null }>(
      "SELECT min(seq) AS low, max(seq) AS high FROM gsi_outbox",
    );
    return row?.low == null || row.high == null ? 0 : row.high - row.low + 1;
  }

  /** The oldest `limit` changes waiting, in seq order. */
  next(limit: number): OutboxRow[] {
    return this.sql
      .all<Row>(
        "SELECT seq, table_name, table_id, index_name, dest, ipk, isk, tpk, tsk, doc, size FROM gsi_outbox ORDER BY seq LIMIT ?",
        limit,
      )
      .map((r) => ({
        seq: r.seq,
        table: r.table_name,
        tableId: r.table_id,
        index: r.index_name,
        dest: r.dest,
        ipk: new Uint8Array(r.ipk),
        isk: new Uint8Array(r.isk),
        tpk: new Uint8Array(r.tpk),
        tsk: new Uint8Array(r.tsk),
        doc: r.doc,
        size: r.size,
      }));
  }

  /** Drops changes an index partition has applied (`seqs`). */
  delivered(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    this.sql.exec("DELETE FROM gsi_outbox WHERE seq IN (SELECT value FROM json_each(?))", JSON.stringify(seqs));
  }

  /** The newest seq waiting (0: nothing waits). */
  lastSeq(): number {
    return this.sql.first<{ seq: number | null }>("SELECT max(seq) AS seq FROM gsi_outbox")?.seq ?? 0;
  }

  /** Whether a change up to `seq` is still waiting. */
  waitingThrough(seq: number): boolean {
    return this.sql.first("SELECT 1 FROM gsi_outbox WHERE seq <= ? LIMIT 1", seq) !== undefined;
  }

  /** Whether changes of table `tid` wait. */
  holds(tid: number): boolean {
    return this.sql.first("SELECT 1 FROM gsi_outbox WHERE tid = ? LIMIT 1", tid) !== undefined;
  }

  /** What waits for one index of table `tid`: the count and when the oldest was written. */
  lag(tid: number, index: string): { count: number; oldest: number | null } {
    const row = this.sql.first<{ count: number; oldest: number | null }>(
      "SELECT count(*) AS count, min(at) AS oldest FROM gsi_outbox WHERE tid = ? AND index_name = ?",
      tid,
      index,
    );
    return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
  }

  /** Changes for an index the catalogue's home no longer has (deleted, or its table recreated). */
  discard(table: string, tableId: string, index: string): void {
    this.sql.exec(
      "DELETE FROM gsi_outbox WHERE table_name = ? AND table_id = ? AND index_name = ?",
      table,
      tableId,
      index,
    );
  }

  /** An index gone (deleted, or its table dropped here: `index` undefined): its changes go with it. */
  drop(tid: number, index?: string): void {
    if (index === undefined) this.sql.exec("DELETE FROM gsi_outbox WHERE tid = ?", tid);
    else this.sql.exec("DELETE FROM gsi_outbox WHERE tid = ? AND index_name = ?", tid, index);
  }
}

function backPressure(def: TableDef, index: IndexDef, region: string | undefined): DynamoError {
  const arn = `arn:aws:dynamodb:${region ?? "us-east-1"}:${ACCOUNT_ID}:table/${def.name}/index/${index.name}`;
  return new DynamoError(
    "ThrottlingException",
    "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.",
    400,
    { ThrottlingReasons: [{ reason: "IndexWriteKeyRangeThroughputExceeded", resource: arn }] },
  );
}
