// Merging the replies of several shards: pages read one after the other.
import { mergeCapacity } from "../ops/capacity.js";

type Json = Record<string, unknown>;

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
