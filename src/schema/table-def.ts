// What a table is: its definition as the catalogue persists it (key schema, attribute
// types, indexes, stream and TTL settings, shard count), and its key attributes with their
// types. Plain data and pure functions: every layer from key encoding up reads them.
import type { AttributeDefinition, KeyAttribute, KeySchemaElement } from "../types.js";
import { equalPartitions, indexPartitions, isSharedObject, type PartitionMap } from "./partition-map.js";
import type { RestoreState } from "./backup.js";
import type { StoredPolicy } from "./resource-policy.js";
import type { StreamState } from "./stream.js";
import type { DistanceFunction } from "../values/vector.js";

/** The account id in every ARN the engine shows and the endpoint judges (one account per endpoint). */
export const ACCOUNT_ID = "000000000000";

export type BillingMode = "PROVISIONED" | "PAY_PER_REQUEST";

/** Everything DynamoDB remembers about a table, as persisted in `tables.def`. */
export interface TableDef {
  name: string;
  /** Internal numeric id used in item rows; never reused. */
  tid: number;
  /** DynamoDB's TableId, a UUID. */
  tableId: string;
  /** Epoch seconds (DynamoDB's CreationDateTime unit on the wire). */
  createdAt: number;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  billingMode: BillingMode;
  readCapacity: number;
  writeCapacity: number;
  lastIncreaseAt?: number;
  lastDecreaseAt?: number;
  decreasesToday: number;
  lastPayPerRequestAt?: number;
  deletionProtection: boolean;
  tags: Record<string, string>;
  /** Secondary indexes, LSIs and GSIs, in creation order. */
  indexes?: IndexDef[];
  /** Vector indexes (src/storage/vector-maintenance.ts), in creation order. */
  vectorIndexes?: VectorIndexDef[];
  /** Which Durable Objects hold which hash ranges of its items (./partition-map.ts). */
  partitions?: PartitionMap;
  /**
   * Definitions written before partition maps: the number of shared shard objects the
   * items are spread over in equal hash ranges (absent = 1, shard 0 alone). Read through
   * `partitionMapOf`, never written.
   */
  shards?: number;
  /** The latest DynamoDB stream (src/streams); absent = never enabled. */
  stream?: StreamState;
  /** Time to Live (src/ttl); absent = never enabled. */
  ttl?: TtlState;
  /** The table's resource-based policy (PutResourcePolicy); absent = none. */
  policy?: StoredPolicy;
  /** Its stream's resource-based policy; absent = none. */
  streamPolicy?: StoredPolicy;
  /** A table restored from a backup, while its partitions are being filled (src/backup). */
  restore?: RestoreState;
  /** Point-in-time recovery (UpdateContinuousBackups); absent = never enabled. */
  pitr?: PitrState;
}

export interface PitrState {
  enabled: boolean;
  /** RecoveryPeriodInDays, 1 to 35. */
  days: number;
  /** Epoch milliseconds from which this object's history is kept (enabling, or the table's latest split). */
  since: number;
}

export type ProjectionType = "ALL" | "KEYS_ONLY" | "INCLUDE";

/** A local or global secondary index of a table. */
export interface IndexDef {
  name: string;
  kind: "LSI" | "GSI";
  /** Internal numeric id used in index rows; never reused (allocated like table ids). */
  iid: number;
  keySchema: KeySchemaElement[];
  projection: { ProjectionType: ProjectionType; NonKeyAttributes?: string[] };
  readCapacity?: number;
  writeCapacity?: number;
  /** CREATING while an online backfill runs (UpdateTable), then ACTIVE. */
  status: "CREATING" | "ACTIVE";
  /** Where the backfill resumes: the last table row copied (base64 of pk and sk). */
  backfillAfter?: { pk: string; sk: string };
  /**
   * A GSI kept in partitions of its own, by the hash of its partition key (absent: each
   * table partition keeps the entries of its own items). Its entries reach them through
   * each table partition's outbox (src/storage/gsi-outbox.ts).
   */
  partitions?: PartitionMap;
  /**
   * A partitioned GSI's backfill as this object has done it (its own items walked and their
   * changes applied). Such an index's status is the catalogue home's, which turns it ACTIVE
   * once every table partition has reported its walk (`backfilledBy`, the home's list).
   */
  walked?: boolean;
  /** A partitioned GSI's id in the catalogue's home (copies have ids of their own): names its objects. */
  gid?: number;
  /** This object has told the home its walk is done. */
  reported?: boolean;
  backfilledBy?: string[];
}

/** A vector index: similarity search over one attribute holding vectors (SearchVectors). */
export interface VectorIndexDef {
  name: string;
  /** Internal numeric id used in vector rows; never reused (allocated like table ids). */
  vid: number;
  attribute: string;
  dimensions: number;
  distance: DistanceFunction;
  /** The HASH attribute (at most one) and the INLINE_FILTER attributes, as given. */
  searchSchema: { AttributeName: string; SearchSchemaElementType: "HASH" | "INLINE_FILTER" }[];
  projection: { ProjectionType: ProjectionType; NonKeyAttributes?: string[] };
  /** CREATING while an online backfill runs (UpdateTable), then ACTIVE. */
  status: "CREATING" | "ACTIVE";
  /** Where the backfill resumes: the last table row copied (base64 of pk and sk). */
  backfillAfter?: { pk: string; sk: string };
}

export function vectorIndexOf(def: TableDef, name: string): VectorIndexDef | undefined {
  return def.vectorIndexes?.find((i) => i.name === name);
}

