// FilterExpressions (and conditions generally) translated to SQL over the stored item
// document, where the translation is exact: `translateFilter` returns a SQL boolean over
// the `doc` column of `items` that is 1 exactly when evaluateCondition (src/expr/evaluate.ts,
// DynamoDB's semantics) is true for the item and 0 otherwise (never NULL), or undefined
// when no exact translation is known and the condition must be evaluated in TypeScript.
// test/query/filter-sql.test.ts runs generated filters both ways over a generated corpus.
//
// What SQL sees. `doc` is the item as wire JSON written by JSON.stringify: every value is a
// one-member object {"T": v} whose key is its type, so `$.a.S` exists exactly when `a` is
// an S, and then json_extract gives its text. Stored values are canonical (validation):
// N in normalizeNumber form, so equal numbers are equal strings; B in canonical base64
// (isValidBase64), so equal bytes are equal strings. SQLite gives JSON strings back as
// UTF-8 TEXT, where JSON.stringify's escaped lone surrogates become 3-byte "WTF-8"
// sequences (ED A0..BF xx), and workerd binds JS strings the same way; TEXT comparison
// is memcmp (BINARY collation), lengths included, so NUL characters compare correctly.
// S values only meet functions that work on byte lengths (instr, replace, octet_length,
// substr of a BLOB): length() and substr() of TEXT stop at the first NUL, and LIKE/GLOB
// read surrogates, U+FFFE and U+FFFF as U+FFFD. Those serve only for base64 (ASCII).
//
// Every translated condition is a 0/1 expression, so AND, OR and NOT compose exactly; a
// condition with any refused part is refused whole (src/query/push-down.ts sends the
// exact conjuncts of a top-level AND to SQL and evaluates the rest in TypeScript).
import type { Comparator, DocPath, ResolvedCondition, ResolvedOperand } from "../expr/ast.js";
import { evaluateCondition, isAttributeTypeName } from "../expr/evaluate.js";
import type { SqlValue } from "../storage/sql.js";
import type { AttributeValue } from "../types.js";
import { isValidBase64 } from "../values/base64.js";
import { normalizeNumber } from "../values/number.js";
import { utf8Length } from "../values/size.js";
import {
  base64PrefixGlob,
  compareNumberText,
  compareSize,
  Frag,
  q,
  raw,
  sizeAt,
  total,
  type Ordering,
} from "./filter-sql-parts.js";

export interface SqlFilter {
  sql: string;
  params: SqlValue[];
}

export function translateFilter(cond: ResolvedCondition): SqlFilter | undefined {
  const frag = condition(cond);
  return frag && { sql: frag.sql, params: [...frag.params] };
}

const TRUE = raw("1");
const FALSE = raw("0");
const DOC = raw("doc");

/**
 * Characters a path name may not have: `$."name"` has no escapes, so `"` and `\` cannot be
 * written; JSON.stringify escapes C0 controls and lone surrogates in the stored keys, and
 * matching escaped keys is left alone. Everything else (dots, brackets, spaces, non-ASCII,
 * astral characters) is quoted verbatim and matched byte for byte.
 */
