// Item rows: (tid, pk, sk) -> JSON document of the item in wire shape, plus its size as
// DynamoDB counts it. Keys are order-preserving encodings (src/keys/encode.ts).
import type { Sql } from "./sql";

export interface StoredItem {
  doc: string;
  size: number;
}

/** A row read by a range scan; `doc` is null when the pushed-down filter rejected it. */
export type RangeRow = {
  pk: ArrayBuffer;
  sk: ArrayBuffer;
  size: number;
  doc: string | null;
};

export interface Bound {
  key: Uint8Array;
  inclusive: boolean;
}

/** A range within one partition, in sort-key order. */
export interface PartitionRange {
  tid: number;
  pk: Uint8Array;
  lower?: Bound;
  upper?: Bound;
  forward: boolean;
  /** Exclusive start (the previous page's last sort key), in the direction of travel. */
  after?: Uint8Array;
  limit: number;
  /** SQL boolean over `doc` (src/query/filter-sql.ts) with its parameters. */
  filter?: { sql: string; params: unknown[] };
}

/** A range of the whole table in (pk, sk) order: scans and parallel-scan segments. */
export interface TableRange {
  tid: number;
  /** Inclusive lower bound on pk (a segment's first hash prefix). */
  fromPk?: Uint8Array;
  /** Exclusive upper bound on pk. */
  toPk?: Uint8Array;
  /** Exclusive start after this (pk, sk). */
  after?: { pk: Uint8Array; sk: Uint8Array };
  limit: number;
  filter?: { sql: string; params: unknown[] };
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

  /**
   * Rows of one partition in sort-key order. SQL text depends only on which bounds are
   * present and on the filter's text, so workerd's statement cache is reused.
   */
  partitionRange(range: PartitionRange): Iterable<RangeRow> {
    const where = ["tid = ?", "pk = ?"];
    const params: unknown[] = [range.tid, range.pk];
    if (range.lower) {
      where.push(range.lower.inclusive ? "sk >= ?" : "sk > ?");
      params.push(range.lower.key);
    }
    if (range.upper) {
      where.push(range.upper.inclusive ? "sk <= ?" : "sk < ?");
      params.push(range.upper.key);
    }
    if (range.after) {
      where.push(range.forward ? "sk > ?" : "sk < ?");
      params.push(range.after);
    }
    const order = range.forward ? "sk ASC" : "sk DESC";
    return this.rangeRows(where, params, order, range.limit, range.filter);
  }

  /** Rows of a table in (pk, sk) order, i.e. partitions in hash order (src/keys/partition.ts). */
  tableRange(range: TableRange): Iterable<RangeRow> {
    const where = ["tid = ?"];
    const params: unknown[] = [range.tid];
    if (range.after) {
      where.push("(pk, sk) > (?, ?)");
      params.push(range.after.pk, range.after.sk);
    }
    if (range.fromPk) {
      where.push("pk >= ?");
      params.push(range.fromPk);
    }
    if (range.toPk) {
      where.push("pk < ?");
      params.push(range.toPk);
    }
    return this.rangeRows(where, params, "pk ASC, sk ASC", range.limit, range.filter);
  }

  private rangeRows(
    where: string[],
    params: unknown[],
    order: string,
    limit: number,
    filter: { sql: string; params: unknown[] } | undefined,
  ): Iterable<RangeRow> {
    // With a pushed-down filter, rejected rows come back without their document, so they
    // cost no JSON parsing, yet still count as scanned (ScannedCount, Limit, 1 MB).
    const doc = filter ? `CASE WHEN (${filter.sql}) THEN doc END` : "doc";
    const sql = `SELECT pk, sk, size, ${doc} AS doc FROM items WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`;
    return this.sql.cursor<RangeRow>(sql, ...(filter ? filter.params : []), ...params, limit);
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
