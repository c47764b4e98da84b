// Partition placement. DynamoDB spreads partitions by a hash of the partition key (MD5, per
// the Developer Guide's "Partitions and data distribution"), which is also why a Scan
// returns partitions in an order unrelated to their keys. Each stored partition key is
// prefixed with the first 4 bytes of that hash, so:
// - a Scan walking (pk, sk) in index order visits partitions in hash order, each
//   partition's items together, as DynamoDB does;
// - a parallel-scan segment is a contiguous range of the 32-bit hash space, i.e. a plain
//   index range, stable across pages;
// - the cluster routes a partition key to its shard from the same hash.
import { createHash } from "node:crypto";
import type { ScalarType } from "../types.js";
import { encodeKey } from "./encode.js";

export const HASH_PREFIX_BYTES = 4;

/** The 32-bit hash of an encoded partition key (big-endian first 4 bytes of its MD5). */
export function partitionHash(encodedPartitionKey: Uint8Array): number {
  const digest = createHash("md5").update(encodedPartitionKey).digest();
  return digest.readUInt32BE(0);
}

/** The stored form of a partition key: hash prefix then the order-preserving encoding. */
export function storedPartitionKey(encodedPartitionKey: Uint8Array): Uint8Array {
  const hash = partitionHash(encodedPartitionKey);
  const out = new Uint8Array(HASH_PREFIX_BYTES + encodedPartitionKey.length);
  new DataView(out.buffer).setUint32(0, hash);
  out.set(encodedPartitionKey, HASH_PREFIX_BYTES);
  return out;
}

/**
 * Stored partition keys of recent requests, by type and scalar. An object sees the same
 * partition keys again and again (an item collection's items, a hot key), and encoding one
 * with its MD5 prefix was about a quarter of a point operation's work. The arrays are
 * shared: nothing writes into a key's bytes. Cleared whole when full, as a refill costs
 * what a miss does.
 */
const STORED_KEYS = new Map<string, Uint8Array>();
const STORED_KEYS_MAX = 4096;
/** Longer scalars are not kept: 4,096 of them stay well under a megabyte. */
const STORED_KEY_MAX_CHARS = 128;

/** The stored form of a one-attribute partition key, its scalar as the wire has it. */
export function storedPartitionKeyOf(type: ScalarType, scalar: string): Uint8Array {
  if (scalar.length > STORED_KEY_MAX_CHARS) return storedPartitionKey(encodeKey(type, scalar));
  const id = type + scalar; // the type is one letter: no two (type, scalar) pairs share an id
  let pk = STORED_KEYS.get(id);
  if (pk === undefined) {
    if (STORED_KEYS.size >= STORED_KEYS_MAX) STORED_KEYS.clear();
    pk = storedPartitionKey(encodeKey(type, scalar));
    STORED_KEYS.set(id, pk);
  }
  return pk;
}

/** The partition-key hash a stored partition key starts with. */
export function storedHash(stored: Uint8Array): number {
  return new DataView(stored.buffer, stored.byteOffset, HASH_PREFIX_BYTES).getUint32(0);
}

/** The order-preserving encoding inside a stored partition key. */
export function encodedPartitionKeyOf(stored: Uint8Array): Uint8Array {
  return stored.subarray(HASH_PREFIX_BYTES);
}

/**
 * The stored-key range [low, high) of parallel-scan segment `segment` of `total`: the
 * hash prefixes h with floor(h * total / 2^32) = segment. `high` is undefined for the last.
 */
export function segmentRange(segment: number, total: number): { low: Uint8Array; high: Uint8Array | undefined } {
  const bound = (s: number): Uint8Array | undefined => {
    if (s >= total) return undefined;
    // Smallest h with floor(h * total / 2^32) >= s, i.e. ceil(s * 2^32 / total).
    const h = Math.ceil((s * 2 ** 32) / total);
    const out = new Uint8Array(HASH_PREFIX_BYTES);
    new DataView(out.buffer).setUint32(0, h);
    return out;
  };
  return { low: bound(segment) ?? new Uint8Array(HASH_PREFIX_BYTES), high: bound(segment + 1) };
}
