// The DynamoDB Streams API (DynamoDBStreams_20120810) inside a shard: operation name + JSON
// input -> JSON output, validated like the DynamoDB operations (src/dispatch.ts). Names
// starting with "Shard" are internal calls of the streams router.
import { DynamoError, serialization } from "../errors.js";
import type { OpContext, Operation } from "../ops/operation.js";
import type { JsonObject } from "../types.js";
import { checkConstraints, deserializeMembers, isObject } from "../wire/shape.js";
import { describeStream, listStreams, resolveShard, streamShardRange } from "./describe-ops.js";
import { getRecords, getShardIterator, getShardIteratorResolved } from "./read-ops.js";

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

export const STREAMS_TARGET_PREFIX = "DynamoDBStreams_20120810.";

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
  if (!isObject(body)) {
    throw serialization(Array.isArray(body) ? "Start of list found where not expected" : "Expected null");
  }
  const input = deserializeMembers(body, op.shape);
  checkConstraints(input, op.shape);
  op.validate?.(input);
  return op.execute(ctx, input);
}
