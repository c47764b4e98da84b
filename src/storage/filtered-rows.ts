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
import type { Sql } from "./sql.js";
import {
  afterClause,
  MAX_PAGE_BYTES,
  orderBy,
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
  while (remaining > 0) {
    const chunk = Math.min(chunkSize(budget, readRows, readBytes), remaining);
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

/** Rows expected to spend `budget` bytes at the average size read so far, with 10% to spare. */
function chunkSize(budget: number, readRows: number, readBytes: number): number {
  if (readRows === 0) return FIRST_CHUNK;
  const average = Math.max(1, readBytes / readRows);
  return Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, Math.ceil((budget / average) * 1.1)));
}

/** Result names of the key columns: RangeRow calls the scope's key columns pk and sk. */
function alias(layout: Layout, column: string): string {
  if (column === layout.pk) return "pk";
  if (column === layout.sk) return "sk";
  return column;
}
