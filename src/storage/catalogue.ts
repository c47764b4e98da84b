// Table definitions, cached in memory for the life of the object and written through to
// the `tables` row. Reads never touch SQLite for the definition on the hot path.
import type { AttributeDefinition, KeyAttribute, KeySchemaElement } from "../types.js";
import type { StreamState, TtlState } from "../streams/types.js";

export type { KeyAttribute };
import type { Sql } from "./sql.js";

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
  /**
   * Number of shard Durable Objects the table's items are spread over by partition-key
   * hash (src/cluster/router.ts). Absent = 1: the table lives in shard 0 alone.
   */
  shards?: number;
  /** The latest DynamoDB stream (src/streams); absent = never enabled. */
  stream?: StreamState;
  /** Time to Live (src/ttl); absent = never enabled. */
  ttl?: TtlState;
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
}

export interface TableStats {
  itemCount: number;
  sizeBytes: number;
}

export function hashKeyOf(def: TableDef): KeyAttribute {
  return keyAttribute(def, "HASH") as KeyAttribute;
}

export function rangeKeyOf(def: TableDef): KeyAttribute | undefined {
  return keyAttribute(def, "RANGE");
}

/** An index's key attributes with their types (from the table's AttributeDefinitions). */
export function indexKeysOf(def: TableDef, index: IndexDef): { hash: KeyAttribute; range: KeyAttribute | undefined } {
  const typed = (element: KeySchemaElement | undefined): KeyAttribute | undefined => {
    if (!element) return undefined;
    const definition = def.attributeDefinitions.find((a) => a.AttributeName === element.AttributeName);
    return { name: element.AttributeName, type: definition?.AttributeType ?? "S" };
  };
  return {
    hash: typed(index.keySchema.find((k) => k.KeyType === "HASH")) as KeyAttribute,
    range: typed(index.keySchema.find((k) => k.KeyType === "RANGE")),
  };
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

export class Catalogue {
  private readonly tables = new Map<string, TableDef>();

  constructor(private readonly sql: Sql) {
    for (const row of sql.all<{ def: string }>("SELECT def FROM tables")) {
      const def = JSON.parse(row.def) as TableDef;
      this.tables.set(def.name, def);
    }
  }

  get(name: string): TableDef | undefined {
    return this.tables.get(name);
  }

  names(): string[] {
    return [...this.tables.keys()].sort();
  }

  /** Allocates a fresh table or index id (one sequence for both); call inside a transaction. */
  nextTid(): number {
    const row = this.sql.first<{ value: string }>("SELECT value FROM _meta WHERE key = 'next_tid'");
    const tid = Number(row?.value ?? "1");
    this.sql.exec("UPDATE _meta SET value = ? WHERE key = 'next_tid'", String(tid + 1));
    return tid;
  }

  insert(def: TableDef): void {
    this.sql.exec("INSERT INTO tables (name, tid, def) VALUES (?, ?, ?)", def.name, def.tid, JSON.stringify(def));
    this.tables.set(def.name, def);
  }

  update(def: TableDef): void {
    this.sql.exec("UPDATE tables SET def = ? WHERE name = ?", JSON.stringify(def), def.name);
    this.tables.set(def.name, def);
  }

  remove(def: TableDef): void {
    this.sql.exec("DELETE FROM tables WHERE name = ?", def.name);
    this.tables.delete(def.name);
  }

  stats(def: TableDef): TableStats {
    const row = this.sql.first<{ item_count: number; size_bytes: number }>(
      "SELECT item_count, size_bytes FROM tables WHERE name = ?",
      def.name,
    );
    return { itemCount: row?.item_count ?? 0, sizeBytes: row?.size_bytes ?? 0 };
  }

  /**
   * Undo the in-memory cache after a rolled-back transaction: reload from SQLite, which
   * transactionSync has restored.
   */
  reload(): void {
    this.tables.clear();
    for (const row of this.sql.all<{ def: string }>("SELECT def FROM tables")) {
      const def = JSON.parse(row.def) as TableDef;
      this.tables.set(def.name, def);
    }
  }
}
