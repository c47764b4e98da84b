// How stored rows are laid out and read in order: the table rows (`items`) and the index
// rows (`index_items`) share one shape (a scope id, a hash-prefixed partition key, a sort
// key, and for index rows the table key as a tie-breaker), one row order and one page budget.
// The range readers (./ranges.ts, ./filtered-rows.ts) and the page (src/query/page.ts) share them.

export interface Layout {
  from: string;
  scope: string;
  pk: string;
  sk: string;
  /** Columns after the sort key in the row order (index rows: the table key). */
  tie: readonly string[];
  /** The document as JSON text (item documents are stored as JSONB: src/storage/items.ts). */
  doc: string;
}

export const ITEMS: Layout = { from: "items", scope: "tid", pk: "pk", sk: "sk", tie: [], doc: "json(doc)" };

export const INDEX_ITEMS: Layout = {
  from: "index_items",
  scope: "iid",
  pk: "ipk",
  sk: "isk",
  tie: ["tpk", "tsk"],
  doc: "doc",
};

/** A row read by a range scan; `doc` is null when the pushed-down filter rejected it. */
export type RangeRow = {
  pk: ArrayBuffer;
  sk: ArrayBuffer;
  /** Index rows only: the table key of the item. */
  tpk?: ArrayBuffer;
  tsk?: ArrayBuffer;
  size: number;
  doc: string | null;
  /**
   * Rows read since the previous row returned, this one included, and their total size,
   * when rows in between were read and rejected by the filter in SQL (./filtered-rows.ts);
   * absent means 1 and `size`.
   */
  scanned?: number;
  bytes?: number;
};

export interface SqlFilter {
  sql: string;
  params: unknown[];
}

/** The order a range is read in: its key columns, ascending or descending. */
export interface RowOrder {
  columns: readonly string[];
  forward: boolean;
}

/** `ORDER BY` terms of an order. */
export function orderBy(order: RowOrder): string {
  const direction = order.forward ? "ASC" : "DESC";
  return order.columns.map((c) => `${c} ${direction}`).join(", ");
}

/** The condition continuing after a row, in the order of travel: `(sk, tpk, tsk) > (?, ?, ?)`. */
export function afterClause(order: RowOrder): string {
  return `${tuple(order.columns)} ${order.forward ? ">" : "<"} ${tuple(order.columns.map(() => "?"))}`;
}

/** The condition stopping at a row (inclusive), in the order of travel: `(pk, sk) <= (?, ?)`. */
export function throughClause(order: RowOrder): string {
  return `${tuple(order.columns)} ${order.forward ? "<=" : ">="} ${tuple(order.columns.map(() => "?"))}`;
}

function tuple(items: readonly string[]): string {
  return items.length === 1 ? (items[0] as string) : `(${items.join(", ")})`;
}

/** DynamoDB's page size limit on data read. */
export const MAX_PAGE_BYTES = 1024 * 1024;
