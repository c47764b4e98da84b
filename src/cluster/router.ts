// The cluster router, shared by the SDK client's request handler and the HTTP edge: takes
// one wire request (operation name + JSON text) and delivers it to the shard Durable
// Object(s) that serve it, merging the replies of a fan-out.
//
// Layout. A tenant's shard k is the Durable Object `shardName(tenant, k)`. Shard 0 is the
// catalogue home: every table is defined there, and a table created with N > 1 shards
// (TableDef.shards) also has a copy of its definition in shards 1..N-1, so each shard
// validates and executes item operations alone. A partition key lives in shard
// floor(h * N / 2^32) of its 32-bit hash h (src/client/routing.ts).
//
// Control plane. CreateTable, UpdateTable, DeleteTable, TagResource and UntagResource
// run on shard 0; then the router reads shard 0's resulting definition and applies it to
// shards 1..N-1 (`applyTable`, idempotent). This is not atomic: a shard that misses the
// broadcast (its RPC failed) keeps its old copy until repaired, which happens (a) on the
// next control-plane call naming the table, whatever its outcome (even a failing
// CreateTable re-broadcasts), and (b) when an item operation gets ResourceNotFound from a
// shard while shard 0 has the table: the router re-broadcasts and retries once. A shard
// that missed a DeleteTable keeps a ghost copy that no router reaches once its cache is
// refreshed, and that the next CreateTable of the name replaces.
//
// Routing cache. The router needs a table's key schema and shard count to route item
// operations: a per-isolate cache of definitions, filled from shard 0 (`tableInfo`),
// dropped on every control-plane call naming the table and on ResourceNotFound. Each
// routed request carries the TableId the router expects (ClusterMeta.expect), so a shard
// answers ResourceNotFound for a table deleted and recreated behind the cache's back, and
// the router refreshes and retries.
//
// Not supported across shards (ValidationException, N > 1 only): transactions whose items
// are on more than one shard, and Query/Scan of a global secondary index. Tables with one
// shard (the default) behave exactly as before: every request goes to shard 0 unchanged.
import { DynamoError, validation } from "../errors";
import { query } from "../ops/query";
import type { ClusterMeta } from "../ops/operation";
import { errorReply, type CallMeta, type DynamoShard, type WireReply } from "../shard";
import { hashKeyOf, type TableDef } from "../storage/catalogue";
import { leavesOfExpression } from "../query/key-condition";
import type { JsonObject } from "../types";
import { checkConstraints, deserializeMembers, isObject } from "../wire/shape";
import { shardName, shardOfKeyValue, shardsOf, shardsOfSegment } from "../client/routing";

export type ShardNamespace = DurableObjectNamespace<DynamoShard>;

export const CROSS_SHARD_TRANSACTION =
  "Transactions across shards are not supported by this version of durable-dynamodb";
export const CROSS_SHARD_GSI =
  "Query and Scan of a global secondary index of a table with more than one shard are not supported by this version of durable-dynamodb";

/** Per-isolate definitions cache: namespace -> `${tenant}\0${table}` -> definition. */
const CACHE = new WeakMap<object, Map<string, TableDef>>();

/** Thrown inside routing when the request cannot be routed; it then goes to shard 0 unchanged. */
class Unroutable extends Error {}

type Json = Record<string, unknown>;

