import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyUpdate,
  evaluateUpdateOperand,
  INCORRECT_DATA_TYPE_MESSAGE,
  keyAttributeUpdateMessage,
  MISSING_ATTRIBUTE_MESSAGE,
  updatedAttributes,
} from "../../src/expr/apply-update";
import type { DocPath, ResolvedOperand, ResolvedUpdate } from "../../src/expr/ast";
import { INVALID_UPDATE_PATH_MESSAGE } from "../../src/expr/document";
import type { AttributeValue, Item } from "../../src/types";
import { validationMessage } from "../support/errors";

const N = (n: number | string): AttributeValue => ({ N: String(n) });
const S = (s: string): AttributeValue => ({ S: s });
const L = (...values: AttributeValue[]): AttributeValue => ({ L: values });
const members = (v: AttributeValue | undefined) => (v as { M: Record<string, AttributeValue> }).M;
const elements = (v: AttributeValue | undefined) => (v as { L: AttributeValue[] }).L;

const path = (...steps: DocPath): ResolvedOperand => ({ kind: "path", path: steps });
const lit = (value: AttributeValue): ResolvedOperand => ({ kind: "literal", value });
const plus = (left: ResolvedOperand, right: ResolvedOperand): ResolvedOperand => ({
  kind: "arithmetic",
  op: "+",
  left,
  right,
});
const minus = (left: ResolvedOperand, right: ResolvedOperand): ResolvedOperand => ({
  kind: "arithmetic",
  op: "-",
  left,
  right,
});
const call = (name: string, ...args: ResolvedOperand[]): ResolvedOperand => ({ kind: "call", name, args });

function update(parts: Partial<ResolvedUpdate>): ResolvedUpdate {
  return { set: [], remove: [], add: [], delete: [], ...parts };
}
const SET = (...actions: [DocPath, ResolvedOperand][]) =>
  update({ set: actions.map(([p, value]) => ({ path: p, value })) });
const REMOVE = (...paths: DocPath[]) => update({ remove: paths });
const ADD = (...actions: [DocPath, AttributeValue][]) =>
  update({ add: actions.map(([p, value]) => ({ path: p, value })) });
const DELETE = (...actions: [DocPath, AttributeValue][]) =>
  update({ delete: actions.map(([p, value]) => ({ path: p, value })) });

const KEYS = ["p"];
const apply = (item: Item | undefined, u: ResolvedUpdate) => applyUpdate(item, u, KEYS).item;

