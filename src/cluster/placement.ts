// Which shard Durable Object serves a request: the naming of a tenant's shards and the
// placement of a partition key. The request-level routing (which operation goes where,
// fan-out and merging) is src/cluster/router.ts, shared by the SDK client and the HTTP edge.
import { encodeKey } from "../keys/encode.js";
import { partitionHash } from "../keys/partition.js";
import { hashKeyOf, type TableDef } from "../schema/table-def.js";

export interface Route {
  /** Multi-tenant key prefix: a tenant's shards are distinct Durable Objects. */
  tenant: string | undefined;
  /** Shard count for tables created through this route (default 1). */
  shards: number | undefined;
}

/**
 * `shard-N`, or `${tenant}:shard-N` for a tenant. Injective: untenanted names have no
 * colon, and a tenanted name splits at its last colon (shard names contain none).
 */
export function shardName(tenant: string | undefined, index: number): string {
  return tenant === undefined ? `shard-${index}` : `${tenant}:shard-${index}`;
}

/**
 * The shard of a 32-bit partition hash among `shards`: floor(h * shards / 2^32). Each shard
 * holds one contiguous range of the hash space, so shards 0..N-1 in order are in global
 * hash order (the order a Scan returns), and the ranges are those of parallel-scan segments.
 */
export function shardOfHash(hash: number, shards: number): number {
  return Math.floor((hash * shards) / 2 ** 32);
}

/** The number of shards a table is spread over. */
export function shardsOf(def: TableDef): number {
  return def.shards ?? 1;
}

/**
 * The shard holding the partition whose key attribute value (wire shape, e.g. {"S": "a"})
 * is `value`. Throws on a value that is not a scalar of the key's type: the caller then
 * sends the request to shard 0, whose validation reports the error as DynamoDB does.
 */
export function shardOfKeyValue(def: TableDef, value: unknown): number {
  const shards = shardsOf(def);
  if (shards === 1) return 0;
  const attr = hashKeyOf(def);
  const scalar = (value as Record<string, unknown> | undefined)?.[attr.type];
  if (typeof scalar !== "string") throw new TypeError("not a key value");
  return shardOfHash(partitionHash(encodeKey(attr.type, scalar)), shards);
}

/** The first and last shard a parallel-scan segment's hash range intersects. */
export function shardsOfSegment(segment: number, total: number, shards: number): [number, number] {
  const low = Math.ceil((segment * 2 ** 32) / total);
  const high = Math.ceil(((segment + 1) * 2 ** 32) / total); // exclusive
  if (high <= low) return [shardOfHash(low, shards), shardOfHash(low, shards)];
  return [shardOfHash(low, shards), shardOfHash(Math.min(high, 2 ** 32) - 1, shards)];
}
