// ListStreams and DescribeStream, answered by the table's catalogue home (shard 0), which
// registers its streams (./registry.ts); the cluster's streams router fills in the ranges
// of the other storage shards (StreamShardRange). One stream shard per storage shard.
import { notFound, validation } from "../../errors.js";
import { defineOp, type OpContext } from "../operation.js";
import type { Shape } from "../../protocol/shape.js";
import { shardIdOf, shardOfShardId } from "../../streams/iterator.js";
import { isStreamLive, keySchemaOf, streamRow, streamRows, type StreamRow } from "../../streams/registry.js";
import { sequenceRange } from "../../streams/shard-range.js";
import { parseStreamArn, streamArn, streamId } from "../../schema/stream.js";

const streamArnShape: Shape = { kind: "string", notNull: true, minLength: 37, maxLength: 1024 };

/** The registered stream an ARN names; ValidationException / ResourceNotFoundException otherwise. */
export function streamOfArn(ctx: OpContext, arn: string): StreamRow {
  const parsed = parseStreamArn(arn);
  if (!parsed) throw validation("Invalid StreamArn");
  const row = streamRow(ctx.sql, parsed.table, parsed.label);
  if (!row) throw notFound(`Requested resource not found: Stream: ${arn} not found`);
  return row;
}

function arnOf(ctx: OpContext, row: StreamRow): string {
  return streamArn(ctx.region, ctx.accountId, row.table_name, row.label);
}

export const listStreams = defineOp<{ TableName?: string; Limit?: number; ExclusiveStartStreamArn?: string }>({
  shape: {
    TableName: { kind: "string", minLength: 3, maxLength: 255, pattern: "[a-zA-Z0-9_.-]+" },
    Limit: { kind: "long", min: 1, max: 100 },
    ExclusiveStartStreamArn: { kind: "string", minLength: 37, maxLength: 1024 },
  },
  validate(input) {
    if (input.ExclusiveStartStreamArn !== undefined && !parseStreamArn(input.ExclusiveStartStreamArn)) {
      throw validation("Invalid ExclusiveStartStreamArn");
    }
  },
  execute(ctx, input) {
    let rows = streamRows(ctx.sql);
    if (input.TableName !== undefined) {
      const name = input.TableName;
      rows = rows.filter((r) => r.table_name === name);
      if (rows.length === 0 && !ctx.catalogue.get(name)) {
        throw notFound(`Requested resource not found: Table: ${name} not found`);
      }
    }
    const start = input.ExclusiveStartStreamArn && parseStreamArn(input.ExclusiveStartStreamArn);
    if (start) {
      const after = streamId(start.table, start.label);
      rows = rows.filter((r) => r.stream > after);
    }
    const limit = input.Limit ?? 100;
    const page = rows.slice(0, limit);
    const out: Record<string, unknown> = {
      Streams: page.map((r) => ({ StreamArn: arnOf(ctx, r), TableName: r.table_name, StreamLabel: r.label })),
    };
    if (rows.length > limit) out.LastEvaluatedStreamArn = arnOf(ctx, page[page.length - 1] as StreamRow);
    return out;
  },
});

interface DescribeStreamInput {
  StreamArn: string;
  Limit?: number;
  ExclusiveStartShardId?: string;
  ShardFilter?: { Type?: string; ShardId?: string };
}

export const describeStream = defineOp<DescribeStreamInput>({
  shape: {
    StreamArn: streamArnShape,
    Limit: { kind: "long", min: 1, max: 100 },
    ExclusiveStartShardId: { kind: "string", minLength: 28, maxLength: 65 },
    ShardFilter: {
      kind: "structure",
      name: "ShardFilter",
      members: {
        Type: { kind: "string", enum: ["CHILD_SHARDS"] },
        ShardId: { kind: "string", minLength: 28, maxLength: 65 },
      },
    },
  },
  validate(input) {
    // CHILD_SHARDS names the parent whose children are asked for (DescribeStream's
    // ShardFilter, 2025): both members are needed.
    const filter = input.ShardFilter;
    if (filter && (filter.Type === undefined || filter.ShardId === undefined)) {
      throw validation("ShardFilter requires both Type and ShardId");
    }
  },
  execute(ctx, input) {
    const row = streamOfArn(ctx, input.StreamArn);
    const live = isStreamLive(ctx.catalogue, row.table_name, row.label, row.table_id);
    if (input.ShardFilter) {
      // The children of a shard: a stream shard here never splits (one per storage shard,
      // for the stream's life), so a shard of this stream has none.
      return { StreamDescription: { ...streamDescription(ctx, row, live), Shards: [] } };
    }
    const after =
      input.ExclusiveStartShardId === undefined ? -1 : (shardOfShardId(input.ExclusiveStartShardId) ?? row.shards);
    const limit = input.Limit ?? 100;
    const shards: Record<string, unknown>[] = [];
    for (let k = after + 1; k < row.shards && shards.length < limit; k++) {
      const shard: Record<string, unknown> = { ShardId: shardIdOf(row.created_at, k) };
      // Other storage shards' ranges are filled in by the streams router.
      if (k === 0) shard.SequenceNumberRange = sequenceRange(ctx.sql, row.stream, live);
      shards.push(shard);
    }
    const description: Record<string, unknown> = { ...streamDescription(ctx, row, live), Shards: shards };
    const last = shards[shards.length - 1];
    if (last && shards.length === limit && after + 1 + limit < row.shards)
      description.LastEvaluatedShardId = last.ShardId;
    return { StreamDescription: description };
  },
});

function streamDescription(ctx: OpContext, row: StreamRow, live: boolean): Record<string, unknown> {
  return {
    StreamArn: arnOf(ctx, row),
    StreamLabel: row.label,
    StreamStatus: live ? "ENABLED" : "DISABLED",
    StreamViewType: row.view_type,
    CreationRequestDateTime: row.created_at / 1000,
    TableName: row.table_name,
    KeySchema: keySchemaOf(row),
  };
}

/** Internal (streams router): this storage shard's range of a stream. */
export const streamShardRange = defineOp<{ Table: string; Label: string }>({
  shape: { Table: { kind: "string", notNull: true }, Label: { kind: "string", notNull: true } },
  execute(ctx, input) {
    const live = isStreamLive(ctx.catalogue, input.Table, input.Label);
    return { SequenceNumberRange: sequenceRange(ctx.sql, streamId(input.Table, input.Label), live) };
  },
});

/** Internal (streams router): checks a stream and shard id on the catalogue home; answers the shard index. */
export const resolveShard = defineOp<{ StreamArn: string; ShardId: string }>({
  shape: { StreamArn: streamArnShape, ShardId: { kind: "string", notNull: true, minLength: 28, maxLength: 65 } },
  execute(ctx, input) {
    const row = streamOfArn(ctx, input.StreamArn);
    const shard = shardOfShardId(input.ShardId);
    if (shard === undefined || shard >= row.shards || input.ShardId !== shardIdOf(row.created_at, shard)) {
      throw notFound("Requested resource not found: Shard does not exist");
    }
    return { Shard: shard };
  },
});