export class Router {
  private ns: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly tenant: string | undefined,
    /** Shard count for tables created through this router. */
    private readonly createShards: number = 1,
  ) {}

  async deliver(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    let input: unknown;
    try {
      input = JSON.parse(body === "" ? "{}" : body);
    } catch {
      return this.send(0, operation, body, meta);
    }
    if (!isObject(input)) return this.send(0, operation, body, meta);
    switch (operation) {
      case "CreateTable":
      case "UpdateTable":
      case "DeleteTable":
        return this.control(operation, body, meta, stringOf(input.TableName));
      case "TagResource":
      case "UntagResource":
        return this.control(operation, body, meta, tableOfArn(input.ResourceArn));
      case "DescribeTable":
        return this.describeTable(body, meta, stringOf(input.TableName));
      case "GetItem":
      case "DeleteItem":
      case "UpdateItem":
        return this.single(operation, body, meta, input, (def) => shardOfKeyValue(def, keyValue(def, input.Key)));
      case "PutItem":
        return this.single(operation, body, meta, input, (def) => shardOfKeyValue(def, keyValue(def, input.Item)));
      case "Query":
        return this.single(operation, body, meta, input, (def) => queryShard(def, input));
      case "Scan":
        return this.scan(body, meta, input);
      case "BatchGetItem":
      case "BatchWriteItem":
        return this.batch(operation, body, meta, input);
      case "TransactGetItems":
      case "TransactWriteItems":
        return this.transact(operation, body, meta, input);
      default:
        return this.send(0, operation, body, meta);
    }
  }

  // ---- shards and the definitions cache

  private stub(index: number): DurableObjectStub<DynamoShard> {
    const ns = (this.ns ??= this.locate());
    return ns.get(ns.idFromName(shardName(this.tenant, index)));
  }

  private send(index: number, operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    return this.stub(index).handle(operation, body, meta);
  }

  private cache(): Map<string, TableDef> {
    const ns = (this.ns ??= this.locate());
    let map = CACHE.get(ns);
    if (!map) CACHE.set(ns, (map = new Map()));
    return map;
  }

  private cacheKey(name: string): string {
    return `${this.tenant ?? ""}\u0000${name}`;
  }

  private forget(name: string): void {
    this.cache().delete(this.cacheKey(name));
  }

  /** The table's definition from the cache, or from shard 0; undefined if there is no such table. */
  private async table(name: string): Promise<TableDef | undefined> {
    const key = this.cacheKey(name);
    const cached = this.cache().get(key);
    if (cached) return cached;
    const def = (await this.stub(0).tableInfo(name)) ?? undefined;
    if (def) this.cache().set(key, def);
    return def;
  }

  /** Applies shard 0's definition (or its absence) to shards 1..shards-1; failures are logged, not thrown. */
  private async broadcast(name: string, def: TableDef | null, shards: number): Promise<void> {
    const results = await Promise.allSettled(
      Array.from({ length: shards - 1 }, (_, i) => this.stub(i + 1).applyTable(name, def)),
    );
    for (const result of results) {
      if (result.status === "rejected")
        console.error(`durable-dynamodb: broadcast of table ${name} failed`, result.reason);
    }
  }

  /**
   * Runs a data-plane request against the current definitions of `names`; on a
   * ResourceNotFound reply, refreshes them from shard 0, repairs shards that miss a
   * definition shard 0 has, and runs once more.
   */
  private async withTables(
    names: string[],
    meta: CallMeta,
    run: (defs: TableDef[], meta: CallMeta) => Promise<WireReply>,
  ): Promise<WireReply> {
    for (let attempt = 0; ; attempt++) {
      const defs: TableDef[] = [];
      for (const name of names) {
        const def = await this.table(name);
        if (!def) return { status: -1, body: "" }; // caller's fallback: shard 0 unchanged
        defs.push(def);
      }
      const expect: Record<string, string> = {};
      for (const def of defs) expect[def.name] = def.tableId;
      const reply = await run(defs, withCluster(meta, { expect }));
      if (attempt > 0 || !isNotFound(reply)) return reply;
      for (const def of defs) {
        this.forget(def.name);
        const fresh = await this.table(def.name);
        // Same table, yet some shard did not know it: it missed a broadcast.
        if (fresh && fresh.tableId === def.tableId && shardsOf(fresh) > 1) {
          await this.broadcast(fresh.name, fresh, shardsOf(fresh));
        }
      }
    }
  }

  // ---- control plane

  private async control(operation: string, body: string, meta: CallMeta, name: string | undefined): Promise<WireReply> {
    if (name === undefined) return this.send(0, operation, body, meta);
    this.forget(name);
    const shards = operation === "CreateTable" ? this.createShards : 1;
    const before = operation === "CreateTable" ? null : await this.stub(0).tableInfo(name);
    const reply = await this.send(0, operation, body, shards > 1 ? withCluster(meta, { createShards: shards }) : meta);
    const after = await this.stub(0).tableInfo(name);
    const spread = Math.max(before ? shardsOf(before) : 1, after ? shardsOf(after) : 1);
    if (spread > 1) await this.broadcast(name, after, spread);
    this.forget(name);
    return reply;
  }

  private async describeTable(body: string, meta: CallMeta, name: string | undefined): Promise<WireReply> {
    if (name === undefined) return this.send(0, "DescribeTable", body, meta);
    const def = await this.table(name);
    if (!def || shardsOf(def) === 1) {
      if (!def) this.forget(name);
      return this.send(0, "DescribeTable", body, meta);
    }
    const replies = await Promise.all(
      Array.from({ length: shardsOf(def) }, (_, k) => this.send(k, "DescribeTable", body, meta)),
    );
    const first = replies[0] as WireReply;
    if (first.status !== 200) {
      this.forget(name);
      return first;
    }
    const out = JSON.parse(first.body) as { Table: Json };
    for (const reply of replies.slice(1)) {
      if (reply.status !== 200) continue; // a shard missing the table counts as empty
      const other = (JSON.parse(reply.body) as { Table: Json }).Table;
      sumStats(out.Table, other);
      for (const kind of ["LocalSecondaryIndexes", "GlobalSecondaryIndexes"]) {
        const mine = out.Table[kind] as Json[] | undefined;
        const theirs = other[kind] as Json[] | undefined;
        for (const index of mine ?? []) {
          const match = theirs?.find((i) => i.IndexName === index.IndexName);
          if (match) sumStats(index, match, "IndexSizeBytes");
        }
      }
    }
    return { status: 200, body: JSON.stringify(out) };
  }

  // ---- one shard

  private async single(
    operation: string,
    body: string,
    meta: CallMeta,
    input: Json,
    pick: (def: TableDef) => number,
  ): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.send(0, operation, body, meta);
    const reply = await this.withTables([name], meta, async ([def], routed) => {
      let shard: number;
      try {
        shard = pick(def as TableDef);
      } catch (err) {
        if (err instanceof DynamoError) return errorReply(err);
        shard = 0; // unroutable (invalid key): shard 0 reports the validation error
      }
      return this.send(shard, operation, body, routed);
    });
    return reply.status === -1 ? this.send(0, operation, body, meta) : reply;
  }

  // ---- Scan

  private async scan(body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.send(0, "Scan", body, meta);
    const reply = await this.withTables([name], meta, async ([table], routed) => {
      const def = table as TableDef;
      const shards = shardsOf(def);
      if (shards === 1) return this.send(0, "Scan", body, routed);
      if (isGlobalIndex(def, input.IndexName)) return errorReply(validation(CROSS_SHARD_GSI));
      let first = 0;
      let last = shards - 1;
      const { Segment: segment, TotalSegments: total } = input;
      if (segment !== undefined || total !== undefined) {
        if (!validSegment(segment, total)) return this.send(0, "Scan", body, routed); // shard 0 reports it
        [first, last] = shardsOfSegment(segment, total as number, shards);
      }
      let start = first;
      if (input.ExclusiveStartKey !== undefined) {
        try {
          start = shardOfKeyValue(def, keyValue(def, input.ExclusiveStartKey));
        } catch {
          return this.send(first, "Scan", body, routed); // the shard reports the bad key
        }
        // A key outside the segment: the shard reports it (or, out of range, its own answer).
        if (start < first || start > last) return this.send(start, "Scan", body, routed);
      }
      return this.scanFrom(start, last, body, routed, input);
    });
    return reply.status === -1 ? this.send(0, "Scan", body, meta) : reply;
  }

  /**
   * One Scan page from shards start..last in order: a shard's page that ends with a
   * LastEvaluatedKey (Limit or the 1 MB size reached) ends the call; a shard exhausted
   * without one leaves Limit room (a page stopped by Limit always has a key), so the scan
   * goes on into the next shard from its start, with the remaining Limit. Merged pages
   * may thus exceed 1 MB (up to one page per shard).
   */
  private async scanFrom(start: number, last: number, body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    let merged: Json | undefined;
    let request = body;
    let limit = typeof input.Limit === "number" ? input.Limit : undefined;
    for (let k = start; k <= last; k++) {
      const reply = await this.send(k, "Scan", request, meta);
      if (reply.status !== 200) return reply;
      const page = JSON.parse(reply.body) as Json;
      merged = merged ? mergeReadPage(merged, page) : page;
      if (page.LastEvaluatedKey !== undefined) break;
      if (limit !== undefined) {
        limit -= typeof page.ScannedCount === "number" ? page.ScannedCount : 0;
        if (limit <= 0) break;
      }
      const next: Json = { ...input };
      delete next.ExclusiveStartKey;
      if (limit !== undefined) next.Limit = limit;
      request = JSON.stringify(next);
    }
    return { status: 200, body: JSON.stringify(merged ?? {}) };
  }

  // ---- batches

  private async batch(operation: string, body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const requestItems = input.RequestItems;
    if (!isObject(requestItems)) return this.send(0, operation, body, meta);
    const names = Object.keys(requestItems);
    const isWrite = operation === "BatchWriteItem";
    const reply = await this.withTables(names, meta, async (defs, routed) => {
      let groups: Map<number, Json>;
      try {
        groups = isWrite ? splitWrites(defs, requestItems) : splitGets(defs, requestItems);
      } catch (err) {
        if (!(err instanceof Unroutable) && !(err instanceof TypeError)) throw err;
        return this.send(0, operation, body, routed);
      }
      if (groups.size <= 1) return this.send(groups.keys().next().value ?? 0, operation, body, routed);
      const entries = [...groups.entries()].sort((a, b) => a[0] - b[0]);
      const replies = await Promise.all(
        entries.map(([k, items]) => this.send(k, operation, JSON.stringify({ ...input, RequestItems: items }), routed)),
      );
      const failed = replies.find((r) => r.status !== 200);
      if (failed) return failed;
      const pages = replies.map((r) => JSON.parse(r.body) as Json);
      return { status: 200, body: JSON.stringify(isWrite ? mergeBatchWrite(pages) : mergeBatchGet(pages)) };
    });
    return reply.status === -1 ? this.send(0, operation, body, meta) : reply;
  }

  // ---- transactions

  private async transact(operation: string, body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const items = Array.isArray(input.TransactItems) ? (input.TransactItems as unknown[]) : undefined;
    if (!items) return this.send(0, operation, body, meta);
    const actions: Json[] = [];
    for (const item of items) {
      const action = isObject(item) ? Object.values(item)[0] : undefined;
      if (!isObject(action) || stringOf(action.TableName) === undefined) return this.send(0, operation, body, meta);
      actions.push(action);
    }
    const names = [...new Set(actions.map((a) => a.TableName as string))];
    const reply = await this.withTables(names, meta, async (defs, routed) => {
      const byName = new Map(defs.map((d) => [d.name, d]));
      const shards = new Set<number>();
      try {
        for (const action of actions) {
          const def = byName.get(action.TableName as string) as TableDef;
          shards.add(shardOfKeyValue(def, keyValue(def, action.Key ?? action.Item)));
        }
      } catch {
        return this.send(0, operation, body, routed); // an invalid key: shard 0 reports it
      }
      if (shards.size > 1) return errorReply(validation(CROSS_SHARD_TRANSACTION));
      return this.send(shards.values().next().value ?? 0, operation, body, routed);
    });
    return reply.status === -1 ? this.send(0, operation, body, meta) : reply;
  }
}

