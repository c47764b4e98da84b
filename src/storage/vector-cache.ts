// The vectors of an index held in memory for exact searches: one Float32Array per index
// (its rows' vectors end to end) with each row's id, HASH value and inline filters, read
// from SQLite by the first search and kept while no write touches the index (any write
// to its rows drops it: a write that rolls back leaves nothing stale behind). Searches of a
// held index score the vectors in place, without crossing a row out of SQLite each time.
//
// Memory is bounded: an index larger than `maxFloats` (the object's threshold for exact
// searches, ./vector-lists.ts) is not held, and all objects of the isolate together hold at
// most TOTAL_FLOATS, the least recently searched dropped first. A Worker's isolate has 128 MB.
import { hex } from "./item-locks.js";
import type { Sql } from "./sql.js";
import type { Item } from "../types.js";

/** 48 MB of float32 per isolate (each index: at most the object's `maxFloats`, 16 MB by default). */
const TOTAL_FLOATS = 12 * 1024 * 1024;

export interface HeldVectors {
  dims: number;
  rowids: number[];
  /** Key-encoded HASH values as hex (null without a HASH attribute). */
  hashes: (string | null)[];
  /** Inline filter values, parsed once. */
  filters: Item[];
  data: Float32Array;
}

interface Entry {
  held: HeldVectors;
  lastUsed: number;
}

/** Every held index of the isolate, for the shared budget. */
const ALL = new Set<Map<number, Entry>>();
let clock = 0;

export class VectorCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly sql: Sql,
    private readonly maxFloats: number,
  ) {
    ALL.add(this.entries);
  }

  /** Drops index `vid` (a write touched its rows, or it was dropped). */
  drop(vid: number): void {
    this.entries.delete(vid);
  }

  /** The index's vectors in memory, read now if needed; undefined when too large to hold. */
  held(vid: number, dims: number): HeldVectors | undefined {
    const entry = this.entries.get(vid);
    if (entry) {
      entry.lastUsed = ++clock;
      return entry.held;
    }
    const count = this.sql.first<{ n: number }>("SELECT count(*) AS n FROM vector_items WHERE vid = ?", vid)?.n ?? 0;
    if (count * dims > this.maxFloats) return undefined;
    const held: HeldVectors = { dims, rowids: [], hashes: [], filters: [], data: new Float32Array(count * dims) };
    let at = 0;
    for (const row of this.sql.cursor<{ id: number; hash: ArrayBuffer | null; filters: string; vec: ArrayBuffer }>(
      "SELECT rowid AS id, hash, filters, vec FROM vector_items WHERE vid = ?",
      vid,
    )) {
      held.rowids.push(row.id);
      held.hashes.push(row.hash === null ? null : hex(new Uint8Array(row.hash)));
      held.filters.push(JSON.parse(row.filters) as Item);
      held.data.set(new Float32Array(row.vec), at * dims);
      at++;
    }
    makeRoom(count * dims);
    this.entries.set(vid, { held, lastUsed: ++clock });
    return held;
  }
}

/** Drops the least recently searched indexes of the isolate until `floats` more fit. */
function makeRoom(floats: number): void {
  let total = floats;
  for (const entries of ALL) for (const entry of entries.values()) total += entry.held.data.length;
  while (total > TOTAL_FLOATS) {
    let oldest: { entries: Map<number, Entry>; vid: number; entry: Entry } | undefined;
    for (const entries of ALL) {
      for (const [vid, entry] of entries)
        if (!oldest || entry.lastUsed < oldest.entry.lastUsed) oldest = { entries, vid, entry };
    }
    if (!oldest) return;
    oldest.entries.delete(oldest.vid);
    total -= oldest.entry.held.data.length;
  }
}
