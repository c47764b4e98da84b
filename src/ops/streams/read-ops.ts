// GetShardIterator and GetRecords, run by the storage shard holding the stream shard (the
// streams router sends them there; shard 0 also checks the stream and shard id, for other
// shards the router has asked shard 0 first).
import { DynamoError, validation } from "../../errors.js";
import { defineOp, type Operation } from "../operation.js";
import { decodeIterator, encodeIterator, shardOfShardId } from "../../streams/iterator.js";
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
      const shard = resolved
        ? (shardOfShardId(input.ShardId) as number)
        : (resolveShard.execute(ctx, { StreamArn: input.StreamArn, ShardId: input.ShardId }).Shard as number);
      const stream = streamId(parsed.table, parsed.label);
      const trimmed = trimmedUpto(ctx.sql, stream);
      let after: number;
      switch (input.ShardIteratorType) {
        case "TRIM_HORIZON":
          after = trimmed;
          break;
        case "LATEST":
          after = nextSequence(ctx.sql) - 1;
          break;
        default: {
          const seq = parseSequenceNumber(input.SequenceNumber as string);
          if (seq === undefined) throw validation(`Invalid SequenceNumber: ${input.SequenceNumber as string}`);
          after = input.ShardIteratorType === "AT_SEQUENCE_NUMBER" ? seq - 1 : seq;
          if (after < trimmed) throw new DynamoError("TrimmedDataAccessException", TRIMMED_MESSAGE);
        }
      }
      return { ShardIterator: encodeIterator({ ...parsed, shard, after, issued: ctx.now }) };
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
    const rows = ctx.sql.all<{ seq: number; record: string }>(
      "SELECT seq, record FROM stream_records WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?",
      stream,
      position.after,
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
    // A closed shard (stream disabled, table deleted) read to its end has no next iterator.
    const open = isStreamLive(ctx.catalogue, position.table, position.label);
    const more = ctx.sql.first("SELECT seq FROM stream_records WHERE stream = ? AND seq > ? LIMIT 1", stream, after);
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