// ---- helpers

function withCluster(meta: CallMeta, cluster: ClusterMeta): CallMeta {
  return { ...meta, cluster: { ...meta.cluster, ...cluster } };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The table name of a table (or index) ARN: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/...]. */
function tableOfArn(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  return /:table\/([^/]+)/.exec(arn)?.[1];
}

function isNotFound(reply: WireReply): boolean {
  return reply.status === 400 && reply.body.includes("#ResourceNotFoundException");
}

/** The partition key attribute value in a key map or item. */
function keyValue(def: TableDef, values: unknown): unknown {
  if (!isObject(values)) throw new Unroutable();
  return values[hashKeyOf(def).name];
}

function isGlobalIndex(def: TableDef, indexName: unknown): boolean {
  return typeof indexName === "string" && def.indexes?.find((i) => i.name === indexName)?.kind === "GSI";
}

function validSegment(segment: unknown, total: unknown): segment is number {
  return (
    typeof segment === "number" &&
    typeof total === "number" &&
    Number.isInteger(segment) &&
    Number.isInteger(total) &&
    total >= 1 &&
    total <= 1_000_000 &&
    segment >= 0 &&
    segment < total
  );
}

/**
 * A Query's shard: that of the partition key value its key condition fixes. GSI queries on
 * a multi-shard table are refused; LSIs share the table's partition key.
 */
