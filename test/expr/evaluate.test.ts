import { describe, expect, it } from "vitest";
import type { Comparator, DocPath, ResolvedCondition, ResolvedOperand } from "../../src/expr/ast";
import {
  checkAttributeTypeName,
  betweenBoundsError,
  evaluateCondition,
  evaluateOperand,
  invalidAttributeTypeMessage,
  sizeOf,
} from "../../src/expr/evaluate";
import type { AttributeValue, Item } from "../../src/types";
import { bytesToBase64 } from "../../src/values/base64";
import { validationMessage } from "../support/errors";

const b64 = (s: string): string => bytesToBase64(new TextEncoder().encode(s));
const bytes = (...values: number[]): string => bytesToBase64(Uint8Array.from(values));
const N = (n: number | string): AttributeValue => ({ N: String(n) });
const S = (s: string): AttributeValue => ({ S: s });
const B = (s: string): AttributeValue => ({ B: b64(s) });

const path = (...steps: DocPath): ResolvedOperand => ({ kind: "path", path: steps });
const lit = (value: AttributeValue): ResolvedOperand => ({ kind: "literal", value });
const size = (operand: ResolvedOperand): ResolvedOperand => ({ kind: "call", name: "size", args: [operand] });
const cmp = (op: Comparator, left: ResolvedOperand, right: ResolvedOperand): ResolvedCondition => ({
  kind: "compare",
  op,
  left,
  right,
});
const fn = (name: string, ...args: ResolvedOperand[]): ResolvedCondition => ({ kind: "function", name, args });
const between = (operand: ResolvedOperand, low: ResolvedOperand, high: ResolvedOperand): ResolvedCondition => ({
  kind: "between",
  operand,
  low,
  high,
});
const isIn = (operand: ResolvedOperand, ...list: ResolvedOperand[]): ResolvedCondition => ({
  kind: "in",
  operand,
  list,
});
const and = (left: ResolvedCondition, right: ResolvedCondition): ResolvedCondition => ({ kind: "and", left, right });
const or = (left: ResolvedCondition, right: ResolvedCondition): ResolvedCondition => ({ kind: "or", left, right });
const not = (operand: ResolvedCondition): ResolvedCondition => ({ kind: "not", operand });

const ALL_TYPES: AttributeValue[] = [
  N(1),
  S("hello"),
  { BOOL: true },
  B("xyz"),
  { NULL: true },
  { L: [S("hello"), N(42)] },
  { M: { hello: S("world") } },
  { SS: ["hello", "world"] },
  { NS: ["1", "2", "3"] },
  { BS: [b64("xyz"), b64("hi")] },
];

const item: Item = {
  a: N(1),
  b: S("cat"),
  c: B("cat"),
  x: { L: [N(1), N(2), N(3)] },
  two: N(2),
  m: { M: { x: N(1), y: { L: [N(-1), N(2), N(0)] } } },
};

const check = (condition: ResolvedCondition, on: Item | undefined = item) => evaluateCondition(condition, on);

