// Extracting and validating a table's primary key from an item (PutItem) or a key map
// (GetItem/DeleteItem), then encoding it for storage.
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { validateKeyValues } from "../values/validate.js";
import { encodeKey } from "./encode.js";
import { storedPartitionKey } from "./partition.js";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../schema/table-def.js";

export interface EncodedKey {
  /** Stored partition key: hash prefix + encoding (./partition.ts). */
  pk: Uint8Array;
  sk: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Key attributes of a full item, with DynamoDB's PutItem messages ("Missing the key ..."). */
export function keyOfItem(def: TableDef, item: Item): EncodedKey {
  return encodedKey(def, item, "item");
}

/** A Key parameter: exactly the table's key attributes, of the right types. */
export function keyOfKeyMap(def: TableDef, key: Item): EncodedKey {
  return encodedKey(def, key, "key");
}

function encodedKey(def: TableDef, values: Item, where: "item" | "key"): EncodedKey {
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  validateKeyValues(values, hash, range, where);
  return {
    pk: storedPartitionKeyOf(hash, values[hash.name]),
    sk: range ? encodePart(range, values[range.name]) : EMPTY,
  };
}

/**
 * Stored partition keys of recent requests, by type and scalar. An object sees the same
 * partition keys again and again (an item collection's items, a hot key), and encoding one
 * with its MD5 prefix is a tenth of a point read's work. The arrays are shared: nothing
 * writes into a key's bytes. Cleared whole when full, as a refill costs what a miss does.
 */
const STORED_KEYS = new Map<string, Uint8Array>();
const STORED_KEYS_MAX = 4096;
/** Longer scalars are not kept: 4,096 of them stay well under a megabyte. */
const STORED_KEY_MAX_CHARS = 128;

function storedPartitionKeyOf(attr: KeyAttribute, value: AttributeValue | undefined): Uint8Array {
  const scalar = (value as Record<string, string>)[attr.type] ?? "";
  if (scalar.length > STORED_KEY_MAX_CHARS) return storedPartitionKey(encodeKey(attr.type, scalar));
  const id = attr.type + scalar; // the type is one letter: no two (type, scalar) pairs share an id
  let pk = STORED_KEYS.get(id);
  if (pk === undefined) {
    if (STORED_KEYS.size >= STORED_KEYS_MAX) STORED_KEYS.clear();
    pk = storedPartitionKey(encodeKey(attr.type, scalar));
    STORED_KEYS.set(id, pk);
  }
  return pk;
}

/** Projects the key attributes out of an item, in wire shape. */
export function keyAttributesOf(def: TableDef, item: Item): Item {
  const out: Item = {};
  for (const element of def.keySchema) {
    const value = item[element.AttributeName];
    if (value) out[element.AttributeName] = value;
  }
  return out;
}

/** The scalar of a key value already checked by validateKeyValues. */
function encodePart(attr: KeyAttribute, value: AttributeValue | undefined): Uint8Array {
  const scalar = (value as Record<string, string>)[attr.type] ?? "";
  return encodeKey(attr.type, scalar);
}
