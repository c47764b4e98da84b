// Order-preserving byte encodings of key attribute values.
//
// Keys are stored as SQLite BLOBs, which compare with memcmp: unsigned bytes, and a
// proper prefix sorts first. Each encoding below makes that order equal DynamoDB's key
// order for its type (Developer Guide, Query "KeyConditionExpression"/sort order):
// - S: by UTF-8 bytes, so plain UTF-8 is already ordered. (JavaScript's `<` compares
//   UTF-16 code units instead, which misorders astral characters against U+E000..U+FFFF.)
// - B: by unsigned bytes, so the raw bytes are already ordered.
// - N: numerically, which needs the encoding described at `encodeNumber`.
import type { ScalarType } from "../types.js";
import { base64ToBytes, bytesToBase64 } from "../values/base64.js";
import { formatNumber, parseNumber, type NumberParts } from "../values/number.js";

const utf8Encoder = new TextEncoder();
// Fatal so that bytes which are not UTF-8 (never produced by encodeKey) fail loudly, and
// ignoreBOM so that a key beginning with U+FEFF keeps it instead of losing it as a BOM.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes a wire value (S string, N string, B base64) for BLOB comparison. */
export function encodeKey(type: ScalarType, value: string): Uint8Array {
  switch (type) {
    case "S":
      return value.length <= SHORT_STRING ? encodeShortString(value) : utf8Encoder.encode(value);
    case "B":
      return base64ToBytes(value);
    case "N":
      return encodeNumber(parseNumber(value));
  }
}

/** Strings up to this length are copied byte by byte when ASCII (most keys are short). */
const SHORT_STRING = 64;

/** A short string's UTF-8: copied in a loop when it is ASCII, which costs less than the encoder's call. */
function encodeShortString(value: string): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return utf8Encoder.encode(value);
    out[i] = c;
  }
  return out;
}

/** Inverse of `encodeKey`: the wire value, with N in canonical form. */
export function decodeKey(type: ScalarType, bytes: Uint8Array): string {
  switch (type) {
    case "S":
      return utf8Decoder.decode(bytes);
    case "B":
      return bytesToBase64(bytes);
    case "N":
      return formatNumber(decodeNumber(bytes));
  }
}

// Number layout: [class] [exponent] [digit pairs...] [terminator, negatives only]
//
// class     NEGATIVE < ZERO < POSITIVE, so sign decides first. Zero is the class byte alone.
// exponent  The exponent of the leading digit, -130..125, biased by 130 into one byte
//           (0..255). The leading digit is never 0, so a larger exponent means a larger
//           magnitude whatever the digits.
// digits    The significant digits (no leading or trailing zeros) two per byte as
//           10 * first + second, 0..99; an odd count is padded with a 0 digit. With equal
//           exponents, byte order is digit order, and when one digit string is a prefix
//           of the other the shorter is the smaller magnitude: the longer must carry a
//           non-zero digit further on, and the shorter sorts first as a prefix.
// Negatives reverse magnitude order: the exponent byte becomes 255 - biased, each digit
// byte becomes 100 - pair (1..100), and a 0xff terminator is appended. The terminator
// is larger than any digit byte, so where a positive encoding would end as a prefix
// (smaller magnitude), the negative one compares greater (closer to zero).
const NEGATIVE = 0x01;
const ZERO = 0x02;
const POSITIVE = 0x03;
const EXPONENT_BIAS = 130;
const NEGATIVE_TERMINATOR = 0xff;

function encodeNumber(parts: NumberParts): Uint8Array {
  const { negative, digits, exponent } = parts;
  if (digits === "") return Uint8Array.of(ZERO);
  const pairCount = Math.ceil(digits.length / 2);
  const out = new Uint8Array(2 + pairCount + (negative ? 1 : 0));
  const biased = exponent + EXPONENT_BIAS;
  out[0] = negative ? NEGATIVE : POSITIVE;
  out[1] = negative ? 0xff - biased : biased;
  for (let i = 0; i < pairCount; i++) {
    const pair = digitAt(digits, 2 * i) * 10 + digitAt(digits, 2 * i + 1);
    out[2 + i] = negative ? 100 - pair : pair;
  }
  if (negative) out[out.length - 1] = NEGATIVE_TERMINATOR;
  return out;
}

function digitAt(digits: string, index: number): number {
  return index < digits.length ? digits.charCodeAt(index) - 48 : 0;
}

function decodeNumber(bytes: Uint8Array): NumberParts {
  const kind = bytes[0];
  if (kind === ZERO && bytes.length === 1) return { negative: false, digits: "", exponent: 0 };
  const negative = kind === NEGATIVE;
  if ((!negative && kind !== POSITIVE) || bytes.length < 3) throw new TypeError("Not an encoded number key");
  const biased = bytes[1] ?? 0;
  const end = negative ? bytes.length - 1 : bytes.length;
  let digits = "";
  for (let i = 2; i < end; i++) {
    const byte = bytes[i] ?? 0;
    const pair = negative ? 100 - byte : byte;
    digits += pair < 10 ? `0${pair}` : String(pair);
  }
  return {
    negative,
    // Only an odd digit count leaves a padding zero at the end.
    digits: digits.replace(/0$/, ""),
    exponent: (negative ? 0xff - biased : biased) - EXPONENT_BIAS,
  };
}
