// DynamoDB numbers: parsing, validation, canonical form, arithmetic and storage size.
//
// DynamoDB stores N values as exact decimals: up to 38 significant digits, positive
// magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125, the same for
// negatives, and zero (Developer Guide, "Supported data types and naming rules").
// Values travel as strings and come back canonical: no exponent, no leading zeros, no
// trailing fractional zeros, no "+" and no negative zero ("1.50" -> "1.5", "1e2" -> "100",
// "-0" -> "0").
import { DynamoError, validation } from "../errors.js";

// The service's wording (dynalite's tests against DynamoDB, user reports): the text is
// appended unless empty. (DynamoDB Local says "A value provided cannot be converted into
// a number" instead.)
export const invalidNumberMessage = (text: string): string =>
  text === ""
    ? "The parameter cannot be converted to a numeric value"
    : `The parameter cannot be converted to a numeric value: ${text}`;
export const TOO_MANY_DIGITS_MESSAGE = "Attempting to store more than 38 significant digits in a Number";
export const OVERFLOW_MESSAGE =
  "Number overflow. Attempting to store a number with magnitude larger than supported range";
export const UNDERFLOW_MESSAGE =
  "Number underflow. Attempting to store a number with magnitude smaller than supported range";

const MAX_SIGNIFICANT_DIGITS = 38;
/** Exponent of the leading digit (scientific notation) of the largest magnitude, 9.99..E+125. */
const MAX_EXPONENT = 125;
/** Exponent of the leading digit of the smallest non-zero magnitude, 1E-130. */
const MIN_EXPONENT = -130;

/**
 * The accepted syntax: optional sign, digits with an optional point, optional exponent.
 * Real DynamoDB accepts a leading "+" ("+5" reads back as "5") and rejects surrounding
 * whitespace, hexadecimal, "Infinity", "NaN", a bare "." and the empty string. ".5" and
 * "5." are accepted as Java's BigDecimal accepts them (not confirmed against DynamoDB).
 */
const NUMBER_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A number as sign, significant digits and the exponent of the first digit:
 * value = (negative ? -1 : 1) * d0.d1d2... * 10^exponent. `digits` has no leading or
 * trailing zeros. Zero is represented by an empty `digits` string.
 */
export interface NumberParts {
  negative: boolean;
  digits: string;
  exponent: number;
}

/** Validates a number string as DynamoDB does and returns its canonical plain form. */
export function normalizeNumber(text: string): string {
  // Most numbers arrive canonical already ("0", "42", "-1.5"); they are their own answer.
  if (canonicalShape(text) !== undefined) return text;
  return formatNumber(parseNumber(text));
}

/** Where the digits of a canonical number text lie (see canonicalShape). */
interface CanonicalShape {
  negative: boolean;
  /** Index of the first digit (after any "-"). */
  start: number;
  /** Index of the ".", or the text's length when there is none. */
  point: number;
}

/**
 * The layout of `text` if it is already canonical plain notation with at most 38 digit
 * characters (so within DynamoDB's range and precision), else undefined: an optional
 * "-", then "0" or digits not starting with 0, then optionally "." and digits not ending
 * with 0; never "-0". A scan of char codes, no allocation: this is the hot path of every
 * number in every item written, and of its size.
 */
function canonicalShape(text: string): CanonicalShape | undefined {
  const length = text.length;
  const negative = length > 0 && text.charCodeAt(0) === 45; // "-"
  const start = negative ? 1 : 0;
  if (length === start || length - start > MAX_SIGNIFICANT_DIGITS + 1) return undefined;
  let point = length;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue; // a digit
    if (c !== 46 || point !== length) return undefined; // anything but digits and one "."
    point = i;
  }
  const intDigits = point - start;
  const fraction = point < length;
  if (intDigits === 0) return undefined; // ".5"
  if (intDigits > 1 && text.charCodeAt(start) === 48) return undefined; // "05"
  if (fraction && (point === length - 1 || text.charCodeAt(length - 1) === 48)) return undefined; // "5." "1.50"
  if (!fraction && negative && intDigits === 1 && text.charCodeAt(start) === 48) return undefined; // "-0"
  if (length - start - (fraction ? 1 : 0) > MAX_SIGNIFICANT_DIGITS) return undefined;
  return { negative, start, point };
}

/**
 * Parses and validates a number string into its parts, with DynamoDB's errors. Range is
 * checked before digit count (dynalite's order): a 39-digit number beyond the range reports overflow.
 */
