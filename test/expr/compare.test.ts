import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttributeValue } from "../../src/types";
import { bytesToBase64 } from "../../src/values/base64";
import { attributeType, compareScalars, compareStrings, setContains, valuesEqual } from "../../src/values/compare";

const b64 = (...bytes: number[]): string => bytesToBase64(Uint8Array.from(bytes));

describe("valuesEqual", () => {
  it("Compare: scalars of the same type and value are equal", () => {
    expect(valuesEqual({ S: "a" }, { S: "a" })).toBe(true);
    expect(valuesEqual({ N: "1" }, { N: "1" })).toBe(true);
    expect(valuesEqual({ B: b64(1, 2) }, { B: b64(1, 2) })).toBe(true);
    expect(valuesEqual({ BOOL: true }, { BOOL: true })).toBe(true);
    expect(valuesEqual({ NULL: true }, { NULL: true })).toBe(true);
    expect(valuesEqual({ S: "" }, { S: "" })).toBe(true);
  });

  it("Compare: different values of one type are unequal", () => {
    expect(valuesEqual({ S: "a" }, { S: "b" })).toBe(false);
    expect(valuesEqual({ N: "1" }, { N: "2" })).toBe(false);
    expect(valuesEqual({ B: b64(1) }, { B: b64(2) })).toBe(false);
    expect(valuesEqual({ BOOL: true }, { BOOL: false })).toBe(false);
  });

  it("Compare: values of different types are never equal", () => {
    const values: AttributeValue[] = [
      { S: "1" },
      { N: "1" },
      { B: b64(49) },
      { BOOL: true },
      { NULL: true },
      { SS: ["1"] },
      { NS: ["1"] },
      { BS: [b64(49)] },
      { L: [{ N: "1" }] },
      { M: { a: { N: "1" } } },
    ];
    values.forEach((a, i) => values.forEach((b, j) => expect(valuesEqual(a, b)).toBe(i === j)));
  });

  it("Compare: numbers are equal numerically", () => {
    expect(valuesEqual({ N: "1.50" }, { N: "1.5" })).toBe(true);
    expect(valuesEqual({ N: "100" }, { N: "1E2" })).toBe(true);
    expect(valuesEqual({ N: "-0" }, { N: "0" })).toBe(true);
  });

  it("Compare: sets are equal as sets, whatever the member order", () => {
    expect(valuesEqual({ SS: ["dog", "cat", "mouse"] }, { SS: ["mouse", "dog", "cat"] })).toBe(true);
    expect(valuesEqual({ NS: ["1", "2.0"] }, { NS: ["2", "1"] })).toBe(true);
    expect(valuesEqual({ BS: [b64(1), b64(2)] }, { BS: [b64(2), b64(1)] })).toBe(true);
    expect(valuesEqual({ SS: ["a", "b"] }, { SS: ["a"] })).toBe(false);
    expect(valuesEqual({ SS: ["a", "b"] }, { SS: ["a", "c"] })).toBe(false);
  });

  it("Compare: lists are equal element by element, in order", () => {
    expect(valuesEqual({ L: [{ S: "a" }, { N: "1" }] }, { L: [{ S: "a" }, { N: "1.0" }] })).toBe(true);
    expect(valuesEqual({ L: [{ S: "a" }, { N: "1" }] }, { L: [{ N: "1" }, { S: "a" }] })).toBe(false);
    expect(valuesEqual({ L: [{ S: "a" }] }, { L: [{ S: "a" }, { S: "a" }] })).toBe(false);
    expect(valuesEqual({ L: [] }, { L: [] })).toBe(true);
  });

  it("Compare: maps are equal key by key, sets nested inside compared as sets", () => {
    expect(
      valuesEqual(
        { M: { a: { SS: ["x", "y"] }, b: { L: [{ NS: ["1", "2"] }] } } },
        { M: { b: { L: [{ NS: ["2", "1"] }] }, a: { SS: ["y", "x"] } } },
      ),
    ).toBe(true);
    expect(valuesEqual({ M: { a: { N: "1" } } }, { M: { a: { N: "1" }, b: { N: "1" } } })).toBe(false);
    expect(valuesEqual({ M: { a: { N: "1" } } }, { M: { b: { N: "1" } } })).toBe(false);
    expect(valuesEqual({ M: {} }, { M: {} })).toBe(true);
  });

  it("Compare: map keys named like Object.prototype members are ordinary keys", () => {
    const withProto = JSON.parse('{"M":{"__proto__":{"N":"1"}}}') as AttributeValue;
    expect(valuesEqual(withProto, { M: { constructor: { N: "1" } } })).toBe(false);
    expect(valuesEqual({ M: { toString: { N: "1" } } }, { M: { toString: { N: "1" } } })).toBe(true);
  });
});

