// The DynamoDB Streams API (DynamoDBStreams_20120810) inside a shard: operation name + JSON
// input -> JSON output, validated like the DynamoDB operations (src/engine/dispatch.ts). Names
// starting with "Shard" are internal calls of the streams router.
import { DynamoError } from "../errors.js";
import { checkRequest, type OpContext, type Operation } from "../ops/operation.js";
import type { JsonObject } from "../types.js";
import { describeStream, listStreams, resolveShard, streamShardRange } from "../ops/streams/describe-ops.js";
import { getRecords, getShardIterator, getShardIteratorResolved } from "../ops/streams/read-ops.js";
import { STREAMS_TARGET_PREFIX } from "../protocol/reply.js";

type AnyOperation = Operation<never>;

/** The public operations, as named after `DynamoDBStreams_20120810.`. */
export const STREAM_OPERATIONS: Readonly<Record<string, AnyOperation>> = {
  DescribeStream: describeStream,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  ListStreams: listStreams,
};

const INTERNAL: Readonly<Record<string, AnyOperation>> = {
  ShardRange: streamShardRange,
  ShardResolve: resolveShard,
  ShardGetIterator: getShardIteratorResolved,
};

/** The Streams operation an X-Amz-Target names (`DynamoDBStreams_20120810.GetRecords`), if any. */
export function streamsOperationOf(target: string): string | undefined {
  if (!target.startsWith(STREAMS_TARGET_PREFIX)) return undefined;
  const name = target.slice(STREAMS_TARGET_PREFIX.length);
  return Object.hasOwn(STREAM_OPERATIONS, name) ? name : undefined;
}

export function dispatchStreams(ctx: OpContext, operation: string, body: unknown): JsonObject {
  const table = Object.hasOwn(STREAM_OPERATIONS, operation) ? STREAM_OPERATIONS : INTERNAL;
  if (!Object.hasOwn(table, operation)) throw new DynamoError("UnknownOperationException", "");
  const op = table[operation] as Operation<JsonObject>;
  return op.execute(ctx, checkRequest(op, body));
}
