// GetShardIterator and GetRecords, run by the storage shard holding the stream shard (the
// streams router sends them there; shard 0 also checks the stream and shard id, for other
// shards the router has asked shard 0 first).
import { DynamoError, validation } from "../../errors.js";
import { defineOp, type Operation } from "../operation.js";
import { decodeIterator, encodeIterator, shardOfShardId, type ShardPosition } from "../../streams/iterator.js";
import type { StoredRecord } from "../../storage/change-log.js";
import { resolveShard } from "./describe-ops.js";
import { isStreamLive, trimmedUpto } from "../../streams/registry.js";
import { nextSequence } from "../../streams/shard-range.js";
import { parseSequenceNumber, parseStreamArn, sequenceNumber, streamId } from "../../schema/stream.js";

/** GetRecords answers at most 1 MB of records, as DynamoDB Streams. */
const MAX_PAGE_BYTES = 1024 * 1024;

const TRIMMED_MESSAGE = "The operation attempted to read past the oldest stream record in a shard.";

interface GetShardIteratorInput {
  StreamArn: string;
  ShardId: string;
  ShardIteratorType: "TRIM_HORIZON" | "LATEST" | "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER";
  SequenceNumber?: string;
  /** Internal (ShardGetIterator): where the catalogue home resolved the shard (resolveShard's answer). */
  Shard?: number;
  Object?: string;
  After?: number;
  Last?: number;
}

/** resolveShard's answer: a shard index, or a lineage shard's object and log bounds. */
interface Resolved {
  Shard?: number;
  Object?: string;
  After?: number;
  Last?: number;
}

function getShardIteratorOp(resolved: boolean): Operation<GetShardIteratorInput> {
  return defineOp<GetShardIteratorInput>({
    shape: {
      StreamArn: { kind: "string", notNull: true, minLength: 37, maxLength: 1024 },
      ShardId: { kind: "string", notNull: true, minLength: 28, maxLength: 65 },
      ShardIteratorType: {
        kind: "string",
        notNull: true,
        enum: ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"],
      },
      SequenceNumber: { kind: "string", minLength: 21, maxLength: 40 },
      ...(resolved
        ? { Shard: { kind: "long" }, Object: { kind: "string" }, After: { kind: "long" }, Last: { kind: "long" } }
        : {}),
    },
    validate(input) {
      const bySequence =
        input.ShardIteratorType === "AT_SEQUENCE_NUMBER" || input.ShardIteratorType === "AFTER_SEQUENCE_NUMBER";
      if (bySequence && input.SequenceNumber === undefined) {
        throw validation(`SequenceNumber is required for ShardIteratorType ${input.ShardIteratorType}`);
      }
    },
    execute(ctx, input) {
      const parsed = parseStreamArn(input.StreamArn);
      if (!parsed) throw validation("Invalid StreamArn");
      // The catalogue home checks the stream and shard; another shard was checked by the router.
      const place: Resolved = resolved
        ? { ...input, Shard: input.Shard ?? shardOfShardId(input.ShardId) }
        : (resolveShard.execute(ctx, { StreamArn: input.StreamArn, ShardId: input.ShardId }) as Resolved);
      const stream = streamId(parsed.table, parsed.label);
      const trimmed = trimmedUpto(ctx.sql, stream);
      const floor = Math.max(trimmed, place.After ?? 0);
      let after: number;
      switch (input.ShardIteratorType) {
        case "TRIM_HORIZON":
          after = floor;
          break;
        case "LATEST":
          // A closed shard's latest position is its end.
          after = place.Last ?? Math.max(nextSequence(ctx.sql) - 1, floor);
          break;
        default: {
          const seq = parseSequenceNumber(input.SequenceNumber as string);
          if (seq === undefined) throw validation(`Invalid SequenceNumber: ${input.SequenceNumber as string}`);
          after = input.ShardIteratorType === "AT_SEQUENCE_NUMBER" ? seq - 1 : seq;
          if (after < trimmed) throw new DynamoError("TrimmedDataAccessException", TRIMMED_MESSAGE);
          after = Math.max(after, place.After ?? 0);
        }
      }
      const position: ShardPosition =
        place.Object === undefined
          ? { ...parsed, shard: place.Shard ?? 0, after, issued: ctx.now }
          : { ...parsed, shard: -1, object: place.Object, after, issued: ctx.now };
      if (place.Last !== undefined) position.last = place.Last;
      return { ShardIterator: encodeIterator(position) };
    },
  });
}

export const getShardIterator = getShardIteratorOp(false);
/** Internal: GetShardIterator on a shard other than 0, after shard 0 resolved the shard id. */
export const getShardIteratorResolved = getShardIteratorOp(true);

export const getRecords = defineOp<{ ShardIterator: string; Limit?: number }>({
  shape: {
    ShardIterator: { kind: "string", notNull: true, minLength: 1, maxLength: 2048 },
    Limit: { kind: "long", min: 1, max: 1000 },
  },
  execute(ctx, input) {
    const position = decodeIterator(input.ShardIterator, ctx.now);
    const stream = streamId(position.table, position.label);
    if (position.after < trimmedUpto(ctx.sql, stream)) {
      throw new DynamoError("TrimmedDataAccessException", TRIMMED_MESSAGE);
    }
    // A lineage's closed shard ends at its last record (src/streams/lineage.ts).
    const last = position.last ?? Number.MAX_SAFE_INTEGER;
    const rows = ctx.sql.all<{ seq: number; record: string }>(
      "SELECT seq, record FROM stream_records WHERE stream = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
      stream,
      position.after,
      last,
      input.Limit ?? 1000,
    );
    const records: unknown[] = [];
    let bytes = 0;
    let after = position.after;
    for (const row of rows) {
      bytes += row.record.length;
      if (records.length > 0 && bytes > MAX_PAGE_BYTES) break;
      records.push(wireRecord(JSON.parse(row.record) as StoredRecord, row.seq));
      after = row.seq;
    }
    const out: Record<string, unknown> = { Records: records };
    // A closed shard (stream disabled, table deleted, partition split) read to its end has no next iterator.
    const open = position.last === undefined && isStreamLive(ctx.catalogue, position.table, position.label);
    const more = ctx.sql.first(
      "SELECT seq FROM stream_records WHERE stream = ? AND seq > ? AND seq <= ? LIMIT 1",
      stream,
      after,
      last,
    );
    if (open || more) out.NextShardIterator = encodeIterator({ ...position, after, issued: ctx.now });
    return out;
  },
});

/** A stored record as the wire shows it, its SequenceNumber in DynamoDB's member order. */
function wireRecord(record: StoredRecord, seq: number): Record<string, unknown> {
  const { Keys, NewImage, OldImage, SizeBytes, StreamViewType, ApproximateCreationDateTime } = record.dynamodb;
  const body: Record<string, unknown> = { ApproximateCreationDateTime, Keys };
  if (NewImage) body.NewImage = NewImage;
  if (OldImage) body.OldImage = OldImage;
  body.SequenceNumber = sequenceNumber(seq);
  body.SizeBytes = SizeBytes;
  body.StreamViewType = StreamViewType;
  const out: Record<string, unknown> = { ...record, dynamodb: body };
  return out;
}
