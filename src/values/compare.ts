// Equality and order of AttributeValues as DynamoDB's expressions see them.
//
// - `=`, `<>`, IN and contains() use equality: same type and same value. Numbers compare
//   numerically, binaries by their bytes, sets as sets (member order is irrelevant), lists
//   element by element and maps key by key, recursively (ScyllaDB Alternator's
//   test_condition_expression.py, verified against DynamoDB: test_update_condition_eq_set,
//   and its issues #5021/#8514 for sets nested in lists and maps).
// - `<`, `<=`, `>`, `>=` and BETWEEN only order N with N, S with S and B with B (Developer
//   Guide, "Comparison operator and function reference"). S orders by UTF-8 bytes and B by
//   unsigned bytes (Alternator's test_condition_expression_unsigned_bytes, issue #6573), the
//   same orders as sort keys (src/keys/encode.ts). Any other pair is not comparable and the
//   comparison is simply false: that is the evaluator's business, `compareScalars` only
//   reports it.
import type { AttributeValue } from "../types.js";
import { base64ToBytes } from "./base64.js";
import { compareNumbers, normalizeNumber } from "./number.js";

/** The ten type names of AttributeValues, as attribute_type() spells them. */
export type AttributeTypeName = "S" | "N" | "B" | "SS" | "NS" | "BS" | "M" | "L" | "NULL" | "BOOL";

export const ATTRIBUTE_TYPE_NAMES: readonly AttributeTypeName[] = [
  "S",
  "N",
  "B",
  "SS",
  "NS",
  "BS",
  "M",
  "L",
  "NULL",
  "BOOL",
];

/** The type of a (validated) AttributeValue. */
export function attributeType(value: AttributeValue): AttributeTypeName {
  if ("S" in value) return "S";
  if ("N" in value) return "N";
  if ("B" in value) return "B";
  if ("SS" in value) return "SS";
  if ("NS" in value) return "NS";
  if ("BS" in value) return "BS";
  if ("M" in value) return "M";
  if ("L" in value) return "L";
  if ("NULL" in value) return "NULL";
  return "BOOL";
}

/**
 * Order of two strings by their UTF-8 bytes, which is Unicode code point order: -1, 0 or 1.
 *
 * JavaScript's `<` compares UTF-16 code units instead, and puts astral characters
 * (surrogate pairs, 0xD800-0xDFFF) before U+E000..U+FFFF although their code points are
 * larger. At the first differing code unit, moving the surrogate range above 0xFFFF and
 * U+E000..U+FFFF down by 0x800 restores code point order without encoding anything.
 */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    x = fixUpSurrogates(x);
    y = fixUpSurrogates(y);
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function fixUpSurrogates(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Unsigned byte order of two base64-encoded binaries: -1, 0 or 1. */
export function compareBinaries(a: string, b: string): number {
  if (a === b) return 0;
  return compareBytes(base64ToBytes(a), base64ToBytes(b));
}

/**
 * Order of two values for `<`, `<=`, `>`, `>=` and BETWEEN: -1, 0 or 1, or undefined when
 * they cannot be ordered (different types, or a type other than N, S and B).
 */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ("N" in a && "N" in b) return Math.sign(compareNumbers(a.N, b.N));
  if ("S" in a && "S" in b) return compareStrings(a.S, b.S);
  if ("B" in a && "B" in b) return compareBinaries(a.B, b.B);
  return undefined;
}

/** Whether two numbers (strings of DynamoDB numbers) are numerically equal. */
export function numbersEqual(a: string, b: string): boolean {
  return a === b || compareNumbers(a, b) === 0;
}

/** Whether two base64-encoded binaries hold the same bytes. */
export function binariesEqual(a: string, b: string): boolean {
  return a === b || compareBinaries(a, b) === 0;
}

/**
 * The identity of a set member: numbers in canonical form (so "1.0" and "1" are one
 * member); strings and binaries as they are (accepted base64 is canonical, see
 * isValidBase64, so equal bytes mean equal strings).
 */
export function setMemberKey(type: "SS" | "NS" | "BS", member: string): string {
  return type === "NS" ? normalizeNumber(member) : member;
}

/** Whether `member` (an S, N or B value) is in the set `set` of the matching set type. */
export function setContains(set: AttributeValue, member: AttributeValue): boolean {
  if ("SS" in set && "S" in member) return set.SS.includes(member.S);
  if ("NS" in set && "N" in member) return set.NS.some((n) => numbersEqual(n, member.N));
  if ("BS" in set && "B" in member) return set.BS.some((b) => binariesEqual(b, member.B));
  return false;
}

function setsEqual(type: "SS" | "NS" | "BS", a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  // Stored sets hold no duplicates, so equal sizes and inclusion mean equality.
  const members = new Set(a.map((m) => setMemberKey(type, m)));
  return b.every((m) => members.has(setMemberKey(type, m)));
}

/** DynamoDB equality of two values (`=`, IN, contains() on lists): same type, same value. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if ("S" in a) return "S" in b && a.S === b.S;
  if ("N" in a) return "N" in b && numbersEqual(a.N, b.N);
  if ("B" in a) return "B" in b && binariesEqual(a.B, b.B);
  if ("BOOL" in a) return "BOOL" in b && a.BOOL === b.BOOL;
  if ("NULL" in a) return "NULL" in b;
  if ("SS" in a) return "SS" in b && setsEqual("SS", a.SS, b.SS);
  if ("NS" in a) return "NS" in b && setsEqual("NS", a.NS, b.NS);
  if ("BS" in a) return "BS" in b && setsEqual("BS", a.BS, b.BS);
  if ("L" in a) {
    if (!("L" in b) || a.L.length !== b.L.length) return false;
    return a.L.every((element, i) => {
      const other = b.L[i];
      return other !== undefined && valuesEqual(element, other);
    });
  }
  if (!("M" in b)) return false;
  const keys = Object.keys(a.M);
  if (keys.length !== Object.keys(b.M).length) return false;
  return keys.every((key) => {
    const x = a.M[key];
    const y = Object.hasOwn(b.M, key) ? b.M[key] : undefined;
    return x !== undefined && y !== undefined && valuesEqual(x, y);
  });
}

/** Unsigned lexicographic comparison, shorter prefix first (SQLite's BLOB order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
