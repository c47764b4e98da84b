// The package entry, `durable-dynamodb`: everything @aws-sdk/client-dynamodb exports
// (commands, paginators, waiters, exceptions, types), with DynamoDBClient and the
// aggregated DynamoDB client replaced by ones that deliver to Durable Objects. Local
// exports take precedence over the star re-export, so one import line changes.
export * from "@aws-sdk/client-dynamodb";
export { DynamoDB, DynamoDBClient, type DynamoDBClientConfig } from "./client/client";
export { withDynamoDB } from "./mixin";
// The shard Durable Object class: a Worker using DynamoDBClient exports it and binds it
// (as DYNAMODB by default) in its wrangler configuration.
export { DynamoShard } from "./shard";
