// When a partition splits by itself: DynamoDB splits a partition that grows past its size
// or that takes more writes than one partition serves, for as long as the load lasts. Here
// a partition's object looks at its tables once per window: a table whose rows here exceed
// the size threshold, or that took more writes than the rate threshold for several
// windows in a row, has its partition here split: a big one at its median item
// (src/split/plan.ts), a busy one at the median of its recent writes.
import type { Engine } from "../engine/engine.js";
import type { SplitStart } from "../protocol/shard-rpc.js";
import type { ClusterMeta } from "../protocol/reply.js";
import { partitionRange } from "../schema/partition-map.js";
import { hashKeyOf, mapVersionOf, partitionMapOf } from "../schema/table-def.js";
import { keyRangeOf, withinRange } from "../storage/split-log.js";
import { storedHash, storedPartitionKeyOf } from "../keys/partition.js";

export interface SplitThresholds {
  /** Bytes of a table's rows in one partition (DDB_SPLIT_BYTES). */
  bytes: number;
  /** Writes per second to a table in one partition, sustained (DDB_SPLIT_WRITES_PER_SECOND). */
  writesPerSecond: number;
}

/** 1 GiB: a tenth of a Durable Object's 10 GB of SQLite, so a split moves at most half that. */
export const DEFAULT_SPLIT_BYTES = 1024 ** 3;
/** Half the thousand writes per second one partition takes in DynamoDB (and one object serves here). */
export const DEFAULT_SPLIT_WRITES_PER_SECOND = 500;

/** How often the tables here are looked at, and how many windows in a row a rate must last. */
export const WINDOW_MS = 1_000;
export const SUSTAINED_WINDOWS = 10;
/** One write in SAMPLE_EVERY has its partition-key hash kept (the latest SAMPLES per table). */
const SAMPLE_EVERY = 8;
const SAMPLES = 1024;
/** Fewer writes sampled in a range than this: its median item rather than its load's. */
const MIN_SAMPLES = 16;

export class AutoSplit {
  private windowStart: number;
  /** Writes per table in the current window. */
  private writes = new Map<string, number>();
  /** Consecutive windows each table's writes passed the rate. */
  private hot = new Map<string, number>();
  /** Who this object is, as the last router to address it named it. */
  private self: ClusterMeta["self"];

