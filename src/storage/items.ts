// Item rows: (tid, pk, sk) -> JSON document of the item in wire shape, plus its size as
// DynamoDB counts it. Keys are order-preserving encodings (src/keys/encode.ts). Documents
// are stored as JSONB (./schema.ts): written through jsonb(?), read back as text through
// json(doc) — `ITEM_DOC` — so the rest of the engine only ever sees JSON text.
import { dropPitrTriggers } from "./pitr-log.js";
import { partitionRows, scopeRows, type PartitionRange, type ScopeRange } from "./ranges.js";
import type { EncodedKey } from "../keys/item-key.js";
import type { Sql } from "./sql.js";
import { ITEMS, type RangeRow } from "./row-layout.js";

export interface StoredItem {
  doc: string;
  size: number;
}

export class ItemStore {
  constructor(private readonly sql: Sql) {}

  get(tid: number, pk: Uint8Array, sk: Uint8Array): StoredItem | undefined {
    return this.sql.first<{ doc: string; size: number }>(
      "SELECT json(doc) AS doc, size FROM items WHERE tid = ? AND pk = ? AND sk = ?",
      tid,
      pk,
      sk,
    );
  }

  /** The size of the row at the key, or undefined if there is none (its document unread). */
  sizeOf(tid: number, pk: Uint8Array, sk: Uint8Array): number | undefined {
    return this.sql.first<{ size: number }>("SELECT size FROM items WHERE tid = ? AND pk = ? AND sk = ?", tid, pk, sk)
      ?.size;
  }

  /**
   * The row's id and size and the JSON text of the values at `paths` (null where absent),
   * without reading the rest of the document into JavaScript (src/ops/update-patch.ts).
   */
  attributes(
    tid: number,
    key: EncodedKey,
    paths: readonly string[],
  ): { id: number; size: number; values: (string | null)[] } | undefined {
    const columns = paths.map((_, i) => `, json_extract(doc, ?) AS v${i}`).join("");
    const row = this.sql.first<Record<string, string | number | null>>(
      `SELECT id, size${columns} FROM items WHERE tid = ? AND pk = ? AND sk = ?`,
      ...paths,
      tid,
      key.pk,
      key.sk,
    );
    if (!row) return undefined;
    return {
      id: row.id as number,
      size: row.size as number,
      values: paths.map((_, i) => row[`v${i}`] as string | null),
    };
  }

  /**
   * Changes top-level attributes of the document of row `id` (from `attributes`, in the
   * same synchronous write) in place: `set` pairs of (path, value as JSON text), replaced
   * where they stand or appended; `remove` paths.
   */
  patchRow(id: number, set: readonly [string, string][], remove: readonly string[], size: number): void {
    let doc = "doc";
    if (remove.length > 0) doc = `jsonb_remove(${doc}${", ?".repeat(remove.length)})`;
    if (set.length > 0) doc = `jsonb_set(${doc}${", ?, jsonb(?)".repeat(set.length)})`;
    this.sql.exec(`UPDATE items SET doc = ${doc}, size = ? WHERE id = ?`, ...remove, ...set.flat(), size, id);
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
      "INSERT INTO items (tid, pk, sk, doc, size) VALUES (?, ?, ?, jsonb(?), ?) " +
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
    // Its rows go by the purge: their history is no one's to keep.
    dropPitrTriggers(this.sql, tid);
    this.sql.exec("INSERT OR IGNORE INTO dropped_tables (tid) VALUES (?)", tid);
  }
}