function queryShard(def: TableDef, input: Json): number {
  if (shardsOf(def) === 1) return 0;
  if (isGlobalIndex(def, input.IndexName)) throw validation(CROSS_SHARD_GSI);
  let leaves: ReturnType<typeof leavesOfExpression> | undefined;
  try {
    // The Query operation's own checks compile the key condition; an invalid request
    // goes to shard 0 unchanged, which reports it.
    const parsed = deserializeMembers(input as JsonObject, query.shape);
    checkConstraints(parsed, query.shape);
    const typed = parsed as unknown as Parameters<NonNullable<typeof query.validate>>[0];
    query.validate?.(typed);
    leaves = typed.keyLeaves;
  } catch {
    throw new Unroutable();
  }
  const hash = hashKeyOf(def).name;
  const leaf = leaves?.find((l) => l.name === hash && l.condition.op === "=");
  if (!leaf || !("value" in leaf.condition)) throw new Unroutable();
  return shardOfKeyValue(def, leaf.condition.value);
}

function sumStats(into: Json, from: Json, sizeField = "TableSizeBytes"): void {
  for (const field of ["ItemCount", sizeField]) {
    if (typeof into[field] === "number" && typeof from[field] === "number") {
      into[field] = (into[field] as number) + (from[field] as number);
    }
  }
}

