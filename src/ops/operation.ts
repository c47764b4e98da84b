// One module per API operation (dynalite's cut): each exports an Operation whose `shape`
// drives wire validation and whose `execute` runs synchronously inside the shard, so a
// read-check-write never awaits in between.
import type { Catalogue } from "../storage/catalogue.js";
import type { ChangeLog } from "../storage/change-log.js";
import type { GsiOutbox } from "../storage/gsi-outbox.js";
import type { TtlIndex } from "../storage/ttl-index.js";
import type { IndexStore } from "../storage/index-store.js";
import type { ItemStore } from "../storage/items.js";
import type { VectorStore } from "../storage/vector-store.js";
import type { Sql } from "../storage/sql.js";
import type { JsonObject } from "../types.js";
import { checkShape, type Shape } from "../protocol/shape.js";
import type { ClusterMeta } from "../protocol/reply.js";

export interface OpContext {
  sql: Sql;
  catalogue: Catalogue;
  items: ItemStore;
  indexes: IndexStore;
  vectors: VectorStore;
  /** Region named in ARNs (taken from the request's credential scope when present). */
  region: string;
  accountId: string;
  /** Epoch milliseconds at the start of the request. */
  now: number;
  /** Host the request came to, for DescribeEndpoints. */
  host: string;
  /** Asks the shard to run its housekeeping alarm soon (purges dropped tables). */
  scheduleHousekeeping(): void;
  /** Whether exports to R2 can be written here (false in an embedded engine). */
  exports?: boolean;
  /** What the cluster router told this shard about the request (src/cluster/router.ts). */
  cluster?: ClusterMeta;
  /** Stream change log and TTL index, passed on to writeItem (the engine provides both). */
  changeLog?: ChangeLog;
  ttlIndex?: TtlIndex;
  /** Changes to GSIs kept in partitions of their own, passed on to writeItem (src/storage/gsi-outbox.ts). */
  outbox?: GsiOutbox;
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

/**
 * A request checked as DynamoDB checks it before anything runs: the wire's shape passes
 * (src/protocol/shape.ts), then the operation's own checks. Every caller that checks a
 * request before running or routing it comes through here: the dispatchers, the cluster
 * router and the shard's index reads and transaction shares.
 */
export function checkRequest<I>(op: Operation<I>, body: unknown): I {
  const input = checkShape(body, op.shape) as unknown as I;
  op.validate?.(input);
  return input;
}
