// Item and key sizes as DynamoDB counts them.
//
// Source: DynamoDB Developer Guide, "DynamoDB item sizes and formats"
// (docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
// - an item is the sum of its attribute names (UTF-8 bytes) and values;
// - S: UTF-8 bytes; B: raw (decoded) bytes, not base64 characters;
// - N: about 1 byte per two significant digits plus 1 (exact rule in numberSize, ./number);
// - BOOL and NULL: 1 byte;
// - L and M: 3 bytes of overhead whatever the content, plus 1 byte per element, plus the
//   elements' sizes (for M each element also counts its name's UTF-8 bytes);
// - sets (not spelled out by the guide): the sum of their members, as dynalite's
//   db/index.js valSize counts them (no per-member or container overhead).
// dynalite's db/index.js counts L and M the same way (3 + per element 1 + size; M adds its
// keys), which its tests pinned against DynamoDB's 400 KB limit. It counts S in UTF-16
// code units, which is wrong for non-ASCII text; the guide's UTF-8 rule is used here.
//
// Limits (Developer Guide, "Constraints"; messages from dynalite's db/index.js and moto's
// dynamodb/exceptions.py, both checked against DynamoDB): item 400 KB (409,600 bytes),
// partition key value 2,048 bytes, sort key value 1,024 bytes.

import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { numberSize } from "./number.js";

export const MAX_ITEM_SIZE = 400 * 1024;
/** The longest attribute name DynamoDB accepts, in UTF-8 bytes, wherever a name is given. */
export const MAX_ATTRIBUTE_NAME_BYTES = 65535;
export const MAX_HASH_KEY_SIZE = 2048;
export const MAX_RANGE_KEY_SIZE = 1024;

export const ITEM_TOO_LARGE_MESSAGE = "Item size has exceeded the maximum allowed size";
// Sic: no space in "of2048".
export const HASH_KEY_TOO_LARGE_MESSAGE =
  "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes";
export const RANGE_KEY_TOO_LARGE_MESSAGE =
  "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes";

const NON_ASCII = /[\u0080-\uffff]/;

/** UTF-8 length of a JS string, without encoding it. Lone surrogates count as U+FFFD (3). */
export function utf8Length(s: string): number {
  // ASCII is one byte a character; the regular expression scans a long string several
  // times faster than the loop below (every item's size is counted on every write).
  if (s.length >= 16 && !NON_ASCII.test(s)) return s.length;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

/** Decoded length of valid padded base64, from its length alone. */
export function base64ByteLength(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor(((b64.length - padding) * 6) / 8);
}

/** Bytes DynamoDB counts for a (validated, normalised) value, without any attribute name. */
export function attributeValueSize(v: AttributeValue): number {
  if ("S" in v) return utf8Length(v.S);
  if ("N" in v) return numberSize(v.N);
  if ("B" in v) return base64ByteLength(v.B);
  if ("BOOL" in v || "NULL" in v) return 1;
  if ("SS" in v) return v.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if ("NS" in v) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if ("BS" in v) return v.BS.reduce((sum, b) => sum + base64ByteLength(b), 0);
  if ("L" in v) return v.L.reduce((sum, e) => sum + 1 + attributeValueSize(e), 3);
  if ("M" in v) {
    let size = 3;
    for (const [name, e] of Object.entries(v.M)) size += 1 + utf8Length(name) + attributeValueSize(e);
    return size;
  }
  return 0;
}

/** Size of an item: each attribute's name (UTF-8 bytes) plus its value. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Length(name) + attributeValueSize(value);
  return size;
}

/**
 * The size of `next`, an update of `previous` (whose size is `previousSize`) that changed
 * only the top-level attributes `changed`: by difference, without walking the attributes
 * the update left alone (a counter on a large item costs the counter, not the item).
 */
export function sizeAfterUpdate(previous: Item, previousSize: number, next: Item, changed: readonly string[]): number {
  let size = previousSize;
  for (const name of changed) {
    const before = Object.hasOwn(previous, name) ? previous[name] : undefined;
    const after = Object.hasOwn(next, name) ? next[name] : undefined;
    if (before) size -= utf8Length(name) + attributeValueSize(before);
    if (after) size += utf8Length(name) + attributeValueSize(after);
  }
  return size;
}

/** Throws DynamoDB's ValidationException for an item over 400 KB; returns the item's size. */
export function checkItemSize(item: Item): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_MESSAGE);
  return size;
}

/** Bytes of a key attribute's value (no name): S in UTF-8, B decoded, N as stored. */
export function keySize(v: AttributeValue): number {
  if ("S" in v) return utf8Length(v.S);
  if ("B" in v) return base64ByteLength(v.B);
  if ("N" in v) return numberSize(v.N);
  return attributeValueSize(v);
}

/**
 * Throws if one key value is over its limit: 2,048 bytes for a partition (hash) key,
 * 1,024 bytes for a sort (range) key. A number (at most 21 bytes) can never be.
 */
export function checkKeySize(v: AttributeValue, isHash: boolean): void {
  const size = keySize(v);
  if (isHash && size > MAX_HASH_KEY_SIZE) throw validation(HASH_KEY_TOO_LARGE_MESSAGE);
  if (!isHash && size > MAX_RANGE_KEY_SIZE) throw validation(RANGE_KEY_TOO_LARGE_MESSAGE);
}

/** Checks the partition key value, then the sort key value if given. */
export function checkKeySizes(hash: AttributeValue, range?: AttributeValue): void {
  checkKeySize(hash, true);
  if (range !== undefined) checkKeySize(range, false);
}
