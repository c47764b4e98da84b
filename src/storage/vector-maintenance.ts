// Keeping vector indexes in step with the table, from writeItem (./write.ts) inside the
// write's transaction, and DynamoDB's checks on the attributes they index.
//
// An index holds an item when the item has the index's vector attribute and, if the index
// has a HASH search attribute, that attribute too: an item lacking either is simply not in
// the index (a missing INLINE_FILTER attribute does not keep it out). A present vector must
// be a list of numbers of the index's dimensions, each within float32's range; search
// schema attributes must have their defined types. Messages as DynamoDB words them
// (captured by public conformance suites, 2026; see src/ops/vector-definitions.ts).
import { validation } from "../errors.js";
import { encodeKey } from "../keys/encode.js";
import type { AttributeValue, Item, ScalarType } from "../types.js";
import { itemSize } from "../values/size.js";
import { MAX_F32, packVector, toFloat32 } from "../values/vector.js";
import type { VectorRow } from "./vector-store.js";
import type { TableDef, VectorIndexDef } from "../schema/table-def.js";

const INVALID = "One or more parameter values were invalid. ";

/**
 * Refuses an item whose vector or search schema attributes break an index's rules; called
 * by checkIndexKeys (./index-maintenance.ts), wherever a write's index keys are checked.
 */
export function checkVectorValues(def: TableDef, item: Item): void {
  for (const index of def.vectorIndexes ?? []) checkIndexValues(def, index, item);
}

function checkIndexValues(def: TableDef, index: VectorIndexDef, item: Item): void {
  const vector = present(item, index.attribute);
  if (vector) checkVector(index, vector);
  for (const element of index.searchSchema) {
    const value = present(item, element.AttributeName);
    if (!value) continue;
    const expected = attributeType(def, element.AttributeName);
    const actual = Object.keys(value)[0] ?? "";
    if (actual !== expected) {
      throw validation(
        `${INVALID}Attribute '${element.AttributeName}' type mismatch. Expected: ${expected}, Actual: ${actual}. IndexName: ${index.name}`,
      );
    }
    if (element.SearchSchemaElementType === "HASH" && expected !== "N" && scalar(value) === "") {
      throw validation(
        `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${expected === "S" ? "string" : "binary"} value. IndexName: ${index.name}, IndexKey: ${element.AttributeName}`,
      );
    }
  }
}

function checkVector(index: VectorIndexDef, value: AttributeValue): void {
  const name = index.attribute;
  if (!("L" in value)) {
    throw validation(
      `${INVALID}Invalid type for parameter ${name}, Expected: 32-bit floating point number list IndexName: ${index.name}`,
    );
  }
  value.L.forEach((element, i) => {
    if (!("N" in element)) {
      throw validation(
        `${INVALID}Invalid type for parameter ${name}[${i}], Expected: 32-bit floating point number, Actual: ${Object.keys(element)[0] ?? ""}. IndexName: ${index.name}`,
      );
    }
  });
  if (value.L.length !== index.dimensions) {
    throw validation(
      `${INVALID}Invalid size for parameter ${name}, Expected: ${index.dimensions}, Actual: ${value.L.length} IndexName: ${index.name}`,
    );
  }
  value.L.forEach((element, i) => {
    const text = (element as { N: string }).N;
    if (Math.abs(Number(text)) > MAX_F32) {
      throw validation(
        `${INVALID}Invalid value for parameter ${name}[${i}], Value: ${text} is outside valid range [-3.4028235E38, 3.4028235E38]. IndexName: ${index.name}`,
      );
    }
  });
}

/**
 * What `index` keeps of `item` (projectVectorItem), or undefined when it does not hold the
 * item: no vector, or no value of its HASH attribute.
 */
export function vectorEntry(def: TableDef, index: VectorIndexDef, item: Item): Item | undefined {
  if (!present(item, index.attribute)) return undefined;
  const hash = index.searchSchema.find((e) => e.SearchSchemaElementType === "HASH")?.AttributeName;
  if (hash !== undefined && !present(item, hash)) return undefined;
  return projectVectorItem(def, index, item);
}

/**
 * The row `item` has in `index`, or undefined when the index does not hold it. The item has
 * passed checkVectorValues, or is skipped by a backfill when it would not (vectorRowIfValid).
 */
export function vectorRow(def: TableDef, index: VectorIndexDef, item: Item): VectorRow | undefined {
  const projected = vectorEntry(def, index, item);
  const vector = projected?.[index.attribute];
  if (!projected || !vector || !("L" in vector)) return undefined;
  let hash: Uint8Array | null = null;
  const filters: Item = {};
  for (const element of index.searchSchema) {
    const value = present(item, element.AttributeName);
    if (!value) continue;
    if (element.SearchSchemaElementType === "HASH") {
      hash = encodeKey(attributeType(def, element.AttributeName), scalar(value));
    } else {
      filters[element.AttributeName] = value;
    }
  }
  return {
    hash,
    filters: JSON.stringify(filters),
    vec: packVector(toFloat32(vector.L)),
    doc: JSON.stringify(projected),
    size: itemSize(projected),
  };
}

/** vectorRow for an item that may break the index's rules (a backfill skips those). */
export function vectorRowIfValid(def: TableDef, index: VectorIndexDef, item: Item): VectorRow | undefined {
  try {
    checkIndexValues(def, index, item);
  } catch {
    return undefined;
  }
  return vectorRow(def, index, item);
}

/**
 * What an index keeps of an item: ALL of it; or the table's key attributes, the vector and
 * search schema attributes, and (INCLUDE) the NonKeyAttributes.
 */
export function projectVectorItem(def: TableDef, index: VectorIndexDef, item: Item): Item {
  if (index.projection.ProjectionType === "ALL") return item;
  const names = [
    ...def.keySchema.map((k) => k.AttributeName),
    index.attribute,
    ...index.searchSchema.map((e) => e.AttributeName),
    ...(index.projection.ProjectionType === "INCLUDE" ? (index.projection.NonKeyAttributes ?? []) : []),
  ];
  const out: Item = {};
  for (const name of names) {
    const value = present(item, name);
    if (value) out[name] = value;
  }
  return out;
}

/** The type AttributeDefinitions gives a search schema attribute. */
export function attributeType(def: TableDef, name: string): ScalarType {
  return (def.attributeDefinitions.find((d) => d.AttributeName === name)?.AttributeType ?? "S") as ScalarType;
}

function present(item: Item, name: string): AttributeValue | undefined {
  return Object.hasOwn(item, name) ? item[name] : undefined;
}

function scalar(value: AttributeValue): string {
  return (Object.values(value)[0] as string) ?? "";
}
