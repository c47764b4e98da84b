// Legacy (pre-expression) parameters still sent by older code and mappers: Expected with
// ConditionalOperator, and UpdateItem's AttributeUpdates. Expected is translated into the
// same ResolvedCondition the expression engine evaluates; AttributeUpdates keeps its own
// small semantics (ADD appends to lists, unlike the ADD of update expressions).
import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { addNumbers } from "../values/number.js";
import { checkAttributeNameLength, validateAttributeValue } from "../values/validate.js";
import type { ResolvedCondition, ResolvedOperand } from "./ast.js";
import { compareScalars, valuesEqual } from "../values/compare.js";

export interface ExpectedAttributeValue {
  Value?: unknown;
  Exists?: boolean;
  ComparisonOperator?: string;
  AttributeValueList?: unknown[];
}

const INVALID = "One or more parameter values were invalid: ";

/** How many values each ComparisonOperator takes (IN: one or more). */
const ARITY: Readonly<Record<string, (n: number) => boolean>> = {
  EQ: (n) => n === 1,
  NE: (n) => n === 1,
  LE: (n) => n === 1,
  LT: (n) => n === 1,
  GE: (n) => n === 1,
  GT: (n) => n === 1,
  CONTAINS: (n) => n === 1,
  NOT_CONTAINS: (n) => n === 1,
  BEGINS_WITH: (n) => n === 1,
  NOT_NULL: (n) => n === 0,
  NULL: (n) => n === 0,
  IN: (n) => n > 0,
  BETWEEN: (n) => n === 2,
};

/** Validates Expected as DynamoDB does and translates it; undefined when absent. */
export function expectedCondition(
  expected: Record<string, ExpectedAttributeValue> | undefined,
  conditionalOperator: string | undefined,
): ResolvedCondition | undefined {
  checkConditionalOperator(expected, conditionalOperator);
  if (!expected) return undefined;
  const parts: ResolvedCondition[] = [];
  for (const [name, condition] of Object.entries(expected)) {
    parts.push(expectedPart(name, condition));
  }
  if (parts.length === 0) return undefined;
  const kind = conditionalOperator === "OR" ? "or" : "and";
  return parts.reduce((left, right) => ({ kind, left, right }));
}

