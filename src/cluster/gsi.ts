// Query and Scan of a global secondary index on a table with several shards, the router's
// side (shard side: src/engine/index-read.ts). Each shard holds the index entries of its own items,
// so every shard is asked for its next rows after ExclusiveStartKey (same Limit), with no
// filter or projection applied; the rows are merged in the order one shard keeps them
// (index partition key hash, index sort key, then the table key, all reversed when
// ScanIndexForward is false), and the page is cut where one shard would cut it: after
// Limit rows read, or once 1 MB has been read, or, sooner, where a shard's own page
// stopped (rows beyond it are unknown). The filter, projection and Select then apply to
// the merged rows. The LastEvaluatedKey is that of the last row read (index and table
// keys), an ordinary key: the next call resumes every shard after it, so pages are
// stateless and never repeat or skip an item.
import { DynamoError, validation } from "../errors.js";
import type { DocPath, ResolvedCondition } from "../expr/ast.js";
import { evaluateCondition } from "../expr/evaluate.js";
import { topLevelNames } from "../expr/names.js";
import { encodeKey } from "../keys/encode.js";
import { partitionHash, storedPartitionKey, storedPartitionKeyOf } from "../keys/partition.js";
import { partitionOfHash, type PartitionMap } from "../schema/partition-map.js";
import { checkRequest, type Operation } from "../ops/operation.js";
import { query } from "../ops/query.js";
import { projectionOf } from "../ops/read-shapes.js";
import { scan } from "../ops/scan.js";
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { itemSize } from "../values/size.js";
import { errorReply, type WireReply } from "../protocol/reply.js";
import { hashKeyOf, indexKeysOf, rangeKeyOf, type IndexDef, type TableDef } from "../schema/table-def.js";
import { MAX_PAGE_BYTES } from "../storage/row-layout.js";
import { compareBytes } from "../values/compare.js";
import { mergeCapacity } from "../ops/capacity.js";
import { keyBytes } from "../keys/index-key.js";

type Json = Record<string, unknown>;

interface CompiledRead {
  Limit?: number;
  Select?: string;
  ScanIndexForward?: boolean;
  AttributesToGet?: string[];
  filter?: ResolvedCondition;
  projection?: DocPath[];
}

interface ShardPage {
  items: Item[];
  next: number;
  /** The shard stopped (Limit or 1 MB): rows after its last one are unknown. */
  more: boolean;
}

export async function scatterIndexRead(
  operation: "Query" | "Scan",
  input: Json,
  def: TableDef,
  shards: number,
  read: (shard: number) => Promise<WireReply>,
): Promise<WireReply> {
  const index = def.indexes?.find((i) => i.name === input.IndexName);
  const compiled = compileRead(operation, input, def);
  if (!("ok" in compiled)) return compiled;
  const replies = await Promise.all(Array.from({ length: shards }, (_, k) => read(k)));
  const failed = replies.find((r) => r.status !== 200);
  if (failed || !index) return failed ?? (replies[0] as WireReply);
  const bodies = replies.map((r) => JSON.parse(r.body) as Json);
  const pages: ShardPage[] = bodies.map((b) => ({
    items: (b.Items as Item[] | undefined) ?? [],
    next: 0,
    more: b.LastEvaluatedKey !== undefined,
  }));

  const { hashes, ranges } = indexKeysOf(def, index);
  const tableHash = hashKeyOf(def);
  const tableRange = rangeKeyOf(def);
  // The order the shards read in: (index partition, index sort key, table key), as stored.
  const orderOf = (item: Item): Uint8Array[] => [
    storedPartitionKey(
      keyBytes(
        hashes,
        hashes.map((attr) => scalar(item, attr)),
      ),
    ),
    keyBytes(
      ranges,
      ranges.map((attr) => scalar(item, attr)),
    ),
    storedPartitionKeyOf(tableHash.type, scalar(item, tableHash)),
    tableRange ? encodeKey(tableRange.type, scalar(item, tableRange)) : EMPTY,
  ];
  const direction = operation === "Query" && compiled.read.ScanIndexForward === false ? -1 : 1;
  const orders = pages.map((p) => p.items.map(orderOf));

  const read_: Item[] = [];
  let bytes = 0;
  let stopped = false;
  for (;;) {
    // A shard whose page stopped and whose rows are all taken bounds the page.
    if (pages.some((p) => p.more && p.next >= p.items.length)) {
      stopped = true;
      break;
    }
    let best = -1;
    for (let k = 0; k < pages.length; k++) {
      const page = pages[k] as ShardPage;
      if (page.next >= page.items.length) continue;
      if (best < 0) {
        best = k;
        continue;
      }
      const a = (orders[k] as Uint8Array[][])[page.next] as Uint8Array[];
      const bestPage = pages[best] as ShardPage;
      const b = (orders[best] as Uint8Array[][])[bestPage.next] as Uint8Array[];
      if (direction * compareTuples(a, b) < 0) best = k;
    }
    if (best < 0) break;
    const page = pages[best] as ShardPage;
    const item = page.items[page.next] as Item;
    page.next++;
    read_.push(item);
    bytes += itemSize(item);
    if (bytes >= MAX_PAGE_BYTES || (compiled.read.Limit !== undefined && read_.length >= compiled.read.Limit)) {
      stopped = true;
      break;
    }
  }

  const last = read_[read_.length - 1];
  const key = stopped && last ? keyOf(last, [tableHash, tableRange, ...hashes, ...ranges]) : undefined;
  return pageReply(compiled, read_, key, bodies);
}

