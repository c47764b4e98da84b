// Which shard Durable Object serves a request. Every table lives in shard 0 until the
// sharded cluster lands; this function is the one place that will change then.

export interface Route {
  /** Multi-tenant key prefix: a tenant's shards are distinct Durable Objects. */
  tenant: string | undefined;
  /** Default shard count for new tables (accepted and stored; unused until sharding). */
  shards: number | undefined;
}

/**
 * The Durable Object name (within the namespace) that serves one request. `input` is the
 * request's JSON text as the SDK serialised it: parse it only when routing needs a field
 * (TableName, keys), so the single-shard path costs nothing.
 */
export function shardFor(operation: string, input: string, route: Route): string {
  return shardName(route.tenant, 0);
}

/**
 * `shard-N`, or `${tenant}:shard-N` for a tenant. Injective: untenanted names have no
 * colon, and a tenanted name splits at its last colon (shard names contain none).
 */
export function shardName(tenant: string | undefined, index: number): string {
  return tenant === undefined ? `shard-${index}` : `${tenant}:shard-${index}`;
}
