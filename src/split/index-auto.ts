// When a GSI's partition kept in an object of its own splits by itself, as a table's
// partition does (./auto.ts): once one index's entries here pass the size threshold, or
// once it has taken more changes than the rate threshold for several windows in a row. A
// big one splits at its entries' median (src/split/index-split.ts), a busy one at the median
// of its recent changes. Changes are those other objects send (an index partition held in a
// table partition's own object also takes that object's writes in place; they are counted
// with the table's, ./auto.ts).
import type { Engine } from "../engine/engine.js";
import type { IndexSplitStart } from "../protocol/shard-rpc.js";
import { storedHash } from "../keys/partition.js";
import type { IndexChange } from "../schema/index-change.js";
import { partitionRange } from "../schema/partition-map.js";
import { keyRangeOf, withinRange } from "../storage/split-log.js";
import { SUSTAINED_WINDOWS, WINDOW_MS, type SplitThresholds } from "./auto.js";

/** One change in SAMPLE_EVERY has its hash kept (the latest SAMPLES per index). */
const SAMPLE_EVERY = 8;
const SAMPLES = 1024;
/** Fewer changes sampled in the range than this: its entries' median rather than its load's. */
const MIN_SAMPLES = 16;

export class IndexAutoSplit {
  private windowStart: number;
  /** Changes per `table\0index` in the current window. */
  private changes = new Map<string, number>();
  /** Consecutive windows each index's changes passed the rate. */
  private hot = new Map<string, number>();
  private samples = new Map<string, number[]>();
  private seen = 0;

  constructor(
    private readonly engine: Engine,
    private readonly thresholds: SplitThresholds,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** Counts applied changes per index, and samples where they land. */
  note(changes: readonly IndexChange[]): void {
    for (const change of changes) {
      const key = `${change.table}\u0000${change.index}`;
      this.changes.set(key, (this.changes.get(key) ?? 0) + 1);
      if (++this.seen % SAMPLE_EVERY !== 0) continue;
      let list = this.samples.get(key);
      if (!list) this.samples.set(key, (list = []));
      list.push(storedHash(change.ipk));
      if (list.length > SAMPLES) list.shift();
    }
  }

  /**
   * After changes were applied: the split to start, if an index partition held here (by
   * `self`, this object's name) is past the size threshold, or, at the end of a window,
   * has been busy; none while one is splitting here.
   */
  check(self: { tenant?: string; object: string }, splitting: boolean): IndexSplitStart | undefined {
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= WINDOW_MS) {
      const rates = new Map<string, number>();
      for (const [key, count] of this.changes) rates.set(key, (count * 1000) / elapsed);
      this.changes = new Map();
      this.windowStart = now;
      for (const key of new Set([...this.hot.keys(), ...rates.keys()])) {
        const hot = (rates.get(key) ?? 0) > this.thresholds.writesPerSecond;
        this.hot.set(key, hot ? (this.hot.get(key) ?? 0) + 1 : 0);
      }
    }
    if (splitting) return undefined;
    for (const name of this.engine.catalogue.names()) {
      const def = this.engine.catalogue.get(name);
      for (const index of def?.indexes ?? []) {
        const map = index.partitions;
        const k = map?.partitions.findIndex((p) => p.object === self.object) ?? -1;
        if (!def || !map || k < 0) continue;
        const key = `${def.name}\u0000${index.name}`;
        const big = this.engine.indexes.stats(index.iid).sizeBytes > this.thresholds.bytes;
        const busy = (this.hot.get(key) ?? 0) >= SUSTAINED_WINDOWS;
        if (!big && !busy) continue;
        const { low, high } = partitionRange(map, k);
        // Entries of one partition key cannot be parted by a split (as a table's items).
        if (high - low < 2 || !this.divisible(index.iid, low, high)) continue;
        this.hot.set(key, 0);
        const request: IndexSplitStart = {
          table: def.name,
          tableId: def.tableId,
          index: index.name,
          source: self.object,
        };
        if (self.tenant !== undefined) request.tenant = self.tenant;
        const at = busy ? this.loadMedian(key, low, high) : undefined;
        if (at !== undefined) request.at = at;
        return request;
      }
    }
    return undefined;
  }

  private loadMedian(key: string, low: number, high: number): number | undefined {
    const inside = (this.samples.get(key) ?? []).filter((h) => h > low && h < high).sort((a, b) => a - b);
    if (inside.length < MIN_SAMPLES) return undefined;
    return inside[Math.floor(inside.length / 2)];
  }

  /** Whether the index's entries in [low, high) span more than one partition-key hash. */
  private divisible(iid: number, low: number, high: number): boolean {
    const { sql: bounds, params } = withinRange("ipk", keyRangeOf(low, high));
    const row = this.engine.sql.first<{ lo: ArrayBuffer | null; hi: ArrayBuffer | null }>(
      `SELECT min(ipk) AS lo, max(ipk) AS hi FROM index_items WHERE iid = ? AND ${bounds}`,
      iid,
      ...params,
    );
    if (!row?.lo || !row.hi) return false;
    return new DataView(row.lo).getUint32(0) !== new DataView(row.hi).getUint32(0);
  }
}
