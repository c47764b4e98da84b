// ConsumedCapacity as DynamoDB computes it: reads in 4 KB units (halved when eventually
// consistent), writes in 1 KB units, each at least one unit. A write is charged for the
// larger of the old and new item (PutItem), a delete for the item it removed. Replies of
// several shards or statements add up per table (mergeCapacity).
import { isObject } from "../protocol/shape.js";
import type { TableDef } from "../schema/table-def.js";
import { vectorEntry } from "../storage/vector-maintenance.js";
import type { Item } from "../types.js";
import { valuesEqual } from "../values/compare.js";
import { itemSize, utf8Length } from "../values/size.js";

type Json = Record<string, unknown>;

export type ReturnConsumedCapacity = "INDEXES" | "TOTAL" | "NONE";

export function readUnits(sizeBytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(sizeBytes / 4096));
  return consistent ? units : units / 2;
}

export function writeUnits(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024));
}

/** The ConsumedCapacity member of a response, or undefined when not asked for. */
export function consumedCapacity(
  mode: ReturnConsumedCapacity | undefined,
  tableName: string,
  units: number,
): Record<string, unknown> | undefined {
  if (mode === "TOTAL") return { TableName: tableName, CapacityUnits: units };
  if (mode === "INDEXES") return { TableName: tableName, CapacityUnits: units, Table: { CapacityUnits: units } };
  return undefined;
}

/** Adds ConsumedCapacity to an output object when requested. */
export function withCapacity(
  output: Record<string, unknown>,
  mode: ReturnConsumedCapacity | undefined,
  tableName: string,
  units: number,
): Record<string, unknown> {
  const capacity = consumedCapacity(mode, tableName, units);
  if (capacity) output.ConsumedCapacity = capacity;
  return output;
}

/** Adds the numbers of `b` into a copy of `a`, recursively (ConsumedCapacity structures). */
function addNumbers(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (isObject(a) && isObject(b)) {
    const out: Json = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? addNumbers(out[key], value) : value;
    return out;
  }
  return a;
}

/**
 * A list of per-table ConsumedCapacity entries in the order the request names the tables
 * (`names`), as one object answering the whole request lists them, whatever order the
 * partitions' replies were merged in.
 */
export function inTableOrder(capacity: unknown, names: string[]): unknown {
  if (!Array.isArray(capacity)) return capacity;
  const rank = (entry: unknown) => {
    const i = names.indexOf(isObject(entry) ? (entry.TableName as string) : "");
    return i < 0 ? names.length : i;
  };
  return [...(capacity as unknown[])].sort((a, b) => rank(a) - rank(b));
}

/** Two ConsumedCapacity members (one structure, or lists with one entry per table) as one. */
export function mergeCapacity(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = a.map((c: unknown) => (isObject(c) ? { ...c } : c)) as unknown[];
    for (const entry of b as unknown[]) {
      const name = isObject(entry) ? entry.TableName : undefined;
      const i = out.findIndex((c) => isObject(c) && c.TableName === name);
      if (i >= 0) out[i] = addNumbers(out[i], entry);
      else out.push(entry);
    }
    return out;
  }
  return addNumbers(a, b);
}

/**
 * With INDEXES, the vector indexes a single-item write changed, each with the bytes it
 * consumed: VectorWriteRequestBytes is 4 bytes a dimension, the vector attribute's name and
 * the size of the rest of the index's entry, for the larger of the old and new entries, at
 * least 1 KB (dynoxide's formula, captured from DynamoDB). An index whose entry the write
 * leaves as it was is not listed; nothing, when none changed.
 */
export function addVectorCapacity(
  output: Record<string, unknown>,
  mode: ReturnConsumedCapacity | undefined,
  def: TableDef,
  old: Item | undefined,
  next: Item | undefined,
): void {
  if (mode !== "INDEXES" || !def.vectorIndexes?.length || !isObject(output.ConsumedCapacity)) return;
  const used: Record<string, { VectorWriteRequestBytes: number }> = {};
  for (const index of def.vectorIndexes) {
    const before = old && vectorEntry(def, index, old);
    const after = next && vectorEntry(def, index, next);
    if (!before && !after) continue;
    if (before && after && valuesEqual({ M: before }, { M: after })) continue;
    const bytes = (entry: Item | undefined) => {
      if (!entry) return 0;
      const rest: Item = {};
      for (const [name, value] of Object.entries(entry)) if (name !== index.attribute) rest[name] = value;
      return 4 * index.dimensions + utf8Length(index.attribute) + itemSize(rest);
    };
    used[index.name] = { VectorWriteRequestBytes: Math.max(1024, bytes(before), bytes(after)) };
  }
  if (Object.keys(used).length > 0) output.ConsumedCapacity.VectorIndexes = used;
}

/** Whether a write must read the old item first, for addVectorCapacity. */
export function vectorCapacityNeedsOld(def: TableDef, mode: ReturnConsumedCapacity | undefined): boolean {
  return mode === "INDEXES" && (def.vectorIndexes?.length ?? 0) > 0;
}
