// Extracting and validating a table's primary key from an item (PutItem) or a key map
// (GetItem/DeleteItem), then encoding it for storage.
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { validateKeyValues } from "../values/validate.js";
import { encodeKey } from "./encode.js";
import { storedPartitionKeyOf } from "./partition.js";
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
    pk: storedPartitionKeyOf(hash.type, scalarOf(hash, values[hash.name])),
    sk: range ? encodeKey(range.type, scalarOf(range, values[range.name])) : EMPTY,
  };
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
function scalarOf(attr: KeyAttribute, value: AttributeValue | undefined): string {
  return (value as Record<string, string>)[attr.type] ?? "";
}