  constructor(
    private readonly engine: Engine,
    private readonly thresholds: SplitThresholds,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** Recent partition-key hashes written, per table (a sample of the writes, the latest SAMPLES). */
  private samples = new Map<string, number[]>();
  private written = 0;

  /** Counts a write request's items per table, and samples where they land. */
  noteWrites(items: readonly WrittenItem[]): void {
    for (const { table, key } of items) {
      this.writes.set(table, (this.writes.get(table) ?? 0) + 1);
      if (++this.written % SAMPLE_EVERY !== 0 || key === undefined) continue;
      const hash = this.hashOf(table, key);
      if (hash === undefined) continue;
      let list = this.samples.get(table);
      if (!list) this.samples.set(table, (list = []));
      list.push(hash);
      if (list.length > SAMPLES) list.shift();
    }
  }

  private hashOf(table: string, key: Record<string, unknown>): number | undefined {
    const def = this.engine.catalogue.get(table);
    if (!def) return undefined;
    const attr = hashKeyOf(def);
    const value = (key[attr.name] as Record<string, unknown> | undefined)?.[attr.type];
    // The stored key (cached per scalar) begins with the hash: no MD5 per sampled write.
    return typeof value === "string" ? storedHash(storedPartitionKeyOf(attr.type, value)) : undefined;
  }

  /**
   * Where to split a range [low, high) for its load: the median of the writes sampled in it
   * (bench group P: at the load's median a skewed table needs a quarter of the splits a cut
   * in the range's middle does); undefined when too few were sampled to tell.
   */
  private loadMedian(table: string, low: number, high: number): number | undefined {
    const inside = (this.samples.get(table) ?? []).filter((h) => h > low && h < high).sort((a, b) => a - b);
    if (inside.length < MIN_SAMPLES) return undefined;
    return inside[Math.floor(inside.length / 2)];
  }

  /**
   * After a request: at the end of a window, the split to start, if a table here passed a
   * threshold (its largest first; one split at a time per table).
   */
  check(cluster: ClusterMeta | undefined): SplitStart | undefined {
    if (cluster?.self) this.self = cluster.self;
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return undefined;
    const writes = this.writes;
    this.writes = new Map();
    this.windowStart = now;
    for (const name of this.engine.catalogue.names()) {
      const rate = ((writes.get(name) ?? 0) * 1000) / elapsed;
      this.hot.set(name, rate > this.thresholds.writesPerSecond ? (this.hot.get(name) ?? 0) + 1 : 0);
    }
    const self = this.self;
    if (!self) return undefined;
    const candidates = this.engine.sql.all<{ name: string; tid: number; size_bytes: number }>(
      "SELECT name, tid, size_bytes FROM tables WHERE tid NOT IN (SELECT tid FROM splits) ORDER BY size_bytes DESC",
    );
    for (const table of candidates) {
      const big = table.size_bytes > this.thresholds.bytes;
      const busy = (this.hot.get(table.name) ?? 0) >= SUSTAINED_WINDOWS;
      if (!big && !busy) continue;
      const def = this.engine.catalogue.get(table.name);
      if (!def || def.indexes?.some((index) => index.status === "CREATING")) continue;
      const map = partitionMapOf(def);
      const index = map.partitions.findIndex((entry) => entry.object === self.object);
      if (index < 0) continue;
      const { low, high } = partitionRange(map, index);
      if (high - low < 2 || !this.divisible(table.tid, low, high)) continue;
      this.hot.set(table.name, 0);
      // Busy: at the load's median; big: at the median item (src/split/plan.ts).
      const at = busy ? this.loadMedian(table.name, low, high) : undefined;
      const request: SplitStart = {
        table: def.name,
        tableId: def.tableId,
        version: mapVersionOf(def),
        source: self.object,
        low,
        high,
      };
      if (self.tenant !== undefined) request.tenant = self.tenant;
      if (at !== undefined) request.at = at;
      return request;
    }
    return undefined;
  }

  /**
   * Whether the table's rows in [low, high) span more than one partition-key hash: the
   * items of one partition key stay together, so a partition holding only those cannot be
   * divided (DynamoDB's limit on an item collection is the same boundary).
   */
  private divisible(tid: number, low: number, high: number): boolean {
    const { sql: bounds, params } = withinRange("pk", keyRangeOf(low, high));
    const row = this.engine.sql.first<{ lo: ArrayBuffer | null; hi: ArrayBuffer | null }>(
      `SELECT min(pk) AS lo, max(pk) AS hi FROM items WHERE tid = ? AND ${bounds}`,
      tid,
      ...params,
    );
    if (!row?.lo || !row.hi) return false;
    return new DataView(row.lo).getUint32(0) !== new DataView(row.hi).getUint32(0);
  }
}

/** The thresholds from the Worker's settings; unset or invalid: the defaults. */
export function splitThresholds(env: {
  DDB_SPLIT_BYTES?: string;
  DDB_SPLIT_WRITES_PER_SECOND?: string;
}): SplitThresholds {
  const positive = (text: string | undefined, fallback: number): number => {
    const n = Number(text);
    return text !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    bytes: positive(env.DDB_SPLIT_BYTES, DEFAULT_SPLIT_BYTES),
    writesPerSecond: positive(env.DDB_SPLIT_WRITES_PER_SECOND, DEFAULT_SPLIT_WRITES_PER_SECOND),
  };
}

/** One item a write request writes: its table and its key (or whole item), as sent. */
export interface WrittenItem {
  table: string;
  key: Record<string, unknown> | undefined;
}

/** The items a write request writes, with their tables (none for other requests). */
/** One written item of `table` (a request's table name, unchecked) keyed by `key`. */
function entry(table: unknown, key: unknown): WrittenItem[] {
  return typeof table === "string" ? [{ table, key: isRecord(key) ? key : undefined }] : [];
}

export function writtenItems(operation: string, input: unknown): WrittenItem[] {
  if (typeof input !== "object" || input === null) return [];
  const request = input as Record<string, unknown>;
  switch (operation) {
    case "PutItem":
      return entry(request.TableName, request.Item);
    case "UpdateItem":
    case "DeleteItem":
      return entry(request.TableName, request.Key);
    case "BatchWriteItem": {
      const items = request.RequestItems;
      if (!isRecord(items)) return [];
      return Object.entries(items).flatMap(([name, list]) =>
        (Array.isArray(list) ? list : []).flatMap((write: unknown) => {
          const put = isRecord(write) && isRecord(write.PutRequest) ? write.PutRequest.Item : undefined;
          const del = isRecord(write) && isRecord(write.DeleteRequest) ? write.DeleteRequest.Key : undefined;
          return entry(name, put ?? del);
        }),
      );
    }
    case "TransactWriteItems":
      return (Array.isArray(request.TransactItems) ? request.TransactItems : []).flatMap((item: unknown) => {
        const action = isRecord(item) ? Object.values(item)[0] : undefined;
        return isRecord(action) ? entry(action.TableName, action.Item ?? action.Key) : [];
      });
    default:
      return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
