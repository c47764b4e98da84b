// The wire vocabulary every door shares: what a request carries besides its JSON text
// (CallMeta), what comes back (WireReply: status and JSON text, errors already serialised),
// and the X-Amz-Target prefixes of the two APIs. Errors are typed values (src/errors.ts)
// until here, where they become DynamoDB's error bodies, once.
import type { DynamoError } from "../errors.js";

/** X-Amz-Target of DynamoDB's operations: `DynamoDB_20120810.PutItem`. */
export const DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810.";
/** X-Amz-Target of DynamoDB Streams' operations: `DynamoDBStreams_20120810.GetRecords`. */
export const STREAMS_TARGET_PREFIX = "DynamoDBStreams_20120810.";

export interface CallMeta {
  region: string;
  host: string;
  /** Set by the cluster router (src/cluster/router.ts); absent for direct callers. */
  cluster?: ClusterMeta;
}

/** Routing facts the cluster router passes with a request (plain data, RPC-serialisable). */
export interface ClusterMeta {
  /** CreateTable: the number of shards the new table is spread over (> 1). */
  createShards?: number;
  /**
   * The TableId the router's cached definition has, per table name: a data-plane request
   * for a table whose local definition has another TableId (the table was deleted and
   * recreated since the router cached it) fails with ResourceNotFoundException, upon
   * which the router refreshes its cache and retries.
   */
  expect?: Record<string, string>;
  /**
   * The version of each table's partition map the router placed the request by: an object
   * whose copy of the map has another version (the map changed since, or this object
   * missed the change) answers as for another TableId, so the router refreshes, repairs
   * and retries.
   */
  mapVersion?: Record<string, number>;
}

export interface WireReply {
  status: number;
  body: string;
}

/** DynamoDB's error body for `err`: {"__type": ..., "message": ...} with its HTTP status. */
export function errorReply(err: DynamoError): WireReply {
  return { status: err.status, body: JSON.stringify(err.toJSON()) };
}
