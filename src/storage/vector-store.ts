// Vector index rows (`vector_items`, schema v14): one per item an index holds, keyed by the
// item's table key, so a write replaces or removes its row without reading the old item.
// A search is shown the rows of one index (of one HASH value when the index has a HASH
// search attribute) with their vectors and inline filter values; the scoring is the
// caller's. Which rows: all of them, from memory for an index small enough to hold
// (./vector-cache.ts) or from SQLite; for a larger one, once its lists are built, only the
// rows of the lists nearest the search vector (./vector-lists.ts).
import { outsideRange, type KeyRange } from "./split-log.js";
import type { Sql } from "./sql.js";
import { hex } from "./item-locks.js";
import { VectorCache } from "./vector-cache.js";
import type { Item } from "../types.js";
import { VectorLists, type ListedIndex } from "./vector-lists.js";

export interface VectorRow {
  /** The value of the index's HASH search attribute, key-encoded (null without one). */
  hash: Uint8Array | null;
  /** Inline filter attribute values, as a JSON object of wire values. */
  filters: string;
  /** packVector's bytes. */
  vec: Uint8Array;
  /** The projected item, as JSON. */
  doc: string;
  size: number;
}

/**
 * What a search is shown of each row: its id, its vector at data[offset..], and its inline
 * filter values (empty unless the search asked for them).
 */
export type VisitVector = (id: number, data: Float32Array, offset: number, filters: Item) => void;

const NO_FILTERS: Item = Object.freeze({}) as Item;

/** How a search read the rows: from memory, by lists (approximate), or every row from SQLite. */
export type SearchMode = "held" | "lists" | "rows";

export class VectorStore {
  private readonly cache: VectorCache;
  readonly lists: VectorLists;

  /** `exactFloats`: the numbers an index may hold here before its searches go approximate. */
  constructor(
    private readonly sql: Sql,
    exactFloats?: number,
  ) {
    this.lists = new VectorLists(sql, exactFloats);
    this.cache = new VectorCache(sql, this.lists.exactFloats);
  }

  put(index: ListedIndex, tpk: Uint8Array, tsk: Uint8Array, row: VectorRow): void {
    this.cache.drop(index.vid);
    const vector = new Float32Array(row.vec.buffer, row.vec.byteOffset, row.vec.byteLength / 4);
    this.sql.exec(
      "INSERT INTO vector_items (vid, tpk, tsk, hash, filters, vec, doc, size, list) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (vid, tpk, tsk) DO UPDATE SET hash = excluded.hash, filters = excluded.filters, " +
        "vec = excluded.vec, doc = excluded.doc, size = excluded.size, list = excluded.list",
      index.vid,
      tpk,
      tsk,
      row.hash,
      row.filters,
      row.vec,
      row.doc,
      row.size,
      this.lists.listOf(index, vector),
    );
  }

  delete(vid: number, tpk: Uint8Array, tsk: Uint8Array): void {
    this.cache.drop(vid);
    this.sql.exec("DELETE FROM vector_items WHERE vid = ? AND tpk = ? AND tsk = ?", vid, tpk, tsk);
  }

  /**
   * Shows `visit` the rows of `index` (of one HASH value, when `hash` is given) a search of
   * `query` reads, with their inline filter values when `withFilters`, and says how it read
   * them. The projected items are read afterwards, for the rows kept (`docs`).
   */
  visit(
    index: ListedIndex,
    query: Float32Array,
    hash: Uint8Array | undefined,
    withFilters: boolean,
    visit: VisitVector,
    disowned?: KeyRange,
  ): SearchMode {
    const dims = index.dimensions;
    // Rows a split has handed to another object are not this object's (./split-log.ts):
    // that short window reads from SQLite, leaving them out.
    const held = disowned ? undefined : this.cache.held(index.vid, dims);
    if (held) {
      const wanted = hash === undefined ? undefined : hex(hash);
      for (let i = 0; i < held.rowids.length; i++) {
        if (wanted !== undefined && held.hashes[i] !== wanted) continue;
        visit(held.rowids[i] as number, held.data, i * dims, held.filters[i] as Item);
      }
      return "held";
    }
    const where = ["vid = ?"];
    const params: unknown[] = [index.vid];
    if (hash !== undefined) {
      where.push("hash = ?");
      params.push(hash);
    }
    const probes = this.lists.probe(index, query);
    if (probes) {
      // Rows written before their index had lists wait for the assignment: read them too.
      where.push(`(list IN (${probes.map(() => "?").join(", ")}) OR list IS NULL)`);
      params.push(...probes);
    }
    if (disowned) {
      const outside = outsideRange("tpk", disowned);
      where.push(outside.sql);
      params.push(...outside.params);
    }
    // Without filter terms the filters column is not read at all (a text value less a row).
    type Row = { id: number; filters?: string; vec: ArrayBuffer };
    const columns = withFilters ? "rowid AS id, filters, vec" : "rowid AS id, vec";
    const text = `SELECT ${columns} FROM vector_items WHERE ${where.join(" AND ")}`;
    for (const row of this.sql.cursor<Row>(text, ...params)) {
      const filters = row.filters === undefined ? NO_FILTERS : (JSON.parse(row.filters) as Item);
      visit(row.id, new Float32Array(row.vec), 0, filters);
    }
    return probes ? "lists" : "rows";
  }

  /** The projected items of rows `ids`, in that order. */
  docs(ids: number[]): string[] {
    if (ids.length === 0) return [];
    const found = new Map<number, string>();
    const marks = ids.map(() => "?").join(", ");
    for (const row of this.sql.cursor<{ id: number; doc: string }>(
      `SELECT rowid AS id, doc FROM vector_items WHERE rowid IN (${marks})`,
      ...ids,
    )) {
      found.set(row.id, row.doc);
    }
    return ids.map((id) => found.get(id) ?? "{}");
  }

  /** Items the index holds here and their projected size. */
  stats(vid: number): { itemCount: number; sizeBytes: number } {
    const row = this.sql.first<{ n: number; bytes: number | null }>(
      "SELECT count(*) AS n, sum(size + length(vec)) AS bytes FROM vector_items WHERE vid = ?",
      vid,
    );
    return { itemCount: row?.n ?? 0, sizeBytes: row?.bytes ?? 0 };
  }

  /** Drops an index: its rows go in chunks from the alarm (purgeDropped). */
  markDropped(vid: number): void {
    this.cache.drop(vid);
    this.sql.exec("INSERT OR IGNORE INTO dropped_vector_indexes (vid) VALUES (?)", vid);
  }

  /** Deletes up to `limit` rows of dropped indexes; true when rows may remain. */
  purgeDropped(limit: number): boolean {
    const dropped = this.sql.first<{ vid: number }>("SELECT vid FROM dropped_vector_indexes LIMIT 1");
    if (!dropped) return false;
    this.sql.exec(
      "DELETE FROM vector_items WHERE rowid IN (SELECT rowid FROM vector_items WHERE vid = ? LIMIT ?)",
      dropped.vid,
      limit,
    );
    if (!this.sql.first("SELECT 1 AS x FROM vector_items WHERE vid = ? LIMIT 1", dropped.vid)) {
      this.sql.exec("DELETE FROM dropped_vector_indexes WHERE vid = ?", dropped.vid);
      this.sql.exec("DELETE FROM vector_lists WHERE vid = ?", dropped.vid);
      this.lists.forget(dropped.vid);
    }
    return true;
  }
}
