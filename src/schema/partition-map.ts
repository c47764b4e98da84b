// A table's partitions: contiguous ranges of the 32-bit partition-key hash space
// (src/keys/partition.ts), in hash order, each held by one Durable Object. The map is part
// of the table's definition in the catalogue, so every router and every partition object
// reads the same one; its version rises with every change, so a holder of an older map can
// tell. Plain data and pure functions; src/cluster/placement.ts turns objects into stubs.

/** Where a table's items live. */
export interface PartitionMap {
  /** 1 for the map a table is created with; raised by every change. */
  version: number;
  /** In hash order: the first starts at hash 0, each ends where the next starts, the last at 2^32. */
  partitions: PartitionEntry[];
}

export interface PartitionEntry {
  /** The first 32-bit hash the partition holds. */
  low: number;
  /** Its Durable Object, named without the tenant's prefix (placement adds it). */
  object: string;
}

export const HASH_SPACE = 2 ** 32;

/**
 * A tenant's Durable Object: `object`, or `${tenant}:object` for a tenant. Injective:
 * object names contain no colon, so a tenanted name splits at its last colon.
 */
export function objectName(tenant: string | undefined, object: string): string {
  return tenant === undefined ? object : `${tenant}:${object}`;
}

/** The inverse of objectName: a name's tenant (before its last colon) and object. */
export function splitObjectName(name: string): { tenant?: string; object: string } {
  const at = name.lastIndexOf(":");
  return at < 0 ? { object: name } : { tenant: name.slice(0, at), object: name.slice(at + 1) };
}

/**
 * The object a split creates for the upper part of a table's partition, from `at` on:
 * named for the table and the hash it starts at, which no other split of the table shares.
 */
export function splitObject(tableId: string, at: number): string {
  return `t-${tableId}-${at.toString(16).padStart(8, "0")}`;
}

/**
 * The object holding part of a global secondary index kept in partitions of its own
 * (IndexDef.partitions): named for the table, the index's id in the catalogue's home (never
 * reused, so a recreated index never meets entries meant for its predecessor) and the first
 * hash of the index partition key it holds.
 */
export function indexObject(tableId: string, iid: number, at: number): string {
  return `g-${tableId}-${iid}-${at.toString(16).padStart(8, "0")}`;
}

/** `count` equal ranges of an index's partition-key hashes in objects of the index's own. */
export function indexPartitions(tableId: string, iid: number, count: number): PartitionMap {
  return {
    version: 1,
    partitions: Array.from({ length: count }, (_, k) => {
      const low = Math.ceil((k * HASH_SPACE) / count);
      return { low, object: indexObject(tableId, iid, low) };
    }),
  };
}

/** The map after partition `index` splits at hash `at`: its range from `at` on goes to `object`. */
export function splitMap(map: PartitionMap, index: number, at: number, object: string): PartitionMap {
  const partitions = [...map.partitions];
  partitions.splice(index + 1, 0, { low: at, object });
  return { version: map.version + 1, partitions };
}

/**
 * The shared objects of the layout before partition maps: `shard-k` holds part of every
 * table of its tenant, and shard 0 is the catalogue's home.
 */
export function sharedObject(index: number): string {
  return `shard-${index}`;
}

/** Whether `object` is one of the shared objects (`sharedObject`). */
export function isSharedObject(object: string): boolean {
  return /^shard-\d+$/.test(object);
}

/**
 * `count` equal ranges in the shared objects shard-0..count-1: partition k holds the hashes
 * h with floor(h * count / 2^32) = k, the placement of tables created before maps existed,
 * so such a table reads as this map with its data where it already is.
 */
export function equalPartitions(count: number, version = 1): PartitionMap {
  return {
    version,
    partitions: Array.from({ length: count }, (_, k) => ({
      low: Math.ceil((k * HASH_SPACE) / count),
      object: sharedObject(k),
    })),
  };
}

/**
 * `count` equal ranges in objects of the table's own, named as a split names them: the map
 * of a table created through a router, so that no other table shares its objects.
 */
export function tablePartitions(tableId: string, count: number): PartitionMap {
  return {
    version: 1,
    partitions: Array.from({ length: count }, (_, k) => {
      const low = Math.ceil((k * HASH_SPACE) / count);
      return { low, object: splitObject(tableId, low) };
    }),
  };
}

/** The index of the partition holding `hash`: the last one whose range starts at or below it. */
export function partitionOfHash(map: PartitionMap, hash: number): number {
  const list = map.partitions;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((list[mid] as PartitionEntry).low <= hash) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The hashes partition `index` holds, [low, high). */
export function partitionRange(map: PartitionMap, index: number): { low: number; high: number } {
  return {
    low: (map.partitions[index] as PartitionEntry).low,
    high: map.partitions[index + 1]?.low ?? HASH_SPACE,
  };
}
