// Keeping secondary indexes in step with the table: every write path goes through
// writeItem (./write.ts), which calls into here inside the write's transaction.
// Sparse indexes: an item lacking an index key attribute has no entry in that index.
import { validation } from "../errors.js";
import { keyBytes } from "../keys/index-key.js";
import type { EncodedKey } from "../keys/item-key.js";
import { storedPartitionKey } from "../keys/partition.js";
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { itemSize } from "../values/size.js";
import type { IndexRowKey } from "./index-store.js";
import { indexKeysOf, type IndexDef, type TableDef } from "../schema/table-def.js";
import { checkVectorValues } from "./vector-maintenance.js";

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
  checkVectorValues(def, item);
  for (const index of def.indexes ?? []) {
    for (const attr of indexKeyAttributes(def, index)) {
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

/**
 * The entry `item` has in `index`, or undefined when the index is sparse for it (it lacks
 * one of the index's key attributes).
 */
export function indexEntry(def: TableDef, index: IndexDef, item: Item, tableKey: EncodedKey): IndexEntry | undefined {
  const { hashes, ranges } = indexKeysOf(def, index);
  const hashValues = scalarsOf(item, hashes);
  const rangeValues = scalarsOf(item, ranges);
  if (!hashValues || !rangeValues) return undefined;
  const projected = project(def, index, item);
  return {
    key: {
      ipk: storedPartitionKey(keyBytes(hashes, hashValues)),
      isk: keyBytes(ranges, rangeValues),
      tpk: tableKey.pk,
      tsk: tableKey.sk,
    },
    doc: JSON.stringify(projected),
    size: itemSize(projected),
  };
}

/** The wire scalars of `item`'s values of `attrs`, or undefined when one is missing. */
function scalarsOf(item: Item, attrs: readonly KeyAttribute[]): string[] | undefined {
  const out: string[] = [];
  for (const attr of attrs) {
    const value = Object.hasOwn(item, attr.name) ? item[attr.name] : undefined;
    if (!value) return undefined;
    out.push(scalarOf(value));
  }
  return out;
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

/** Every key attribute of an index: its HASH ones, then its RANGE ones. */
export function indexKeyAttributes(def: TableDef, index: IndexDef): KeyAttribute[] {
  const { hashes, ranges } = indexKeysOf(def, index);
  return [...hashes, ...ranges];
}

function scalarOf(value: AttributeValue): string {
  return (Object.values(value)[0] as string) ?? "";
}
