// The wire vocabulary every door shares: what a request carries besides its JSON text
// (CallMeta), what comes back (WireReply: status and JSON text, errors already serialised),
// and the X-Amz-Target prefixes of the two APIs. Errors are typed values (src/errors.ts)
// until here, where they become DynamoDB's error bodies, once.
import type { DynamoError } from "../errors.js";

/** X-Amz-Target of DynamoDB's operations: `DynamoDB_20120810.PutItem`. */
export const DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810.";
/** X-Amz-Target of DynamoDB Streams' operations: `DynamoDBStreams_20120810.GetRecords`. */
export const STREAMS_TARGET_PREFIX = "DynamoDBStreams_20120810.";
/** X-Amz-Target of our own administrative operations: `DurableDynamoDB_20261207.SplitPartition`. */
export const ADMIN_TARGET_PREFIX = "DurableDynamoDB_20261207.";

export interface CallMeta {
  region: string;
  host: string;
  /** Set by the cluster router (src/cluster/router.ts); absent for direct callers. */
  cluster?: ClusterMeta;
}

/** Routing facts the cluster router passes with a request (plain data, RPC-serialisable). */
export interface ClusterMeta {
  /** CreateTable: the number of partitions the new table is spread over. */
  createShards?: number;
  /**
   * CreateTable through a router: the table's partitions are objects of its own
   * (tablePartitions), rather than the object that serves the request (the mixin's one object).
   */
  ownObjects?: boolean;
  /**
   * Per table name, the definition the router placed the request by: its TableId and its
   * partition map's version. A data-plane request for a table whose local definition
   * differs in either (the table was deleted and recreated, or its map changed, since the
   * router read it; or this object missed the change) fails with ResourceNotFoundException,
   * upon which the router rereads the definition, repairs objects that missed it, and retries.
   */
  expect?: Record<string, Expected>;
  /**
   * The object the router addressed, by its name without the tenant's prefix, and the
   * tenant: so that a partition's object can name itself when it starts a split.
   */
  self?: { tenant?: string; object: string };
}

export interface Expected {
  tableId: string;
  /** The table's layout version (src/schema/table-def.ts layoutVersion). */
  mapVersion: number;
}

export interface WireReply {
  status: number;
  body: string;
}

/** DynamoDB's error body for `err`: {"__type": ..., "message": ...} with its HTTP status. */
export function errorReply(err: DynamoError): WireReply {
  return { status: err.status, body: JSON.stringify(err.toJSON()) };
}
