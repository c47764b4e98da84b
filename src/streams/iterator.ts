// Shard iterators: opaque strings naming a stream shard and a position in it (the next
// record has a sequence greater than `after`), valid 15 minutes after they are issued, as
// DynamoDB Streams' are. Base64url JSON: the content is not a secret, only opaque.
import { DynamoError, validation } from "../errors.js";

export const ITERATOR_LIFETIME_MS = 15 * 60 * 1000;

export interface ShardPosition {
  table: string;
  label: string;
  /** The storage shard (= stream shard) index. */
  shard: number;
  after: number;
  /** Epoch ms the iterator was issued. */
  issued: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeIterator(p: ShardPosition): string {
  const json = JSON.stringify([1, p.table, p.label, p.shard, p.after, p.issued]);
  let binary = "";
  for (const byte of encoder.encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Throws ValidationException for a malformed iterator, ExpiredIteratorException for an old one. */
export function decodeIterator(iterator: string, nowMs: number): ShardPosition {
  let parsed: unknown;
  try {
    const binary = atob(iterator.replaceAll("-", "+").replaceAll("_", "/"));
    parsed = JSON.parse(decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw validation("Invalid ShardIterator");
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 6 ||
    parsed[0] !== 1 ||
    typeof parsed[1] !== "string" ||
    typeof parsed[2] !== "string" ||
    !Number.isSafeInteger(parsed[3]) ||
    !Number.isSafeInteger(parsed[4]) ||
    !Number.isSafeInteger(parsed[5])
  ) {
    throw validation("Invalid ShardIterator");
  }
  const [, table, label, shard, after, issued] = parsed as [number, string, string, number, number, number];
  if (nowMs - issued > ITERATOR_LIFETIME_MS) {
    throw new DynamoError(
      "ExpiredIteratorException",
      `Iterator expired. The iterator was created at time ${new Date(issued).toUTCString()} while right now it is ${new Date(nowMs).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  return { table, label, shard, after, issued };
}

/** Stream shard ids: shardId-<20-digit creation ms>-<8 hex digits: the storage shard index>. */
export function shardIdOf(createdMs: number, shard: number): string {
  return `shardId-${String(createdMs).padStart(20, "0")}-${shard.toString(16).padStart(8, "0")}`;
}

/** The storage shard index a shard id names, or undefined when it is not one of ours. */
export function shardOfShardId(shardId: string): number | undefined {
  const match = /^shardId-\d{20}-([0-9a-f]{8})$/.exec(shardId);
  return match ? parseInt(match[1] as string, 16) : undefined;
}

/** The storage shard an iterator reads, without checking it further (the streams router's routing). */
export function shardOfIterator(iterator: string): number | undefined {
  try {
    return decodeIterator(iterator, Number.NEGATIVE_INFINITY).shard;
  } catch {
    return undefined;
  }
}
