import { describe, expect, it } from "vitest";
import {
  getPath,
  INVALID_UPDATE_PATH_MESSAGE,
  parentIsValid,
  projectPaths,
  removePath,
  setPath,
} from "../../src/expr/document";
import type { AttributeValue, Item } from "../../src/types";
import { validationMessage } from "../support/errors";

const N = (n: number) => ({ N: String(n) });
const members = (v: AttributeValue | undefined) => (v as { M: Record<string, AttributeValue> }).M;
const elements = (v: AttributeValue | undefined) => (v as { L: AttributeValue[] }).L;
const S = (s: string) => ({ S: s });

// Alternator's test_projection_expression_path item.
const item: Item = {
  p: S("key"),
  a: { M: { b: { L: [N(2), N(4), { M: { x: S("hi"), y: S("yo") } }] }, c: N(5) } },
  b: S("hello"),
};

describe("getPath", () => {
  it("Document: getPath reads top-level and nested values", () => {
    expect(getPath(item, ["b"])).toEqual(S("hello"));
    expect(getPath(item, ["a", "c"])).toEqual(N(5));
    expect(getPath(item, ["a", "b", 1])).toEqual(N(4));
    expect(getPath(item, ["a", "b", 2, "y"])).toEqual(S("yo"));
  });

  it("Document: getPath is undefined for missing steps and mistyped steps", () => {
    expect(getPath(undefined, ["a"])).toBeUndefined();
    expect(getPath(item, ["x"])).toBeUndefined();
    expect(getPath(item, ["a", "x"])).toBeUndefined();
    expect(getPath(item, ["a", "b", 3])).toBeUndefined();
    expect(getPath(item, ["a", "b", "x"])).toBeUndefined();
    expect(getPath(item, ["a", 0])).toBeUndefined();
    expect(getPath(item, ["b", 0])).toBeUndefined();
    expect(getPath(item, ["b", "x"])).toBeUndefined();
    expect(getPath(item, ["a", "b", 0, 0])).toBeUndefined();
  });

  it("Document: getPath does not see Object.prototype members", () => {
    expect(getPath(item, ["constructor"])).toBeUndefined();
    expect(getPath(item, ["a", "toString"])).toBeUndefined();
    expect(getPath(item, ["__proto__"])).toBeUndefined();
    const odd = JSON.parse('{"__proto__":{"S":"own"}}') as Item;
    expect(getPath(odd, ["__proto__"])).toEqual(S("own"));
  });
});

