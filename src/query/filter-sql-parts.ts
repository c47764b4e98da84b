// Building blocks of src/query/filter-sql.ts: SQL fragments with their bound parameters,
// exact numeric order of canonical number text, size() of a stored value, and byte
// prefixes of base64. Each piece says why it is exact; filter-sql.ts says where it is used.
import type { Comparator } from "../expr/ast.js";
import type { SqlValue } from "../storage/sql.js";
import type { AttributeValue } from "../types.js";
import { base64ToBytes, bytesToBase64 } from "../values/base64.js";
import { roundToInteger } from "../values/number.js";

/** SQL text and the values of its `?` placeholders, in text order. */
export class Frag {
  constructor(
    readonly sql: string,
    readonly params: readonly SqlValue[],
  ) {}
}

/** SQL text as it is, without parameters. Only for text fixed by the code, never data. */
export const raw = (sql: string): Frag => new Frag(sql, []);

/**
 * SQL from a template: an interpolated Frag is spliced in with its parameters, any other
 * value becomes a `?` bound to it. Fragments carry their own parameters, so composing
 * them can never put parameters out of order.
 */
export function q(strings: TemplateStringsArray, ...parts: (Frag | SqlValue)[]): Frag {
  let sql = strings[0] ?? "";
  const params: SqlValue[] = [];
  parts.forEach((part, i) => {
    if (part instanceof Frag) {
      sql += part.sql;
      params.push(...part.params);
    } else {
      sql += "?";
      params.push(part);
    }
    sql += strings[i + 1] ?? "";
  });
  return new Frag(sql, params);
}

export type Ordering = Exclude<Comparator, "=" | "<>">;

/** A comparison that is NULL when its value is missing, made 0/1. */
export const total = (frag: Frag): Frag => q`coalesce(${frag}, 0)`;

/**
 * 0/1: `x op c` in numeric order, where `x` is a canonical number's text or NULL (missing,
 * then 0) and `c` a canonical number. REAL would round (38 digits), so this orders the
 * text exactly: canonical text has no exponent, no leading zeros (but "0.x"), no trailing
 * fractional zeros and no "-0". Non-negative numbers then order by the length of their
 * integer part, then by their text: digit for digit, and where one text is a prefix of the
 * other ("12" and "12.5") the shorter is smaller, as its missing fraction is smaller.
 * Negative numbers ("-" then the same) order the other way round; any negative is below
 * any non-negative. `instr(x || '.', '.')` is the integer part's length (plus 1, plus 1
 * more for "-", alike within a sign).
 */
export function compareNumberText(op: Ordering, x: Frag, c: string): Frag {
  const negative = c.startsWith("-");
  const intLength = `${c}.`.indexOf(".") + 1;
  const xNegative = q`(substr(${x}, 1, 1) = '-')`;
  const xLength = q`instr(${x} || '.', '.')`;
  const sameLength = (textOp: string) => q`(${xLength} = ${intLength} AND ${x} ${raw(textOp)} ${c})`;
  const less = negative
    ? q`(${xNegative} AND (${xLength} > ${intLength} OR ${sameLength(">")}))`
    : q`(${xNegative} OR ${xLength} < ${intLength} OR ${sameLength("<")})`;
  const greater = negative
    ? q`(NOT ${xNegative} OR ${xLength} < ${intLength} OR ${sameLength("<")})`
    : q`(NOT ${xNegative} AND (${xLength} > ${intLength} OR ${sameLength(">")}))`;
  const equal = q`(${x} = ${c})`;
  switch (op) {
    case "<":
      return total(less);
    case "<=":
      return total(q`(${less} OR ${equal})`);
    case ">":
      return total(greater);
    case ">=":
      return total(q`(${greater} OR ${equal})`);
  }
}

/** The 4-byte UTF-8 lead bytes (astral characters: two UTF-16 code units each). */
const ASTRAL_LEADS = ["F0", "F1", "F2", "F3", "F4"];
/** A byte that never occurs in UTF-8 (nor in SQLite's WTF-8 for lone surrogates). */
const SENTINEL = "CAST(X'FF' AS TEXT)";