describe("SET", () => {
  it("UpdateItem: SET writes top-level attributes from values", () => {
    expect(apply({ p: S("k") }, SET([["b"], lit(N(4))]))).toEqual({ p: S("k"), b: N(4) });
    expect(apply({ p: S("k") }, SET([["x"], lit(N(4))], [["y"], lit(N(4))]))).toEqual({ p: S("k"), x: N(4), y: N(4) });
    expect(apply(undefined, SET([["b"], lit(S("cat"))]))).toEqual({ b: S("cat") });
  });

  it("UpdateItem: SET copies attributes, reading the item as it was before the update", () => {
    const item: Item = { p: S("k"), a: S("hello") };
    expect(apply(item, SET([["b"], path("a")]))).toEqual({ p: S("k"), a: S("hello"), b: S("hello") });
    expect(apply(item, SET([["a"], path("a")]))).toEqual(item);
    // "SET x = :v, y = x": x is read before it is written, and does not exist yet.
    expect(validationMessage(() => apply(item, SET([["x"], lit(N(4))], [["y"], path("x")])))).toBe(
      MISSING_ATTRIBUTE_MESSAGE,
    );
    // "REMOVE a SET b = a" and "SET c = b REMOVE b" copy the old value.
    expect(apply(item, update({ remove: [["a"]], set: [{ path: ["b"], value: path("a") }] }))).toEqual({
      p: S("k"),
      b: S("hello"),
    });
    // Swapping two attributes.
    expect(apply({ a: N(1), b: N(2) }, SET([["a"], path("b")], [["b"], path("a")]))).toEqual({ a: N(2), b: N(1) });
  });

  it("UpdateItem: SET from a missing attribute is DynamoDB's missing-attribute error", () => {
    expect(MISSING_ATTRIBUTE_MESSAGE).toBe(
      "The provided expression refers to an attribute that does not exist in the item",
    );
    expect(validationMessage(() => apply({ a: S("x") }, SET([["c"], path("z")])))).toBe(MISSING_ATTRIBUTE_MESSAGE);
    expect(validationMessage(() => apply({ a: S("x") }, SET([["z"], path("z")])))).toBe(MISSING_ATTRIBUTE_MESSAGE);
    expect(validationMessage(() => apply(undefined, SET([["c"], path("a", "b")])))).toBe(MISSING_ATTRIBUTE_MESSAGE);
  });

  it("UpdateItem: SET reads nested values on the right-hand side", () => {
    const item: Item = { a: { M: { b: N(3), c: { M: { x: N(7), y: N(8) } } } }, d: N(5) };
    expect(apply(item, SET([["z"], path("a", "c", "x")])).z).toEqual(N(7));
  });

  it("UpdateItem: SET of a nested map member adds or replaces it", () => {
    const item: Item = { a: { M: { b: N(3), c: N(4) } }, d: N(5) };
    expect(apply(item, SET([["a", "c"], lit(N(7))]))).toEqual({ a: { M: { b: N(3), c: N(7) } }, d: N(5) });
    expect(apply(item, SET([["a", "d"], lit(N(3))]))).toEqual({ a: { M: { b: N(3), c: N(4), d: N(3) } }, d: N(5) });
    expect(apply({ a: { M: { b: N(3), c: { M: { one: N(1) } } } } }, SET([["a", "c"], lit(N(7))]))).toEqual({
      a: { M: { b: N(3), c: N(7) } },
    });
  });

  it("UpdateItem: SET deep inside lists and maps", () => {
    const item: Item = { a: { M: { b: N(3), c: L(S("hi"), { M: { x: { M: { y: L(N(3), N(5), N(7)) } } } }) } } };
    const out = apply(item, SET([["a", "c", 1, "x", "y", 1], lit(N(9))]));
    expect(out.a).toEqual({ M: { b: N(3), c: L(S("hi"), { M: { x: { M: { y: L(N(3), N(9), N(7)) } } } }) } });
    expect(members(apply(out, SET([["a", "z"], path("a", "c", 1, "x", "y", 1)])).a).z).toEqual(N(9));
  });

  it("UpdateItem: SET of a list element replaces it", () => {
    expect(apply({ a: L(S("one"), S("two"), S("three")) }, SET([["a", 1], lit(S("hello"))]))).toEqual({
      a: L(S("one"), S("hello"), S("three")),
    });
  });

  it("UpdateItem: SET on a list index past the end appends, several in index order", () => {
    const item: Item = { a: L(S("one"), S("two"), S("three")) };
    const once = apply(item, SET([["a", 7], lit(S("hello"))]));
    expect(once).toEqual({ a: L(S("one"), S("two"), S("three"), S("hello")) });
    expect(
      apply(
        once,
        SET([["a", 84], lit(S("a1"))], [["a", 37], lit(S("a2"))], [["a", 17], lit(S("a3"))], [["a", 50], lit(S("a4"))]),
      ),
    ).toEqual({ a: L(S("one"), S("two"), S("three"), S("hello"), S("a3"), S("a2"), S("a4"), S("a1")) });
  });

  it("UpdateItem: SET below a missing or mistyped parent is the invalid-path error", () => {
    const item: Item = { a: S("hello"), b: L(S("hi")) };
    for (const target of [
      ["a", "c"],
      ["b", "c"],
      ["c", "c"],
      ["a", 0],
      ["c", 0],
      ["b", 3, "x"],
    ]) {
      expect(validationMessage(() => apply(item, SET([target, lit(N(7))])))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    }
    expect(validationMessage(() => apply(undefined, SET([["c", "c"], lit(N(7))])))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    expect(validationMessage(() => apply(undefined, SET([["b", 0], lit(N(7))])))).toBe(INVALID_UPDATE_PATH_MESSAGE);
  });

  it("UpdateItem: SET a new element at the end and a nested path past the old end is still invalid", () => {
    // a[3] does not exist in the original list, whatever SET a[5] appends.
    const item: Item = { a: L(N(0), N(1), N(2)) };
    expect(validationMessage(() => apply(item, SET([["a", 5], lit({ M: {} })], [["a", 3, "x"], lit(N(1))])))).toBe(
      INVALID_UPDATE_PATH_MESSAGE,
    );
  });
});

describe("SET values", () => {
  it("UpdateItem: + and - are exact on numbers", () => {
    expect(apply({}, SET([["b"], plus(lit(N(4)), lit(N(3)))]))).toEqual({ b: N(7) });
    expect(apply({}, SET([["b"], minus(lit(N(5)), lit(N(2)))]))).toEqual({ b: N(3) });
    expect(apply({ a: N("0.1") }, SET([["a"], plus(path("a"), lit(N("0.2")))]))).toEqual({ a: N("0.3") });
    expect(apply({ a: N(2) }, SET([["a"], minus(lit(N(7)), path("a"))]))).toEqual({ a: N(5) });
    expect(apply({ a: N(9), b: N(10) }, SET([["a"], plus(path("b"), path("a"))]))).toEqual({ a: N(19), b: N(10) });
    expect(apply({}, SET([["b"], minus(lit(N("1.5")), lit(N("1.5")))]))).toEqual({ b: N(0) });
    const big = "9".repeat(38);
    expect(apply({ a: N(big) }, SET([["a"], minus(path("a"), lit(N(big)))]))).toEqual({ a: N(0) });
  });

  // DynamoDB words a result it cannot hold in 38 digits as an overflow too (Alternator's
  // test_number.py, run against AWS: 1e50 + 1), unlike a stored value of 39 digits.
  it("UpdateItem: + beyond the range or beyond 38 digits is DynamoDB's overflow error", () => {
    const max = "9.9999999999999999999999999999999999999E+125";
    const overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
    expect(validationMessage(() => apply({ a: N(max) }, SET([["a"], plus(path("a"), lit(N(max)))])))).toBe(overflow);
    expect(
      validationMessage(() => apply({ a: N("1" + "0".repeat(37)) }, SET([["a"], plus(path("a"), lit(N("0.1")))]))),
    ).toBe(overflow);
    expect(validationMessage(() => apply({ a: N("1e50") }, SET([["a"], minus(path("a"), lit(N("1")))])))).toBe(
      overflow,
    );
  });

  it("UpdateItem: + on a non-number from the item is the incorrect-data-type error", () => {
    expect(INCORRECT_DATA_TYPE_MESSAGE).toBe("An operand in the update expression has an incorrect data type");
    for (const value of [S("1"), L(N(1)), { NULL: true } as AttributeValue, { NS: ["1"] } as AttributeValue]) {
      expect(validationMessage(() => apply({ a: value }, SET([["a"], plus(path("a"), lit(N(1)))])))).toBe(
        INCORRECT_DATA_TYPE_MESSAGE,
      );
      expect(validationMessage(() => apply({ a: value }, SET([["a"], minus(lit(N(1)), path("a"))])))).toBe(
        INCORRECT_DATA_TYPE_MESSAGE,
      );
    }
    expect(validationMessage(() => apply({}, SET([["a"], plus(path("q"), lit(N(1)))])))).toBe(
      MISSING_ATTRIBUTE_MESSAGE,
    );
  });

  it("UpdateItem: if_not_exists uses the attribute when present, else the fallback", () => {
    let item = apply({}, SET([["a"], call("if_not_exists", path("a"), lit(N(2)))]));
    expect(item).toEqual({ a: N(2) });
    item = apply(item, SET([["a"], call("if_not_exists", path("a"), lit(N(3)))]));
    expect(item).toEqual({ a: N(2) });
    item = apply(item, SET([["b"], call("if_not_exists", path("c"), lit(N(4)))]));
    expect(item).toEqual({ a: N(2), b: N(4) });
    item = apply(item, SET([["b"], call("if_not_exists", path("a"), lit(N(6)))]));
    expect(item).toEqual({ a: N(2), b: N(2) });
    // The fallback is not evaluated when not needed, and may itself be a path.
    expect(apply({ a: N(1) }, SET([["b"], call("if_not_exists", path("a"), path("zz"))]))).toEqual({
      a: N(1),
      b: N(1),
    });
    expect(validationMessage(() => apply({}, SET([["b"], call("if_not_exists", path("a"), path("zz"))])))).toBe(
      MISSING_ATTRIBUTE_MESSAGE,
    );
    expect(apply({}, SET([["b"], plus(call("if_not_exists", path("b"), lit(N(2))), lit(N(3)))]))).toEqual({ b: N(5) });
  });

  it("UpdateItem: list_append concatenates lists in either order", () => {
    let item = apply({}, SET([["a"], call("list_append", lit(L(N(4), S("hello"))), lit(L(S("hi"), N(7))))]));
    expect(item).toEqual({ a: L(N(4), S("hello"), S("hi"), N(7)) });
    item = { a: L(S("hi"), N(2)) };
    item = apply(item, SET([["a"], call("list_append", path("a"), lit(L(N(4), S("hello"))))]));
    expect(item.a).toEqual(L(S("hi"), N(2), N(4), S("hello")));
    item = apply(item, SET([["a"], call("list_append", lit(L(S("dog"))), path("a"))]));
    expect(item.a).toEqual(L(S("dog"), S("hi"), N(2), N(4), S("hello")));
    item = apply(item, SET([["b"], call("list_append", path("a"), lit(L(S("cat"))))]));
    item = apply(item, SET([["c"], call("list_append", path("a"), path("b"))]));
    expect(elements(item.c)).toHaveLength(11);
    expect(apply({}, SET([["a"], call("list_append", lit(L()), lit(L()))]))).toEqual({ a: L() });
  });

  it("UpdateItem: list_append of a non-list or missing attribute", () => {
    for (const value of [
      S("x"),
      { NULL: true } as AttributeValue,
      { M: {} } as AttributeValue,
      { SS: ["a"] } as AttributeValue,
    ]) {
      expect(
        validationMessage(() => apply({ a: value }, SET([["a"], call("list_append", path("a"), lit(L(N(1))))]))),
      ).toBe(INCORRECT_DATA_TYPE_MESSAGE);
    }
    expect(validationMessage(() => apply({}, SET([["a"], call("list_append", path("a"), lit(L(N(1))))])))).toBe(
      MISSING_ATTRIBUTE_MESSAGE,
    );
  });

  it("UpdateItem: evaluateUpdateOperand of a function that is not an update function", () => {
    expect(validationMessage(() => evaluateUpdateOperand(call("size", path("a")), { a: S("x") }))).toBe(
      "Invalid UpdateExpression: Invalid function name; function: size",
    );
    expect(validationMessage(() => evaluateUpdateOperand(call("if_not_exists", lit(N(1)), lit(N(2))), {}))).toBe(
      "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists",
    );
  });
});

describe("REMOVE", () => {
  it("UpdateItem: REMOVE drops attributes; a missing one is a no-op", () => {
    expect(apply({ p: S("k"), a: S("hello"), b: S("hi") }, REMOVE(["a"]))).toEqual({ p: S("k"), b: S("hi") });
    expect(apply({ p: S("k") }, REMOVE(["a"], ["b"]))).toEqual({ p: S("k") });
  });

  it("UpdateItem: REMOVE of nested members and list elements", () => {
    const item: Item = {
      a: { M: { b: N(3), c: L(S("hi"), { M: { x: { M: { y: L(N(3), N(5), N(7)) } }, q: N(2) } }) } },
    };
    expect(apply(item, REMOVE(["a", "c", 1, "x", "y", 1], ["a", "c", 1, "q"])).a).toEqual({
      M: { b: N(3), c: L(S("hi"), { M: { x: { M: { y: L(N(3), N(7)) } } } }) },
    });
  });

  it("UpdateItem: REMOVE of list elements shifts the rest", () => {
    expect(apply({ a: L(N(1), N(2), N(3)) }, REMOVE(["a", 0]))).toEqual({ a: L(N(2), N(3)) });
    expect(apply({ a: L(N(1)) }, REMOVE(["a", 0]))).toEqual({ a: L() });
    expect(apply({ a: { M: { b: N(1) } } }, REMOVE(["a", "b"]))).toEqual({ a: { M: {} } });
  });

  it("UpdateItem: several list indexes in one REMOVE all refer to the original list", () => {
    const item: Item = { a: L(N(0), N(1), N(2), N(3), N(4)) };
    expect(apply(item, REMOVE(["a", 1], ["a", 2]))).toEqual({ a: L(N(0), N(3), N(4)) });
    expect(apply(item, REMOVE(["a", 3], ["a", 0], ["a", 4]))).toEqual({ a: L(N(1), N(2)) });
    expect(apply(item, REMOVE(["a", 1], ["a", 17]))).toEqual({ a: L(N(0), N(2), N(3), N(4)) });
  });

  it("UpdateItem: REMOVE and SET on one list both use the original indexes", () => {
    const item: Item = { a: L(N(2), N(3), N(4), N(5), N(6), N(7)) };
    const removeThenSet = update({ remove: [["a", 1]], set: [{ path: ["a", 3], value: lit(N(17)) }] });
    expect(apply(item, removeThenSet)).toEqual({ a: L(N(2), N(4), N(17), N(6), N(7)) });
    // An append past the end and a removal: the removal does not see the new element.
    expect(
      apply(
        { a: L(N(0), N(1)) },
        update({
          remove: [
            ["a", 0],
            ["a", 5],
          ],
          set: [{ path: ["a", 9], value: lit(N(9)) }],
        }),
      ),
    ).toEqual({
      a: L(N(1), N(9)),
    });
    // Nested paths inside elements, with a removal before them.
    const nested: Item = { a: L({ M: { x: N(0) } }, { M: { x: N(1) } }, { M: { x: N(2) } }) };
    expect(
      apply(
        nested,
        update({
          remove: [
            ["a", 0],
            ["a", 2, "x"],
          ],
          set: [{ path: ["a", 1, "x"], value: lit(N(10)) }],
        }),
      ),
    ).toEqual({
      a: L({ M: { x: N(10) } }, { M: {} }),
    });
  });

  it("UpdateItem: REMOVE past the end of a list is a no-op", () => {
    expect(apply({ a: L(N(4), N(5), N(6)) }, REMOVE(["a", 17]))).toEqual({ a: L(N(4), N(5), N(6)) });
  });

  it("UpdateItem: REMOVE below a missing or mistyped parent is the invalid-path error", () => {
    const item: Item = { a: S("hello"), b: L(S("hi")) };
    for (const target of [
      ["a", "c"],
      ["b", "c"],
      ["c", "c"],
      ["a", 0],
      ["c", 0],
    ]) {
      expect(validationMessage(() => apply(item, REMOVE(target)))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    }
  });

  it("UpdateItem: REMOVE of a nested path on a missing item is silently ignored", () => {
    const outcome = applyUpdate(undefined, REMOVE(["x", "y"], ["x", 0], ["z"]), KEYS);
    expect(outcome).toEqual({ item: {}, exists: false, changedAttributes: ["x", "z"] });
  });
});

describe("ADD", () => {
  it("UpdateItem: ADD adds numbers exactly, and creates a missing number", () => {
    expect(apply({ a: N(3), b: S("hi") }, ADD([["a"], N(4)]))).toEqual({ a: N(7), b: S("hi") });
    expect(apply({ a: N("0.1") }, ADD([["a"], N("-0.3")]))).toEqual({ a: N("-0.2") });
    expect(apply({ a: S("hello") }, ADD([["b"], N(7)]))).toEqual({ a: S("hello"), b: N(7) });
    expect(applyUpdate(undefined, ADD([["b"], N(8)]), KEYS)).toEqual({
      item: { b: N(8) },
      exists: true,
      changedAttributes: ["b"],
    });
  });

  it("UpdateItem: ADD to a set is a union without duplicates", () => {
    expect(apply({ a: { SS: ["dog", "cat", "mouse"] } }, ADD([["a"], { SS: ["pig"] }]))).toEqual({
      a: { SS: ["dog", "cat", "mouse", "pig"] },
    });
    expect(
      apply({ a: { SS: ["beaver", "lynx", "coati"] } }, ADD([["a"], { SS: ["coati", "beaver", "badger"] }])),
    ).toEqual({
      a: { SS: ["beaver", "lynx", "coati", "badger"] },
    });
    expect(apply({ a: { NS: ["1", "2"] } }, ADD([["a"], { NS: ["2", "3"] }]))).toEqual({ a: { NS: ["1", "2", "3"] } });
    expect(apply({ a: { BS: ["AQ=="] } }, ADD([["a"], { BS: ["AQ==", "Ag=="] }]))).toEqual({
      a: { BS: ["AQ==", "Ag=="] },
    });
    expect(apply({ a: S("hello") }, ADD([["b"], { SS: ["dog"] }]))).toEqual({ a: S("hello"), b: { SS: ["dog"] } });
    expect(apply(undefined, ADD([["b"], { NS: ["5"] }]))).toEqual({ b: { NS: ["5"] } });
  });

  it("UpdateItem: ADD to a non-number non-set, or of another type, is the incorrect-data-type error", () => {
    const cases: [AttributeValue, AttributeValue][] = [
      [S("hi"), N(1)],
      [N(1), { NS: ["1"] }],
      [{ SS: ["a"] }, { NS: ["1"] }],
      [{ NS: ["1"] }, N(1)],
      [L(N(1)), L(N(2))],
      [{ M: {} }, N(1)],
      [{ NULL: true }, N(1)],
      [{ BOOL: true }, N(1)],
    ];
    for (const [current, value] of cases) {
      expect(validationMessage(() => apply({ a: current }, ADD([["a"], value])))).toBe(INCORRECT_DATA_TYPE_MESSAGE);
    }
    expect(validationMessage(() => apply({}, ADD([["a"], S("x")])))).toBe(INCORRECT_DATA_TYPE_MESSAGE);
  });

  it("UpdateItem: ADD on nested paths", () => {
    expect(apply({ m: { M: { n: N(1) } } }, ADD([["m", "n"], N(2)], [["m", "o"], N(5)]))).toEqual({
      m: { M: { n: N(3), o: N(5) } },
    });
    expect(validationMessage(() => apply({}, ADD([["m", "n"], N(2)])))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    expect(validationMessage(() => apply(undefined, ADD([["m", "n"], N(2)])))).toBe(INVALID_UPDATE_PATH_MESSAGE);
  });

  it("UpdateItem: ADD overflow propagates the number error", () => {
    expect(validationMessage(() => apply({ a: N("9E+125") }, ADD([["a"], N("9E+125")])))).toBe(
      "Number overflow. Attempting to store a number with magnitude larger than supported range",
    );
  });
});

describe("DELETE", () => {
  it("UpdateItem: DELETE removes set members; absent members are ignored", () => {
    let item: Item = { a: { SS: ["dog", "cat", "mouse"] }, b: S("hi") };
    item = apply(item, DELETE([["a"], { SS: ["cat", "mouse"] }]));
    expect(item).toEqual({ a: { SS: ["dog"] }, b: S("hi") });
    item = apply(item, DELETE([["a"], { SS: ["pig"] }]));
    expect(item).toEqual({ a: { SS: ["dog"] }, b: S("hi") });
    expect(apply({ a: { NS: ["1", "2.5", "3"] } }, DELETE([["a"], { NS: ["2.50"] }]))).toEqual({
      a: { NS: ["1", "3"] },
    });
  });

  it("UpdateItem: DELETE that empties a set removes the attribute", () => {
    expect(apply({ a: { SS: ["dog"] }, b: S("hi") }, DELETE([["a"], { SS: ["dog"] }]))).toEqual({ b: S("hi") });
    expect(apply({ m: { M: { s: { NS: ["1"] } } } }, DELETE([["m", "s"], { NS: ["1"] }]))).toEqual({ m: { M: {} } });
  });

  it("UpdateItem: DELETE from a missing attribute or item does nothing", () => {
    expect(apply({ b: S("hi") }, DELETE([["a"], { SS: ["dog"] }]))).toEqual({ b: S("hi") });
    expect(applyUpdate(undefined, DELETE([["a"], { SS: ["dog"] }]), KEYS)).toEqual({
      item: {},
      exists: false,
      changedAttributes: ["a"],
    });
  });

  it("UpdateItem: DELETE from a non-set or a set of another type is the incorrect-data-type error", () => {
    for (const current of [S("dog"), N(1), { NS: ["1"] } as AttributeValue, L(S("dog"))]) {
      expect(validationMessage(() => apply({ a: current }, DELETE([["a"], { SS: ["dog"] }])))).toBe(
        INCORRECT_DATA_TYPE_MESSAGE,
      );
    }
    expect(validationMessage(() => apply({ a: { SS: ["dog"] } }, DELETE([["a"], S("dog")])))).toBe(
      INCORRECT_DATA_TYPE_MESSAGE,
    );
    expect(validationMessage(() => apply({ a: S("x") }, DELETE([["a", "b"], { SS: ["dog"] }])))).toBe(
      INVALID_UPDATE_PATH_MESSAGE,
    );
  });

  it("UpdateItem: DELETE emptying a set in a list removes the element, with original indexes", () => {
    const item: Item = { l: L({ SS: ["x"] }, N(1), { SS: ["y", "z"] }) };
    expect(apply(item, DELETE([["l", 0], { SS: ["x"] }], [["l", 2], { SS: ["y"] }]))).toEqual({
      l: L(N(1), { SS: ["z"] }),
    });
  });
});

describe("key attributes and outcome", () => {
  it("UpdateItem: key attributes cannot be updated", () => {
    const keys = ["p", "c"];
    const item: Item = { p: S("k"), c: S("r") };
    expect(keyAttributeUpdateMessage("p")).toBe(
      "One or more parameter values were invalid: Cannot update attribute p. This attribute is part of the key",
    );
    for (const u of [
      SET([["p"], lit(N(4))]),
      SET([["c"], lit(N(4))]),
      REMOVE(["p"]),
      ADD([["c"], N(4)]),
      DELETE([["p"], { SS: ["x"] }]),
    ]) {
      const name = [
        ...u.set.map((a) => a.path),
        ...u.remove,
        ...u.add.map((a) => a.path),
        ...u.delete.map((a) => a.path),
      ][0]![0] as string;
      expect(validationMessage(() => applyUpdate(item, u, keys))).toBe(keyAttributeUpdateMessage(name));
    }
    expect(validationMessage(() => applyUpdate(item, SET([["p", "x"], lit(N(4))]), keys))).toBe(
      keyAttributeUpdateMessage("p"),
    );
    // Reading a key attribute is fine.
    expect(
      applyUpdate({ p: S("k"), c: N(7) }, SET([["n"], path("p")], [["nn"], plus(path("c"), path("c"))]), keys).item,
    ).toEqual({
      p: S("k"),
      c: N(7),
      n: S("k"),
      nn: N(14),
    });
  });

  it("UpdateItem: the outcome lists the attributes named and whether the item exists", () => {
    const u = update({
      set: [
        { path: ["a", "b"], value: lit(N(1)) },
        { path: ["c"], value: lit(N(2)) },
      ],
      remove: [["d"], ["a", "x"]],
      add: [{ path: ["e"], value: N(1) }],
    });
    const outcome = applyUpdate({ a: { M: {} }, d: N(0) }, u, KEYS);
    expect(outcome.changedAttributes).toEqual(["a", "c", "d", "e"]);
    expect(outcome.exists).toBe(true);
    expect(outcome.item).toEqual({ a: { M: { b: N(1) } }, c: N(2), e: N(1) });
    expect(applyUpdate(undefined, REMOVE(["b"]), KEYS).exists).toBe(false);
    expect(applyUpdate(undefined, SET([["b"], lit(N(1))]), KEYS).exists).toBe(true);
    expect(applyUpdate({}, REMOVE(["b"]), KEYS).exists).toBe(true);
  });

  it("UpdateItem: the input item is never modified", () => {
    const item: Item = { a: { M: { b: L(N(1), N(2)), s: { SS: ["x", "y"] } } }, n: N(1), l: L(N(1)) };
    const before = structuredClone(item);
    apply(
      item,
      update({
        set: [
          { path: ["a", "b", 5], value: lit(N(3)) },
          { path: ["l", 0], value: path("a") },
        ],
        remove: [["a", "b", 0]],
        add: [{ path: ["n"], value: N(1) }],
        delete: [{ path: ["a", "s"], value: { SS: ["x"] } }],
      }),
    );
    expect(item).toEqual(before);
  });
});

describe("updatedAttributes", () => {
  it("UpdateItem: UPDATED_OLD and UPDATED_NEW of top-level attributes", () => {
    const old: Item = { p: S("k"), a: S("hi"), b: S("dog") };
    const u = SET([["b"], lit(S("cat"))], [["c"], lit(S("hello"))]);
    const next = applyUpdate(old, u, KEYS).item;
    expect(updatedAttributes(old, next, u)).toEqual({
      updatedOld: { b: S("dog") },
      updatedNew: { b: S("cat"), c: S("hello") },
    });
    const removal = REMOVE(["b"]);
    expect(updatedAttributes(next, applyUpdate(next, removal, KEYS).item, removal)).toEqual({
      updatedOld: { b: S("cat") },
      updatedNew: {},
    });
    expect(updatedAttributes(undefined, { b: S("x") }, SET([["b"], lit(S("x"))]))).toEqual({
      updatedOld: {},
      updatedNew: { b: S("x") },
    });
  });

  it("UpdateItem: UPDATED_OLD and UPDATED_NEW return only the updated nested parts", () => {
    let item: Item = { p: S("k"), a: { M: { b: S("dog"), c: L(N(1), N(2), N(3)) } }, d: S("cat") };
    const step = (u: ResolvedUpdate) => {
      const next = applyUpdate(item, u, KEYS).item;
      const result = updatedAttributes(item, next, u);
      item = next;
      return result;
    };
    expect(step(SET([["a", "b"], lit(S("hi"))]))).toEqual({
      updatedOld: { a: { M: { b: S("dog") } } },
      updatedNew: { a: { M: { b: S("hi") } } },
    });
    expect(step(SET([["a", "c", 1], lit(N(7))]))).toEqual({
      updatedOld: { a: { M: { c: L(N(2)) } } },
      updatedNew: { a: { M: { c: L(N(7)) } } },
    });
    expect(step(SET([["a", "c", 1], lit(N(8))], [["a", "b"], lit(S("yo"))]))).toEqual({
      updatedOld: { a: { M: { b: S("hi"), c: L(N(7)) } } },
      updatedNew: { a: { M: { b: S("yo"), c: L(N(8)) } } },
    });
    // a.c is [1, 8, 3]: a.c[3] does not exist, so only a.c[1] is reported.
    expect(step(REMOVE(["a", "c", 1], ["a", "c", 3])).updatedOld).toEqual({ a: { M: { c: L(N(8)) } } });
    expect(step(SET([["a", "x1"], lit(N(8))]))).toEqual({ updatedOld: {}, updatedNew: { a: { M: { x1: N(8) } } } });
    // An append lands at a.c[2], not a.c[100]: UPDATED_NEW shows nothing.
    expect(step(SET([["a", "c", 100], lit(N(70))])).updatedNew).toEqual({});
    expect(members(item.a).c).toEqual(L(N(1), N(3), N(70)));
    // After REMOVE a.c[1], the element that moved into a.c[1] is reported.
    expect(step(REMOVE(["a", "c", 1])).updatedNew).toEqual({ a: { M: { c: L(N(70)) } } });
  });
});

// ---------------------------------------------------------------------------------------
// Property: applyUpdate agrees with a small, independent model of UpdateItem written on
// plain JavaScript values (numbers are small integers, so JS arithmetic is exact).
// ---------------------------------------------------------------------------------------

type Plain = number | string | { ss: string[] } | { ns: number[] } | { m: Record<string, Plain> };
type PlainItem = Record<string, Plain>;

type PlainAction =
  | { op: "set"; path: string[]; value: Plain }
  | { op: "copy"; path: string[]; from: string }
  | { op: "inc"; path: string[]; from: string; by: number }
  | { op: "remove"; path: string[] }
  | { op: "add"; path: string[]; value: number | { ss: string[] } | { ns: number[] } }
  | { op: "delete"; path: string[]; value: { ss: string[] } | { ns: number[] } };

const NAMES = ["a", "b", "c", "d"];
const MEMBERS = ["x", "y"];

const scalar = fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constantFrom("s1", "s2", ""));
const stringSet = fc.uniqueArray(fc.constantFrom("u", "v", "w"), { minLength: 1 }).map((ss) => ({ ss }));
const numberSet = fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1 }).map((ns) => ({ ns }));
const plainValue: fc.Arbitrary<Plain> = fc.oneof(
  scalar,
  stringSet,
  numberSet,
  fc.dictionary(fc.constantFrom(...MEMBERS), scalar).map((m) => ({ m })),
);
const plainItem = fc.option(fc.dictionary(fc.constantFrom(...NAMES), plainValue), { nil: undefined, freq: 6 });
const target = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => [n]),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...MEMBERS)).map(([n, m]) => [n, m]),
);
const name = fc.constantFrom(...NAMES);
const plainAction: fc.Arbitrary<PlainAction> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), path: target, value: scalar }),
  fc.record({ op: fc.constant("copy" as const), path: target, from: name }),
  fc.record({ op: fc.constant("inc" as const), path: target, from: name, by: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ op: fc.constant("remove" as const), path: target }),
  fc.record({
    op: fc.constant("add" as const),
    path: target,
    value: fc.oneof(fc.integer({ min: -9, max: 9 }), stringSet, numberSet),
  }),
  fc.record({ op: fc.constant("delete" as const), path: target, value: fc.oneof(stringSet, numberSet) }),
);