/** Adds the numbers of `b` into a copy of `a`, recursively (ConsumedCapacity structures). */
function addNumbers(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (isObject(a) && isObject(b)) {
    const out: Json = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? addNumbers(out[key], value) : value;
    return out;
  }
  return a;
}

function mergeCapacity(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = a.map((c: unknown) => (isObject(c) ? { ...c } : c)) as unknown[];
    for (const entry of b as unknown[]) {
      const name = isObject(entry) ? entry.TableName : undefined;
      const i = out.findIndex((c) => isObject(c) && c.TableName === name);
      if (i >= 0) out[i] = addNumbers(out[i], entry);
      else out.push(entry);
    }
    return out;
  }
  return addNumbers(a, b);
}

function mergeReadPage(a: Json, b: Json): Json {
  const out: Json = { ...a };
  if (Array.isArray(a.Items) || Array.isArray(b.Items)) {
    out.Items = [...((a.Items as unknown[] | undefined) ?? []), ...((b.Items as unknown[] | undefined) ?? [])];
  }
  out.Count = ((a.Count as number | undefined) ?? 0) + ((b.Count as number | undefined) ?? 0);
  out.ScannedCount = ((a.ScannedCount as number | undefined) ?? 0) + ((b.ScannedCount as number | undefined) ?? 0);
  const capacity = mergeCapacity(a.ConsumedCapacity, b.ConsumedCapacity);
  if (capacity !== undefined) out.ConsumedCapacity = capacity;
  delete out.LastEvaluatedKey;
  if (b.LastEvaluatedKey !== undefined) out.LastEvaluatedKey = b.LastEvaluatedKey;
  return out;
}

