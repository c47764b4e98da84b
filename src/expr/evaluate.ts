// Evaluation of resolved ConditionExpression / FilterExpression / KeyConditionExpression
// trees against an item.
//
// DynamoDB decides every type error of a condition before reading the item: operands
// that come from the request (":values") are checked by validation (src/expr/compile-*),
// and whatever comes from the item can only make a condition false, never an error
// (Alternator's test_condition_expression.py, verified against DynamoDB: "if the wrong
// type comes from an item attribute, not the query, the comparison is simply false").
// So evaluation never throws for data; the few throws below are DynamoDB's static errors,
// kept for trees that did not go through validation.
//
// Semantics, with sources (AWS Developer Guide, "Condition and filter expressions,
// operators, and functions" and "Comparison operator and function reference"; Alternator's
// test_condition_expression.py and test_filter_expression.py):
// - A missing attribute (or item) is never equal to anything, not even another missing
//   attribute: `=`, `<`, `<=`, `>`, `>=`, BETWEEN and IN are false, `<>` is true
//   (test_update_condition_eq_two_unset, _ne_two_unset, _comparison_two_unset).
// - Values of different types are unequal (`=` false, `<>` true); ordering operators and
//   BETWEEN only compare N/N, S/S (UTF-8 byte order), B/B (unsigned bytes), otherwise false.
// - BETWEEN is inclusive; with bounds in the wrong order it is false (an error only when
//   both bounds are literals: see checkBetweenBounds, used by validation).
// - IN: equal to any of the listed operands (which may have different types).
// - attribute_exists / attribute_not_exists: the path resolves / does not resolve.
// - attribute_type(x, :t): x exists and has type t; an unknown type name is an error.
// - begins_with(x, y): S prefix of S, or B byte prefix of B; anything else false.
// - contains(x, y): S substring of S; B byte substring of B; SS/NS/BS membership of an
//   S/N/B; L element equal to y (any type, nested values compared deeply); else false.
// - size(x): S length in UTF-16 code units (verified against DynamoDB by ExtendDB PR #67:
//   size("é𝄞") = 3), B bytes, SS/NS/BS/L element count, M member count; N, BOOL, NULL and
//   a missing x have no size, so a comparison with it is false (and `<>` true), like a
//   missing attribute (test_update_condition_size).
import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { base64ToBytes } from "../values/base64.js";
import { base64ByteLength } from "../values/size.js";
import {
  ATTRIBUTE_TYPE_NAMES,
  attributeType,
  compareScalars,
  setContains,
  valuesEqual,
  type AttributeTypeName,
} from "../values/compare.js";
import type { Comparator, ResolvedCondition, ResolvedOperand } from "./ast.js";
import type { ExpressionKind } from "./context.js";
import { getPath } from "./document.js";

/**
 * DynamoDB's list of type names in the attribute_type() error, in its order (dynalite's
 * condition grammar, whose messages were checked against DynamoDB). Some newer emulators
 * print the same ten names as {N,BS,L,B,NULL,M,S,SS,NS,BOOL}: unconfirmed.
 */
const VALID_TYPES_TEXT = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}";

/** "Invalid attribute type name found; type: X, valid types: {...}" (without the expression prefix). */
export const invalidAttributeTypeMessage = (type: string): string =>
  `Invalid attribute type name found; type: ${type}, valid types: ${VALID_TYPES_TEXT}`;

export function isAttributeTypeName(type: string): type is AttributeTypeName {
  return (ATTRIBUTE_TYPE_NAMES as readonly string[]).includes(type);
}

/** Throws DynamoDB's ValidationException unless `type` is one of the ten type names. */
export function checkAttributeTypeName(type: string, expression: ExpressionKind = "ConditionExpression"): void {
  if (!isAttributeTypeName(type)) throw validation(`Invalid ${expression}: ${invalidAttributeTypeMessage(type)}`);
}

/** How a literal appears in BETWEEN errors: `AttributeValue: {N:5}` (B as its base64 text). */
function describeBound(value: AttributeValue): string {
  const type = attributeType(value);
  const inner = Object.values(value)[0] as unknown;
  return `AttributeValue: {${type}:${typeof inner === "string" ? inner : JSON.stringify(inner)}}`;
}