describe("projectPaths", () => {
  it("Document: projecting top-level attributes keeps only those present", () => {
    expect(projectPaths(item, [["b"]])).toEqual({ b: S("hello") });
    expect(projectPaths(item, [["b"], ["p"], ["nonexistent"]])).toEqual({ p: S("key"), b: S("hello") });
    expect(projectPaths(item, [["nonexistent"]])).toEqual({});
  });

  it("Document: a nested path keeps its enclosing maps and lists", () => {
    expect(projectPaths(item, [["a", "b"]])).toEqual({ a: { M: { b: members(item.a).b } } });
    expect(projectPaths(item, [["a", "b", 0]])).toEqual({ a: { M: { b: { L: [N(2)] } } } });
    expect(projectPaths(item, [["a", "b", 2]])).toEqual({
      a: { M: { b: { L: [{ M: { x: S("hi"), y: S("yo") } }] } } },
    });
    expect(projectPaths(item, [["a", "b", 2, "y"]])).toEqual({ a: { M: { b: { L: [{ M: { y: S("yo") } }] } } } });
  });

  it("Document: missing and mistyped paths project to nothing, leaving no empty containers", () => {
    for (const path of [
      ["x"],
      ["a", "b", 3],
      ["a", "x"],
      ["a", "x", "y"],
      ["a", "b", 3, "x"],
      ["a", "b", "x"],
      ["a", 0],
      ["a", "b", 0, "x"],
      ["a", "b", 0, 0],
    ]) {
      expect(projectPaths(item, [path])).toEqual({});
    }
  });

  it("Document: several paths merge into one document", () => {
    expect(
      projectPaths(item, [
        ["a", "b", 0],
        ["a", "b", 1],
      ]),
    ).toEqual({ a: { M: { b: { L: [N(2), N(4)] } } } });
    expect(
      projectPaths(item, [
        ["a", "b", 0],
        ["a", "c"],
      ]),
    ).toEqual({ a: { M: { b: { L: [N(2)] }, c: N(5) } } });
    expect(projectPaths(item, [["a", "c"], ["b"]])).toEqual({ a: { M: { c: N(5) } }, b: S("hello") });
    expect(projectPaths(item, [["a", "x"], ["a", "b", 0], ["x"], ["a", "b", 3, "x"]])).toEqual({
      a: { M: { b: { L: [N(2)] } } },
    });
  });

  it("Document: projected list elements come in list order, whatever the order of the paths", () => {
    const list: Item = { a: { L: [S("a0"), S("a1"), S("a2"), S("a3")] } };
    expect(
      projectPaths(list, [
        ["a", 2],
        ["a", 0],
      ]),
    ).toEqual({ a: { L: [S("a0"), S("a2")] } });
    expect(
      projectPaths(list, [
        ["a", 3],
        ["a", 9],
        ["a", 1],
      ]),
    ).toEqual({ a: { L: [S("a1"), S("a3")] } });
  });

  it("Document: a whole-attribute path wins over a deeper one", () => {
    expect(projectPaths(item, [["a"], ["a", "c"]])).toEqual({ a: item.a });
    expect(projectPaths(item, [["a", "c"], ["a"]])).toEqual({ a: item.a });
  });

  it("Document: a name with a dot is one attribute, not a path", () => {
    const dotted: Item = { "a.b": S("hi"), a: { M: { b: S("yo"), c: S("jo") } } };
    expect(projectPaths(dotted, [["a", "b"]])).toEqual({ a: { M: { b: S("yo") } } });
    expect(projectPaths(dotted, [["a.b"]])).toEqual({ "a.b": S("hi") });
  });

  it("Document: projection keeps __proto__ as an own attribute", () => {
    const odd = JSON.parse('{"__proto__":{"M":{"x":{"N":"1"}}},"y":{"N":"2"}}') as Item;
    const projected = projectPaths(odd, [["__proto__", "x"]]);
    expect(Object.keys(projected)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(projected)).toBe(Object.prototype);
    expect(JSON.stringify(projected)).toBe('{"__proto__":{"M":{"x":{"N":"1"}}}}');
  });
});