/** Validation's rule: no path may equal or contain another. */
function nonOverlapping(actions: PlainAction[]): PlainAction[] {
  const kept: PlainAction[] = [];
  for (const action of actions) {
    const clash = kept.some((other) => {
      const n = Math.min(other.path.length, action.path.length);
      return other.path.slice(0, n).every((step, i) => step === action.path[i]);
    });
    if (!clash) kept.push(action);
  }
  return kept;
}

function toValue(plain: Plain): AttributeValue {
  if (typeof plain === "number") return { N: String(plain) };
  if (typeof plain === "string") return { S: plain };
  if ("ss" in plain) return { SS: [...plain.ss] };
  if ("ns" in plain) return { NS: plain.ns.map(String) };
  return { M: Object.fromEntries(Object.entries(plain.m).map(([k, v]) => [k, toValue(v)])) };
}

function toItem(plain: PlainItem): Item {
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, toValue(v)]));
}

function toUpdate(actions: PlainAction[]): ResolvedUpdate {
  const u = update({});
  for (const action of actions) {
    switch (action.op) {
      case "set":
        u.set.push({ path: action.path, value: lit(toValue(action.value)) });
        break;
      case "copy":
        u.set.push({ path: action.path, value: path(action.from) });
        break;
      case "inc":
        u.set.push({ path: action.path, value: plus(path(action.from), lit(N(action.by))) });
        break;
      case "remove":
        u.remove.push(action.path);
        break;
      case "add":
        u.add.push({ path: action.path, value: toValue(action.value) });
        break;
      case "delete":
        u.delete.push({ path: action.path, value: toValue(action.value) });
        break;
    }
  }
  return u;
}

