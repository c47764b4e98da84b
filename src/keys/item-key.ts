// Extracting and validating a table's primary key from an item (PutItem) or a key map
// (GetItem/DeleteItem), then encoding it for storage.
import { validation } from "../errors";
import { hashKeyOf, rangeKeyOf, type KeyAttribute, type TableDef } from "../storage/catalogue";
import type { AttributeValue, Item, ScalarType } from "../types";
import { base64ToBytes } from "../values/base64";
import { encodeKey } from "./encode";

export interface EncodedKey {
  pk: Uint8Array;
  sk: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/** Key attributes of a full item, with DynamoDB's PutItem messages. */
export function keyOfItem(def: TableDef, item: Item): EncodedKey {
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  const pk = itemKeyPart(hash, item[hash.name], true);
  const sk = range ? itemKeyPart(range, item[range.name], false) : EMPTY;
  return { pk, sk };
}

function itemKeyPart(attr: KeyAttribute, value: AttributeValue | undefined, isHash: boolean): Uint8Array {
  if (value === undefined) {
    throw validation(`One or more parameter values were invalid: Missing the key ${attr.name} in the item`);
  }
  const scalar = scalarOf(value, attr.type);
  if (scalar === undefined) {
    throw validation(
      `One or more parameter values were invalid: Type mismatch for key ${attr.name} expected: ${attr.type} actual: ${typeOf(value)}`,
    );
  }
  return encodePart(attr, scalar, isHash);
}

/** A Key parameter: exactly the table's key attributes, of the right types. */
export function keyOfKeyMap(def: TableDef, key: Item): EncodedKey {
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  const expected = range ? 2 : 1;
  if (Object.keys(key).length !== expected) throw keyMismatch();
  const hashValue = key[hash.name];
  const rangeValue = range ? key[range.name] : undefined;
  const hashScalar = hashValue && scalarOf(hashValue, hash.type);
  if (hashScalar === undefined) throw keyMismatch();
  let rangeScalar: string | undefined;
  if (range) {
    rangeScalar = rangeValue && scalarOf(rangeValue, range.type);
    if (rangeScalar === undefined) throw keyMismatch();
  }
  const pk = encodePart(hash, hashScalar, true);
  const sk = range && rangeScalar !== undefined ? encodePart(range, rangeScalar, false) : EMPTY;
  return { pk, sk };
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

function keyMismatch() {
  return validation("The provided key element does not match the schema");
}

function encodePart(attr: KeyAttribute, scalar: string, isHash: boolean): Uint8Array {
  if (scalar === "" && attr.type !== "N") {
    const kind = attr.type === "S" ? "string" : "binary";
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${attr.name}`,
    );
  }
  // Key size limits count the raw value: UTF-8 bytes of a string, decoded bytes of a
  // binary. Numbers are at most 38 digits and always fit.
  if (attr.type !== "N") {
    const size = attr.type === "S" ? utf8Length(scalar) : base64ToBytes(scalar).length;
    if (isHash && size > MAX_PARTITION_KEY_BYTES) {
      throw validation(
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
      );
    }
    if (!isHash && size > MAX_SORT_KEY_BYTES) {
      throw validation(
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
      );
    }
  }
  return encodeKey(attr.type, scalar);
}

function scalarOf(value: AttributeValue, type: ScalarType): string | undefined {
  if (type === "S" && "S" in value) return value.S;
  if (type === "N" && "N" in value) return value.N;
  if (type === "B" && "B" in value) return value.B;
  return undefined;
}

export function typeOf(value: AttributeValue): string {
  return Object.keys(value)[0] ?? "";
}

const encoder = new TextEncoder();
function utf8Length(s: string): number {
  return encoder.encode(s).length;
}
