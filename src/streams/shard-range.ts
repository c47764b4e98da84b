// A stream shard's sequence-number range in this storage shard's log.
import type { Sql } from "../storage/sql.js";
import { trimmedUpto } from "./registry.js";
import { sequenceNumber } from "../schema/stream.js";

export interface SequenceRange {
  StartingSequenceNumber: string;
  EndingSequenceNumber?: string;
}

/** The next sequence (row id) the log will assign. */
export function nextSequence(sql: Sql): number {
  const row = sql.first<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'stream_records'");
  return (row?.seq ?? 0) + 1;
}

/** Part of an object's log: records after `after` and, for a closed shard, up to `last`. */
export interface LogBounds {
  after: number;
  last?: number;
}

/**
 * The range of `stream` here (within `bounds`, for a shard of a lineage): from its oldest
 * retained record (or, with none, the next sequence to come) to, once the shard is closed
 * (stream disabled, table deleted, or its partition split), its last record.
 */
export function sequenceRange(
  sql: Sql,
  stream: string,
  open: boolean,
  bounds: LogBounds = { after: 0 },
): SequenceRange {
  const row = sql.first<{ first: number | null; last: number | null }>(
    "SELECT MIN(seq) AS first, MAX(seq) AS last FROM stream_records WHERE stream = ? AND seq > ? AND seq <= ?",
    stream,
    bounds.after,
    bounds.last ?? Number.MAX_SAFE_INTEGER,
  );
  const closed = !open || bounds.last !== undefined;
  const from = Math.max(trimmedUpto(sql, stream), bounds.after) + 1;
  const first = row?.first ?? (closed ? from : Math.max(from, nextSequence(sql)));
  const range: SequenceRange = { StartingSequenceNumber: sequenceNumber(first) };
  if (closed) range.EndingSequenceNumber = sequenceNumber(row?.last ?? first);
  return range;
}