describe("comparisons", () => {
  it("Evaluate: = holds for equal values of every type", () => {
    for (const value of ALL_TYPES) {
      expect(check(cmp("=", path("a"), lit(value)), { a: value })).toBe(true);
      expect(check(cmp("=", path("a"), path("b")), { a: value, b: structuredClone(value) })).toBe(true);
    }
  });

  it("Evaluate: = is false and <> true between values of different types", () => {
    ALL_TYPES.forEach((x, i) =>
      ALL_TYPES.forEach((y, j) => {
        expect(check(cmp("=", path("a"), lit(y)), { a: x })).toBe(i === j);
        expect(check(cmp("<>", path("a"), lit(y)), { a: x })).toBe(i !== j);
      }),
    );
  });

  it("Evaluate: = compares sets regardless of member order", () => {
    const on = { a: { SS: ["chinchilla", "cat", "dog", "mouse"] } };
    expect(check(cmp("=", path("a"), lit({ SS: ["cat", "mouse", "dog", "chinchilla"] })), on)).toBe(true);
    expect(check(cmp("<>", path("a"), lit({ SS: ["chinchilla", "cat", "dog", "horse"] })), on)).toBe(true);
  });

  it("Evaluate: a missing attribute is never equal, and always not-equal, even to another missing one", () => {
    expect(check(cmp("=", path("q"), lit(N(2))))).toBe(false);
    expect(check(cmp("=", path("q"), path("z")))).toBe(false);
    expect(check(cmp("<>", path("q"), path("z")))).toBe(true);
    expect(check(cmp("<>", path("z"), lit(N(1))))).toBe(true);
    expect(check(cmp("<>", lit(N(1)), path("z")))).toBe(true);
    expect(check(cmp("<>", path("q"), path("z")), undefined)).toBe(true);
    expect(check(cmp("=", path("q"), path("z")), undefined)).toBe(false);
  });

  it("Evaluate: ordering operators compare numbers, strings and binaries", () => {
    expect(check(cmp("<", path("a"), lit(N(2))))).toBe(true);
    expect(check(cmp("<", path("a"), lit(N(1))))).toBe(false);
    expect(check(cmp("<=", path("a"), lit(N(1))))).toBe(true);
    expect(check(cmp(">", path("a"), lit(N(0))))).toBe(true);
    expect(check(cmp(">=", path("a"), lit(N(2))))).toBe(false);
    expect(check(cmp("<", path("b"), lit(S("dog"))))).toBe(true);
    expect(check(cmp(">", path("b"), lit(S("aardvark"))))).toBe(true);
    expect(check(cmp("<=", path("b"), lit(S("cat"))))).toBe(true);
    expect(check(cmp("<", path("c"), lit(B("dog"))))).toBe(true);
    expect(check(cmp(">=", path("c"), lit(B("cat"))))).toBe(true);
    expect(check(cmp("<", path("m", "x"), path("m", "y", 1)))).toBe(true);
    expect(check(cmp("<", path("m", "x"), path("m", "y", 0)))).toBe(false);
  });

  it("Evaluate: binaries order as unsigned bytes", () => {
    const on = { b: { B: bytes(127) } };
    expect(check(cmp("<", path("b"), lit({ B: bytes(128) })), on)).toBe(true);
    expect(check(cmp(">", lit({ B: bytes(128) }), path("b")), on)).toBe(true);
  });

  it("Evaluate: strings order by UTF-8 bytes", () => {
    const on = { s: S("\u{1F600}") };
    expect(check(cmp(">", path("s"), lit(S("\uFF5E"))), on)).toBe(true);
    expect(check(cmp("<", path("s"), lit(S("\uFF5E"))), on)).toBe(false);
  });

  it("Evaluate: ordering different or unorderable types is false, not an error", () => {
    for (const op of ["<", "<=", ">", ">="] as const) {
      expect(check(cmp(op, path("a"), lit(S("17"))))).toBe(false);
      expect(check(cmp(op, path("x"), lit(N(1))))).toBe(false);
      expect(check(cmp(op, lit(N(1)), path("x")))).toBe(false);
      expect(check(cmp(op, path("q"), path("z")))).toBe(false);
      expect(check(cmp(op, lit(S("17")), path("q")))).toBe(false);
      expect(check(cmp(op, path("x"), path("x")))).toBe(false);
    }
  });

  it("Evaluate: a literal list in an ordering comparison is just false here (validation refuses it earlier)", () => {
    expect(check(cmp("<", path("a"), lit({ L: [N(1)] })))).toBe(false);
  });
});

