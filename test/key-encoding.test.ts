import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeKey, encodeKey } from "../src/keys/encode";
import { base64ToBytes, bytesToBase64, isValidBase64 } from "../src/values/base64";
import { compareNumbers, normalizeNumber } from "../src/values/number";
import { compareBytes } from "../src/values/compare";

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Significant digits of a valid number: a non-zero lead and up to 37 more. */
const digitString = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 37 }))
  .map(([lead, rest]) => `${lead}${rest}`);

/** Exponents over the whole range, with the edges and a narrow band over-represented so
 * that equal exponents (where digits decide the order) come up often. */
const exponent = fc.oneof(
  fc.integer({ min: -130, max: 125 }),
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(-130, -129, 124, 125),
);

const toNumber = (negative: boolean, digits: string, exp: number): string =>
  `${negative ? "-" : ""}${digits[0]}${digits.length > 1 ? "." : ""}${digits.slice(1)}E${exp}`;

/** Any valid DynamoDB number, including zero, written in scientific notation. */
const dynamoNumber = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(fc.boolean(), digitString, exponent).map((t) => toNumber(...t)) },
  { weight: 1, arbitrary: fc.constantFrom("0", "-0", "0.000") },
);

/** Pairs that share sign and exponent and whose digits share a prefix: the hard cases. */
const closeNumbers = fc
  .tuple(fc.boolean(), digitString, fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 6 }), exponent)
  .map(([negative, digits, suffix, exp]): [string, string] => {
    const longer = `${digits}${suffix}`.slice(0, 38);
    return [toNumber(negative, digits, exp), toNumber(negative, longer, exp)];
  });

/** Code points of all planes, without lone surrogates (not representable in UTF-8). */
const codePoint = fc.oneof(
  fc.integer({ min: 0, max: 0xd7ff }),
  fc.integer({ min: 0xe000, max: 0x10ffff }),
  fc.constantFrom(0, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff, 0xfeff),
);
const unicodeString = fc.array(codePoint, { maxLength: 12 }).map((cps) => String.fromCodePoint(...cps));

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
  }
  return sign(x.length - y.length);
}

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("compareBytes", () => {
  it("Key: compares bytes unsigned with the shorter prefix first", () => {
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBe(-1);
    expect(compareBytes(Uint8Array.of(0xff), Uint8Array.of(0x00, 0x00))).toBe(1);
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(-1);
    expect(compareBytes(Uint8Array.of(), Uint8Array.of())).toBe(0);
    expect(compareBytes(Uint8Array.of(5, 6), Uint8Array.of(5, 6))).toBe(0);
  });
});

