// Item rows: (tid, pk, sk) -> JSON document of the item in wire shape, plus its size as
// DynamoDB counts it. Keys are order-preserving encodings (src/keys/encode.ts).
import { ITEMS, partitionRows, scopeRows, type PartitionRange, type RangeRow, type ScopeRange } from "./ranges";
import type { Sql } from "./sql";

export interface StoredItem {
  doc: string;
  size: number;
}

export class ItemStore {
  constructor(private readonly sql: Sql) {}

  get(tid: number, pk: Uint8Array, sk: Uint8Array): StoredItem | undefined {
    return this.sql.first<{ doc: string; size: number }>(
      "SELECT doc, size FROM items WHERE tid = ? AND pk = ? AND sk = ?",
      tid,
      pk,
      sk,
    );
  }

  /** Rows of one partition of a table in sort-key order. */
  partitionRange(range: PartitionRange): Iterable<RangeRow> {
    return partitionRows(this.sql, ITEMS, range);
  }

  /** Rows of a table in (pk, sk) order, i.e. partitions in hash order (src/keys/partition.ts). */
  tableRange(range: ScopeRange): Iterable<RangeRow> {
    return scopeRows(this.sql, ITEMS, range);
  }

  put(tid: number, pk: Uint8Array, sk: Uint8Array, doc: string, size: number): void {
    this.sql.exec(
      "INSERT INTO items (tid, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (tid, pk, sk) DO UPDATE SET doc = excluded.doc, size = excluded.size",
      tid,
      pk,
      sk,
      doc,
      size,
    );
  }

  delete(tid: number, pk: Uint8Array, sk: Uint8Array): void {
    this.sql.exec("DELETE FROM items WHERE tid = ? AND pk = ? AND sk = ?", tid, pk, sk);
  }

  /**
   * Deletes up to `limit` rows of dropped tables (DeleteTable only moves the table id to
   * `dropped_tables`, so it costs O(1) whatever the table's size; the rows go in bounded
   * chunks from the alarm so no request runs long). Returns true when rows may remain.
   */
  purgeDropped(limit: number): boolean {
    const dropped = this.sql.first<{ tid: number }>("SELECT tid FROM dropped_tables LIMIT 1");
    if (!dropped) return false;
    this.sql.exec("DELETE FROM items WHERE id IN (SELECT id FROM items WHERE tid = ? LIMIT ?)", dropped.tid, limit);
    if (!this.sql.first("SELECT id FROM items WHERE tid = ? LIMIT 1", dropped.tid)) {
      this.sql.exec("DELETE FROM dropped_tables WHERE tid = ?", dropped.tid);
    }
    return true;
  }

  markDropped(tid: number): void {
    this.sql.exec("INSERT OR IGNORE INTO dropped_tables (tid) VALUES (?)", tid);
  }
}
