// DynamoDBStreamsClient for Workers: a real @aws-sdk/client-dynamodb-streams client (its
// commands, serialiser, typed exceptions and retries) whose request handler delivers to the
// shard Durable Objects through the streams router, as this package's DynamoDBClient
// (./client.ts) does for DynamoDB. No network, no SigV4.
//
//   import { DynamoDBStreamsClient, GetRecordsCommand } from "durable-dynamodb";
//   const streams = new DynamoDBStreamsClient({}); // finds env.DYNAMODB
import {
  DynamoDBStreamsClient as SdkDynamoDBStreamsClient,
  type DynamoDBStreamsClientConfig as SdkDynamoDBStreamsClientConfig,
} from "@aws-sdk/client-dynamodb-streams";
import type { ShardNamespace } from "../protocol/shard-rpc.js";
import {
  DEFAULT_BINDING,
  DEFAULT_REGION,
  locateNamespace,
  PLACEHOLDER_CREDENTIALS,
  StreamsRequestHandler,
  UNSIGNED_SIGV4,
} from "./request-handler.js";

export interface DynamoDBStreamsClientConfig extends SdkDynamoDBStreamsClientConfig {
  /** Name of the Worker env binding of the DynamoShard namespace. Default "DYNAMODB". */
  binding?: string;
  /** The DynamoShard namespace itself; takes precedence over `binding`. */
  namespace?: ShardNamespace | DurableObjectNamespace;
  /** The tenant whose tables' streams to read (as DynamoDBClient's `tenant`). */
  tenant?: string;
}

export class DynamoDBStreamsClient extends SdkDynamoDBStreamsClient {
  constructor(configuration: DynamoDBStreamsClientConfig = {}) {
    const { binding, namespace, tenant, ...sdk } = configuration;
    const handler =
      sdk.requestHandler === undefined
        ? new StreamsRequestHandler(() => locateNamespace(namespace, binding ?? DEFAULT_BINDING), tenant)
        : undefined;
    super({
      region: DEFAULT_REGION,
      credentials: PLACEHOLDER_CREDENTIALS,
      ...sdk,
      ...(sdk.httpAuthSchemes !== undefined || sdk.signer !== undefined ? {} : { httpAuthSchemes: [UNSIGNED_SIGV4] }),
      ...(handler ? { requestHandler: handler } : {}),
    });
    // Stream ARNs name the client's region, as they would on AWS.
    if (handler) handler.useRegion(this.config.region);
  }
}
