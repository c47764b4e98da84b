// Imports from R2 (ImportTable): a new table filled from every object under a prefix of a
// bucket, each line a DynamoDB JSON item ({"Item": {...}}, as exports write them), gzipped
// or not. The table is created at once (CREATING, serving nothing, as a restored table);
// the catalogue's home reads the objects in key order, one per step, writes each item to
// its partition's object, and records the object done with the counts in one step, so a
// crash re-reads at most one object (its puts are the same again). Lines that are not an
// item of the table count as errors, as DynamoDB counts them. When no object is left the
// table turns ACTIVE and the import COMPLETED.
import type { Sql } from "../storage/sql.js";
import { validateSizedItem } from "../values/validate.js";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../schema/table-def.js";
import type { Item } from "../types.js";

export type ImportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export interface ImportRecord {
  arn: string;
  /** The tenant whose objects hold the table (the home reaches them by it). */
  tenant?: string;
  table: string;
  tableId: string;
  tableArn: string;
  clientToken: string;
  bucket: string;
  prefix: string;
  compression: "GZIP" | "NONE";
  /** The request's TableCreationParameters, as DescribeImport shows them. */
  parameters: Record<string, unknown>;
  /** Epoch milliseconds. */
  startTime: number;
  endTime?: number;
  status: ImportStatus;
  /** The last object read (objects are read in key order). */
  after?: string;
  processedBytes: number;
  processedItems: number;
  importedItems: number;
  errors: number;
  failure?: { code: string; message: string };
}

export function insertImport(sql: Sql, record: ImportRecord): void {
  sql.exec(
    "INSERT INTO imports (arn, table_name, created_at, status, record) VALUES (?, ?, ?, ?, ?)",
    record.arn,
    record.table,
    record.startTime,
    record.status,
    JSON.stringify(record),
  );
}

export function saveImport(sql: Sql, record: ImportRecord): void {
  sql.exec(
    "UPDATE imports SET status = ?, record = ? WHERE arn = ?",
    record.status,
    JSON.stringify(record),
    record.arn,
  );
}

export function getImport(sql: Sql, arn: string): ImportRecord | undefined {
  const row = sql.first<{ record: string }>("SELECT record FROM imports WHERE arn = ?", arn);
  return row ? (JSON.parse(row.record) as ImportRecord) : undefined;
}

export function allImports(sql: Sql): ImportRecord[] {
  return sql
    .all<{ record: string }>("SELECT record FROM imports ORDER BY created_at, arn")
    .map((row) => JSON.parse(row.record) as ImportRecord);
}

/** Imports still reading. */
export function runningImports(sql: Sql): ImportRecord[] {
  return allImports(sql).filter((record) => record.status === "IN_PROGRESS");
}

/** The objects an import reads: everything under the prefix but an export's manifests and markers. */
export function isDataObject(key: string): boolean {
  return !/(^|\/)(manifest-summary\.json|manifest-files\.json|_started)$/.test(key);
}

/** The items of one object's text, and how many lines were not items of the table. */
export function itemsOf(text: string, def: TableDef): { items: Item[]; errors: number } {
  const items: Item[] = [];
  let errors = 0;
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = JSON.parse(line) as { Item?: unknown };
      const { item } = validateSizedItem(parsed.Item);
      for (const key of range ? [hash, range] : [hash]) {
        const value = item[key.name] as Record<string, unknown> | undefined;
        if (!value || typeof value[key.type] !== "string") throw new Error("key attribute missing or mistyped");
      }
      items.push(item);
    } catch {
      errors++;
    }
  }
  return { items, errors };
}