describe("N keys", () => {
  it("Key: numbers in ascending order encode in ascending byte order", () => {
    const ascending = [
      "-9.9999999999999999999999999999999999999E+125",
      "-1E+125",
      "-100",
      "-10.5",
      "-10.05",
      "-10",
      "-9.99",
      "-1.05",
      "-1",
      "-0.1",
      "-1E-130",
      "0",
      "1E-130",
      "1.5E-130",
      "0.1",
      "1",
      "1.05",
      "1.1",
      "9.99",
      "10",
      "10.05",
      "10.5",
      "100",
      "1E+125",
      "9.9999999999999999999999999999999999999E+125",
    ];
    for (let i = 1; i < ascending.length; i++) {
      const lower = encodeKey("N", ascending[i - 1] ?? "");
      const higher = encodeKey("N", ascending[i] ?? "");
      expect(compareBytes(lower, higher), `${ascending[i - 1]} < ${ascending[i]}`).toBe(-1);
    }
  });

  it("Key: equal numbers in different spellings encode identically", () => {
    expect(encodeKey("N", "1.50")).toEqual(encodeKey("N", "15e-1"));
    expect(encodeKey("N", "-0")).toEqual(encodeKey("N", "0"));
    expect(encodeKey("N", "+100")).toEqual(encodeKey("N", "1E2"));
  });

  it("Key: number byte order equals numeric order", () => {
    fc.assert(
      fc.property(dynamoNumber, dynamoNumber, (a, b) => {
        expect(sign(compareBytes(encodeKey("N", a), encodeKey("N", b)))).toBe(compareNumbers(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("Key: number byte order equals numeric order for numbers sharing a digit prefix", () => {
    fc.assert(
      fc.property(closeNumbers, ([a, b]) => {
        expect(sign(compareBytes(encodeKey("N", a), encodeKey("N", b)))).toBe(compareNumbers(a, b));
        expect(sign(compareBytes(encodeKey("N", b), encodeKey("N", a)))).toBe(compareNumbers(b, a));
      }),
      { numRuns: 2000 },
    );
  });

  it("Key: decoding a number key gives the normalized number", () => {
    fc.assert(
      fc.property(dynamoNumber, (n) => {
        expect(decodeKey("N", encodeKey("N", n))).toBe(normalizeNumber(n));
      }),
      { numRuns: 2000 },
    );
    expect(decodeKey("N", encodeKey("N", "1.0E-3"))).toBe("0.001");
    expect(decodeKey("N", encodeKey("N", "-1001"))).toBe("-1001");
    expect(decodeKey("N", encodeKey("N", "0"))).toBe("0");
  });

  it("Key: number keys are at most 22 bytes", () => {
    expect(encodeKey("N", "-1.2345678901234567890123456789012345678E-130").length).toBe(22);
    expect(encodeKey("N", "0").length).toBe(1);
  });

  it("Key: invalid numbers are rejected with DynamoDB's message", () => {
    expect(() => encodeKey("N", "abc")).toThrow("The parameter cannot be converted to a numeric value: abc");
  });
});

describe("S keys", () => {
  it("Key: strings encode as UTF-8", () => {
    expect(Array.from(encodeKey("S", "aé€😀"))).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it("Key: a string of any length, ASCII or not, encodes as TextEncoder's UTF-8", () => {
    const encoder = new TextEncoder();
    const mixed = fc.string({
      unit: fc.oneof(fc.constantFrom(..."az09-_ \u0000\u007f"), fc.constantFrom("\u0080", "é", "€", "😀", "\uD800")),
      maxLength: 100,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), mixed), (s) => {
        expect(Array.from(encodeKey("S", s))).toEqual(Array.from(encoder.encode(s)));
      }),
      { numRuns: 2000 },
    );
  });

  it("Key: an astral character sorts after U+FFFF, unlike UTF-16 order", () => {
    const bmp = "\uFFFF";
    const astral = "\u{10000}";
    // JavaScript compares UTF-16 code units: 0xD800 (high surrogate) < 0xFFFF.
    expect(astral < bmp).toBe(true);
    // DynamoDB compares UTF-8 bytes: EF BF BF < F0 90 80 80.
    expect(compareBytes(encodeKey("S", bmp), encodeKey("S", astral))).toBe(-1);
    expect(compareBytes(encodeKey("S", "\uE000"), encodeKey("S", "\u{1F600}"))).toBe(-1);
  });

  it("Key: string byte order equals code point order", () => {
    fc.assert(
      fc.property(unicodeString, unicodeString, (a, b) => {
        expect(sign(compareBytes(encodeKey("S", a), encodeKey("S", b)))).toBe(compareCodePoints(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("Key: decoding a string key gives the string back, including a leading U+FEFF", () => {
    expect(decodeKey("S", encodeKey("S", "\uFEFFbom"))).toBe("\uFEFFbom");
    fc.assert(
      fc.property(unicodeString, (s) => {
        expect(decodeKey("S", encodeKey("S", s))).toBe(s);
      }),
    );
  });
});

describe("B keys", () => {
  it("Key: binary encodes as the decoded bytes", () => {
    expect(Array.from(encodeKey("B", "AP+A"))).toEqual([0x00, 0xff, 0x80]);
  });

  it("Key: binary byte order is unsigned byte order", () => {
    expect(compareBytes(encodeKey("B", bytesToBase64(Uint8Array.of(0x7f))), encodeKey("B", "gA=="))).toBe(-1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), (a, b) => {
        const order = sign(compareBytes(encodeKey("B", bytesToBase64(a)), encodeKey("B", bytesToBase64(b))));
        const hexA = toHex(a);
        const hexB = toHex(b);
        expect(order).toBe(hexA < hexB ? -1 : hexA > hexB ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it("Key: decoding a binary key gives the base64 back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const wire = bytesToBase64(bytes);
        expect(decodeKey("B", encodeKey("B", wire))).toBe(wire);
      }),
    );
  });
});

describe("base64", () => {
  it("Key: base64 matches RFC 4648 test vectors", () => {
    const vectors: Array<[string, string]> = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [text, encoded] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(bytesToBase64(bytes)).toBe(encoded);
      expect(base64ToBytes(encoded)).toEqual(bytes);
      expect(isValidBase64(encoded)).toBe(true);
    }
  });

  it("Key: base64 round-trips arbitrary bytes and agrees with btoa", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = bytesToBase64(bytes);
        expect(encoded).toBe(btoa(String.fromCharCode(...bytes)));
        expect(isValidBase64(encoded)).toBe(true);
        expect(base64ToBytes(encoded)).toEqual(bytes);
      }),
    );
  });

  it("Key: base64 validation rejects what DynamoDB's deserializer rejects", () => {
    for (const bad of [
      "Zg",
      "Zg=",
      "Zm9",
      "Zm9v=",
      "Zg==Zg==",
      "Z===",
      "====",
      "Zm 9",
      "Zm9-",
      "Zm9_",
      "Zh==",
      "Zm9=",
      "é123",
    ]) {
      expect(isValidBase64(bad), bad).toBe(false);
    }
  });
});