describe("BETWEEN and IN", () => {
  it("Evaluate: BETWEEN is inclusive for numbers, strings and binaries", () => {
    expect(check(between(path("a"), lit(N(0)), lit(N(2))))).toBe(true);
    expect(check(between(path("a"), lit(N(1)), lit(N(1))))).toBe(true);
    expect(check(between(path("a"), lit(N(2)), lit(N(7))))).toBe(false);
    expect(check(between(path("b"), lit(S("aardvark")), lit(S("dog"))))).toBe(true);
    expect(check(between(path("b"), lit(S("cat")), lit(S("cat"))))).toBe(true);
    expect(check(between(path("b"), lit(S("dog")), lit(S("zebra"))))).toBe(false);
    expect(check(between(path("c"), lit(B("aardvark")), lit(B("dog"))))).toBe(true);
    const on = { b: { B: bytes(127) } };
    expect(check(between(path("b"), lit({ B: bytes(126) }), lit({ B: bytes(128) })), on)).toBe(true);
    expect(check(between(path("b"), lit({ B: bytes(128) }), lit({ B: bytes(255) })), on)).toBe(false);
  });

  it("Evaluate: BETWEEN with item operands, other types, missing values or reversed bounds is false", () => {
    expect(check(between(path("a"), path("a"), path("two")))).toBe(true);
    expect(check(between(path("a"), lit(S("0")), lit(S("2"))))).toBe(false);
    expect(check(between(path("q"), lit(N(0)), lit(N(2))))).toBe(false);
    expect(check(between(path("a"), path("q"), lit(N(2))))).toBe(false);
    expect(check(between(path("a"), path("x"), path("x")))).toBe(false);
    expect(check(between(path("a"), path("two"), lit(N(1))))).toBe(false);
    expect(check(between(path("a"), lit(N(3)), path("two")))).toBe(false);
    expect(check(between(path("a"), path("two"), lit(S("dog"))))).toBe(false);
    expect(check(between(path("q"), path("z"), path("x")))).toBe(false);
  });

  it("Evaluate: IN matches any listed value, of any type", () => {
    for (const value of ALL_TYPES) {
      expect(check(isIn(path("a"), path("b")), { a: value, b: structuredClone(value) })).toBe(true);
    }
    const list = Array.from({ length: 99 }, (_, i) => lit(N(i)));
    expect(check(isIn(lit(N(74)), ...list))).toBe(true);
    expect(check(isIn(lit(N(174)), ...list))).toBe(false);
    expect(check(isIn(path("a"), lit(S("dog")), lit(N(1))))).toBe(true);
    expect(check(isIn(path("q"), lit(N(1)), path("z")))).toBe(false);
    expect(check(isIn(path("a"), path("q")))).toBe(false);
  });
});

describe("logic", () => {
  const lt = (l: string, r: string) => cmp("<", path(l), path(r));
  const on: Item = { a: N(1), b: N(2), c: N(3) };

  it("Evaluate: AND, OR and NOT", () => {
    expect(check(and(lt("a", "b"), lt("b", "c")), on)).toBe(true);
    expect(check(and(lt("a", "b"), lt("c", "b")), on)).toBe(false);
    expect(check(or(lt("b", "a"), lt("b", "c")), on)).toBe(true);
    expect(check(or(lt("b", "a"), lt("c", "b")), on)).toBe(false);
    expect(check(not(lt("b", "a")), on)).toBe(true);
    expect(check(not(not(not(not(lt("a", "b"))))), on)).toBe(true);
    expect(check(or(lt("a", "b"), and(lt("c", "b"), lt("b", "c"))), on)).toBe(true);
  });
});

