// Splitting a filter between SQLite and TypeScript. The whole filter goes to SQL when its
// translation is exact (src/query/filter-sql.ts says, per construct, which are); when it
// is an AND, the exact conjuncts go to SQL and the rest is evaluated here on the rows SQL
// let through. Either way the result is the same as evaluating everything in TypeScript,
// which the both-ways test in test/query/filter-sql.test.ts checks.
import type { ResolvedCondition } from "../expr/ast.js";
import { translateFilter } from "./filter-sql.js";

export interface PushDown {
  /** SQL boolean over `doc`, exact for the conjuncts it covers. */
  sql?: { sql: string; params: unknown[] };
  /** What SQL could not express exactly, evaluated in TypeScript. */
  residual?: ResolvedCondition;
}

export function pushDown(filter: ResolvedCondition | undefined): PushDown {
  if (!filter) return {};
  const whole = translateFilter(filter);
  if (whole) return { sql: whole };
  const conjuncts = flattenAnd(filter);
  const inSql: { sql: string; params: unknown[] }[] = [];
  const residual: ResolvedCondition[] = [];
  for (const conjunct of conjuncts) {
    const translated = translateFilter(conjunct);
    if (translated) inSql.push(translated);
    else residual.push(conjunct);
  }
  const result: PushDown = {};
  if (inSql.length > 0) {
    result.sql = { sql: inSql.map((t) => `(${t.sql})`).join(" AND "), params: inSql.flatMap((t) => t.params) };
  }
  if (residual.length > 0) result.residual = residual.reduce((left, right) => ({ kind: "and", left, right }));
  return result;
}

function flattenAnd(cond: ResolvedCondition): ResolvedCondition[] {
  return cond.kind === "and" ? [...flattenAnd(cond.left), ...flattenAnd(cond.right)] : [cond];
}
