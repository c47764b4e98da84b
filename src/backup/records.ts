// The catalogue home's list of backups (`backups`, schema v11): one row per backup with the
// table's definition at the backup's time and its pieces, one per partition, each marked
// done when the partition's object reports its copy complete. A backup is AVAILABLE once
// every piece is done; DeleteBackup removes the row (the pieces are dropped where they are).
import type { BackupPiece, BackupPlan } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import type { Sql } from "../storage/sql.js";

export type BackupStatus = "CREATING" | "AVAILABLE" | "DELETED";

export interface BackupRecord {
  arn: string;
  id: string;
  name: string;
  table: string;
  /** Epoch milliseconds. */
  createdAt: number;
  status: BackupStatus;
  /** The table's definition when the backup was taken. */
  def: TableDef;
  pieces: BackupPiece[];
}

interface Row extends Record<string, SqlStorageValue> {
  arn: string;
  id: string;
  name: string;
  table_name: string;
  created_at: number;
  status: string;
  def: string;
  pieces: string;
}

function recordOf(row: Row): BackupRecord {
  return {
    arn: row.arn,
    id: row.id,
    name: row.name,
    table: row.table_name,
    createdAt: row.created_at,
    status: row.status as BackupStatus,
    def: JSON.parse(row.def) as TableDef,
    pieces: JSON.parse(row.pieces) as BackupPiece[],
  };
}

export function insertBackup(sql: Sql, record: BackupRecord): void {
  sql.exec(
    "INSERT INTO backups (arn, id, name, table_name, created_at, status, def, pieces) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    record.arn,
    record.id,
    record.name,
    record.table,
    record.createdAt,
    record.status,
    JSON.stringify(record.def),
    JSON.stringify(record.pieces),
  );
}

export function getBackup(sql: Sql, arn: string): BackupRecord | undefined {
  const row = sql.first<Row>("SELECT * FROM backups WHERE arn = ?", arn);
  return row ? recordOf(row) : undefined;
}

/** Every backup, oldest first (ties by ARN). */
export function allBackups(sql: Sql): BackupRecord[] {
  return sql.all<Row>("SELECT * FROM backups ORDER BY created_at, arn").map(recordOf);
}

export function deleteBackupRecord(sql: Sql, arn: string): void {
  sql.exec("DELETE FROM backups WHERE arn = ?", arn);
}

/**
 * Records piece (`object`, `low`) of backup `arn` as complete with its counts; the backup is
 * AVAILABLE once every piece is. Idempotent; false when the backup is gone (deleted).
 */
export function backupPieceDone(
  sql: Sql,
  arn: string,
  object: string,
  low: number,
  items: number,
  bytes: number,
): boolean {
  const record = getBackup(sql, arn);
  if (!record) return false;
  const piece = record.pieces.find((p) => p.object === object && p.low === low);
  if (!piece || piece.done) return true;
  Object.assign(piece, { done: true, items, bytes });
  const status: BackupStatus = record.pieces.every((p) => p.done) ? "AVAILABLE" : "CREATING";
  sql.exec("UPDATE backups SET pieces = ?, status = ? WHERE arn = ?", JSON.stringify(record.pieces), status, arn);
  return true;
}

/** The backup's size: what its pieces hold (0 until they are complete). */
export function backupSize(record: BackupRecord): number {
  return record.pieces.reduce((sum, piece) => sum + (piece.bytes ?? 0), 0);
}

export function backupItemCount(record: BackupRecord): number {
  return record.pieces.reduce((sum, piece) => sum + (piece.items ?? 0), 0);
}

/** What each piece's object is told to keep. */
export function backupPlans(record: BackupRecord, tenant: string | undefined): BackupPlan[] {
  return record.pieces.map((piece) => {
    const plan: BackupPlan = {
      id: record.id,
      arn: record.arn,
      table: record.table,
      tableId: record.def.tableId,
      low: piece.low,
      high: piece.high,
      object: piece.object,
    };
    if (tenant !== undefined) plan.tenant = tenant;
    return plan;
  });
}
