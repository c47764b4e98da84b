// The aggregated client of the package entry (`new DynamoDB({}).putItem(...)`).
import { DynamoDB as SdkDynamoDB, type DynamoDBClient as SdkDynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient } from "./client.js";

/**
 * The aggregated client (`client.putItem(...)`, `client.paginateScan(...)`), over the same
 * Durable Object transport: the SDK's methods, copied onto this package's DynamoDBClient
 * below, and typed by the merged interface. A module of its own: the SDK's aggregated client
 * names every command, which a Worker using only DynamoDBClient should not carry.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DynamoDB extends DynamoDBClient {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface DynamoDB extends Omit<SdkDynamoDB, keyof SdkDynamoDBClient> {}
for (const name of Object.getOwnPropertyNames(SdkDynamoDB.prototype)) {
  if (name === "constructor") continue;
  const descriptor = Object.getOwnPropertyDescriptor(SdkDynamoDB.prototype, name);
  if (descriptor) Object.defineProperty(DynamoDB.prototype, name, descriptor);
}
