// Vector index rows (`vector_items`, schema v14): one per item an index holds, keyed by the
// item's table key, so a write replaces or removes its row without reading the old item.
// A search reads the rows of one index (of one HASH value when the index has a HASH search
// attribute) with their vectors and inline filter values; the scoring is the caller's.
import type { Sql } from "./sql.js";

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

/** A row as a search reads it. */
export type StoredVector = {
  filters: string;
  vec: ArrayBuffer;
  doc: string;
  size: number;
};

export class VectorStore {
  constructor(private readonly sql: Sql) {}

  put(vid: number, tpk: Uint8Array, tsk: Uint8Array, row: VectorRow): void {
    this.sql.exec(
      "INSERT INTO vector_items (vid, tpk, tsk, hash, filters, vec, doc, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (vid, tpk, tsk) DO UPDATE SET hash = excluded.hash, filters = excluded.filters, " +
        "vec = excluded.vec, doc = excluded.doc, size = excluded.size",
      vid,
      tpk,
      tsk,
      row.hash,
      row.filters,
      row.vec,
      row.doc,
      row.size,
    );
  }

  delete(vid: number, tpk: Uint8Array, tsk: Uint8Array): void {
    this.sql.exec("DELETE FROM vector_items WHERE vid = ? AND tpk = ? AND tsk = ?", vid, tpk, tsk);
  }

  /** The rows of index `vid` (of one HASH value, when `hash` is given), as they are read. */
  rows(vid: number, hash: Uint8Array | undefined): Iterable<StoredVector> {
    return hash === undefined
      ? this.sql.cursor<StoredVector>("SELECT filters, vec, doc, size FROM vector_items WHERE vid = ?", vid)
      : this.sql.cursor<StoredVector>(
          "SELECT filters, vec, doc, size FROM vector_items WHERE vid = ? AND hash = ?",
          vid,
          hash,
        );
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
    }
    return true;
  }
}
