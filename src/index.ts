// The package entry, `durable-dynamodb`: everything @aws-sdk/client-dynamodb exports
// (commands, paginators, waiters, exceptions, types), with DynamoDBClient and the
// aggregated DynamoDB client replaced by ones that deliver to Durable Objects. Local
// exports take precedence over the star re-export, so one import line changes.
export * from "@aws-sdk/client-dynamodb";
export { DynamoDB } from "./client/aggregated.js";
export { DynamoDBClient, type DynamoDBClientConfig, type PartitionList, type SplitStarted } from "./client/client.js";
export { withDynamoDB } from "./mixin.js";
// DynamoDB Streams: a real @aws-sdk/client-dynamodb-streams client over the shards, and its
// commands (named explicitly: both SDK packages export AttributeValue, the shared
// exceptions and other model types).
export { DynamoDBStreamsClient, type DynamoDBStreamsClientConfig } from "./client/streams-client.js";
export {
  checkpointKey,
  pumpStream,
  queueDeliverer,
  type CheckpointStore,
  type Deliver,
  type PumpOptions,
  type PumpResult,
} from "./client/stream-consumer.js";
export {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  TrimmedDataAccessException,
  type DescribeStreamCommandInput,
  type DescribeStreamCommandOutput,
  type GetRecordsCommandInput,
  type GetRecordsCommandOutput,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
  type ListStreamsCommandInput,
  type ListStreamsCommandOutput,
} from "@aws-sdk/client-dynamodb-streams";
// The shard Durable Object class: a Worker using DynamoDBClient exports it and binds it
// (as DYNAMODB by default) in its wrangler configuration.
export { DynamoShard } from "./shard.js";
