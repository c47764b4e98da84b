// Range reads with a pushed-down filter, cut into pages by SQLite itself.
//
// A page (src/query/page.ts) counts every row it reads, matching or not: ScannedCount,
// Limit and the 1 MB cut are all measured before the filter. Reading each rejected row
// back into JavaScript only to count it (its key, its size) cost more than the filter:
// with a 1%-selective filter over 100,000 ~1 KB items, 99,000 rows crossed into the
// isolate for nothing. Here SQLite reads the range in chunks, numbers the rows and keeps
// their running size with window functions, and returns only
// - the rows the filter accepts, and
// - the row where the page's budget of bytes runs out, or the chunk's last row,
// each carrying how many rows (`scanned`) and bytes (`bytes`) it accounts for since the
// previous row returned. readPage adds those up, so it stops at exactly the row where it
// would have stopped reading every row, and the page is the same.
//
// The window functions cost as much again as the filter itself, so most of a page of table
// rows is read in bulk instead: a chunk planned to end well before the byte budget is one
// aggregate (rows, bytes, the accepted documents in order), which SQLite runs at the speed
// of the bare filtered SELECT; only the page's last stretch, where the cut may fall, is read
// row by row with the window functions. A bulk chunk the budget runs out in is read again
// that way.
import type { Sql } from "./sql.js";
import {
  afterClause,
  MAX_PAGE_BYTES,
  orderBy,
  throughClause,
  type Layout,
  type RangeRow,
  type RowOrder,
  type SqlFilter,
} from "./row-layout.js";

/**
 * Rows per statement. SQLite reads every row of a chunk, including those past the 1 MB
 * cut, so chunks follow the page's budget: the first is small, the next ones are sized
 * from the average item size seen so far to end just past the cut: rows read past the cut
 * are work thrown away.
 */
const FIRST_CHUNK = 256;
const MAX_CHUNK = 4096;
/** Bulk chunks end by this share of the remaining budget; below MIN_BULK rows, rows are read one by one. */
const BULK_SHARE = 0.95;
/** A page's first bulk chunk, before any size is known: small, as it may hold the cut itself. */
const FIRST_BULK = 64;
const MIN_BULK = 64;
const MIN_TAIL = 16;
/** Separates accepted documents in a bulk chunk: JSON text never holds a raw control character. */
const SEPARATOR = "\u001e";

/** A row returned by the chunk query: a RangeRow plus its place in the chunk. */
type ChunkRow = RangeRow & { n: number; run: number; total: number };

export interface FilteredRange {
  /** The range's conditions, without the continuation (`after`), and their parameters. */
  where: string[];
  params: unknown[];
  order: RowOrder;
  after: Uint8Array[] | undefined;
  limit: number;
  filter: SqlFilter;
}

export function* filteredRows(sql: Sql, layout: Layout, range: FilteredRange): Generator<RangeRow> {
  // Key columns under the names RangeRow gives them (the scope's pk and sk as pk and sk).
  const columns = [layout.pk, layout.sk, ...layout.tie];
  const keys = columns.map((c) => `${c} AS ${alias(layout, c)}`).join(", ");
  const aliases = columns.map((c) => alias(layout, c)).join(", ");
  const aliasedOrder: RowOrder = { ...range.order, columns: range.order.columns.map((c) => alias(layout, c)) };
  let after = range.after;
  let remaining = range.limit;
  let budget = MAX_PAGE_BYTES;
  let readRows = 0;
  let readBytes = 0;
  // Index rows carry their table key as a tie: read row by row only.
  const bulky = layout.tie.length === 0;
  // What a bulk chunk the budget ran out in measured: for sizing the exact chunks after it.
  let sampled: { rows: number; bytes: number } | undefined;
  while (remaining > 0) {
    const bulk = bulky ? bulkSize(budget, readRows, readBytes, remaining) : 0;
    if (bulk > 0 && !sampled) {
      const read = bulkChunk(sql, layout, range, after, bulk, budget);
      if (!read) return; // no rows left
      if (read.bytes < budget) {
        // The accepted rows stand for no rows of their own; the chunk's last row carries them all.
        for (const doc of read.docs) yield { ...read.end, size: 0, doc, scanned: 0, bytes: 0 };
        yield { ...read.end, size: 0, doc: null, scanned: read.rows, bytes: read.bytes };
        remaining -= read.rows;
        budget -= read.bytes;
        readRows += read.rows;
        readBytes += read.bytes;
        if (read.ended) return;
        after = range.order.columns.map((c) => new Uint8Array(read.end[alias(layout, c) as "pk" | "sk"]));
        continue;
      }
      // The cut falls inside the chunk: read it again row by row.
      sampled = { rows: read.rows, bytes: read.bytes };
    }
    const chunk = Math.min(
      // Table rows: after the bulk chunks only the page's last stretch is left, read as it needs.
      chunkSize(
        budget,
        readRows + (sampled?.rows ?? 0),
        readBytes + (sampled?.bytes ?? 0),
        bulky ? MIN_TAIL : FIRST_CHUNK,
      ),
      remaining,
    );
    const where = after ? [...range.where, afterClause(range.order)] : range.where;
    const params = after ? [...range.params, ...after] : range.params;
    // Innermost: the chunk in order, each row's document only if the filter accepts it.
    // Middle: row number, running size and the chunk's row count, in the same order.
    // Outer: the rows within the byte budget that were accepted, cross the budget, or
    // end the chunk.
    const text =
      `SELECT ${aliases}, size, doc, n, run, total FROM (` +
      `SELECT ${aliases}, size, doc, row_number() OVER w AS n, sum(size) OVER w AS run, count(*) OVER () AS total ` +
      `FROM (SELECT ${keys}, size, CASE WHEN (${range.filter.sql}) THEN ${layout.doc} END AS doc ` +
      `FROM ${layout.from} WHERE ${where.join(" AND ")} ORDER BY ${orderBy(range.order)} LIMIT ?) ` +
      `WINDOW w AS (ORDER BY ${orderBy(aliasedOrder)} ROWS UNBOUNDED PRECEDING)` +
      `) WHERE run - size < ? AND (doc IS NOT NULL OR run >= ? OR n = total) ORDER BY n`;
    let seen = 0;
    let bytes = 0;
    let last: ChunkRow | undefined;
    for (const row of sql.cursor<ChunkRow>(text, ...range.filter.params, ...params, chunk, budget, budget)) {
      const out: RangeRow = { ...row, scanned: row.n - seen, bytes: row.run - bytes };
      seen = row.n;
      bytes = row.run;
      last = row;
      yield out;
      // The budget is spent at this row: the page ends here (readPage stops too).
      if (row.run >= budget) return;
    }
    // An empty chunk, or a chunk shorter than asked for: the range has no more rows.
    if (!last || last.total < chunk) return;
    remaining -= last.total;
    budget -= last.run;
    readRows += last.total;
    readBytes += last.run;
    const end = last as unknown as Record<string, ArrayBuffer>;
    after = aliasedOrder.columns.map((c) => new Uint8Array(end[c] as ArrayBuffer));
  }
}

