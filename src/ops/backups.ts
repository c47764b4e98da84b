// What the backup operations share: the request members, the backup's descriptions
// (BackupDetails, SourceTableDetails, SourceTableFeatureDetails, BackupSummary) and the
// lookup of a backup by its ARN with DynamoDB's errors.
import { DynamoError, validation } from "../errors.js";
import type { StringShape } from "../protocol/shape.js";
import { restoring } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import { backupItemCount, backupSize, getBackup, type BackupRecord, type BackupStatus } from "../backup/records.js";
import type { OpContext } from "./operation.js";
import { tableArn } from "./tables.js";

export const backupArnShape: StringShape = { kind: "string", notNull: true, minLength: 37, maxLength: 1024 };
export const backupNameShape: StringShape = {
  kind: "string",
  notNull: true,
  pattern: "[a-zA-Z0-9_.-]+",
  minLength: 3,
  maxLength: 255,
};
/** A table's name or its ARN (the backup operations' TableArn shape). */
export const tableNameOrArn: StringShape = { kind: "string", notNull: true, minLength: 1, maxLength: 1024 };

const BACKUP_ARN = /^arn:aws[a-z-]*:dynamodb:[^:]*:[0-9]*:table\/[a-zA-Z0-9_.-]{3,255}\/backup\/[0-9]{14}-[0-9a-f]{8}$/;

/** The backup an ARN names: "Invalid Backup ARN" for anything else, BackupNotFound when gone. */
export function backupOf(ctx: OpContext, arn: string): BackupRecord {
  if (!BACKUP_ARN.test(arn)) throw validation("Invalid Backup ARN");
  const record = getBackup(ctx.sql, arn);
  if (!record) throw new DynamoError("BackupNotFoundException", `Backup not found: ${arn}`);
  return record;
}

/** A table name from a TableName member that may be the table's ARN. */
export function nameOfTable(value: string): string {
  return /:table\/([^/]+)$/.exec(value)?.[1] ?? value;
}

export function backupDetails(record: BackupRecord, status: BackupStatus = record.status): Record<string, unknown> {
  const details: Record<string, unknown> = {
    BackupArn: record.arn,
    BackupName: record.name,
    BackupStatus: status,
    BackupType: "USER",
    BackupCreationDateTime: record.createdAt / 1000,
  };
  if (record.pieces.every((piece) => piece.done)) details.BackupSizeBytes = backupSize(record);
  return details;
}

export function backupDescription(
  ctx: OpContext,
  record: BackupRecord,
  status: BackupStatus = record.status,
): Record<string, unknown> {
  return {
    BackupDetails: backupDetails(record, status),
    SourceTableDetails: sourceTableDetails(ctx, record),
    SourceTableFeatureDetails: featureDetails(record.def),
  };
}

function sourceTableDetails(ctx: OpContext, record: BackupRecord): Record<string, unknown> {
  const def = record.def;
  return {
    TableName: def.name,
    TableId: def.tableId,
    TableArn: tableArn(ctx, def.name),
    TableSizeBytes: backupSize(record),
    KeySchema: def.keySchema,
    TableCreationDateTime: def.createdAt,
    ProvisionedThroughput: { ReadCapacityUnits: def.readCapacity, WriteCapacityUnits: def.writeCapacity },
    ItemCount: backupItemCount(record),
    BillingMode: def.billingMode,
  };
}

function featureDetails(def: TableDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const indexes = def.indexes ?? [];
  const local = indexes.filter((index) => index.kind === "LSI");
  const global = indexes.filter((index) => index.kind === "GSI");
  if (local.length > 0) {
    out.LocalSecondaryIndexes = local.map((i) => ({
      IndexName: i.name,
      KeySchema: i.keySchema,
      Projection: i.projection,
    }));
  }
  if (global.length > 0) {
    out.GlobalSecondaryIndexes = global.map((i) => ({
      IndexName: i.name,
      KeySchema: i.keySchema,
      Projection: i.projection,
      ProvisionedThroughput: { ReadCapacityUnits: i.readCapacity ?? 0, WriteCapacityUnits: i.writeCapacity ?? 0 },
    }));
  }
  if (def.vectorIndexes?.length) {
    out.VectorIndexes = def.vectorIndexes.map((i) => ({
      IndexName: i.name,
      VectorAttribute: { AttributeName: i.attribute },
      ...(i.searchSchema.length > 0 ? { SearchSchema: i.searchSchema } : {}),
      Projection: i.projection,
      Dimensions: i.dimensions,
      DistanceFunction: i.distance,
    }));
  }
  if (def.stream?.enabled) out.StreamDescription = { StreamEnabled: true, StreamViewType: def.stream.viewType };
  if (def.ttl?.enabled) out.TimeToLiveDescription = { TimeToLiveStatus: "ENABLED", AttributeName: def.ttl.attribute };
  return out;
}

export function backupSummary(ctx: OpContext, record: BackupRecord): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    TableName: record.def.name,
    TableId: record.def.tableId,
    TableArn: tableArn(ctx, record.def.name),
    BackupArn: record.arn,
    BackupName: record.name,
    BackupCreationDateTime: record.createdAt / 1000,
    BackupStatus: record.status,
    BackupType: "USER",
  };
  if (record.pieces.every((piece) => piece.done)) summary.BackupSizeBytes = backupSize(record);
  return summary;
}

/** The backup operations' table lookup: TableNotFoundException, also while a restore fills it. */
export function backupTable(ctx: OpContext, name: string): TableDef {
  const def = ctx.catalogue.get(name);
  if (!def || restoring(def.restore)) throw new DynamoError("TableNotFoundException", `Table not found: ${name}`);
  return def;
}

/**
 * A page of `records` (oldest first) for ListExports and ListImports: of the table
 * `TableArn` names if any, from the record NextToken names on; the next page's token.
 */
export function pageOf<T extends { arn: string; table: string }>(
  records: T[],
  input: { TableArn?: string; NextToken?: string },
  limit: number,
): { page: T[]; next?: string } {
  let list = records;
  if (input.TableArn !== undefined) {
    const table = nameOfTable(input.TableArn);
    list = list.filter((r) => r.table === table);
  }
  if (input.NextToken !== undefined) {
    const at = list.findIndex((r) => r.arn === input.NextToken);
    if (at < 0) throw validation("Invalid NextToken");
    list = list.slice(at);
  }
  const next = list[limit];
  return next ? { page: list.slice(0, limit), next: next.arn } : { page: list.slice(0, limit) };
}
