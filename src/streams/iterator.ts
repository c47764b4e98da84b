// Shard iterators: opaque strings naming a stream shard and a position in it (the next
// record has a sequence greater than `after`), valid 15 minutes after they are issued, as
// DynamoDB Streams' are. Base64url JSON: the content is not a secret, only opaque.
import { DynamoError, validation } from "../errors.js";

export const ITERATOR_LIFETIME_MS = 15 * 60 * 1000;

export interface ShardPosition {
  table: string;
  label: string;
  /** The storage shard (= stream shard) index, for a stream by index (src/streams/lineage.ts). */
  shard: number;
  /** A stream shard of a lineage: the object holding it (name without tenant) and its last record once closed. */
  object?: string;
  last?: number;
  after: number;
  /** Epoch ms the iterator was issued. */
  issued: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeIterator(p: ShardPosition): string {
  const fields =
    p.object === undefined
      ? [1, p.table, p.label, p.shard, p.after, p.issued]
      : [2, p.table, p.label, p.object, p.after, p.issued, p.last ?? null];
  let binary = "";
  for (const byte of encoder.encode(JSON.stringify(fields))) binary += String.fromCharCode(byte);
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
  const position = positionOf(parsed);
  if (!position) throw validation("Invalid ShardIterator");
  if (nowMs - position.issued > ITERATOR_LIFETIME_MS) {
    throw new DynamoError(
      "ExpiredIteratorException",
      `Iterator expired. The iterator was created at time ${new Date(position.issued).toUTCString()} while right now it is ${new Date(nowMs).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  return position;
}

function positionOf(parsed: unknown): ShardPosition | undefined {
  if (!Array.isArray(parsed) || typeof parsed[1] !== "string" || typeof parsed[2] !== "string") return undefined;
  if (!Number.isSafeInteger(parsed[4]) || !Number.isSafeInteger(parsed[5])) return undefined;
  const [version, table, label, place, after, issued, last] = parsed as unknown[];
  const base = { table: table as string, label: label as string, after: after as number, issued: issued as number };
  if (version === 1 && parsed.length === 6 && Number.isSafeInteger(place)) return { ...base, shard: place as number };
  if (version !== 2 || parsed.length !== 7 || typeof place !== "string") return undefined;
  if (last !== null && !Number.isSafeInteger(last)) return undefined;
  const position: ShardPosition = { ...base, shard: -1, object: place };
  if (last !== null) position.last = last as number;
  return position;
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

/** Where an iterator reads, without checking it further (the streams router's routing): an object's name or a shard index. */
export function placeOfIterator(iterator: string): string | number | undefined {
  try {
    const position = decodeIterator(iterator, Number.NEGATIVE_INFINITY);
    return position.object ?? position.shard;
  } catch {
    return undefined;
  }
}