function groupFor(groups: Map<number, Json>, shard: number): Json {
  let group = groups.get(shard);
  if (!group) groups.set(shard, (group = {}));
  return group;
}

/** BatchGetItem's RequestItems split by shard (each table's other members kept). */
function splitGets(defs: TableDef[], requestItems: Json): Map<number, Json> {
  const groups = new Map<number, Json>();
  let total = 0;
  for (const def of defs) {
    const request = requestItems[def.name];
    if (!isObject(request) || !Array.isArray(request.Keys)) throw new Unroutable();
    for (const key of request.Keys as unknown[]) {
      total++;
      const group = groupFor(groups, shardOfKeyValue(def, keyValue(def, key)));
      const entry = (group[def.name] ??= { ...request, Keys: [] }) as { Keys: unknown[] };
      entry.Keys.push(key);
    }
  }
  // Over DynamoDB's limit: shard 0 reports it for the whole request.
  if (total > 100) throw new Unroutable();
  return groups;
}

/** BatchWriteItem's RequestItems split by shard. */
function splitWrites(defs: TableDef[], requestItems: Json): Map<number, Json> {
  const groups = new Map<number, Json>();
  let total = 0;
  for (const def of defs) {
    const requests = requestItems[def.name];
    if (!Array.isArray(requests)) throw new Unroutable();
    for (const request of requests as unknown[]) {
      total++;
      if (!isObject(request)) throw new Unroutable();
      const put = request.PutRequest;
      const del = request.DeleteRequest;
      const values = isObject(put) ? put.Item : isObject(del) ? del.Key : undefined;
      const group = groupFor(groups, shardOfKeyValue(def, keyValue(def, values)));
      ((group[def.name] ??= []) as unknown[]).push(request);
    }
  }
  if (total > 25) throw new Unroutable();
  return groups;
}

function mergeBatchGet(pages: Json[]): Json {
  const responses: Record<string, unknown[]> = {};
  const unprocessed: Record<string, { Keys: unknown[] }> = {};
  let capacity: unknown;
  for (const page of pages) {
    for (const [table, items] of Object.entries((page.Responses as Record<string, unknown[]> | undefined) ?? {})) {
      (responses[table] ??= []).push(...items);
    }
    for (const [table, request] of Object.entries((page.UnprocessedKeys as Record<string, Json> | undefined) ?? {})) {
      const entry = (unprocessed[table] ??= { ...request, Keys: [] });
      entry.Keys.push(...((request.Keys as unknown[] | undefined) ?? []));
    }
    capacity = mergeCapacity(capacity, page.ConsumedCapacity);
  }
  const out: Json = { Responses: responses, UnprocessedKeys: unprocessed };
  if (capacity !== undefined) out.ConsumedCapacity = capacity;
  return out;
}

function mergeBatchWrite(pages: Json[]): Json {
  const unprocessed: Record<string, unknown[]> = {};
  const metrics: Record<string, unknown[]> = {};
  let capacity: unknown;
  let hasMetrics = false;
  for (const page of pages) {
    for (const [table, requests] of Object.entries(
      (page.UnprocessedItems as Record<string, unknown[]> | undefined) ?? {},
    )) {
      (unprocessed[table] ??= []).push(...requests);
    }
    if (page.ItemCollectionMetrics !== undefined) {
      hasMetrics = true;
      for (const [table, list] of Object.entries(page.ItemCollectionMetrics as Record<string, unknown[]>)) {
        (metrics[table] ??= []).push(...list);
      }
    }
    capacity = mergeCapacity(capacity, page.ConsumedCapacity);
  }
  const out: Json = { UnprocessedItems: unprocessed };
  if (hasMetrics) out.ItemCollectionMetrics = metrics;
  if (capacity !== undefined) out.ConsumedCapacity = capacity;
  return out;
}