function expectedPart(name: string, condition: ExpectedAttributeValue): ResolvedCondition {
  const path: ResolvedOperand = { kind: "path", path: [name] };
  const hasList = condition.AttributeValueList !== undefined;
  const hasValue = condition.Value !== undefined;
  if (hasList && hasValue) {
    throw validation(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
  }
  const operator = condition.ComparisonOperator;
  if (operator === undefined) {
    if (hasList) {
      throw validation(
        `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`,
      );
    }
    const exists = condition.Exists ?? true;
    if (exists && !hasValue) {
      const said = condition.Exists === undefined ? "null" : String(condition.Exists);
      throw validation(`${INVALID}Value must be provided when Exists is ${said} for Attribute: ${name}`);
    }
    if (!exists && hasValue) {
      throw validation(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
    }
    if (!exists) return fn("attribute_not_exists", [path]);
    return { kind: "compare", op: "=", left: path, right: literal(validateAttributeValue(condition.Value)) };
  }
  if (condition.Exists !== undefined) {
    throw validation(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
  }
  if (operator !== "NULL" && operator !== "NOT_NULL" && !hasList && !hasValue) {
    throw validation(
      `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${name}`,
    );
  }
  const values = (hasList ? (condition.AttributeValueList ?? []) : hasValue ? [condition.Value] : []).map((v) =>
    validateAttributeValue(v),
  );
  checkOperands(operator, values, CONDITION_TYPES);
  return translate(operator, path, values.map(literal));
}

/**
 * Value types each ComparisonOperator accepts in the request, in Expected, QueryFilter and
 * ScanFilter: EQ and NE compare values of any type; the orderings, BETWEEN, IN and
 * CONTAINS take scalars; BEGINS_WITH strings and binaries. A request naming another type
 * is a ValidationException; a stored value of another type only makes the condition false
 * (Alternator's test_expected.py and test_query_filter.py, run against DynamoDB).
 */
const CONDITION_TYPES: Readonly<Record<string, readonly string[] | undefined>> = {
  EQ: undefined,
  NE: undefined,
  LE: ["S", "N", "B"],
  LT: ["S", "N", "B"],
  GE: ["S", "N", "B"],
  GT: ["S", "N", "B"],
  CONTAINS: ["S", "N", "B"],
  NOT_CONTAINS: ["S", "N", "B"],
  BEGINS_WITH: ["S", "B"],
  IN: ["S", "N", "B"],
  BETWEEN: ["S", "N", "B"],
};

/** KeyConditions: key attributes are scalars (or, for EQ, what DynamoDB's key check reports). */
const KEY_CONDITION_TYPES: Readonly<Record<string, readonly string[] | undefined>> = {
  ...CONDITION_TYPES,
  EQ: ["S", "N", "B", "SS", "NS", "BS"],
  NE: ["S", "N", "B", "SS", "NS", "BS"],
};

/** The number, types and order of a condition's values, with DynamoDB's messages. */
function checkOperands(
  operator: string,
  values: readonly AttributeValue[],
  types: Readonly<Record<string, readonly string[] | undefined>>,
): void {
  if (!(ARITY[operator] ?? (() => false))(values.length)) {
    throw validation(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  const type = values[0] ? Object.keys(values[0])[0] : undefined;
  if (values.some((v) => Object.keys(v)[0] !== type)) {
    throw validation(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  }
  const allowed = types[operator];
  const wrong = allowed && values.find((v) => !allowed.includes(Object.keys(v)[0] ?? ""));
  if (wrong) {
    throw validation(
      `${INVALID}ComparisonOperator ${operator} is not valid for ${Object.keys(wrong)[0]} AttributeValue type`,
    );
  }
  if (operator === "BETWEEN" && compareScalars(values[0] as AttributeValue, values[1] as AttributeValue) === 1) {
    throw validation(
      "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
    );
  }
}

export interface LegacyCondition {
  ComparisonOperator: string;
  AttributeValueList?: unknown[];
}

/** Validates one legacy filter Condition (or, with `keys`, a KeyConditions entry) and returns its values. */
export function legacyConditionValues(condition: LegacyCondition, keys = false): AttributeValue[] {
  const values = (condition.AttributeValueList ?? []).map((v) => validateAttributeValue(v));
  checkOperands(condition.ComparisonOperator, values, keys ? KEY_CONDITION_TYPES : CONDITION_TYPES);
  return values;
}

/** QueryFilter / ScanFilter with ConditionalOperator, as a condition; undefined when absent. */
export function filterCondition(
  conditions: Record<string, LegacyCondition> | undefined,
  conditionalOperator: string | undefined,
): ResolvedCondition | undefined {
  checkConditionalOperator(conditions, conditionalOperator);
  if (!conditions) return undefined;
  const parts = Object.entries(conditions).map(([name, condition]) =>
    translate(
      condition.ComparisonOperator,
      { kind: "path", path: [name] },
      legacyConditionValues(condition).map(literal),
    ),
  );
  if (parts.length === 0) return undefined;
  const kind = conditionalOperator === "OR" ? "or" : "and";
  return parts.reduce((left, right) => ({ kind, left, right }));
}

/** ConditionalOperator joins the conditions of Expected or a filter: it needs some to join. */
function checkConditionalOperator(conditions: object | undefined, conditionalOperator: string | undefined): void {
  if (conditionalOperator !== undefined && (!conditions || Object.keys(conditions).length === 0)) {
    throw validation("ConditionalOperator cannot be used without Filter or Expected");
  }
}

function translate(operator: string, path: ResolvedOperand, args: ResolvedOperand[]): ResolvedCondition {
  const [first, second] = args as [ResolvedOperand, ResolvedOperand];
  const compare = (op: "=" | "<>" | "<" | "<=" | ">" | ">="): ResolvedCondition => ({
    kind: "compare",
    op,
    left: path,
    right: first,
  });
  switch (operator) {
    case "EQ":
      return compare("=");
    case "NE":
      return compare("<>");
    case "LT":
      return compare("<");
    case "LE":
      return compare("<=");
    case "GT":
      return compare(">");
    case "GE":
      return compare(">=");
    case "NULL":
      return fn("attribute_not_exists", [path]);
    case "NOT_NULL":
      return fn("attribute_exists", [path]);
    case "CONTAINS":
      return fn("contains", [path, first]);
    case "NOT_CONTAINS":
      // Legacy NOT_CONTAINS is false for a missing attribute, unlike NOT contains(...).
      return {
        kind: "and",
        left: fn("attribute_exists", [path]),
        right: { kind: "not", operand: fn("contains", [path, first]) },
      };
    case "BEGINS_WITH":
      return fn("begins_with", [path, first]);
    case "IN":
      return { kind: "in", operand: path, list: args };
    default:
      return { kind: "between", operand: path, low: first, high: second };
  }
}

function fn(name: string, args: ResolvedOperand[]): ResolvedCondition {
  return { kind: "function", name, args };
}

function literal(value: AttributeValue): ResolvedOperand {
  return { kind: "literal", value };
}

// ---------------------------------------------------------------------------------------
// AttributeUpdates
// ---------------------------------------------------------------------------------------

export interface AttributeValueUpdate {
  Action?: string;
  Value?: unknown;
}

/** DynamoDB's checks of AttributeUpdates; returns the updates with values validated. */
export function validateAttributeUpdates(
  updates: Record<string, AttributeValueUpdate> | undefined,
): Record<string, { action: string; value?: AttributeValue }> | undefined {
  if (!updates) return undefined;
  const out: Record<string, { action: string; value?: AttributeValue }> = {};
  for (const [name, update] of Object.entries(updates)) {
    checkAttributeNameLength(name);
    const action = update.Action ?? "PUT";
    const value = update.Value === undefined ? undefined : validateAttributeValue(update.Value);
    if (!value && action !== "DELETE") {
      throw validation(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    }
    const type = value ? (Object.keys(value)[0] ?? "") : "";
    if (value && action === "DELETE" && !["SS", "NS", "BS"].includes(type)) {
      throw validation(`${INVALID}DELETE action with value is not supported for the type ${type}`);
    }
    if (value && action === "ADD" && !["L", "SS", "NS", "BS", "N"].includes(type)) {
      throw validation(`${INVALID}ADD action is not supported for the type ${type}`);
    }
    out[name] = value ? { action, value } : { action };
  }
  return out;
}

/** Applies validated AttributeUpdates to a copy of `item`. */
export function applyAttributeUpdates(
  item: Item,
  updates: Record<string, { action: string; value?: AttributeValue }>,
): Item {
  const out = new Map(Object.entries(item));
  for (const [name, { action, value }] of Object.entries(updates)) {
    const existing = out.get(name);
    if (action === "PUT" && value) {
      out.set(name, value);
    } else if (action === "DELETE") {
      if (!value) out.delete(name);
      else if (existing) {
        const remaining = setMembers(existing, value, "delete");
        if (remaining.length === 0) out.delete(name);
        else out.set(name, { [typeKey(value)]: remaining } as AttributeValue);
      }
    } else if (action === "ADD" && value) {
      if ("N" in value) {
        if (existing && !("N" in existing)) throw mismatch();
        out.set(name, { N: addNumbers(existing && "N" in existing ? existing.N : "0", value.N) });
      } else if ("L" in value) {
        if (existing && !("L" in existing)) throw mismatch();
        out.set(name, { L: [...(existing && "L" in existing ? existing.L : []), ...value.L] });
      } else {
        const members = existing ? setMembers(existing, value, "add") : setOf(value);
        out.set(name, { [typeKey(value)]: members } as AttributeValue);
      }
    }
  }
  return Object.fromEntries(out);
}

function mismatch() {
  return validation("Type mismatch for attribute to update");
}

function typeKey(value: AttributeValue): string {
  return Object.keys(value)[0] ?? "";
}

function setOf(value: AttributeValue): string[] {
  return (Object.values(value)[0] as string[]) ?? [];
}

/** Union or difference of two sets of the same type; a type mismatch is DynamoDB's error. */
function setMembers(existing: AttributeValue, value: AttributeValue, op: "add" | "delete"): string[] {
  const type = typeKey(value);
  if (typeKey(existing) !== type) throw mismatch();
  const current = setOf(existing);
  const given = setOf(value);
  const same = (a: string, b: string) =>
    valuesEqual({ [type.slice(0, 1)]: a } as AttributeValue, { [type.slice(0, 1)]: b } as AttributeValue);
  if (op === "delete") return current.filter((m) => !given.some((g) => same(m, g)));
  return [...current, ...given.filter((g) => !current.some((m) => same(m, g)))];
}