// eslint-disable-next-line no-control-regex -- C0 controls are exactly what is meant.
const UNQUOTABLE = /["\\\u0000-\u001f]|\p{Cs}/u;

/** JSON path of the {"T": v} wrapper at `path`: `$."a".M."b".L[2]`; undefined if unwritable. */
export function jsonPath(path: DocPath): string | undefined {
  if (typeof path[0] !== "string") return undefined;
  let out = "$";
  for (const step of path) {
    if (typeof step === "number") {
      // A missing index is simply NULL (json_extract of L[n] past the end), as in getPath.
      if (!Number.isSafeInteger(step) || step < 0) return undefined;
      out += `.L[${step}]`;
    } else {
      if (UNQUOTABLE.test(step)) return undefined;
      out += `${out === "$" ? "" : ".M"}."${step}"`;
    }
  }
  return out;
}

/** What a condition tests: the value at a path, or size() of it. */
interface Subject {
  size: boolean;
  path: string;
}

function subjectOf(operand: ResolvedOperand): Subject | undefined {
  if (operand.kind === "path") {
    const path = jsonPath(operand.path);
    return path === undefined ? undefined : { size: false, path };
  }
  const [arg] = operand.kind === "call" && operand.name === "size" && operand.args.length === 1 ? operand.args : [];
  if (arg?.kind !== "path") return undefined;
  const path = jsonPath(arg.path);
  return path === undefined ? undefined : { size: true, path };
}

/** A literal operand with N in canonical form; undefined for non-literals and invalid N/B. */
function literalOf(operand: ResolvedOperand): AttributeValue | undefined {
  if (operand.kind !== "literal") return undefined;
  const value = operand.value;
  if ("N" in value) {
    try {
      return { N: normalizeNumber(value.N) };
    } catch {
      return undefined;
    }
  }
  if ("B" in value && !isValidBase64(value.B)) return undefined;
  return value;
}

/** Lone surrogates: their WTF-8 bytes do not line up with JS code units (see the callers). */
const hasLoneSurrogate = (s: string): boolean => /\p{Cs}/u.test(s);

/**
 * 0/1: the value whose wrapper is at `path` in the JSON `source` equals the literal.
 * - S: memcmp of the WTF-8 of both sides; WTF-8 is one-to-one on JS strings, so this is
 *   string equality (lone surrogates included).
 * - N, B: canonical text on both sides, so string equality is numeric / byte equality.
 * - BOOL, NULL: the JSON type of the wrapper's member.
 * - SS/NS/BS/L/M: refused (sets are unordered, and nested values would need deep equality).
 */
function equalsAt(source: Frag, path: string, lit: AttributeValue): Frag | undefined {
  if ("S" in lit) return q`(json_extract(${source}, ${`${path}.S`}) IS ${lit.S})`;
  if ("N" in lit) return q`(json_extract(${source}, ${`${path}.N`}) IS ${lit.N})`;
  if ("B" in lit) return q`(json_extract(${source}, ${`${path}.B`}) IS ${lit.B})`;
  if ("BOOL" in lit) return q`(json_type(${source}, ${`${path}.BOOL`}) IS ${lit.BOOL ? "true" : "false"})`;
  if ("NULL" in lit) return q`(json_type(${source}, ${`${path}.NULL`}) IS NOT NULL)`;
  return undefined;
}

/**
 * S literals that order exactly: U+0000..U+D7FF only. memcmp of UTF-8 is code point order,
 * which is compareStrings' order for well-formed text, and at the first differing position
 * any item unit >= U+D800 (surrogate, paired or lone, or U+E000..) sorts above such a
 * character both ways. With a literal character >= U+E000 an item's lone surrogate at that
 * position would sort below it in SQLite (ED A0.. < EE..) but above it in compareStrings.
 */
const ORDERABLE_TEXT = /^[^\ud800-\uffff]*$/;

/** 0/1: `subject op lit` for `<`, `<=`, `>`, `>=`. */
function ordered(op: Ordering, subject: Subject, lit: AttributeValue): Frag | undefined {
  if (subject.size) return compareSize(op, sizeAt(subject.path), lit);
  if ("S" in lit) {
    if (!ORDERABLE_TEXT.test(lit.S)) return undefined;
    return total(q`json_extract(doc, ${`${subject.path}.S`}) ${raw(op)} ${lit.S}`);
  }
  if ("N" in lit) return compareNumberText(op, q`json_extract(doc, ${`${subject.path}.N`})`, lit.N);
  // Base64 text does not sort like the bytes it encodes (and "+" < "/" < digits < letters).
  if ("B" in lit) return undefined;
  // No other type is ordered: compareScalars is undefined, the comparison false.
  return FALSE;
}

function equals(subject: Subject, lit: AttributeValue): Frag | undefined {
  return subject.size ? compareSize("=", sizeAt(subject.path), lit) : equalsAt(DOC, subject.path, lit);
}

const FLIP: Record<Comparator, Comparator> = { "=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/** A comparison between a subject and a literal, in either order; path vs path is refused. */
function compare(op: Comparator, left: ResolvedOperand, right: ResolvedOperand): Frag | undefined {
  const leftSubject = subjectOf(left);
  const [subject, lit, effective] = leftSubject
    ? [leftSubject, literalOf(right), op]
    : [subjectOf(right), literalOf(left), FLIP[op]];
  if (!subject || !lit) return undefined;
  if (effective === "=") return equals(subject, lit);
  // `<>` is true for a missing value or another type: NOT of a 0/1 equality.
  if (effective === "<>") return not(equals(subject, lit));
  return ordered(effective, subject, lit);
}

/** BETWEEN with literal bounds: both comparisons; bounds of different types never match. */
function between(cond: Extract<ResolvedCondition, { kind: "between" }>): Frag | undefined {
  const subject = subjectOf(cond.operand);
  const low = literalOf(cond.low);
  const high = literalOf(cond.high);
  if (!subject || !low || !high) return undefined;
  if (!subject.size && Object.keys(low)[0] !== Object.keys(high)[0]) return FALSE;
  return and(ordered(">=", subject, low), ordered("<=", subject, high));
}

/** IN: OR of equalities, exact when each is. */
function inList(cond: Extract<ResolvedCondition, { kind: "in" }>): Frag | undefined {
  let out: Frag | undefined = FALSE;
  for (const item of cond.list) out = or(out, compare("=", cond.operand, item));
  return out;
}

function fn(name: string, args: ResolvedOperand[]): Frag | undefined {
  const [first, second] = args;
  if (first?.kind !== "path") return undefined;
  const path = jsonPath(first.path);
  if (path === undefined) return undefined;
  if (name === "attribute_exists" || name === "attribute_not_exists") {
    if (args.length !== 1) return undefined;
    return q`(json_type(doc, ${path}) ${raw(name === "attribute_exists" ? "IS NOT NULL" : "IS NULL")})`;
  }
  const lit = args.length === 2 && second ? literalOf(second) : undefined;
  if (!lit) return undefined;
  switch (name) {
    case "attribute_type":
      // The wrapper's key is the type; an unknown type name is an error: left to TypeScript.
      if (!("S" in lit) || !isAttributeTypeName(lit.S)) return undefined;
      return q`(json_type(doc, ${`${path}.${lit.S}`}) IS NOT NULL)`;
    case "begins_with":
      return beginsWith(path, lit);
    case "contains":
      return contains(path, lit);
    default:
      return undefined;
  }
}

function beginsWith(path: string, lit: AttributeValue): Frag | undefined {
  if ("S" in lit) {
    // A well-formed prefix's UTF-8 bytes are a prefix of an item's WTF-8 bytes exactly
    // when its code units are a prefix (the byte prefix ends on a character boundary). A
    // prefix ending in a lone high surrogate would miss the item's paired one: refused.
    if (hasLoneSurrogate(lit.S)) return undefined;
    // substr() of an empty blob is NULL, not an empty blob: "" is every string's prefix.
    if (lit.S === "") return q`(json_type(doc, ${`${path}.S`}) IS NOT NULL)`;
    const item = q`CAST(json_extract(doc, ${`${path}.S`}) AS BLOB)`;
    return total(q`substr(${item}, 1, ${utf8Length(lit.S)}) = CAST(${lit.S} AS BLOB)`);
  }
  // A byte prefix of B as a GLOB over the canonical base64 (see base64PrefixGlob).
  if ("B" in lit) return total(q`json_extract(doc, ${`${path}.B`}) GLOB ${base64PrefixGlob(lit.B)}`);
  return FALSE;
}

/**
 * contains(path, lit), whichever type the item has at `path`:
 * - S item, S literal: substring. instr() compares bytes at character starts; a
 *   well-formed needle starts with a lead byte, so a byte match is a code unit match (lone
 *   surrogates in the needle are refused, like begins_with).
 * - SS/NS item: membership, string equality of canonical members.
 * - L item: some element equals the literal, for the literals equalsAt handles.
 * - B item, B literal: a byte substring is not a base64 substring: refused.
 * - sets or documents as the literal: only an L could hold them, with deep equality: refused.
 */
function contains(path: string, lit: AttributeValue): Frag | undefined {
  const element = equalsAt(raw("e.value"), "$", lit);
  if (!element || "B" in lit) return undefined;
  let out = q`EXISTS (SELECT 1 FROM json_each(doc, ${`${path}.L`}) AS e WHERE ${element})`;
  if ("S" in lit) {
    if (hasLoneSurrogate(lit.S)) return undefined;
    const inText = total(q`instr(json_extract(doc, ${`${path}.S`}), ${lit.S}) > 0`);
    const inSet = q`EXISTS (SELECT 1 FROM json_each(doc, ${`${path}.SS`}) AS e WHERE e.value = ${lit.S})`;
    out = q`(${inText} OR ${inSet} OR ${out})`;
  } else if ("N" in lit) {
    out = q`(EXISTS (SELECT 1 FROM json_each(doc, ${`${path}.NS`}) AS e WHERE e.value = ${lit.N}) OR ${out})`;
  }
  return out;
}

function not(inner: Frag | undefined): Frag | undefined {
  return inner && q`(NOT ${inner})`;
}

function and(left: Frag | undefined, right: Frag | undefined): Frag | undefined {
  return left && right && q`(${left} AND ${right})`;
}

function or(left: Frag | undefined, right: Frag | undefined): Frag | undefined {
  return left && right && q`(${left} OR ${right})`;
}

function hasPath(cond: ResolvedCondition): boolean {
  const operand = (op: ResolvedOperand): boolean =>
    op.kind === "path" ||
    (op.kind === "call" && op.args.some(operand)) ||
    (op.kind === "arithmetic" && (operand(op.left) || operand(op.right)));
  switch (cond.kind) {
    case "compare":
      return operand(cond.left) || operand(cond.right);
    case "between":
      return [cond.operand, cond.low, cond.high].some(operand);
    case "in":
      return [cond.operand, ...cond.list].some(operand);
    case "and":
    case "or":
      return hasPath(cond.left) || hasPath(cond.right);
    case "not":
      return hasPath(cond.operand);
    case "function":
      return cond.args.some(operand);
  }
}

/** AND, OR and NOT of 0/1 children are 0/1 and exact; a refused child refuses the whole. */
function condition(cond: ResolvedCondition): Frag | undefined {
  // Nothing read from the item: the value is a constant, unless evaluation throws (a
  // static error the TypeScript evaluation must report).
  if (!hasPath(cond)) {
    try {
      return evaluateCondition(cond, undefined) ? TRUE : FALSE;
    } catch {
      return undefined;
    }
  }
  switch (cond.kind) {
    case "compare":
      return compare(cond.op, cond.left, cond.right);
    case "between":
      return between(cond);
    case "in":
      return inList(cond);
    case "and":
      return and(condition(cond.left), condition(cond.right));
    case "or":
      return or(condition(cond.left), condition(cond.right));
    case "not":
      return not(condition(cond.operand));
    case "function":
      return fn(cond.name, cond.args);
  }
}
