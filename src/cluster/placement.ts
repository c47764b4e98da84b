// Which Durable Object serves a request: the naming of a tenant's objects and the placement
// of a partition key by the table's partition map (src/schema/partition-map.ts). The
// request-level routing (which operation goes where, fan-out and merging) is
// src/cluster/router.ts, shared by the SDK client and the HTTP edge.
import { encodeKey } from "../keys/encode.js";
import { partitionHash } from "../keys/partition.js";
import { HASH_SPACE, objectName, partitionOfHash, sharedObject } from "../schema/partition-map.js";

export { objectName };
import { hashKeyOf, partitionMapOf, type TableDef } from "../schema/table-def.js";

export interface Route {
  /** Multi-tenant key prefix: a tenant's objects are distinct Durable Objects. */
  tenant: string | undefined;
  /** Partition count of tables created through this route (default 1). */
  shards: number | undefined;
}

/** The tenant's shared shard k (`shard-k`); shard 0 is the catalogue's home. */
export function shardName(tenant: string | undefined, index: number): string {
  return objectName(tenant, sharedObject(index));
}

/** The number of partitions a table is spread over. */
export function partitionCount(def: TableDef): number {
  return partitionMapOf(def).partitions.length;
}

/** The object (tenant-relative name) of partition `index` of the table. */
export function partitionObject(def: TableDef, index: number): string {
  const entry = partitionMapOf(def).partitions[index];
  if (!entry) throw new RangeError(`table ${def.name} has no partition ${index}`);
  return entry.object;
}

/**
 * The partition holding the partition key whose attribute value (wire shape, e.g.
 * {"S": "a"}) is `value`. Throws on a value that is not a scalar of the key's type: the
 * caller then sends the request to the catalogue's home, whose validation reports the
 * error as DynamoDB does.
 */
export function partitionOfKeyValue(def: TableDef, value: unknown): number {
  const map = partitionMapOf(def);
  if (map.partitions.length === 1) return 0;
  const attr = hashKeyOf(def);
  const scalar = (value as Record<string, unknown> | undefined)?.[attr.type];
  if (typeof scalar !== "string") throw new TypeError("not a key value");
  return partitionOfHash(map, partitionHash(encodeKey(attr.type, scalar)));
}

/** The first and last partition a parallel-scan segment's hash range intersects. */
export function partitionsOfSegment(def: TableDef, segment: number, total: number): [number, number] {
  const map = partitionMapOf(def);
  const low = Math.ceil((segment * HASH_SPACE) / total);
  const high = Math.min(Math.ceil(((segment + 1) * HASH_SPACE) / total), HASH_SPACE); // exclusive
  const first = partitionOfHash(map, low);
  return [first, high <= low ? first : partitionOfHash(map, high - 1)];
}
