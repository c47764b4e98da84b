// BatchGetItem and BatchWriteItem over partitions (router: ./router.ts): a request's keys
// split by the object holding their partition (one object may hold partitions of several
// tables), and the objects' replies merged into one.
import { objectName, partitionObject, partitionOfKeyValue } from "./placement.js";
import { isObject } from "../protocol/shape.js";
import { hashKeyOf, type TableDef } from "../schema/table-def.js";
import { inTableOrder, mergeCapacity } from "../ops/capacity.js";

type Json = Record<string, unknown>;

/** Thrown inside routing when the request cannot be routed; it then goes to shard 0 unchanged. */
export class Unroutable extends Error {}

/** The partition key attribute value in a key map or item. */
export function keyValue(def: TableDef, values: unknown): unknown {
  if (!isObject(values)) throw new Unroutable();
  return values[hashKeyOf(def).name];
}

/** The group of the object holding `values`' partition of the table. */
function groupFor(groups: Map<string, Json>, def: TableDef, values: unknown, tenant: string | undefined): Json {
  const object = objectName(tenant, partitionObject(def, partitionOfKeyValue(def, keyValue(def, values))));
  let group = groups.get(object);
  if (!group) groups.set(object, (group = {}));
  return group;
}

/** BatchGetItem's RequestItems split by object (each table's other members kept). */
export function splitGets(defs: TableDef[], requestItems: Json, tenant: string | undefined): Map<string, Json> {
  const groups = new Map<string, Json>();
  let total = 0;
  for (const def of defs) {
    const request = requestItems[def.name];
    if (!isObject(request) || !Array.isArray(request.Keys)) throw new Unroutable();
    for (const key of request.Keys as unknown[]) {
      total++;
      const group = groupFor(groups, def, key, tenant);
      const entry = (group[def.name] ??= { ...request, Keys: [] }) as { Keys: unknown[] };
      entry.Keys.push(key);
    }
  }
  // Over DynamoDB's limit: shard 0 reports it for the whole request.
  if (total > 100) throw new Unroutable();
  return groups;
}

/** BatchWriteItem's RequestItems split by object. */
export function splitWrites(defs: TableDef[], requestItems: Json, tenant: string | undefined): Map<string, Json> {
  const groups = new Map<string, Json>();
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
      const group = groupFor(groups, def, values, tenant);
      ((group[def.name] ??= []) as unknown[]).push(request);
    }
  }
  if (total > 25) throw new Unroutable();
  return groups;
}

/**
 * The shards' answers merged. Each shard keeps its own part under the 16 MB response limit;
 * together they may exceed it (a known gap: the router sees projected items, not the stored
 * sizes the limit counts).
 */
export function mergeBatchGet(pages: Json[], requestItems: Json): Json {
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
  if (capacity !== undefined) out.ConsumedCapacity = inTableOrder(capacity, Object.keys(requestItems));
  return out;
}

/** The shards' answers merged; item collection metrics in the order of the request's writes. */
export function mergeBatchWrite(pages: Json[], defs: TableDef[], requestItems: Json): Json {
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
  if (hasMetrics) out.ItemCollectionMetrics = inRequestOrder(metrics, defs, requestItems);
  if (capacity !== undefined) out.ConsumedCapacity = inTableOrder(capacity, Object.keys(requestItems));
  return out;
}

/** Each table's ItemCollectionMetrics sorted by where its partition key first appears in the request. */
function inRequestOrder(metrics: Record<string, unknown[]>, defs: TableDef[], requestItems: Json) {
  for (const def of defs) {
    const list = metrics[def.name];
    if (!list) continue;
    const hash = hashKeyOf(def).name;
    const order = new Map<string, number>();
    for (const [i, request] of ((requestItems[def.name] as Json[] | undefined) ?? []).entries()) {
      const put = request.PutRequest as Json | undefined;
      const values = (put?.Item ?? (request.DeleteRequest as Json | undefined)?.Key ?? {}) as Json;
      const id = JSON.stringify(values[hash] ?? null);
      if (!order.has(id)) order.set(id, i);
    }
    const rank = (entry: unknown) =>
      order.get(JSON.stringify(((entry as Json).ItemCollectionKey as Json | undefined)?.[hash] ?? null)) ?? Infinity;
    list.sort((a, b) => rank(a) - rank(b));
  }
  return metrics;
}
