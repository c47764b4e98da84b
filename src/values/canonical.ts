// The fast path of item validation: most requests carry items already in the form
// validation would produce (one known type per value, numbers canonical, sets non-empty and
// without duplicates). For those, validation is the identity, so one allocation-free walk
// that also totals the item's size replaces the two copying passes of ./validate.ts, the
// largest part of a PutItem after its JSON.parse. Anything unusual (unknown or
// extra members, nulls, non-canonical numbers, string booleans, empty sets, deep nesting,
// empty names) returns undefined, and the full path then reports DynamoDB's exact error in
// its order of priority. A property test holds both paths to the same answers.
import { isValidBase64 } from "./base64.js";
import { canonicalNumberSize } from "./number.js";
import { base64ByteLength, MAX_ATTRIBUTE_NAME_BYTES, utf8Length } from "./size.js";

/** DynamoDB accepts documents nested up to 32 levels; a top-level value is level 1. */
export const MAX_NESTING_LEVELS = 32;

/**
 * The size of `item` (as itemSize counts it) when validating it would return it unchanged;
 * undefined when it needs the full path. `emptyNames`: top-level names may be "" (the
 * placeholders of ExpressionAttributeValues are checked elsewhere).
 */
export function canonicalItemSize(item: unknown, emptyNames = false): number | undefined {
  if (!isPlainObject(item)) return undefined;
  let size = 0;
  for (const name of Object.keys(item)) {
    if (name === "" && !emptyNames) return undefined;
    const value = valueSize(item[name], 1);
    if (value === undefined) return undefined;
    const nameBytes = utf8Length(name);
    if (nameBytes > MAX_ATTRIBUTE_NAME_BYTES) return undefined; // the full path refuses it
    size += nameBytes + value;
  }
  return size;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Size of one canonical AttributeValue at nesting `level`, or undefined. */
function valueSize(v: unknown, level: number): number | undefined {
  if (level > MAX_NESTING_LEVELS || !isPlainObject(v)) return undefined;
  let type: string | undefined;
  for (const key in v) {
    if (type !== undefined || !Object.hasOwn(v, key)) return undefined;
    type = key;
  }
  const member = type === undefined ? undefined : v[type];
  switch (type) {
    case "S":
      return typeof member === "string" ? utf8Length(member) : undefined;
    case "N":
      return typeof member === "string" ? canonicalNumberSize(member) : undefined;
    case "B":
      return typeof member === "string" && isValidBase64(member) ? base64ByteLength(member) : undefined;
    case "BOOL":
      return typeof member === "boolean" ? 1 : undefined;
    case "NULL":
      return member === true ? 1 : undefined;
    case "SS":
      return setSize(member, (s) => utf8Length(s));
    case "NS":
      return setSize(member, canonicalNumberSize);
    case "BS":
      return setSize(member, (s) => (isValidBase64(s) ? base64ByteLength(s) : undefined));
    case "L": {
      if (!Array.isArray(member)) return undefined;
      let size = 3;
      for (const element of member as unknown[]) {
        const inner = valueSize(element, level + 1);
        if (inner === undefined) return undefined;
        size += 1 + inner;
      }
      return size;
    }
    case "M": {
      if (!isPlainObject(member)) return undefined;
      let size = 3;
      for (const name of Object.keys(member)) {
        const inner = valueSize(member[name], level + 1);
        if (inner === undefined) return undefined;
        size += 1 + utf8Length(name) + inner;
      }
      return size;
    }
    default:
      return undefined;
  }
}

/** Total of `sizeOf` over a non-empty array of distinct strings, or undefined. */
function setSize(member: unknown, sizeOf: (s: string) => number | undefined): number | undefined {
  if (!Array.isArray(member) || member.length === 0) return undefined;
  let size = 0;
  for (const s of member as unknown[]) {
    if (typeof s !== "string") return undefined;
    const one = sizeOf(s);
    if (one === undefined) return undefined;
    size += one;
  }
  // Canonical numbers and base64 are equal exactly when their strings are.
  return new Set(member).size === member.length ? size : undefined;
}