/**
 * UTF-16 length of the text `v` (JavaScript's `length`, DynamoDB's size of an S):
 * - characters: instr() to a sentinel byte appended, because instr() counts every
 *   character, NUL included, where length() stops at the first NUL; lone surrogates are
 *   one 3-byte sequence, one character, one code unit;
 * - plus one per astral character: replace() works on bytes, so removing the lead bytes
 *   F0..F4 shortens the text by the number of 4-byte sequences.
 */
function utf16Length(v: string): string {
  const stripped = ASTRAL_LEADS.reduce((text, lead) => `replace(${text}, CAST(X'${lead}' AS TEXT), '')`, v);
  return `(instr(${v} || ${SENTINEL}, ${SENTINEL}) - 1 + octet_length(${v}) - octet_length(${stripped}))`;
}

/**
 * size() of the value whose wrapper is at `path`, or NULL when it has none (missing, N,
 * BOOL, NULL), as sizeOf in evaluate.ts: S in UTF-16 code units; B in bytes, from the
 * canonical base64's length and padding; sets and L their element count; M its member count.
 */
export function sizeAt(path: string): Frag {
  return q`(SELECT CASE
      WHEN w.key = 'S' THEN ${raw(utf16Length("w.value"))}
      WHEN w.key = 'B' THEN length(w.value) / 4 * 3 - (length(w.value) - length(rtrim(w.value, '=')))
      WHEN w.key IN ('SS', 'NS', 'BS', 'L') THEN json_array_length(w.value)
      WHEN w.key = 'M' THEN (SELECT count(*) FROM json_each(w.value))
    END FROM json_each(doc, ${path}) AS w)`;
}

/** Sizes are far below this; a bound beyond it is as good as infinite. */
const SIZE_CAP = 2n ** 53n;

/** `n` clamped to [-1, 2^53] as a JS number: the same comparisons with any size. */
const clamp = (n: bigint): number => Number(n < -1n ? -1n : n > SIZE_CAP ? SIZE_CAP : n);

/**
 * 0/1: `size op lit`. A size is a whole number (or NULL: false, and `<>` true), so against
 * a non-integer N it compares as against the integer on the right side of it: s < n iff
 * s < ceil(n), s <= n iff s <= floor(n), and s = n never. Non-N literals: `=` is false,
 * `<>` true and ordering false (the size is an N, of another type).
 */
export function compareSize(op: Comparator, size: Frag, lit: AttributeValue): Frag {
  if (!("N" in lit)) return raw(op === "<>" ? "1" : "0");
  const floor = roundToInteger(lit.N, "floor");
  const ceil = roundToInteger(lit.N, "ceil");
  const equal = floor === ceil ? total(q`${size} = ${clamp(floor)}`) : raw("0");
  switch (op) {
    case "=":
      return equal;
    case "<>":
      return q`(NOT ${equal})`;
    case "<":
      return total(q`${size} < ${clamp(ceil)}`);
    case "<=":
      return total(q`${size} <= ${clamp(floor)}`);
    case ">":
      return total(q`${size} > ${clamp(floor)}`);
    case ">=":
      return total(q`${size} >= ${clamp(ceil)}`);
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * A GLOB matching exactly the canonical base64 of the byte strings that begin with the
 * bytes of `prefix` (valid base64). Base64 encodes each 3 bytes as 4 characters on their
 * own, so whole groups of the prefix are a text prefix. A last partial group of 1 byte
 * fixes the next character and the top 2 bits of the one after (16 choices); of 2 bytes,
 * the next two characters and the top 4 bits of the third (4 choices). The choices are
 * alphabet characters, never "=", so the item has the bytes the partial group needs.
 * Base64 has none of GLOB's special characters (* ? [ ] ^ -).
 */
export function base64PrefixGlob(prefix: string): string {
  const bytes = base64ToBytes(prefix);
  const rest = bytes.length % 3;
  const whole = bytesToBase64(bytes.subarray(0, bytes.length - rest));
  if (rest === 0) return `${whole}*`;
  const tail = bytesToBase64(bytes.subarray(bytes.length - rest));
  const partial = ALPHABET.indexOf(tail.charAt(rest));
  const choices = ALPHABET.slice(partial, partial + (rest === 1 ? 16 : 4));
  return `${whole}${tail.slice(0, rest)}[${choices}]*`;
}