/**
 * DynamoDB's static check of `x BETWEEN :low AND :high` when both bounds are literals
 * (dynalite's condition grammar checkBetweenArgs; the message is also quoted from real
 * DynamoDB in user reports, e.g. "Invalid FilterExpression: The BETWEEN operator requires
 * upper bound to be greater than or equal to lower bound; lower bound operand:
 * AttributeValue: {S:5}, upper bound operand: AttributeValue: {S:100}"):
 * - bounds of different types: "The BETWEEN operator requires same data type for lower
 *   and upper bounds; lower bound operand: AttributeValue: {N:2}, upper bound operand:
 *   AttributeValue: {S:dog}";
 * - comparable bounds with low > high: "The BETWEEN operator requires upper bound to be
 *   greater than or equal to lower bound; lower bound operand: ..., upper bound operand: ...".
 * Bounds read from the item are never checked: the condition is just false (Alternator's
 * test_update_condition_between). Operand types that cannot be ordered at all (L, M, ...)
 * are the "Incorrect operand type" check of validation, not this one.
 */
export function betweenBoundsError(low: AttributeValue, high: AttributeValue): string | undefined {
  const bounds = `lower bound operand: ${describeBound(low)}, upper bound operand: ${describeBound(high)}`;
  if (attributeType(low) !== attributeType(high)) {
    return `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`;
  }
  const order = compareScalars(low, high);
  if (order !== undefined && order > 0) {
    return `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`;
  }
  return undefined;
}

/**
 * The value of a condition operand, or undefined when it has none: a missing path, or
 * size() of a missing value or of N/BOOL/NULL.
 */
