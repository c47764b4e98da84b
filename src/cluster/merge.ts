// Merging the replies of several shards: ConsumedCapacity structures add up per table.
import { isObject } from "../wire/shape.js";

type Json = Record<string, unknown>;

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

/** Two Query/Scan pages read one after the other, as one page. */
export function mergeReadPage(a: Json, b: Json): Json {
  const out: Json = { ...a };
  if (Array.isArray(a.Items) || Array.isArray(b.Items)) {
    out.Items = [...((a.Items as unknown[] | undefined) ?? []), ...((b.Items as unknown[] | undefined) ?? [])];
  }
  out.Count = ((a.Count as number | undefined) ?? 0) + ((b.Count as number | undefined) ?? 0);
  out.ScannedCount = ((a.ScannedCount as number | undefined) ?? 0) + ((b.ScannedCount as number | undefined) ?? 0);
  const capacity = mergeCapacity(a.ConsumedCapacity, b.ConsumedCapacity);
  if (capacity !== undefined) out.ConsumedCapacity = capacity;
  delete out.LastEvaluatedKey;
  if (b.LastEvaluatedKey !== undefined) out.LastEvaluatedKey = b.LastEvaluatedKey;
  return out;
}