export function parseNumber(text: string): NumberParts {
  const match = NUMBER_SYNTAX.exec(text);
  if (!match) throw validation(invalidNumberMessage(text));
  const [, sign = "", intPart = "", fracPart = "", expPart] = match;
  if (intPart === "" && fracPart === "") throw validation(invalidNumberMessage(text));

  const allDigits = intPart + fracPart;
  const firstNonZero = allDigits.search(/[1-9]/);
  if (firstNonZero === -1) return { negative: false, digits: "", exponent: 0 };

  // Trailing zeros are not significant: DynamoDB trims leading and trailing zeros before
  // counting digits (Developer Guide, "Item sizes"), so 1E+100 has one significant digit.
  const digits = allDigits.slice(firstNonZero).replace(/0+$/, "");
  // The exponent text may be arbitrarily long ("1e999999999999999999999"): up to 15
  // characters it is exact as a double; longer ones are combined as a BigInt and clamped.
  const shift = intPart.length - firstNonZero - 1;
  const exponent =
    expPart === undefined || expPart.length <= 15
      ? Number(expPart ?? "0") + shift
      : Number(clampBig(BigInt(expPart) + BigInt(shift)));
  if (exponent > MAX_EXPONENT) throw validation(OVERFLOW_MESSAGE);
  if (exponent < MIN_EXPONENT) throw validation(UNDERFLOW_MESSAGE);
  if (digits.length > MAX_SIGNIFICANT_DIGITS) throw validation(TOO_MANY_DIGITS_MESSAGE);
  return { negative: sign === "-", digits, exponent };
}

/** Narrows a huge exponent to just beyond the supported range, keeping its side. */
function clampBig(exponent: bigint): bigint {
  if (exponent > BigInt(MAX_EXPONENT)) return BigInt(MAX_EXPONENT + 1);
  if (exponent < BigInt(MIN_EXPONENT)) return BigInt(MIN_EXPONENT - 1);
  return exponent;
}

/** Canonical plain (never exponent) notation of valid parts. */
export function formatNumber(parts: NumberParts): string {
  const { negative, digits, exponent } = parts;
  if (digits === "") return "0";
  let body: string;
  if (exponent >= digits.length - 1) {
    body = digits + "0".repeat(exponent - digits.length + 1);
  } else if (exponent >= 0) {
    body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    body = `0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${body}` : body;
}

/**
 * A valid number as an exact integer times a power of ten: value = coefficient * 10^scale.
 * Arithmetic must be exact so that a result needing more than 38 digits is reported rather
 * than silently rounded; BigInt holds any sum of two valid numbers (under 300 digits).
 */
interface ScaledNumber {
  coefficient: bigint;
  scale: number;
}

function toScaled(text: string): ScaledNumber {
  const { negative, digits, exponent } = parseNumber(normalizeNumber(text));
  if (digits === "") return { coefficient: 0n, scale: 0 };
  const coefficient = BigInt(digits);
  return { coefficient: negative ? -coefficient : coefficient, scale: exponent - digits.length + 1 };
}

/** The two coefficients brought to the smaller scale of the two. */
function aligned(a: ScaledNumber, b: ScaledNumber): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale);
  return [a.coefficient * 10n ** BigInt(a.scale - scale), b.coefficient * 10n ** BigInt(b.scale - scale), scale];
}