describe("compareScalars", () => {
  it("Compare: numbers order numerically", () => {
    expect(compareScalars({ N: "2" }, { N: "10" })).toBe(-1);
    expect(compareScalars({ N: "-10" }, { N: "-2" })).toBe(-1);
    expect(compareScalars({ N: "1.5" }, { N: "1.50" })).toBe(0);
    expect(compareScalars({ N: "1E+125" }, { N: "-1E+125" })).toBe(1);
  });

  it("Compare: strings order by UTF-8 bytes, not UTF-16 code units", () => {
    expect(compareScalars({ S: "cat" }, { S: "dog" })).toBe(-1);
    expect(compareScalars({ S: "a" }, { S: "ab" })).toBe(-1);
    expect(compareScalars({ S: "B" }, { S: "a" })).toBe(-1);
    // U+1F600 (astral, F0 9F 98 80) sorts after U+FF5E (EF BD 9E) in UTF-8,
    // although JavaScript's < puts its surrogate pair (0xD83D...) first.
    expect("\u{1F600}" < "\uFF5E").toBe(true);
    expect(compareScalars({ S: "\u{1F600}" }, { S: "\uFF5E" })).toBe(1);
    expect(compareScalars({ S: "\uFF5E" }, { S: "\u{1F600}" })).toBe(-1);
    expect(compareScalars({ S: "\u{1F600}" }, { S: "\u{1F601}" })).toBe(-1);
  });

  it("Compare: binaries order as unsigned bytes", () => {
    expect(compareScalars({ B: b64(127) }, { B: b64(128) })).toBe(-1);
    expect(compareScalars({ B: b64(255) }, { B: b64(0, 0) })).toBe(1);
    expect(compareScalars({ B: b64(1) }, { B: b64(1, 0) })).toBe(-1);
    expect(compareScalars({ B: b64(9, 9) }, { B: b64(9, 9) })).toBe(0);
  });

  it("Compare: other types and mixed types are not comparable", () => {
    expect(compareScalars({ N: "1" }, { S: "1" })).toBeUndefined();
    expect(compareScalars({ S: "a" }, { B: b64(97) })).toBeUndefined();
    expect(compareScalars({ BOOL: false }, { BOOL: true })).toBeUndefined();
    expect(compareScalars({ L: [] }, { L: [] })).toBeUndefined();
    expect(compareScalars({ SS: ["a"] }, { SS: ["b"] })).toBeUndefined();
    expect(compareScalars({ NULL: true }, { NULL: true })).toBeUndefined();
  });

  it("Compare: string order equals the order of the UTF-8 encodings (property)", () => {
    const encoder = new TextEncoder();
    const bytesOrder = (a: string, b: string): number => {
      const x = encoder.encode(a);
      const y = encoder.encode(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
      }
      return Math.sign(x.length - y.length);
    };
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(compareStrings(a, b)).toBe(bytesOrder(a, b));
      }),
      { numRuns: 500 },
    );
  });
});

describe("helpers", () => {
  it("Compare: attributeType names each type", () => {
    expect(attributeType({ S: "" })).toBe("S");
    expect(attributeType({ NS: ["1"] })).toBe("NS");
    expect(attributeType({ NULL: true })).toBe("NULL");
    expect(attributeType({ BOOL: false })).toBe("BOOL");
    expect(attributeType({ M: {} })).toBe("M");
  });

  it("Compare: setContains needs the member type of the set", () => {
    expect(setContains({ SS: ["a", "b"] }, { S: "b" })).toBe(true);
    expect(setContains({ NS: ["1", "2"] }, { N: "2.0" })).toBe(true);
    expect(setContains({ BS: [b64(1)] }, { B: b64(1) })).toBe(true);
    expect(setContains({ NS: ["1"] }, { S: "1" })).toBe(false);
    expect(setContains({ SS: ["a"] }, { SS: ["a"] })).toBe(false);
  });
});
