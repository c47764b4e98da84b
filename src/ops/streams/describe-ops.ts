// ListStreams and DescribeStream, answered by the table's catalogue home (shard 0), which
// registers its streams (./registry.ts); the cluster's streams router fills in the ranges
// of the other storage shards (StreamShardRange). One stream shard per storage shard, or,
// once the table's partitions split, the shards of its lineage (src/streams/lineage.ts).
import { notFound, validation } from "../../errors.js";
import { defineOp, type OpContext } from "../operation.js";
import type { Shape } from "../../protocol/shape.js";
import { shardIdOf, shardOfShardId } from "../../streams/iterator.js";
import { isStreamLive, keySchemaOf, streamRow, streamRows, type StreamRow } from "../../streams/registry.js";
import { sequenceRange, type LogBounds } from "../../streams/shard-range.js";
import { lineageShards, type LineageShard } from "../../streams/lineage.js";
import { sharedObject } from "../../schema/partition-map.js";
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
    const lineage = lineageShards(ctx.sql, row.stream);
    if (lineage.length > 0) return describeLineage(ctx, row, live, lineage, input);
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

/**
 * DescribeStream of a stream whose shards follow its table's splits (src/streams/lineage.ts):
 * parents before their children, each child naming its parent. The ranges of shards held
 * by other objects are left to the streams router, which reads them there (`_Log`).
 */
function describeLineage(
  ctx: OpContext,
  row: StreamRow,
  live: boolean,
  lineage: LineageShard[],
  input: DescribeStreamInput,
): Record<string, unknown> {
  let shards = lineage;
  if (input.ShardFilter) shards = lineage.filter((shard) => shard.parent === input.ShardFilter?.ShardId);
  else if (input.ExclusiveStartShardId !== undefined) {
    const at = lineage.findIndex((shard) => shard.shardId === input.ExclusiveStartShardId);
    shards = at < 0 ? [] : lineage.slice(at + 1);
  }
  const limit = input.Limit ?? 100;
  const page = shards.slice(0, limit).map((shard) => {
    const out: Record<string, unknown> = { ShardId: shard.shardId };
    if (shard.parent !== undefined) out.ParentShardId = shard.parent;
    const bounds: LogBounds =
      shard.last === undefined ? { after: shard.after } : { after: shard.after, last: shard.last };
    if (shard.object === sharedObject(0)) out.SequenceNumberRange = sequenceRange(ctx.sql, row.stream, live, bounds);
    else
      out._Log = {
        Object: shard.object,
        After: shard.after,
        ...(shard.last === undefined ? {} : { Last: shard.last }),
      };
    return out;
  });
  const description: Record<string, unknown> = { ...streamDescription(ctx, row, live), Shards: page };
  if (!input.ShardFilter && shards.length > limit) description.LastEvaluatedShardId = page[page.length - 1]?.ShardId;
  return { StreamDescription: description };
}

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

/** Internal (streams router): this storage shard's range of a stream (within After/Last for a lineage's shard). */
export const streamShardRange = defineOp<{ Table: string; Label: string; After?: number; Last?: number }>({
  shape: {
    Table: { kind: "string", notNull: true },
    Label: { kind: "string", notNull: true },
    After: { kind: "long" },
    Last: { kind: "long" },
  },
  execute(ctx, input) {
    const live = isStreamLive(ctx.catalogue, input.Table, input.Label);
    const bounds: LogBounds = { after: input.After ?? 0 };
    if (input.Last !== undefined) bounds.last = input.Last;
    return { SequenceNumberRange: sequenceRange(ctx.sql, streamId(input.Table, input.Label), live, bounds) };
  },
});

/**
 * Internal (streams router): checks a stream and shard id on the catalogue home; answers
 * the shard index, or for a lineage's shard its object and log bounds.
 */
export const resolveShard = defineOp<{ StreamArn: string; ShardId: string }>({
  shape: { StreamArn: streamArnShape, ShardId: { kind: "string", notNull: true, minLength: 28, maxLength: 65 } },
  execute(ctx, input) {
    const row = streamOfArn(ctx, input.StreamArn);
    const lineage = lineageShards(ctx.sql, row.stream);
    if (lineage.length > 0) {
      const found = lineage.find((shard) => shard.shardId === input.ShardId);
      if (!found) throw notFound("Requested resource not found: Shard does not exist");
      return { Object: found.object, After: found.after, ...(found.last === undefined ? {} : { Last: found.last }) };
    }
    const shard = shardOfShardId(input.ShardId);
    if (shard === undefined || shard >= row.shards || input.ShardId !== shardIdOf(row.created_at, shard)) {
      throw notFound("Requested resource not found: Shard does not exist");
    }
    return { Shard: shard };
  },
});