/** Rows of a bulk chunk: ending by BULK_SHARE of the budget at the average size so far; 0: none. */
function bulkSize(budget: number, readRows: number, readBytes: number, remaining: number): number {
  if (readRows === 0) return Math.min(FIRST_BULK, remaining);
  const average = Math.max(1, readBytes / readRows);
  const rows = Math.min(MAX_CHUNK, Math.floor((budget * BULK_SHARE) / average), remaining);
  return rows >= MIN_BULK ? rows : 0;
}

interface BulkRead {
  /** The chunk's last row's key. */
  end: { pk: ArrayBuffer; sk: ArrayBuffer };
  rows: number;
  bytes: number;
  /** Accepted documents, in order. */
  docs: string[];
  /** The range has no rows after the chunk. */
  ended: boolean;
}

/**
 * The next `rows` rows (or all that are left, if fewer) as one aggregate; undefined when
 * none are left. Their end comes from the key index alone (no row read), then one pass
 * reads them, counts, sums and keeps the accepted documents.
 */
function bulkChunk(
  sql: Sql,
  layout: Layout,
  range: FilteredRange,
  after: Uint8Array[] | undefined,
  rows: number,
  budget: number,
): BulkRead | undefined {
  const where = after ? [...range.where, afterClause(range.order)] : range.where;
  const params = after ? [...range.params, ...after] : range.params;
  const keyAt = (order: RowOrder, offset: number) =>
    sql.first<{ pk: ArrayBuffer; sk: ArrayBuffer }>(
      `SELECT ${layout.pk} AS pk, ${layout.sk} AS sk FROM ${layout.from} WHERE ${where.join(" AND ")} ` +
        `ORDER BY ${orderBy(order)} LIMIT 1 OFFSET ?`,
      ...params,
      offset,
    );
  const end = keyAt(range.order, rows - 1);
  const through = end ? range.order.columns.map((c) => new Uint8Array(end[alias(layout, c) as "pk" | "sk"])) : [];
  const totals = sql.first<{ rows: number; bytes: number; docs: string | null }>(
    `SELECT count(*) AS rows, sum(size) AS bytes, ` +
      `group_concat(${layout.doc}, char(30) ORDER BY ${orderBy(range.order)}) FILTER (WHERE ${range.filter.sql}) AS docs ` +
      `FROM ${layout.from} WHERE ${(end ? [...where, throughClause(range.order)] : where).join(" AND ")}`,
    ...range.filter.params,
    ...params,
    ...through,
  );
  if (!totals || totals.rows === 0) return undefined;
  if (end && totals.rows !== rows) throw new Error(`bulk chunk read ${totals.rows} rows of ${rows}`);
  // Fewer rows were left than asked for: the last of them ends the range.
  const last = end ?? keyAt({ ...range.order, forward: !range.order.forward }, 0);
  if (!last) throw new Error("bulk chunk without a last row");
  // Past the budget: the caller reads the chunk again row by row (the docs are not needed).
  const docs = totals.bytes >= budget || totals.docs === null ? [] : totals.docs.split(SEPARATOR);
  return { end: last, rows: totals.rows, bytes: totals.bytes, docs, ended: !end };
}

/** Rows expected to spend `budget` bytes at the average size read so far, with 10% to spare. */
function chunkSize(budget: number, readRows: number, readBytes: number, least: number): number {
  if (readRows === 0) return FIRST_CHUNK;
  const average = Math.max(1, readBytes / readRows);
  return Math.min(MAX_CHUNK, Math.max(least, Math.ceil((budget / average) * 1.1)));
}

/** Result names of the key columns: RangeRow calls the scope's key columns pk and sk. */
function alias(layout: Layout, column: string): string {
  if (column === layout.pk) return "pk";
  if (column === layout.sk) return "sk";
  return column;
}
