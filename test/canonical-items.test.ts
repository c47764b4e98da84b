// The canonical fast path of item validation (src/values/canonical.ts) must never accept
// what the full path would change or reject, and must size items as itemSize does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalItemSize } from "../src/values/canonical";
import { itemSize } from "../src/values/size";
import { validateItem, validateItemFully, validateSizedItem } from "../src/values/validate";
import { DynamoError } from "../src/errors";
import type { Item } from "../src/types";

/** Outcome of a validation: the result or the error's type and message. */
function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (err) {
    if (err instanceof DynamoError) return { type: err.type, message: err.message };
    throw err;
  }
}

const text = fc.constantFrom("", "a", "b", "é", "😀", "__proto__", "x y");
const numberText = fc.constantFrom(
  "0",
  "1",
  "-1",
  "1.5",
  "1.50",
  "-0",
  "007",
  "1e2",
  ".5",
  "5.",
  "abc",
  "",
  "9".repeat(39),
);
const base64 = fc.constantFrom("", "AAAA", "AQ==", "AR==", "abc", "AAA=", "////");

/** AttributeValue-like JSON, mostly well-formed, sometimes not. */
const value: fc.Memo<unknown> = fc.memo((depth) =>
  fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ S: text }),
    fc.record({ N: numberText }),
    fc.record({ B: base64 }),
    fc.record({ BOOL: fc.constantFrom(true, false, "true", "FALSE", 1) }),
    fc.record({ NULL: fc.constantFrom(true, false, null) }),
    fc.record({ SS: fc.array(fc.oneof(text, fc.constant(null)), { maxLength: 3 }) }),
    fc.record({ NS: fc.array(numberText, { maxLength: 3 }) }),
    fc.record({ BS: fc.array(base64, { maxLength: 3 }) }),
    fc.record({ L: fc.array(depth > 0 ? value(depth - 1) : fc.constant({ S: "leaf" }), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(text, depth > 0 ? value(depth - 1) : fc.constant({ N: "1" }), { maxKeys: 3 }) }),
    fc.constantFrom(null, {}, { S: "a", N: "1" }, { S: null }, { X: "1" }, [], "S", { L: {} }, { M: [] }),
  ),
);
const item = fc.dictionary(text, value(3), { maxKeys: 4 });

describe("canonical item fast path", () => {
  it("Item validation: the fast path accepts only items the full path returns unchanged, with itemSize's size", () => {
    fc.assert(
      fc.property(item, (candidate) => {
        const size = canonicalItemSize(candidate);
        if (size !== undefined) {
          expect(validateItemFully(candidate)).toEqual(candidate);
          expect(size).toBe(itemSize(candidate as never));
        }
        // Whichever path runs, the answer (value or error) is the full path's.
        expect(outcome(() => validateItem(candidate))).toEqual(outcome(() => validateItemFully(candidate)));
        expect(outcome(() => validateSizedItem(candidate).item)).toEqual(outcome(() => validateItemFully(candidate)));
      }),
      { numRuns: 4000 },
    );
  });

  it("Item validation: a typical canonical item takes the fast path and keeps its size", () => {
    const typical: Item = {
      pk: { S: "p1" },
      n: { N: "-12.5" },
      tags: { SS: ["a", "b"] },
      nums: { NS: ["1", "2.5"] },
      blob: { B: "AQ==" },
      doc: { M: { list: { L: [{ BOOL: true }, { NULL: true }] }, "": { S: "" } } },
    };
    expect(canonicalItemSize(typical)).toBe(itemSize(typical));
    expect(validateSizedItem(typical)).toEqual({ item: typical, size: itemSize(typical) });
  });

  it("Item validation: unusual but valid items go the full path and come back normalised", () => {
    const unusual = { n: { N: "1.50" }, b: { BOOL: "TRUE" }, ns: { NS: ["01", "2"] } };
    expect(canonicalItemSize(unusual)).toBeUndefined();
    expect(validateItem(unusual)).toEqual({ n: { N: "1.5" }, b: { BOOL: true }, ns: { NS: ["1", "2"] } });
    // An empty top-level name is refused (by the full path, with DynamoDB's message).
    expect(canonicalItemSize({ "": { S: "x" } })).toBeUndefined();
    expect(canonicalItemSize({ "": { S: "x" } }, true)).toBe(1);
  });

  it("Item validation: nesting beyond 32 levels is left to the full path", () => {
    let deep: unknown = { S: "x" };
    for (let i = 0; i < 32; i++) deep = { L: [deep] };
    expect(canonicalItemSize({ a: deep })).toBeUndefined();
    expect(outcome(() => validateItem({ a: deep }))).toEqual(outcome(() => validateItemFully({ a: deep })));
  });
});
