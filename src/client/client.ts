// DynamoDBClient for Workers: a real @aws-sdk/client-dynamodb client (same commands,
// middleware stack, serialiser, deserialiser, typed exceptions, retries, paginators and
// waiters) whose request handler delivers to the engine's Durable Objects instead of
// HTTP. Swapping `@aws-sdk/client-dynamodb` for `durable-dynamodb` in an import is the
// whole migration:
//
//   import { DynamoDBClient, PutItemCommand } from "durable-dynamodb";
//   const client = new DynamoDBClient({}); // finds env.DYNAMODB
//
// No network and no SigV4: credentials and region default to static placeholders, and
// the sigv4 auth scheme's signer is a no-op, so no hashing or HMAC runs per request.
import {
  DynamoDBClient as SdkDynamoDBClient,
  type DynamoDBClientConfig as SdkDynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import {
  DEFAULT_BINDING,
  DEFAULT_REGION,
  locateNamespace,
  PLACEHOLDER_CREDENTIALS,
  SdkRequestHandler,
  ShardRequestHandler,
  UNSIGNED_SIGV4,
} from "./request-handler.js";
import type { Route } from "../cluster/placement.js";
import type { ShardNamespace } from "../protocol/shard-rpc.js";
import type { WireReply } from "../protocol/reply.js";

export interface DynamoDBClientConfig extends SdkDynamoDBClientConfig {
  // A `requestHandler` given here replaces the Durable Object transport (binding,
  // namespace and tenant then have no effect); `httpAuthSchemes` or `signer` restore signing.
  /** Name of the Worker env binding of the DynamoShard namespace. Default "DYNAMODB". */
  binding?: string;
  /** The DynamoShard namespace itself (e.g. `env.X`); takes precedence over `binding`. */
  namespace?: ShardNamespace | DurableObjectNamespace;
  /** Number of shards tables this client creates are spread over (default 1). */
  shards?: number;
  /**
   * Multi-tenant isolation: the tenant's tables live in their own shard Durable Objects
   * (named `${tenant}:shard-N`), so clients of different tenants never see each other's
   * tables. Unset: the shared, untenanted shards (the ones the HTTP edge serves).
   */
  tenant?: string;
}

export class DynamoDBClient extends SdkDynamoDBClient {
  /** The tenant this client's requests are confined to, if any. */
  readonly tenant: string | undefined;
  /** Shard count for tables this client creates (undefined: 1). */
  readonly shards: number | undefined;

  constructor(configuration: DynamoDBClientConfig = {}) {
    const { binding, namespace, shards, tenant, ...sdk } = configuration;
    checkOptions(binding, shards, tenant);
    const route: Route = { tenant, shards };
    const ownHandler =
      sdk.requestHandler === undefined
        ? new ShardRequestHandler(() => locateNamespace(namespace, binding ?? DEFAULT_BINDING), route)
        : undefined;
    const keepsSigning = sdk.httpAuthSchemes !== undefined || sdk.signer !== undefined;
    super({
      region: DEFAULT_REGION,
      credentials: PLACEHOLDER_CREDENTIALS,
      ...sdk,
      ...(keepsSigning ? {} : { httpAuthSchemes: [UNSIGNED_SIGV4] }),
      ...(ownHandler ? { requestHandler: ownHandler } : {}),
    });
    this.tenant = tenant;
    this.shards = shards;
    // The region named in ARNs is the client's own, as it would be in the credential scope.
    const handler: unknown = this.config.requestHandler;
    if (handler instanceof SdkRequestHandler) handler.useRegion(this.config.region);
  }

  /**
   * Starts splitting one of the table's partitions (by default the one holding the most
   * bytes, at the hash of its median item) into two Durable Objects, online; the split
   * ends in the background, and `listPartitions` shows the new map when it is published.
   * Rejects as listPartitions does (ResourceInUseException while the table is splitting).
   * With `indexName`, a partition (default 0) of that GSI, when it is kept in partitions of
   * its own, splits the same way.
   */
  async splitPartition(
    tableName: string,
    options: { partition?: number; at?: number; indexName?: string } = {},
  ): Promise<SplitStarted> {
    const handler: unknown = this.config.requestHandler;
    if (!(handler instanceof ShardRequestHandler)) {
      throw new TypeError("durable-dynamodb: splitPartition needs the client's Durable Object request handler");
    }
    const body: Record<string, unknown> = { TableName: tableName };
    if (options.partition !== undefined) body.Partition = options.partition;
    if (options.at !== undefined) body.SplitAt = options.at;
    if (options.indexName !== undefined) body.IndexName = options.indexName;
    return replyOf(await handler.admin("SplitPartition", JSON.stringify(body))) as unknown as SplitStarted;
  }

  /**
   * The table's partitions: DescribeTable's `DurableDynamoDB` member, which the SDK's
   * DescribeTable output drops (it is not in DynamoDB's model). A table of one partition
   * reports one covering the whole hash space. Rejects with the DynamoDB error's type as
   * its name (ResourceNotFoundException for no such table).
   */
  async listPartitions(tableName: string): Promise<PartitionList> {
    const handler: unknown = this.config.requestHandler;
    if (!(handler instanceof SdkRequestHandler)) {
      throw new TypeError("durable-dynamodb: listPartitions needs the client's own request handler");
    }
    const out = replyOf(await handler.call("DescribeTable", JSON.stringify({ TableName: tableName })));
    const table = out.Table as {
      ItemCount?: number;
      TableSizeBytes?: number;
      DurableDynamoDB?: Record<string, unknown>;
    };
    const itemCount = table.ItemCount ?? 0;
    const sizeBytes = table.TableSizeBytes ?? 0;
    const extension = table.DurableDynamoDB as
      { PartitionMapVersion?: number; Partitions?: PartitionList["partitions"] } | undefined;
    return {
      table: tableName,
      version: extension?.PartitionMapVersion ?? 1,
      partitions: extension?.Partitions ?? [
        { HashStart: 0, HashEnd: 2 ** 32, ItemCount: itemCount, TableSizeBytes: sizeBytes },
      ],
      itemCount,
      sizeBytes,
    };
  }
}

/**
 * The JSON of a successful reply; a failed one rejects with the DynamoDB error's type as
 * its name, as the SDK names the exceptions it throws.
 */
function replyOf(reply: WireReply): Record<string, unknown> {
  const out = JSON.parse(reply.body) as { __type?: string; message?: string };
  if (reply.status !== 200) {
    const err = new Error(out.message ?? reply.body);
    err.name = out.__type?.split("#").pop() ?? "InternalServerError";
    throw err;
  }
  return out;
}

/** A split started by `DynamoDBClient.splitPartition` (or `durable-dynamodb partitions split`). */
export interface SplitStarted {
  TableName: string;
  /** Set when a partition of this GSI (kept in partitions of its own) splits. */
  IndexName?: string;
  /** The partition's index in the map it was split from, and its hash range [HashStart, HashEnd). */
  Partition: number;
  HashStart: number;
  HashEnd: number;
  /** Where it splits: the hashes from SplitAt on move to a new Durable Object. */
  SplitAt: number;
  /** The map version before the split; the split raises it when it is published. */
  PartitionMapVersion: number;
  SplitStatus: "SPLITTING";
}

/** A table's partitions, as `DynamoDBClient.listPartitions` and `durable-dynamodb partitions list` report them. */
export interface PartitionList {
  table: string;
  /** The partition map's version (1 as created; raised by every change). */
  version: number;
  /** In hash order: each one's hash range [HashStart, HashEnd), items and bytes. */
  partitions: { HashStart: number; HashEnd: number; ItemCount: number; TableSizeBytes: number }[];
  itemCount: number;
  sizeBytes: number;
}

function checkOptions(binding: string | undefined, shards: number | undefined, tenant: string | undefined): void {
  if (binding !== undefined && (typeof binding !== "string" || binding === "")) {
    throw new TypeError("durable-dynamodb: `binding` must be a non-empty string");
  }
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) {
    throw new TypeError("durable-dynamodb: `shards` must be a positive integer");
  }
  if (tenant !== undefined && (typeof tenant !== "string" || tenant === "")) {
    throw new TypeError("durable-dynamodb: `tenant` must be a non-empty string");
  }
}