describe("setPath", () => {
  it("Document: setPath adds or replaces attributes and map members without touching the input", () => {
    const before = structuredClone(item);
    const out = setPath(item, ["a", "c"], N(7));
    expect(out.a).toEqual({ M: { b: members(item.a).b, c: N(7) } });
    expect(members(setPath(item, ["a", "d"], N(3)).a).d).toEqual(N(3));
    expect(setPath(item, ["z"], S("new")).z).toEqual(S("new"));
    expect(item).toEqual(before);
    // Untouched subtrees are shared, not copied.
    expect(members(out.a).b).toBe(members(item.a).b);
    expect(out.b).toBe(item.b);
  });

  it("Document: setPath replaces a list element, or appends past the end", () => {
    const list: Item = { a: { L: [S("one"), S("two"), S("three")] } };
    expect(setPath(list, ["a", 1], S("hello"))).toEqual({ a: { L: [S("one"), S("hello"), S("three")] } });
    expect(setPath(list, ["a", 7], S("hello"))).toEqual({ a: { L: [S("one"), S("two"), S("three"), S("hello")] } });
    expect(elements(setPath(list, ["a", 3], S("x")).a)).toHaveLength(4);
    expect(setPath({ a: { L: [] } }, ["a", 0], N(1))).toEqual({ a: { L: [N(1)] } });
  });

  it("Document: setPath through lists and maps deep down", () => {
    const deep: Item = {
      a: { M: { b: N(3), c: { L: [S("hi"), { M: { x: { M: { y: { L: [N(3), N(5), N(7)] } } } } }] } } },
    };
    expect(getPath(setPath(deep, ["a", "c", 1, "x", "y", 1], N(9)), ["a", "c", 1, "x", "y"])).toEqual({
      L: [N(3), N(9), N(7)],
    });
  });

  it("Document: setPath below a missing or mistyped parent is the invalid-path error", () => {
    const base: Item = { a: S("hello"), b: { L: [S("hi")] }, m: { M: {} } };
    for (const path of [
      ["a", "c"],
      ["b", "c"],
      ["c", "c"],
      ["a", 0],
      ["c", 0],
      ["m", 0],
      ["m", "x", "y"],
      ["b", 5, "x"],
      ["b", 1, "x"],
    ]) {
      expect(validationMessage(() => setPath(base, path, N(7)))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    }
    expect(INVALID_UPDATE_PATH_MESSAGE).toBe(
      "The document path provided in the update expression is invalid for update",
    );
  });

  it("Document: setPath writes __proto__ as an own member", () => {
    const out = setPath({ m: { M: {} } }, ["m", "__proto__"], N(1));
    expect(Object.keys(members(out.m))).toEqual(["__proto__"]);
    expect(getPath(out, ["m", "__proto__"])).toEqual(N(1));
    const top = setPath({}, ["__proto__"], N(2));
    expect(Object.getPrototypeOf(top)).toBe(Object.prototype);
    expect(getPath(top, ["__proto__"])).toEqual(N(2));
  });
});

describe("removePath", () => {
  it("Document: removePath drops attributes and map members", () => {
    expect(removePath({ a: S("x"), b: S("y") }, ["a"])).toEqual({ b: S("y") });
    expect(removePath({ a: { M: { b: N(1) } } }, ["a", "b"])).toEqual({ a: { M: {} } });
  });

  it("Document: REMOVE of list elements shifts the rest", () => {
    expect(removePath({ a: { L: [N(1), N(2), N(3)] } }, ["a", 1])).toEqual({ a: { L: [N(1), N(3)] } });
    expect(removePath({ a: { L: [N(1)] } }, ["a", 0])).toEqual({ a: { L: [] } });
  });

  it("Document: removing something missing returns the item itself", () => {
    const base: Item = { a: { L: [N(4), N(5), N(6)] }, m: { M: { x: N(1) } } };
    expect(removePath(base, ["zz"])).toBe(base);
    expect(removePath(base, ["a", 17])).toBe(base);
    expect(removePath(base, ["m", "y"])).toBe(base);
  });

  it("Document: removePath below a missing or mistyped parent is the invalid-path error", () => {
    const base: Item = { a: S("hello"), b: { L: [S("hi")] } };
    for (const path of [
      ["a", "c"],
      ["b", "c"],
      ["c", "c"],
      ["a", 0],
      ["c", 0],
      ["b", 3, "x"],
    ]) {
      expect(validationMessage(() => removePath(base, path))).toBe(INVALID_UPDATE_PATH_MESSAGE);
    }
  });

  it("Document: removePath does not modify its input", () => {
    const base: Item = { a: { M: { b: { L: [N(1), N(2)] }, c: N(3) } } };
    const before = structuredClone(base);
    const out = removePath(base, ["a", "b", 0]);
    expect(out).toEqual({ a: { M: { b: { L: [N(2)] }, c: N(3) } } });
    expect(base).toEqual(before);
  });
});

describe("parentIsValid", () => {
  it("Document: parentIsValid checks every step before the last", () => {
    const base: Item = { a: { M: {} }, l: { L: [] }, s: S("x") };
    expect(parentIsValid(base, ["anything"])).toBe(true);
    expect(parentIsValid(base, ["a", "x"])).toBe(true);
    expect(parentIsValid(base, ["l", 3])).toBe(true);
    expect(parentIsValid(base, ["a", 0])).toBe(false);
    expect(parentIsValid(base, ["l", "x"])).toBe(false);
    expect(parentIsValid(base, ["s", "x"])).toBe(false);
    expect(parentIsValid(base, ["missing", "x"])).toBe(false);
  });
});