const isMap = (v: Plain | undefined): v is { m: Record<string, Plain> } => typeof v === "object" && "m" in v;

/**
 * The model: the new item, whether it exists, or the set of errors the update can raise
 * (DynamoDB reports one of them; which one when several apply is not modelled).
 */
function model(
  item: PlainItem | undefined,
  actions: PlainAction[],
): { errors: string[] } | { item: PlainItem; exists: boolean } {
  const errors = new Set<string>();
  const original = item ?? {};
  const read = (p: string[]): Plain | undefined => {
    const top = Object.hasOwn(original, p[0]!) ? original[p[0]!] : undefined;
    if (p.length === 1) return top;
    return isMap(top) && Object.hasOwn(top.m, p[1]!) ? top.m[p[1]!] : undefined;
  };
  const parentOk = (p: string[]) => p.length === 1 || isMap(read([p[0]!]));
  const result: PlainItem = structuredClone(original);
  const write = (p: string[], value: Plain | undefined) => {
    if (p.length === 1) {
      if (value === undefined) Reflect.deleteProperty(result, p[0]!);
      else result[p[0]!] = value;
      return;
    }
    const parent = result[p[0]!] as { m: Record<string, Plain> };
    if (value === undefined) Reflect.deleteProperty(parent.m, p[1]!);
    else parent.m[p[1]!] = value;
  };
  for (const action of actions) {
    switch (action.op) {
      case "set":
      case "copy":
      case "inc": {
        let value: Plain | undefined;
        if (action.op === "set") value = action.value;
        else {
          const from = read([action.from]);
          if (from === undefined) errors.add(MISSING_ATTRIBUTE_MESSAGE);
          else if (action.op === "copy") value = from;
          else if (typeof from !== "number") errors.add(INCORRECT_DATA_TYPE_MESSAGE);
          else value = from + action.by;
        }
        if (!parentOk(action.path)) errors.add(INVALID_UPDATE_PATH_MESSAGE);
        else if (value !== undefined) write(action.path, value);
        break;
      }
      case "remove":
        if (item === undefined) break;
        if (!parentOk(action.path)) errors.add(INVALID_UPDATE_PATH_MESSAGE);
        else write(action.path, undefined);
        break;
      case "add": {
        if (!parentOk(action.path)) {
          errors.add(INVALID_UPDATE_PATH_MESSAGE);
          break;
        }
        const current = read(action.path);
        const value = action.value;
        if (current === undefined) {
          write(action.path, value);
        } else if (typeof current === "number" && typeof value === "number") {
          write(action.path, current + value);
        } else if (typeof current === "object" && "ss" in current && typeof value === "object" && "ss" in value) {
          write(action.path, { ss: [...new Set([...current.ss, ...value.ss])] });
        } else if (typeof current === "object" && "ns" in current && typeof value === "object" && "ns" in value) {
          write(action.path, { ns: [...new Set([...current.ns, ...value.ns])] });
        } else {
          errors.add(INCORRECT_DATA_TYPE_MESSAGE);
        }
        break;
      }
      case "delete": {
        if (item === undefined) break;
        if (!parentOk(action.path)) {
          errors.add(INVALID_UPDATE_PATH_MESSAGE);
          break;
        }
        const current = read(action.path);
        if (current === undefined) break;
        const value = action.value;
        let left: Plain | undefined;
        if (typeof current === "object" && "ss" in current && "ss" in value) {
          const ss = current.ss.filter((m) => !value.ss.includes(m));
          left = ss.length > 0 ? { ss } : undefined;
        } else if (typeof current === "object" && "ns" in current && "ns" in value) {
          const ns = current.ns.filter((m) => !value.ns.includes(m));
          left = ns.length > 0 ? { ns } : undefined;
        } else {
          errors.add(INCORRECT_DATA_TYPE_MESSAGE);
          break;
        }
        write(action.path, left);
        break;
      }
    }
  }
  if (errors.size > 0) return { errors: [...errors] };
  const exists = item !== undefined || actions.some((a) => a.op !== "remove" && a.op !== "delete");
  return { item: result, exists };
}

/** Sets compare as sets: sort their members. */
function canonical(value: AttributeValue): AttributeValue {
  if ("SS" in value) return { SS: [...value.SS].sort() };
  if ("NS" in value) return { NS: [...value.NS].sort() };
  if ("M" in value) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, canonical(v)])) };
  return value;
}
const canonicalItem = (item: Item): Item => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, canonical(v)]));

describe("property", () => {
  it("UpdateItem: random SET/REMOVE/ADD/DELETE actions agree with a plain-value model", () => {
    fc.assert(
      fc.property(plainItem, fc.array(plainAction, { minLength: 1, maxLength: 6 }), (plain, drawn) => {
        const actions = nonOverlapping(drawn);
        const expected = model(plain, actions);
        const run = () => applyUpdate(plain === undefined ? undefined : toItem(plain), toUpdate(actions), ["pk"]);
        if ("errors" in expected) {
          expect(expected.errors).toContain(validationMessage(run));
        } else {
          const outcome = run();
          expect(canonicalItem(outcome.item)).toEqual(canonicalItem(toItem(expected.item)));
          expect(outcome.exists).toBe(expected.exists);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
