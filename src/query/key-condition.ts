// Key conditions of a Query: a KeyConditionExpression (already compiled by the condition
// pass, so names/values are resolved) or legacy KeyConditions, turned into one equality on
// the partition key and at most one condition on the sort key, with DynamoDB's messages.
// The result compiles to an index range over the stored (pk, sk) encodings.
import { validation } from "../errors.js";
import type { ResolvedCondition, ResolvedOperand } from "../expr/ast.js";
import type { KeyAttribute, AttributeValue } from "../types.js";

export type SortCondition =
  | { op: "=" | "<" | "<=" | ">" | ">="; value: AttributeValue }
  | { op: "BETWEEN"; low: AttributeValue; high: AttributeValue }
  | { op: "begins_with"; prefix: AttributeValue };

export interface KeyCondition {
  hash: AttributeValue;
  sort?: SortCondition;
}

/** One leaf of a key condition, still keyed by attribute name. */
export interface Leaf {
  name: string;
  condition: SortCondition;
}

const FLIP: Readonly<Record<string, "=" | "<" | "<=" | ">" | ">=">> = {
  "=": "=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

const KEY_EXPR = "KeyConditionExpression";

/** Splits a compiled KeyConditionExpression into per-attribute leaves, DynamoDB's structural rules first. */
export function leavesOfExpression(cond: ResolvedCondition): Leaf[] {
  const leaves: Leaf[] = [];
  collect(cond, leaves);
  return leaves;
}

function collect(cond: ResolvedCondition, leaves: Leaf[]): void {
  switch (cond.kind) {
    case "and":
      collect(cond.left, leaves);
      collect(cond.right, leaves);
      return;
    case "or":
    case "not":
    case "in":
      throw validation(`Invalid operator used in ${KEY_EXPR}: ${cond.kind.toUpperCase()}`);
    case "compare": {
      if (cond.op === "<>") throw validation(`Invalid operator used in ${KEY_EXPR}: <>`);
      const leftIsPath = isPathOperand(cond.left);
      const rightIsPath = isPathOperand(cond.right);
      if (leftIsPath && rightIsPath) {
        throw validation(`Invalid condition in ${KEY_EXPR}: Multiple attribute names used in one condition`);
      }
      if (!leftIsPath && !rightIsPath) throw validation(`Invalid condition in ${KEY_EXPR}: No key attribute specified`);
      const [path, other, op] = leftIsPath
        ? [cond.left, cond.right, cond.op]
        : [cond.right, cond.left, FLIP[cond.op] ?? cond.op];
      leaves.push({ name: keyName(path), condition: { op, value: literalOf(other) } });
      return;
    }
    case "between":
      if (!isPathOperand(cond.operand)) {
        throw validation(
          `Invalid condition in ${KEY_EXPR}: BETWEEN operator must have the key attribute as its first operand`,
        );
      }
      if (isPathOperand(cond.low) || isPathOperand(cond.high)) {
        throw validation(`Invalid condition in ${KEY_EXPR}: Multiple attribute names used in one condition`);
      }
      leaves.push({
        name: keyName(cond.operand),
        condition: { op: "BETWEEN", low: literalOf(cond.low), high: literalOf(cond.high) },
      });
      return;
    case "function": {
      if (cond.name === "size") throw validation("KeyConditionExpressions cannot contain nested operations");
      if (cond.name !== "begins_with") throw validation(`Invalid operator used in ${KEY_EXPR}: ${cond.name}`);
      const [first, second] = cond.args as [ResolvedOperand, ResolvedOperand];
      if (!isPathOperand(first)) {
        throw validation(
          `Invalid condition in ${KEY_EXPR}: begins_with operator must have the key attribute as its first operand`,
        );
      }
      if (isPathOperand(second)) {
        throw validation(`Invalid condition in ${KEY_EXPR}: Multiple attribute names used in one condition`);
      }
      leaves.push({ name: keyName(first), condition: { op: "begins_with", prefix: literalOf(second) } });
      return;
    }
  }
}

function isPathOperand(operand: ResolvedOperand): boolean {
  if (operand.kind === "call" && operand.name === "size") {
    throw validation("KeyConditionExpressions cannot contain nested operations");
  }
  return operand.kind === "path";
}

function keyName(operand: ResolvedOperand): string {
  const path = operand.kind === "path" ? operand.path : [];
  if (path.length !== 1 || typeof path[0] !== "string") {
    throw validation(`Invalid ${KEY_EXPR}: KeyConditionExpressions cannot have conditions on nested attributes`);
  }
  return path[0];
}

function literalOf(operand: ResolvedOperand): AttributeValue {
  if (operand.kind === "literal") return operand.value;
  throw validation("KeyConditionExpressions cannot contain nested operations");
}

/** Legacy KeyConditions ({name: {ComparisonOperator, AttributeValueList}}) as leaves. */
export function leavesOfKeyConditions(
  conditions: Record<string, { ComparisonOperator: string; AttributeValueList?: AttributeValue[] }>,
): Leaf[] {
  const leaves: Leaf[] = [];
  for (const [name, { ComparisonOperator: op, AttributeValueList: list = [] }] of Object.entries(conditions)) {
    const [first, second] = list as [AttributeValue, AttributeValue];
    const compare: Record<string, "=" | "<" | "<=" | ">" | ">="> = { EQ: "=", LT: "<", LE: "<=", GT: ">", GE: ">=" };
    const simple = compare[op];
    if (simple) leaves.push({ name, condition: { op: simple, value: first } });
    else if (op === "BETWEEN") leaves.push({ name, condition: { op: "BETWEEN", low: first, high: second } });
    else if (op === "BEGINS_WITH") leaves.push({ name, condition: { op: "begins_with", prefix: first } });
    else throw validation("Attempted conditional constraint is not an indexable operation");
  }
  return leaves;
}

/**
 * Checks the leaves against the key schema being queried (table or index) and returns the
 * partition key value and the sort key condition, with DynamoDB's messages.
 */
export function keyConditionFor(leaves: Leaf[], hash: KeyAttribute, range: KeyAttribute | undefined): KeyCondition {
  checkLeafCount(leaves, range ? 2 : 1);
  const hashLeaf = leaves.find((l) => l.name === hash.name);
  if (!hashLeaf) throw validation(`Query condition missed key schema element: ${hash.name}`);
  const others = leaves.filter((l) => l !== hashLeaf);
  const rangeLeaf = range ? others.find((l) => l.name === range.name) : undefined;
  const unknown = others.find((l) => l !== rangeLeaf);
  if (unknown) {
    if (range && !rangeLeaf) throw validation(`Query condition missed key schema element: ${range.name}`);
    throw validation("Query key condition not supported");
  }
  if (hashLeaf.condition.op !== "=") throw validation("Query key condition not supported");
  checkType(hash, hashLeaf.condition.value);
  if (!rangeLeaf || !range) return { hash: hashLeaf.condition.value };
  checkSortCondition(range, rangeLeaf.condition);
  return { hash: hashLeaf.condition.value, sort: rangeLeaf.condition };
}

/** A key condition on a GSI with multi-attribute keys (up to 4 HASH and 4 RANGE attributes). */
export interface CompositeKeyCondition {
  /** The value of each HASH attribute, in KeySchema order. */
  hashValues: AttributeValue[];
  /** Equalities on the first RANGE attributes, in KeySchema order. */
  equal: AttributeValue[];
  /** The condition on the RANGE attribute after them, if any. */
  last?: SortCondition;
}

/**
 * DynamoDB's rules for multi-attribute keys: equality on every HASH attribute; conditions
 * on the RANGE attributes left to right without gaps, all equalities but the last
 * (AWS's Developer Guide, "Multi-attribute keys"; the gap message as DynamoDB answers it).
 */
export function compositeKeyCondition(
  leaves: Leaf[],
  keys: { hashes: readonly KeyAttribute[]; ranges: readonly KeyAttribute[] },
): CompositeKeyCondition {
  const { hashes, ranges } = keys;
  checkLeafCount(leaves, hashes.length + ranges.length);
  const leafOf = (attr: KeyAttribute) => leaves.find((l) => l.name === attr.name);
  const known = new Set([...hashes, ...ranges].map((a) => a.name));
  const hashValues = hashes.map((attr) => {
    const leaf = leafOf(attr);
    if (!leaf) throw validation(`Query condition missed key schema element: ${attr.name}`);
    if (leaf.condition.op !== "=") throw validation("Query key condition not supported");
    checkType(attr, leaf.condition.value);
    return leaf.condition.value;
  });
  if (leaves.some((l) => !known.has(l.name))) throw validation("Query key condition not supported");
  const lastAt = ranges.reduce((at, attr, i) => (leafOf(attr) ? i : at), -1);
  const gaps = ranges.slice(0, Math.max(0, lastAt)).filter((attr) => leafOf(attr)?.condition.op !== "=");
  if (gaps.length > 0) {
    throw validation(
      `RANGE key attributes ${gaps.map((a) => a.name).join(", ")} must have equality conditions specified in the query because a condition is present on key attribute ${(ranges[lastAt] as KeyAttribute).name}`,
    );
  }
  const equal = ranges.slice(0, Math.max(0, lastAt)).map((attr) => {
    const condition = leafOf(attr)?.condition as { value: AttributeValue };
    checkType(attr, condition.value);
    return condition.value;
  });
  if (lastAt < 0) return { hashValues, equal };
  const last = (leafOf(ranges[lastAt] as KeyAttribute) as Leaf).condition;
  checkSortCondition(ranges[lastAt] as KeyAttribute, last);
  return { hashValues, equal, last };
}

function checkLeafCount(leaves: Leaf[], keyCount: number): void {
  const seen = new Set<string>();
  for (const leaf of leaves) {
    if (seen.has(leaf.name))
      throw validation(`Invalid ${KEY_EXPR}: KeyConditionExpressions must only contain one condition per key`);
    seen.add(leaf.name);
  }
  if (leaves.length > keyCount) {
    throw validation(
      `The number of query conditions (${leaves.length}) exceeds the number of key attributes defined in the schema (${keyCount})`,
    );
  }
}

function checkSortCondition(range: KeyAttribute, sort: SortCondition): void {
  for (const value of sortValues(sort)) checkType(range, value);
  if (sort.op === "begins_with" && range.type === "N") {
    throw validation(
      `Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N`,
    );
  }
}

function sortValues(sort: SortCondition): AttributeValue[] {
  if (sort.op === "BETWEEN") return [sort.low, sort.high];
  if (sort.op === "begins_with") return [sort.prefix];
  return [sort.value];
}

function checkType(key: KeyAttribute, value: AttributeValue): void {
  const actual = Object.keys(value)[0] ?? "";
  if (actual !== key.type) {
    throw validation(`One or more parameter values were invalid: Condition parameter type does not match schema type`);
  }
}
