// Keeping secondary indexes in step with the table: every write path goes through
// writeItem (./write.ts), which calls into here inside the write's transaction.
// Sparse indexes: an item lacking an index key attribute has no entry in that index.
import { validation } from "../errors.js";
import { encodeKey } from "../keys/encode.js";
import type { EncodedKey } from "../keys/item-key.js";
import { storedPartitionKey } from "../keys/partition.js";
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { itemSize } from "../values/size.js";
import type { IndexRowKey } from "./index-store.js";
import { indexKeysOf, type IndexDef, type TableDef } from "../schema/table-def.js";

const EMPTY = new Uint8Array(0);

export interface IndexEntry {
  key: IndexRowKey;
  doc: string;
  size: number;
}

/**
 * Refuses an item whose index key attribute has the wrong type or is an empty string or
 * binary, with DynamoDB's messages naming the index.
 */
export function checkIndexKeys(def: TableDef, item: Item): void {
  for (const index of def.indexes ?? []) {
    const { hash, range } = indexKeysOf(def, index);
    for (const attr of range ? [hash, range] : [hash]) {
      const value = Object.hasOwn(item, attr.name) ? item[attr.name] : undefined;
      if (!value) continue;
      const actual = Object.keys(value)[0] ?? "";
      if (actual !== attr.type) {
        throw validation(
          `One or more parameter values were invalid: Type mismatch for Index Key ${attr.name} Expected: ${attr.type} Actual: ${actual} IndexName: ${index.name}`,
        );
      }
      if (scalarOf(value) === "" && attr.type !== "N") {
        const kind = attr.type === "S" ? "string" : "binary";
        throw validation(
          `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${index.name}, IndexKey: ${attr.name}`,
        );
      }
    }
  }
}

/** The entry `item` has in `index`, or undefined when the index is sparse for it. */
export function indexEntry(def: TableDef, index: IndexDef, item: Item, tableKey: EncodedKey): IndexEntry | undefined {
  const { hash, range } = indexKeysOf(def, index);
  const hashValue = item[hash.name];
  const rangeValue = range ? item[range.name] : undefined;
  if (!hashValue || (range && !rangeValue)) return undefined;
  const projected = project(def, index, item);
  return {
    key: {
      ipk: storedPartitionKey(encodeKey(hash.type, scalarOf(hashValue))),
      isk: range && rangeValue ? encodeKey(range.type, scalarOf(rangeValue)) : EMPTY,
      tpk: tableKey.pk,
      tsk: tableKey.sk,
    },
    doc: JSON.stringify(projected),
    size: itemSize(projected),
  };
}

/** The attributes an index stores for an item: ALL, KEYS_ONLY or INCLUDE (keys + NonKeyAttributes). */
export function project(def: TableDef, index: IndexDef, item: Item): Item {
  if (index.projection.ProjectionType === "ALL") return item;
  const out: Item = {};
  for (const name of projectedNames(def, index)) {
    if (Object.hasOwn(item, name)) out[name] = item[name] as AttributeValue;
  }
  return out;
}

/** Names of the attributes an index projects (keys first); undefined for ALL. */
export function projectedNames(def: TableDef, index: IndexDef): string[] {
  const names = [...def.keySchema, ...index.keySchema].map((k) => k.AttributeName);
  if (index.projection.ProjectionType === "INCLUDE") names.push(...(index.projection.NonKeyAttributes ?? []));
  return [...new Set(names)];
}

export function indexKeyAttributes(def: TableDef, index: IndexDef): KeyAttribute[] {
  const { hash, range } = indexKeysOf(def, index);
  return range ? [hash, range] : [hash];
}

function scalarOf(value: AttributeValue): string {
  return (Object.values(value)[0] as string) ?? "";
}
