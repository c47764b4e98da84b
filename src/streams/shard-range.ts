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

/**
 * The range of `stream` here: from its oldest retained record (or, with none, the next
 * sequence to come) to, once the shard is closed (stream disabled, table deleted), its
 * last record.
 */
export function sequenceRange(sql: Sql, stream: string, open: boolean): SequenceRange {
  const row = sql.first<{ first: number | null; last: number | null }>(
    "SELECT MIN(seq) AS first, MAX(seq) AS last FROM stream_records WHERE stream = ?",
    stream,
  );
  const first = row?.first ?? Math.max(trimmedUpto(sql, stream) + 1, open ? nextSequence(sql) : 1);
  const range: SequenceRange = { StartingSequenceNumber: sequenceNumber(first) };
  if (!open) range.EndingSequenceNumber = sequenceNumber(row?.last ?? first);
  return range;
}
