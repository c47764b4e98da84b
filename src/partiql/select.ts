// SELECT planned onto Query or Scan, as DynamoDB does: a WHERE whose top-level AND chain
// holds an equality on the partition key (of the table, or of the index named by
// FROM "table"."index") is a Query, its sort-key condition the key condition and the rest
// the filter; anything else is a Scan filtered by the whole WHERE. ORDER BY the sort key
// sets ScanIndexForward. The projection list becomes a ProjectionExpression, and each
// projected path is answered under its last name (DynamoDB: `SELECT m.k[1], l[0], m.z`
// answers `k[1]`, `l[0]` and `z`; recorded against DynamoDB Local by xo/dbimp).
import { validation } from "../errors.js";
import { compileCondition } from "../expr/compile-condition.js";
import { expressionContext } from "../expr/context.js";
import { evaluateCondition } from "../expr/evaluate.js";
import type { AttributeValue, Item, JsonObject } from "../types.js";
import type { Condition, Path, SelectStatement, ValueNode } from "./ast.js";
import { compareScalars, valuesEqual } from "../values/compare.js";
import { conditionText, Placeholders } from "./expression.js";
import {
  checkKeyType,
  checkSource,
  conjuncts,
  equalityOn,
  isAttribute,
  isValueNode,
  joinAnd,
  sourceKeys,
} from "./keys.js";
import { bindValue } from "./values.js";
import type { TableDef } from "../schema/table-def.js";

export interface SelectPlan {
  operation: "Query" | "Scan";
  /**
   * The operation's inputs: one, or for `pk IN [...]` one Query per partition key value,
   * run one after the other (DynamoDB reads a partition per value, no full scan).
   */
  inputs: JsonObject[];
  /** Turns a stored item into the item the statement answers. */
  shape: (item: Item) => Item;
  /** Terms a Query's FilterExpression may not hold (on key attributes), checked here instead. */
  keep: (item: Item) => boolean;
}

const KEY_COMPARATORS = new Set(["=", "<", "<=", ">", ">="]);

export function planSelect(
  s: SelectStatement,
  def: TableDef,
  parameters: readonly AttributeValue[],
  consistentRead: boolean | undefined,
): SelectPlan {
  if (s.unsupported !== undefined) throw validation(`Unsupported clause: ${s.unsupported}`);
  const index = checkSource(s.source, def);
  if (consistentRead === true && index?.kind === "GSI") {
    throw validation("Strongly consistent read is not supported on Global Secondary Indexes");
  }
  const { hash, range } = sourceKeys(def, index);
  const p = new Placeholders(parameters);
  const input: JsonObject = { TableName: def.name };
  if (index) input.IndexName = index.name;
  if (consistentRead !== undefined) input.ConsistentRead = consistentRead;

  // Projected here, not by a ProjectionExpression: DynamoDB's projection keeps only the
  // addressed list elements (`l[3]` becomes a one-element list), which would lose the
  // index the answer is read at. Reads are charged by whole items either way.
  const projection = projectionOf(s.projection);

  const terms = conjuncts(s.where);
  const hashTerm = terms.find((t) => hashValues(t, hash.name) !== undefined);
  if (s.orderBy.length > 0) checkOrderBy(s, hashTerm !== undefined, [hash.name, range?.name]);
  if (!hashTerm) {
    if (s.where) input.FilterExpression = conditionText(s.where, p);
    return { operation: "Scan", inputs: [{ ...input, ...p.members() }], shape: projection, keep: () => true };
  }
  const values = distinct(hashValues(hashTerm, hash.name)!.map((node) => bindValue(node, parameters)));
  for (const value of values) checkKeyType(hash, value);
  const hashOrder = s.orderBy.find((k) => isAttribute(k.path, hash.name));
  if (hashOrder) {
    values.sort((a, b) => (compareScalars(a, b) ?? 0) * (hashOrder.descending ? -1 : 1));
  }
  let keyCondition = `${p.name(hash.name)} = ${HASH_VALUE}`;
  const rangeTerm = range ? terms.find((t) => t !== hashTerm && isRangeCondition(t, range.name)) : undefined;
  if (rangeTerm) keyCondition += ` AND ${conditionText(rangeTerm, p)}`;
  input.KeyConditionExpression = keyCondition;
  const { filter, keep } = splitFilter(
    terms.filter((t) => t !== hashTerm && t !== rangeTerm),
    [hash.name, range?.name],
    p,
  );
  if (filter) input.FilterExpression = filter;
  const sortOrder = s.orderBy.find((k) => range !== undefined && isAttribute(k.path, range.name));
  if (sortOrder?.descending) input.ScanIndexForward = false;
  const members = p.members();
  const inputs = values.map((value) => ({
    ...input,
    ...members,
    ExpressionAttributeValues: { ...members.ExpressionAttributeValues, [HASH_VALUE]: value },
  }));
  return { operation: "Query", inputs, shape: projection, keep };
}

/** The placeholder of the partition key value in each Query (generated ones are `:vN`). */
const HASH_VALUE = ":pk";