describe("functions", () => {
  it("Evaluate: attribute_exists and attribute_not_exists, nested paths included", () => {
    expect(check(fn("attribute_exists", path("a")))).toBe(true);
    expect(check(fn("attribute_exists", path("z")))).toBe(false);
    expect(check(fn("attribute_not_exists", path("z")))).toBe(true);
    expect(check(fn("attribute_not_exists", path("a")))).toBe(false);
    expect(check(fn("attribute_exists", path("m", "x")))).toBe(true);
    expect(check(fn("attribute_exists", path("m", "y", 2)))).toBe(true);
    expect(check(fn("attribute_exists", path("m", "y", 3)))).toBe(false);
    expect(check(fn("attribute_exists", path("a", "x")))).toBe(false);
    expect(check(fn("attribute_not_exists", path("p")), undefined)).toBe(true);
    expect(check(fn("attribute_exists", path("p")), undefined)).toBe(false);
    expect(check(fn("attribute_exists", path("a")), { a: { NULL: true } })).toBe(true);
  });

  it("Evaluate: attribute_exists of a value is DynamoDB's document-path error", () => {
    expect(validationMessage(() => check(fn("attribute_exists", lit(N(3)))))).toBe(
      "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists",
    );
  });

  it("Evaluate: attribute_type matches each of the ten types", () => {
    const types = ["N", "S", "BOOL", "B", "NULL", "L", "M", "SS", "NS", "BS"];
    ALL_TYPES.forEach((value, i) => {
      for (const type of types) {
        expect(check(fn("attribute_type", path("a"), lit(S(type))), { a: value })).toBe(type === types[i]);
      }
    });
    expect(check(fn("attribute_type", path("z"), lit(S("N"))))).toBe(false);
    expect(check(fn("attribute_type", lit(N(0)), lit(S("N"))))).toBe(true);
  });

  it("Evaluate: attribute_type with an unknown type name is a ValidationException", () => {
    expect(validationMessage(() => check(fn("attribute_type", path("a"), lit(S("DOG")))))).toBe(
      "Invalid ConditionExpression: Invalid attribute type name found; type: DOG, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    );
    // Even when the attribute is missing: the type is checked, not the item.
    expect(validationMessage(() => check(fn("attribute_type", path("z"), lit(S("s")))))).toContain("type: s,");
    expect(
      validationMessage(() =>
        evaluateCondition(fn("attribute_type", path("a"), lit(S("X"))), item, "FilterExpression"),
      ),
    ).toBe(`Invalid FilterExpression: ${invalidAttributeTypeMessage("X")}`);
    expect(validationMessage(() => check(fn("attribute_type", path("a"), lit(N(1)))))).toBe(
      "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N",
    );
  });

  it("Evaluate: checkAttributeTypeName accepts exactly the ten names", () => {
    for (const type of ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]) checkAttributeTypeName(type);
    for (const type of ["", "s", "STRING", "BOOLEAN", "MAP", "LIST"]) {
      expect(validationMessage(() => checkAttributeTypeName(type, "KeyConditionExpression"))).toBe(
        `Invalid KeyConditionExpression: Invalid attribute type name found; type: ${type}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
      );
    }
  });

  it("Evaluate: begins_with on strings and binaries", () => {
    const on: Item = { a: S("hello"), b: B("hi there"), n: N(123) };
    expect(check(fn("begins_with", path("a"), lit(S("hell"))), on)).toBe(true);
    expect(check(fn("begins_with", path("a"), lit(S("dog"))), on)).toBe(false);
    expect(check(fn("begins_with", path("a"), lit(S(""))), on)).toBe(true);
    expect(check(fn("begins_with", path("a"), lit(S("hello!"))), on)).toBe(false);
    expect(check(fn("begins_with", path("b"), lit(B("hi"))), on)).toBe(true);
    expect(check(fn("begins_with", path("b"), lit(B("ho"))), on)).toBe(false);
    expect(check(fn("begins_with", lit(S("hellohi")), path("a")), on)).toBe(true);
  });

  it("Evaluate: begins_with on other or mixed types, or missing values, is false", () => {
    const on: Item = { a: S("hello"), b: B("hello"), n: N(123), l: { L: [S("h")] } };
    expect(check(fn("begins_with", path("n"), lit(S("1"))), on)).toBe(false);
    expect(check(fn("begins_with", path("a"), lit(B("he"))), on)).toBe(false);
    expect(check(fn("begins_with", path("b"), lit(S("he"))), on)).toBe(false);
    expect(check(fn("begins_with", path("l"), lit(S("h"))), on)).toBe(false);
    expect(check(fn("begins_with", path("c"), lit(S("dog"))), on)).toBe(false);
    expect(check(fn("begins_with", path("c"), path("a")), on)).toBe(false);
  });

  it("Evaluate: contains on strings and binaries is a substring test", () => {
    const on: Item = { a: S("hello"), d: B("hi there") };
    expect(check(fn("contains", path("a"), lit(S("ell"))), on)).toBe(true);
    expect(check(fn("contains", path("a"), lit(S("elo"))), on)).toBe(false);
    expect(check(fn("contains", path("d"), lit(B("here"))), on)).toBe(true);
    expect(check(fn("contains", path("d"), lit(B("dog"))), on)).toBe(false);
    expect(check(fn("contains", path("a"), lit(B("ell"))), on)).toBe(false);
  });

  it("Evaluate: contains on a number set", () => {
    const on: Item = { b: { NS: ["2", "4", "7"] } };
    expect(check(fn("contains", path("b"), lit(N(4))), on)).toBe(true);
    expect(check(fn("contains", path("b"), lit(N("4.0"))), on)).toBe(true);
    expect(check(fn("contains", path("b"), lit(N(5))), on)).toBe(false);
    expect(check(fn("contains", path("b"), lit(S("4"))), on)).toBe(false);
  });

  it("Evaluate: contains on string and binary sets", () => {
    const on: Item = { s: { SS: ["a", "b"] }, bs: { BS: [b64("x"), b64("yz")] } };
    expect(check(fn("contains", path("s"), lit(S("b"))), on)).toBe(true);
    expect(check(fn("contains", path("s"), lit(S("c"))), on)).toBe(false);
    expect(check(fn("contains", path("bs"), lit(B("yz"))), on)).toBe(true);
    expect(check(fn("contains", path("bs"), lit(B("y"))), on)).toBe(false);
  });

  it("Evaluate: contains on a list looks for an equal element of any type", () => {
    const on: Item = {
      c: { L: [N(2), N(4), N(7)] },
      e: { L: [S("hi"), { NS: ["1", "2"] }, { L: [N(3), N(4)] }] },
      d: B("hi there"),
    };
    expect(check(fn("contains", path("c"), lit(N(4))), on)).toBe(true);
    expect(check(fn("contains", path("c"), lit(S("4"))), on)).toBe(false);
    expect(check(fn("contains", path("e"), lit({ NS: ["2", "1"] })), on)).toBe(true);
    expect(check(fn("contains", path("e"), lit({ L: [N(3), N(4)] })), on)).toBe(true);
    expect(check(fn("contains", path("e"), lit({ L: [N(4), N(3)] })), on)).toBe(false);
    expect(check(fn("contains", path("d"), lit({ NS: ["1", "2"] })), on)).toBe(false);
  });

  it("Evaluate: contains on a map, a number, or a missing attribute is false", () => {
    const on: Item = { m: { M: { a: S("a") } }, n: N(12) };
    expect(check(fn("contains", path("m"), lit(S("a"))), on)).toBe(false);
    expect(check(fn("contains", path("n"), lit(N(1))), on)).toBe(false);
    expect(check(fn("contains", path("q"), lit(S("a"))), on)).toBe(false);
    expect(check(fn("contains", lit(S("abc")), path("q")), on)).toBe(false);
  });
});

describe("size()", () => {
  const on: Item = {
    a: S("hello"),
    b: { NS: ["2", "4", "7"] },
    c: { L: [N(2), S("dog"), N(7)] },
    d: B("hi there"),
    e: { M: { x: N(2), y: { M: { m: N(3), n: N(4) } } } },
    f: N(5),
    g: { BOOL: true },
    h: { NULL: true },
    u: S("é𝄞"),
  };

  it("Evaluate: size of strings, binaries, sets, lists and maps", () => {
    expect(check(cmp("=", size(path("a")), lit(N(5))), on)).toBe(true);
    expect(check(cmp("=", size(path("b")), lit(N(3))), on)).toBe(true);
    expect(check(cmp("=", size(path("c")), lit(N(3))), on)).toBe(true);
    expect(check(cmp("=", size(path("d")), lit(N(8))), on)).toBe(true);
    expect(check(cmp("=", size(path("e")), lit(N(2))), on)).toBe(true);
    expect(check(cmp("=", size(path("a")), path("f")), on)).toBe(true);
    expect(check(cmp("<>", size(path("a")), lit(N(4))), on)).toBe(true);
    expect(check(cmp("<", size(path("a")), lit(N(7))), on)).toBe(true);
    expect(check(cmp(">=", size(path("a")), lit(N(2))), on)).toBe(true);
  });

  it("Evaluate: size of a string counts UTF-16 code units, as DynamoDB does", () => {
    expect(check(cmp("=", size(path("u")), lit(N(3))), on)).toBe(true);
    expect(sizeOf(S("é𝄞"))).toBe(3);
    expect(sizeOf({ B: bytes(0, 255, 3) })).toBe(3);
    expect(sizeOf({ S: "" })).toBe(0);
  });

  it("Evaluate: size of a number, boolean, null or missing value makes the comparison false", () => {
    for (const name of ["f", "g", "h", "zz"]) {
      expect(check(cmp("=", size(path(name)), lit(N(1))), on)).toBe(false);
      expect(check(cmp(">=", size(path(name)), lit(N(0))), on)).toBe(false);
      expect(check(cmp("<>", size(path(name)), lit(N(1))), on)).toBe(true);
      expect(evaluateOperand(size(path(name)), on)).toBeUndefined();
    }
  });

  it("Evaluate: size compared with a non-number is false", () => {
    expect(check(cmp("=", size(path("a")), lit(S("dog"))), on)).toBe(false);
    expect(check(cmp("<", size(path("a")), lit(S("dog"))), on)).toBe(false);
  });

  it("Evaluate: size used alone as a condition is DynamoDB's misused-function error", () => {
    expect(validationMessage(() => check(fn("size", path("a")), on))).toBe(
      "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size",
    );
    expect(
      validationMessage(() =>
        check(cmp("=", { kind: "call", name: "attribute_exists", args: [path("a")] }, lit(N(1))), on),
      ),
    ).toBe(
      "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists",
    );
    expect(validationMessage(() => check(fn("dog", path("a")), on))).toBe(
      "Invalid ConditionExpression: Invalid function name; function: dog",
    );
  });
});

describe("betweenBoundsError", () => {
  it("Evaluate: BETWEEN bounds in the right order pass", () => {
    expect(betweenBoundsError(N(1), N(2))).toBeUndefined();
    expect(betweenBoundsError(N(1), N(1))).toBeUndefined();
    expect(betweenBoundsError(S("a"), S("b"))).toBeUndefined();
    expect(betweenBoundsError({ B: bytes(127) }, { B: bytes(128) })).toBeUndefined();
    // Unorderable types are validation's "Incorrect operand type", not this check.
    expect(betweenBoundsError({ L: [N(2)] }, { L: [N(1)] })).toBeUndefined();
  });

  it("Evaluate: BETWEEN with literal bounds in the wrong order is refused", () => {
    expect(betweenBoundsError(N(5), N(4))).toBe(
      "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:4}",
    );
    expect(betweenBoundsError(S("5"), S("100"))).toBe(
      "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:5}, upper bound operand: AttributeValue: {S:100}",
    );
    expect(betweenBoundsError({ B: bytes(128) }, { B: bytes(127) })).toBe(
      "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {B:gA==}, upper bound operand: AttributeValue: {B:fw==}",
    );
  });

  it("Evaluate: BETWEEN with literal bounds of different types is refused", () => {
    expect(betweenBoundsError(N(2), S("dog"))).toBe(
      "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {S:dog}",
    );
  });
});
