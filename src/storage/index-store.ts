// Secondary index rows: (iid, ipk, isk, tpk, tsk) -> projected item. ipk is hash-prefixed
// like table partition keys; (tpk, tsk), the item's table key, orders ties in the index.
import { partitionRows, scopeRows, type PartitionRange, type ScopeRange } from "./ranges.js";
import type { Sql } from "./sql.js";
import { INDEX_ITEMS, type RangeRow } from "./row-layout.js";

export interface IndexRowKey {
  ipk: Uint8Array;
  isk: Uint8Array;
  tpk: Uint8Array;
  tsk: Uint8Array;
}

export class IndexStore {
  constructor(private readonly sql: Sql) {}

  put(iid: number, key: IndexRowKey, doc: string, size: number): void {
    this.sql.exec(
      "INSERT INTO index_items (iid, ipk, isk, tpk, tsk, doc, size) VALUES (?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (iid, ipk, isk, tpk, tsk) DO UPDATE SET doc = excluded.doc, size = excluded.size",
      iid,
      key.ipk,
      key.isk,
      key.tpk,
      key.tsk,
      doc,
      size,
    );
  }

  delete(iid: number, key: IndexRowKey): void {
    this.sql.exec(
      "DELETE FROM index_items WHERE iid = ? AND ipk = ? AND isk = ? AND tpk = ? AND tsk = ?",
      iid,
      key.ipk,
      key.isk,
      key.tpk,
      key.tsk,
    );
  }

  /**
   * Sets the entry at `key` to `doc` (deletes it when undefined) whatever is there, its
   * index's counts following: a partitioned GSI's change, applied once where it is held.
   */
  replace(iid: number, key: IndexRowKey, entry: { doc: string; size: number } | undefined): void {
    const existing = this.sql.first<{ size: number }>(
      "SELECT size FROM index_items WHERE iid = ? AND ipk = ? AND isk = ? AND tpk = ? AND tsk = ?",
      iid,
      key.ipk,
      key.isk,
      key.tpk,
      key.tsk,
    );
    if (!entry) {
      if (!existing) return;
      this.delete(iid, key);
      this.adjustStats(iid, -1, -existing.size);
      return;
    }
    this.put(iid, key, entry.doc, entry.size);
    this.adjustStats(iid, existing ? 0 : 1, entry.size - (existing?.size ?? 0));
  }

  partitionRange(range: PartitionRange): Iterable<RangeRow> {
    return partitionRows(this.sql, INDEX_ITEMS, range);
  }

  scopeRange(range: ScopeRange): Iterable<RangeRow> {
    return scopeRows(this.sql, INDEX_ITEMS, range);
  }

  stats(iid: number): { itemCount: number; sizeBytes: number } {
    const row = this.sql.first<{ item_count: number; size_bytes: number }>(
      "SELECT item_count, size_bytes FROM index_stats WHERE iid = ?",
      iid,
    );
    return { itemCount: row?.item_count ?? 0, sizeBytes: row?.size_bytes ?? 0 };
  }

  adjustStats(iid: number, items: number, bytes: number): void {
    if (items === 0 && bytes === 0) return;
    this.sql.exec(
      "INSERT INTO index_stats (iid, item_count, size_bytes) VALUES (?, ?, ?) ON CONFLICT (iid) DO UPDATE SET " +
        "item_count = item_count + excluded.item_count, size_bytes = size_bytes + excluded.size_bytes",
      iid,
      items,
      bytes,
    );
  }

  /** Drops an index: its rows go in chunks from the alarm (see purgeDropped). */
  markDropped(iid: number): void {
    this.sql.exec("INSERT OR IGNORE INTO dropped_indexes (iid) VALUES (?)", iid);
    this.sql.exec("DELETE FROM index_stats WHERE iid = ?", iid);
  }

  /** Deletes up to `limit` rows of dropped indexes; true when rows may remain. */
  purgeDropped(limit: number): boolean {
    const dropped = this.sql.first<{ iid: number }>("SELECT iid FROM dropped_indexes LIMIT 1");
    if (!dropped) return false;
    this.sql.exec(
      "DELETE FROM index_items WHERE id IN (SELECT id FROM index_items WHERE iid = ? LIMIT ?)",
      dropped.iid,
      limit,
    );
    if (!this.sql.first("SELECT id FROM index_items WHERE iid = ? LIMIT 1", dropped.iid)) {
      this.sql.exec("DELETE FROM dropped_indexes WHERE iid = ?", dropped.iid);
    }
    return true;
  }
}