export function evaluateOperand(
  operand: ResolvedOperand,
  item: Item | undefined,
  expression: ExpressionKind = "ConditionExpression",
): AttributeValue | undefined {
  switch (operand.kind) {
    case "path":
      return getPath(item, operand.path);
    case "literal":
      return operand.value;
    case "call": {
      if (operand.name !== "size") {
        throw validation(
          `Invalid ${expression}: The function is not allowed to be used this way in an expression; function: ${operand.name}`,
        );
      }
      const [arg] = operand.args;
      if (operand.args.length !== 1 || arg === undefined) {
        throw validation(
          `Invalid ${expression}: Incorrect number of operands for operator or function; operator or function: size, number of operands: ${operand.args.length}`,
        );
      }
      const value = evaluateOperand(arg, item, expression);
      const size = value === undefined ? undefined : sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
    case "arithmetic":
      // The condition grammar has no arithmetic: only a tree built by hand can get here.
      throw new TypeError(`Arithmetic (${operand.op}) is not a condition operand`);
  }
}

/** DynamoDB's size() of a value, or undefined for the types that have none (N, BOOL, NULL). */
export function sizeOf(value: AttributeValue): number | undefined {
  if ("S" in value) return value.S.length;
  if ("B" in value) return base64ByteLength(value.B);
  if ("SS" in value) return value.SS.length;
  if ("NS" in value) return value.NS.length;
  if ("BS" in value) return value.BS.length;
  if ("L" in value) return value.L.length;
  if ("M" in value) return Object.keys(value.M).length;
  return undefined;
}

/** `left op right` on operand values (undefined = missing). */
export function compareValues(
  op: Comparator,
  left: AttributeValue | undefined,
  right: AttributeValue | undefined,
): boolean {
  if (op === "<>") return left === undefined || right === undefined || !valuesEqual(left, right);
  if (left === undefined || right === undefined) return false;
  if (op === "=") return valuesEqual(left, right);
  const order = compareScalars(left, right);
  if (order === undefined) return false;
  switch (op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

function between(
  value: AttributeValue | undefined,
  low: AttributeValue | undefined,
  high: AttributeValue | undefined,
): boolean {
  if (value === undefined || low === undefined || high === undefined) return false;
  const fromLow = compareScalars(value, low);
  const toHigh = compareScalars(value, high);
  return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
}

/** Whether `needle`'s bytes occur in `haystack`'s (both base64). */
function bytesContain(haystack: string, needle: string): boolean {
  const h = base64ToBytes(haystack);
  const n = base64ToBytes(needle);
  outer: for (let i = 0; i + n.length <= h.length; i++) {
    for (let j = 0; j < n.length; j++) if (h[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if ("S" in value && "S" in prefix) return value.S.startsWith(prefix.S);
  if ("B" in value && "B" in prefix) {
    const v = base64ToBytes(value.B);
    const p = base64ToBytes(prefix.B);
    return p.length <= v.length && p.every((byte, i) => v[i] === byte);
  }
  return false;
}

function contains(value: AttributeValue | undefined, operand: AttributeValue | undefined): boolean {
  if (value === undefined || operand === undefined) return false;
  if ("S" in value) return "S" in operand && value.S.includes(operand.S);
  if ("B" in value) return "B" in operand && bytesContain(value.B, operand.B);
  if ("SS" in value || "NS" in value || "BS" in value) return setContains(value, operand);
  if ("L" in value) return value.L.some((element) => valuesEqual(element, operand));
  return false;
}

function requireArgs(
  name: string,
  args: readonly ResolvedOperand[],
  count: number,
  expression: ExpressionKind,
): ResolvedOperand[] {
  if (args.length !== count) {
    throw validation(
      `Invalid ${expression}: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
    );
  }
  return [...args];
}

function evaluateFunction(
  name: string,
  args: readonly ResolvedOperand[],
  item: Item | undefined,
  expression: ExpressionKind,
): boolean {
  switch (name) {
    case "attribute_exists":
    case "attribute_not_exists": {
      const [path] = requireArgs(name, args, 1, expression);
      if (path?.kind !== "path") {
        throw validation(
          `Invalid ${expression}: Operator or function requires a document path; operator or function: ${name}`,
        );
      }
      const exists = getPath(item, path.path) !== undefined;
      return name === "attribute_exists" ? exists : !exists;
    }
    case "attribute_type": {
      const [operand, typeOperand] = requireArgs(name, args, 2, expression) as [ResolvedOperand, ResolvedOperand];
      const type = evaluateOperand(typeOperand, item, expression);
      if (type === undefined || !("S" in type)) {
        const shown = type === undefined ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : attributeType(type);
        throw validation(
          `Invalid ${expression}: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: ${shown}`,
        );
      }
      checkAttributeTypeName(type.S, expression);
      const actual = evaluateOperand(operand, item, expression);
      return actual !== undefined && attributeType(actual) === type.S;
    }
    case "begins_with": {
      const [a, b] = requireArgs(name, args, 2, expression) as [ResolvedOperand, ResolvedOperand];
      return beginsWith(evaluateOperand(a, item, expression), evaluateOperand(b, item, expression));
    }
    case "contains": {
      const [a, b] = requireArgs(name, args, 2, expression) as [ResolvedOperand, ResolvedOperand];
      return contains(evaluateOperand(a, item, expression), evaluateOperand(b, item, expression));
    }
    case "size":
      throw validation(
        `Invalid ${expression}: The function is not allowed to be used this way in an expression; function: size`,
      );
    default:
      throw validation(`Invalid ${expression}: Invalid function name; function: ${name}`);
  }
}

/**
 * Whether `item` (undefined: no such item) satisfies the condition. AND and OR
 * short-circuit, which is unobservable because evaluation cannot fail on data.
 * `expression` only names the expression in the messages of static errors.
 */
export function evaluateCondition(
  condition: ResolvedCondition,
  item: Item | undefined,
  expression: ExpressionKind = "ConditionExpression",
): boolean {
  switch (condition.kind) {
    case "compare":
      return compareValues(
        condition.op,
        evaluateOperand(condition.left, item, expression),
        evaluateOperand(condition.right, item, expression),
      );
    case "between":
      return between(
        evaluateOperand(condition.operand, item, expression),
        evaluateOperand(condition.low, item, expression),
        evaluateOperand(condition.high, item, expression),
      );
    case "in": {
      const target = evaluateOperand(condition.operand, item, expression);
      if (target === undefined) return false;
      return condition.list.some((operand) => {
        const candidate = evaluateOperand(operand, item, expression);
        return candidate !== undefined && valuesEqual(target, candidate);
      });
    }
    case "and":
      return (
        evaluateCondition(condition.left, item, expression) && evaluateCondition(condition.right, item, expression)
      );
    case "or":
      return (
        evaluateCondition(condition.left, item, expression) || evaluateCondition(condition.right, item, expression)
      );
    case "not":
      return !evaluateCondition(condition.operand, item, expression);
    case "function":
      return evaluateFunction(condition.name, condition.args, item, expression);
  }
}
