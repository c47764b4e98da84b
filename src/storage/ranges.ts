// Range reads over the table rows (`items`) and the secondary index rows (`index_items`),
// which share one shape: a scope id (table or index), a hash-prefixed partition key, a sort
// key, and for index rows the table key as a tie-breaker. SQL text depends only on which
// bounds are present and on the filter's text, so workerd's statement cache is reused.
import { filteredRows } from "./filtered-rows.js";
import { disownedIndexRange, disownedRange, outsideRange } from "./split-log.js";
import type { Sql } from "./sql.js";
import { afterClause, orderBy, type Layout, type RangeRow, type RowOrder, type SqlFilter } from "./row-layout.js";

export interface Bound {
  key: Uint8Array;
  inclusive: boolean;
}

/** A range within one partition, in sort-key order (ties in table-key order). */
export interface PartitionRange {
  scope: number;
  pk: Uint8Array;
  lower?: Bound;
  upper?: Bound;
  forward: boolean;
  /** Exclusive start: (sk, ...tie) of the previous page's last row, in the direction of travel. */
  after?: Uint8Array[];
  limit: number;
  /** SQL boolean over `doc` (src/query/filter-sql.ts) with its parameters. */
  filter?: SqlFilter;
}

/** A range of a whole table or index in (pk, sk, ...tie) order: scans and segments. */
export interface ScopeRange {
  scope: number;
  /** Inclusive lower bound on pk (a segment's first hash prefix). */
  fromPk?: Uint8Array;
  /** Exclusive upper bound on pk. */
  toPk?: Uint8Array;
  /** Exclusive start after this (pk, sk, ...tie). */
  after?: Uint8Array[];
  limit: number;
  filter?: SqlFilter;
}

export function partitionRows(sql: Sql, layout: Layout, range: PartitionRange): Iterable<RangeRow> {
  const where = [`${layout.scope} = ?`, `${layout.pk} = ?`];
  const params: unknown[] = [range.scope, range.pk];
  if (range.lower) {
    where.push(`${layout.sk} ${range.lower.inclusive ? ">=" : ">"} ?`);
    params.push(range.lower.key);
  }
  if (range.upper) {
    where.push(`${layout.sk} ${range.upper.inclusive ? "<=" : "<"} ?`);
    params.push(range.upper.key);
  }
  skipDisowned(sql, layout, range.scope, where, params);
  return rows(sql, layout, where, params, { columns: [layout.sk, ...layout.tie], forward: range.forward }, range);
}

export function scopeRows(sql: Sql, layout: Layout, range: ScopeRange): Iterable<RangeRow> {
  const where = [`${layout.scope} = ?`];
  const params: unknown[] = [range.scope];
  const order = [layout.pk, layout.sk, ...layout.tie];
  if (range.fromPk) {
    where.push(`${layout.pk} >= ?`);
    params.push(range.fromPk);
  }
  if (range.toPk) {
    where.push(`${layout.pk} < ?`);
    params.push(range.toPk);
  }
  skipDisowned(sql, layout, range.scope, where, params);
  return rows(sql, layout, where, params, { columns: order, forward: true }, range);
}

/**
 * Rows of a range a split has handed to another object and not yet deleted here
 * (./split-log.ts) are not this object's: a table's by their partition key, an index's by
 * their item's (the first tie column).
 */
function skipDisowned(sql: Sql, layout: Layout, scope: number, where: string[], params: unknown[]): void {
  const disowned = disownedRange(sql, scope);
  if (disowned) {
    const outside = outsideRange(layout.tie[0] ?? layout.pk, disowned);
    where.push(outside.sql);
    params.push(...outside.params);
  }
  // An index partition kept in an object of its own that handed part of its range over.
  const handed = layout.tie.length > 0 ? disownedIndexRange(sql, scope) : undefined;
  if (handed) {
    const outside = outsideRange(layout.pk, handed);
    where.push(outside.sql);
    params.push(...outside.params);
  }
}

function rows(
  sql: Sql,
  layout: Layout,
  where: string[],
  params: unknown[],
  order: RowOrder,
  range: { limit: number; after?: Uint8Array[]; filter?: SqlFilter },
): Iterable<RangeRow> {
  // With a pushed-down filter, SQLite counts and cuts the rejected rows itself.
  if (range.filter) {
    return filteredRows(sql, layout, {
      where,
      params,
      order,
      after: range.after,
      limit: range.limit,
      filter: range.filter,
    });
  }
  if (range.after) {
    where.push(afterClause(order));
    params.push(...range.after);
  }
  const ties = layout.tie.map((c) => `, ${c}`).join("");
  const text =
    `SELECT ${layout.pk} AS pk, ${layout.sk} AS sk${ties}, size, ${layout.doc} AS doc FROM ${layout.from} ` +
    `WHERE ${where.join(" AND ")} ORDER BY ${orderBy(order)} LIMIT ?`;
  return sql.cursor<RangeRow>(text, ...params, range.limit);
}