/**
 * The partition of a GSI kept in partitions of its own that holds the partition key a
 * Query's key condition fixes (every HASH attribute of the index, by `=`); undefined for a
 * request whose key condition does not (the catalogue's home then reports it).
 */
export function indexPartitionOf(
  def: TableDef,
  index: IndexDef & { partitions: PartitionMap },
  input: Json,
): number | undefined {
  // One partition: it reports an invalid request itself, as a table's one partition does.
  if (index.partitions.partitions.length === 1) return 0;
  let leaves: { name: string; condition: { op: string; value?: unknown } }[] | undefined;
  try {
    leaves = (checkRequest(query, input) as { keyLeaves?: typeof leaves }).keyLeaves;
  } catch {
    return undefined;
  }
  const { hashes } = indexKeysOf(def, index);
  const scalars: string[] = [];
  for (const attr of hashes) {
    const leaf = leaves?.find((l) => l.name === attr.name && l.condition.op === "=");
    const value = (leaf?.condition.value as Record<string, unknown> | undefined)?.[attr.type];
    if (typeof value !== "string") return undefined;
    scalars.push(value);
  }
  try {
    return partitionOfHash(index.partitions, partitionHash(keyBytes(hashes, scalars)));
  } catch {
    return undefined; // a value the key encoding refuses: the home reports it
  }
}

/** A Query or Scan checked as the shard checks it, with its filter and projection compiled. */
export function compileRead(
  operation: "Query" | "Scan",
  input: Json,
  def: TableDef,
): { ok: true; read: CompiledRead } | WireReply {
  const index = def.indexes?.find((i) => i.name === input.IndexName);
  try {
    const op = (operation === "Query" ? query : scan) as unknown as Operation<CompiledRead>;
    const compiled = checkRequest(op, input);
    if (operation === "Query" && index && compiled.filter) {
      // As the Query operation checks it (src/ops/query.ts): the index's keys belong in the key condition.
      const { hashes, ranges } = indexKeysOf(def, index);
      const keys = [...hashes, ...ranges].map((k) => k.name);
      const used = topLevelNames(compiled.filter).find((name) => keys.includes(name));
      const what = input.FilterExpression !== undefined ? "Filter Expression" : "QueryFilter";
      if (used !== undefined) {
        throw validation(`${what} can only contain non-primary key attributes: Primary key attribute: ${used}`);
      }
    }
    return { ok: true, read: compiled };
  } catch (err) {
    if (err instanceof DynamoError) return errorReply(err);
    throw err;
  }
}

/**
 * A page's response from the rows read, in order: the filter, projection and Select
 * applied as the shard applies them (src/query/page.ts), and the shards' capacities summed.
 */
export function pageReply(
  compiled: { read: CompiledRead },
  rows: Item[],
  lastKey: Item | undefined,
  bodies: Json[],
): WireReply {
  const { filter, AttributesToGet, projection, Select } = compiled.read;
  const passed = filter ? rows.filter((item) => evaluateCondition(filter, item, "FilterExpression")) : rows;
  const project = projectionOf(AttributesToGet, projection);
  const output: Json = {};
  if (Select !== "COUNT") output.Items = project ? passed.map(project) : passed;
  output.Count = passed.length;
  output.ScannedCount = rows.length;
  if (lastKey) output.LastEvaluatedKey = lastKey;
  let capacity: unknown;
  for (const body of bodies) capacity = mergeCapacity(capacity, body.ConsumedCapacity);
  if (capacity !== undefined) output.ConsumedCapacity = capacity;
  return { status: 200, body: JSON.stringify(output) };
}

/** The key attributes of an item (a LastEvaluatedKey). */
export function keyOf(item: Item, attrs: (KeyAttribute | undefined)[]): Item {
  const key: Item = {};
  for (const attr of attrs) {
    if (attr && item[attr.name]) key[attr.name] = item[attr.name] as AttributeValue;
  }
  return key;
}

const EMPTY = new Uint8Array(0);

function scalar(item: Item, attr: KeyAttribute): string {
  const value = item[attr.name] as Record<string, unknown> | undefined;
  return String(value?.[attr.type] ?? "");
}

function compareTuples(a: Uint8Array[], b: Uint8Array[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareBytes(a[i] as Uint8Array, b[i] as Uint8Array);
    if (c !== 0) return c;
  }
  return 0;
}