/** Whether `index` is kept in partitions of its own (IndexDef.partitions). */
export function isPartitionedIndex(index: IndexDef): index is IndexDef & { partitions: PartitionMap } {
  return index.partitions !== undefined;
}

/**
 * The layout a GSI created now on `def` gets, for a table in objects of its own: as many
 * partitions as the table has, in objects of the index's own; for a table of one partition,
 * one index partition in the table's own object, so its entries are written beside the items
 * in the item's transaction (no outbox, no second object) until the table or the index
 * grows: the table's splits leave the index partition where it is, and it splits by its own
 * size (src/split/index-split.ts). A table in the shared objects of the layout before maps
 * keeps its entries beside its items in every partition (undefined).
 */
export function newIndexPartitions(def: TableDef, iid: number): PartitionMap | undefined {
  const map = partitionMapOf(def);
  if (map.partitions.some((p) => isSharedObject(p.object))) return undefined;
  if (map.partitions.length === 1) {
    return { version: 1, partitions: [{ low: 0, object: (map.partitions[0] as { object: string }).object }] };
  }
  return indexPartitions(def.tableId, iid, map.partitions.length);
}

/**
 * `def`'s GSIs laid out for its partition map as a new table's are (newIndexPartitions):
 * a restored table's indexes get objects of their own, not those of its source.
 */
export function layOutIndexes(def: TableDef): void {
  for (const index of def.indexes ?? []) {
    delete index.partitions;
    delete index.gid;
    const partitions = index.kind === "GSI" ? newIndexPartitions(def, index.iid) : undefined;
    if (partitions) {
      index.partitions = partitions;
      index.gid = index.iid;
    }
  }
}

/**
 * Every object holding part of the table: its partitions' and those of its partitioned
 * GSIs (tenant-relative names).
 */
export function layoutObjects(def: TableDef): string[] {
  const out = partitionMapOf(def).partitions.map((p) => p.object);
  for (const index of def.indexes ?? []) {
    for (const p of index.partitions?.partitions ?? []) out.push(p.object);
  }
  return out;
}

/** The version of the table's partition map, without building one for a definition from before maps. */
export function mapVersionOf(def: TableDef): number {
  return def.partitions?.version ?? 1;
}

/**
 * The version of where the table's items and GSI entries live, which routed requests carry
 * (ClusterMeta.expect) and objects check: its partition map's version plus each change to
 * the maps of its GSIs kept in partitions of their own (a split raises one of them by one).
 */
export function layoutVersion(def: TableDef): number {
  let version = mapVersionOf(def);
  for (const index of def.indexes ?? []) version += (index.partitions?.version ?? 1) - 1;
  return version;
}

/** The table's partition map; a definition from before maps reads as its equal ranges, data in place. */
export function partitionMapOf(def: TableDef): PartitionMap {
  return def.partitions ?? equalPartitions(def.shards ?? 1);
}

export function hashKeyOf(def: TableDef): KeyAttribute {
  return tableKeyOf(def).hash;
}

export function rangeKeyOf(def: TableDef): KeyAttribute | undefined {
  return tableKeyOf(def).range;
}

/**
 * A table's key attributes, worked out once per definition: every item operation asks for
 * them, and a table's key never changes (UpdateTable keeps the key's AttributeDefinitions).
 */
interface TableKey {
  hash: KeyAttribute;
  range: KeyAttribute | undefined;
}

const TABLE_KEYS = new WeakMap<TableDef, TableKey>();

function tableKeyOf(def: TableDef): TableKey {
  let key = TABLE_KEYS.get(def);
  if (!key) {
    const range = keyAttribute(def, "RANGE");
    key = {
      hash: Object.freeze(keyAttribute(def, "HASH") as KeyAttribute),
      range: range && Object.freeze(range),
    };
    TABLE_KEYS.set(def, key);
  }
  return key;
}

/**
 * A key's attributes with their types: its HASH attributes, then its RANGE ones, in
 * KeySchema order. One of each at most for tables and LSIs; a GSI may have up to four of
 * each (multi-attribute keys).
 */
export interface KeyLists {
  hashes: KeyAttribute[];
  ranges: KeyAttribute[];
}

/** An index's key attributes with their types (from the table's AttributeDefinitions). */
export function indexKeysOf(def: TableDef, index: IndexDef): KeyLists {
  const typed = (element: KeySchemaElement): KeyAttribute => {
    const definition = def.attributeDefinitions.find((a) => a.AttributeName === element.AttributeName);
    return { name: element.AttributeName, type: definition?.AttributeType ?? "S" };
  };
  return {
    hashes: index.keySchema.filter((k) => k.KeyType === "HASH").map(typed),
    ranges: index.keySchema.filter((k) => k.KeyType === "RANGE").map(typed),
  };
}

/** The table's own key attributes, as KeyLists. */
export function tableKeysOf(def: TableDef): KeyLists {
  const range = rangeKeyOf(def);
  return { hashes: [hashKeyOf(def)], ranges: range ? [range] : [] };
}

export function indexOf(def: TableDef, name: string): IndexDef | undefined {
  return def.indexes?.find((i) => i.name === name);
}

function keyAttribute(def: TableDef, keyType: "HASH" | "RANGE"): KeyAttribute | undefined {
  const element = def.keySchema.find((k) => k.KeyType === keyType);
  if (!element) return undefined;
  const definition = def.attributeDefinitions.find((a) => a.AttributeName === element.AttributeName);
  return { name: element.AttributeName, type: definition?.AttributeType ?? "S" };
}

/** The TTL setting of a table (TableDef.ttl); absent = never enabled. */
export interface TtlState {
  enabled: boolean;
  attribute: string;
}