/** Numeric order of two DynamoDB numbers: -1, 0 or 1. */
export function compareNumbers(a: string, b: string): number {
  const [x, y] = aligned(toScaled(a), toScaled(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Exact sum, validated like a stored value: DynamoDB rejects an ADD or SET a + b whose
 * result leaves the supported range or needs more than 38 significant digits.
 */
export function addNumbers(a: string, b: string): string {
  if (smallInteger(a) && smallInteger(b)) return String(Number(a) + Number(b));
  const [x, y, scale] = aligned(toScaled(a), toScaled(b));
  return fromScaled(x + y, scale);
}

/** Exact difference, validated like `addNumbers`. */
export function subtractNumbers(a: string, b: string): string {
  if (smallInteger(a) && smallInteger(b)) return String(Number(a) - Number(b));
  const [x, y, scale] = aligned(toScaled(a), toScaled(b));
  return fromScaled(x - y, scale);
}

/**
 * The canonical text of coefficient * 10^scale, with DynamoDB's range checks. A result
 * that needs more than 38 digits is reported by DynamoDB as an overflow, not as the
 * precision error a stored value gets (Alternator's test_number.py, run against AWS:
 * 1e50 + 1).
 */
function fromScaled(coefficient: bigint, scale: number): string {
  if (coefficient === 0n) return "0";
  try {
    return normalizeNumber(`${coefficient}E${scale}`);
  } catch (err) {
    if (err instanceof DynamoError && err.message === TOO_MANY_DIGITS_MESSAGE) throw validation(OVERFLOW_MESSAGE);
    throw err;
  }
}

/** The integer nearest `text` on the side `direction` says (floor or ceiling). */
export function roundToInteger(text: string, direction: "floor" | "ceil"): bigint {
  const { coefficient, scale } = toScaled(text);
  if (scale >= 0) return coefficient * 10n ** BigInt(scale);
  const divisor = 10n ** BigInt(-scale);
  const quotient = coefficient / divisor; // truncated towards zero
  if (quotient * divisor === coefficient) return quotient;
  if (direction === "floor") return coefficient < 0n ? quotient - 1n : quotient;
  return coefficient > 0n ? quotient + 1n : quotient;
}

/**
 * Whether `text` is a canonical integer below 10^15 in magnitude: the sum or difference of
 * two such is below 2^53, so exact as a double, and String() of it is canonical (counters,
 * the common case of ADD and SET a + b, skip decimal arithmetic).
 */
function smallInteger(text: string): boolean {
  const length = text.length;
  const start = length > 0 && text.charCodeAt(0) === 45 ? 1 : 0;
  if (length === start || length - start > 15) return false;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  // No leading zero (but "0" itself), and no "-0": canonical.
  return text.charCodeAt(start) !== 48 || (length === 1 && start === 0);
}

/**
 * Bytes DynamoDB counts for an N value (not including the attribute name).
 *
 * The guide only says "approximately 1 byte per two significant digits, plus 1 byte".
 * The exact rule below is the one Zac Charles measured against DynamoDB (blog post
 * "Calculating a DynamoDB item's size and consumed capacity" and his calculator,
 * github.com/zaccharles/dynamodb-calculator), and it matches a base-100 layout:
 * - zero is 1 byte;
 * - otherwise 1 byte of exponent plus one byte per base-100 digit, where digits are
 *   paired from the decimal point outwards (so 1.5 is "01|50": 2 pairs, while 15 is one)
 *   and all-zero pairs at either end are dropped;
 * - negative numbers take 1 more byte (a terminator), up to a cap of 21 bytes in total.
 * dynalite uses a rougher formula (ceil(digits / 2) + 1 or 2 by exponent parity, no sign
 * byte), which disagrees with these measurements for e.g. "1" and negatives.
 */
export function numberSize(normalized: string): number {
  const shape = canonicalShape(normalized);
  if (shape === undefined) {
    const { negative, digits, exponent } = parseNumber(normalized);
    if (digits === "") return 1;
    return sizeOfDigits(negative, exponent, exponent - digits.length + 1);
  }
  return canonicalSize(normalized, shape);
}

/**
 * numberSize of `text` if it is already canonical (normalizeNumber would return it
 * unchanged), else undefined: one scan for both.
 */
export function canonicalNumberSize(text: string): number | undefined {
  const shape = canonicalShape(text);
  return shape === undefined ? undefined : canonicalSize(text, shape);
}

function canonicalSize(normalized: string, shape: CanonicalShape): number {
  // The powers of ten of the first and last non-zero digits, read off the text.
  const { negative, start, point } = shape;
  const end = normalized.length;
  let highest: number | undefined;
  let lowest = 0;
  for (let i = start; i < end; i++) {
    if (i === point || normalized.charCodeAt(i) === 48) continue;
    const power = i < point ? point - i - 1 : point - i;
    highest ??= power;
    lowest = power;
  }
  return highest === undefined ? 1 : sizeOfDigits(negative, highest, lowest);
}

/** Size of a non-zero number whose significant digits span powers `lowestPower`..`exponent`. */
function sizeOfDigits(negative: boolean, exponent: number, lowestPower: number): number {
  // Digit i sits at 10^(exponent - i); its pair is floor(power / 2).
  const pairs = Math.floor(exponent / 2) - Math.floor(lowestPower / 2) + 1;
  return Math.min(1 + pairs + (negative ? 1 : 0), 21);
}
