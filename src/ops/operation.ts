// One module per API operation (dynalite's cut): each exports an Operation whose `shape`
// drives wire validation and whose `execute` runs synchronously inside the shard, so a
// read-check-write never awaits in between.
import type { Catalogue } from "../storage/catalogue.js";
import type { ChangeLog } from "../streams/change-log.js";
import type { TtlIndex } from "../ttl/ttl-index.js";
import type { IndexStore } from "../storage/index-store.js";
import type { ItemStore } from "../storage/items.js";
import type { Sql } from "../storage/sql.js";
import type { JsonObject } from "../types.js";
import type { Shape } from "../wire/shape.js";

export interface OpContext {
  sql: Sql;
  catalogue: Catalogue;
  items: ItemStore;
  indexes: IndexStore;
  /** Region named in ARNs (taken from the request's credential scope when present). */
  region: string;
  accountId: string;
  /** Epoch milliseconds at the start of the request. */
  now: number;
  /** Host the request came to, for DescribeEndpoints. */
  host: string;
  /** Asks the shard to run its housekeeping alarm soon (purges dropped tables). */
  scheduleHousekeeping(): void;
  /** What the cluster router told this shard about the request (src/cluster/router.ts). */
  cluster?: ClusterMeta;
  /** Stream change log and TTL index, passed on to writeItem (the engine provides both). */
  changeLog?: ChangeLog;
  ttlIndex?: TtlIndex;
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
}

export interface Operation<I> {
  /** Members of the request and their wire constraints, in DynamoDB's reporting order. */
  shape: Record<string, Shape>;
  /** DynamoDB's operation-specific checks that follow the generic constraints. */
  validate?(input: I): void;
  execute(ctx: OpContext, input: I): JsonObject;
}

/** Declares an operation with its input type; the shape check makes the cast sound. */
export function defineOp<I>(op: Operation<I>): Operation<I> {
  return op;
}