/** The partition key values a term fixes: `pk = v` or `pk IN [v, ...]`. */
function hashValues(t: Condition, name: string): ValueNode[] | undefined {
  const equal = equalityOn(t, name);
  if (equal) return [equal];
  if (t.kind === "in" && isAttribute(t.operand, name) && t.values.length > 0 && t.values.every(isValueNode)) {
    return t.values as ValueNode[];
  }
  return undefined;
}

function distinct(values: AttributeValue[]): AttributeValue[] {
  const out: AttributeValue[] = [];
  for (const value of values) if (!out.some((v) => valuesEqual(v, value))) out.push(value);
  return out;
}

/**
 * A Query's non-key WHERE terms: those on no key attribute become its FilterExpression;
 * those on a key attribute (`sk <> 2`, `sk IN [..]`, an OR with the sort key), which a
 * Query's FilterExpression refuses, are evaluated here on each item the Query reads, so
 * Limit still counts items read, as DynamoDB's does.
 */
export function splitFilter(
  terms: Condition[],
  keyNames: (string | undefined)[],
  p: Placeholders,
): { filter: string | undefined; keep: (item: Item) => boolean } {
  const keys = new Set(keyNames.filter((n): n is string => n !== undefined));
  const onKeys = terms.filter((t) => mentions(t, keys));
  const others = joinAnd(terms.filter((t) => !onKeys.includes(t)));
  return { filter: others ? conditionText(others, p) : undefined, keep: itemTest(joinAnd(onKeys), p.parameters) };
}

function mentions(node: unknown, names: Set<string>): boolean {
  if (typeof node !== "object" || node === null) return false;
  const path = node as Partial<Path>;
  if (path.kind === "path" && typeof path.elements?.[0] === "string") return names.has(path.elements[0]);
  return Object.values(node).some((child) => mentions(child, names));
}

function itemTest(condition: Condition | undefined, parameters: readonly AttributeValue[]): (item: Item) => boolean {
  if (!condition) return () => true;
  const p = new Placeholders(parameters);
  const text = conditionText(condition, p);
  const ctx = expressionContext(p.members(), ["ConditionExpression"], ["ConditionExpression"], []);
  const resolved = compileCondition(text, "FilterExpression", ctx);
  return (item) => evaluateCondition(resolved, item, "FilterExpression");
}

/** A term a KeyConditionExpression accepts on the sort key: a comparison, BETWEEN or begins_with with values. */
function isRangeCondition(t: Condition, name: string): boolean {
  if (t.kind === "compare") return KEY_COMPARATORS.has(t.op) && isAttribute(t.left, name) && isValueNode(t.right);
  if (t.kind === "between") return isAttribute(t.operand, name) && isValueNode(t.low) && isValueNode(t.high);
  if (t.kind === "function") {
    return t.name === "begins_with" && t.args.length === 2 && isAttribute(t.args[0]!, name) && isValueNode(t.args[1]!);
  }
  return false;
}

/** DynamoDB's ORDER BY rules (messages of its PartiQL front end). */
function checkOrderBy(s: SelectStatement, hasHashCondition: boolean, keys: (string | undefined)[]): void {
  if (!s.where) throw validation("Must have WHERE clause in the statement when using ORDER BY clause.");
  if (!hasHashCondition) {
    throw validation(
      "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
    );
  }
  for (const key of s.orderBy) {
    const name = key.path.elements.length === 1 ? key.path.elements[0] : undefined;
    if (typeof name !== "string" || !keys.includes(name)) {
      throw validation(
        `Variable reference ${displayPath(key.path)} in ORDER BY clause must be part of the primary key`,
      );
    }
  }
}

/** The answer shape of a projection list: each path's value under its last name. */
export function projectionOf(paths: Path[] | undefined): (item: Item) => Item {
  if (!paths) return (item) => item;
  const names = paths.map(outputName);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw validation(`Duplicate identifiers in select clause: ${name}`);
    seen.add(name);
  }
  return (item) => {
    const out: Item = {};
    paths.forEach((path, i) => {
      const value = valueAt(item, path);
      if (value !== undefined) out[names[i]!] = value;
    });
    return out;
  };
}

function outputName(path: Path): string {
  let last = 0;
  path.elements.forEach((e, i) => {
    if (typeof e === "string") last = i;
  });
  return path.elements
    .slice(last)
    .map((e) => (typeof e === "number" ? `[${e}]` : e))
    .join("");
}

function valueAt(item: Item, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined;
  for (const [i, e] of path.elements.entries()) {
    if (i === 0) current = item[e as string];
    else if (current === undefined) return undefined;
    else if (typeof e === "number") current = "L" in current ? current.L[e] : undefined;
    else current = "M" in current ? current.M[e] : undefined;
  }
  return current;
}

function displayPath(path: Path): string {
  return path.elements.map((e, i) => (typeof e === "number" ? `[${e}]` : i === 0 ? e : `.${e}`)).join("");
}
