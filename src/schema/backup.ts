// What an on-demand backup and a restore are, as plain data (src/backup runs them): a
// backup is one piece per partition of its table, each kept by the object holding that
// partition; a restored table fills each of its partitions from the pieces covering it.

/** One partition's share of a backup, as the catalogue's home records it. */
export interface BackupPiece {
  /** The object keeping the piece (the partition's, without the tenant's prefix). */
  object: string;
  /** The hashes [low, high) of the partition. */
  low: number;
  high: number;
  /** Reported by the object once its copy is complete, with what it holds. */
  done?: boolean;
  items?: number;
  bytes?: number;
}

/** What the object of a partition is told to keep of a backup (src/backup/snapshot.ts). */
export interface BackupPlan {
  /** The backup's id, the last part of its ARN. */
  id: string;
  arn: string;
  table: string;
  tableId: string;
  low: number;
  high: number;
  /** This object's name and the tenant's, so it can report to the catalogue's home. */
  object: string;
  tenant?: string;
  /**
   * A piece of a point-in-time restore rather than of a backup: the partition as it was at
   * this epoch millisecond, from its history (`arn` is empty; nothing is reported).
   */
  at?: number;
  /** A piece of an export to R2 (src/backup/exports.ts): written out once copied, then dropped. */
  export?: ExportTarget;
}

/** Where an export's piece goes. */
export interface ExportTarget {
  arn: string;
  id: string;
  /** The R2 bucket's binding name (ExportTableToPointInTime's S3Bucket). */
  bucket: string;
  /** The export's key prefix in the bucket, ending in "/" unless empty. */
  prefix: string;
  /** The piece's number, naming its data files. */
  index: number;
}

/** A row of a backup piece, as restores read it (the document as JSON text). */
export interface BackupRow {
  pk: ArrayBuffer;
  sk: ArrayBuffer;
  doc: string;
  size: number;
}

/** A restored table's progress, in its definition until every piece has been filled. */
export interface RestoreState {
  /** Absent for a point-in-time restore. */
  sourceBackupArn?: string;
  sourceTableArn: string;
  /** Epoch seconds: the backup's creation time, or the point in time restored. */
  restoreDateTime: number;
  pieces: RestorePiece[];
  /** A point-in-time restore: the source table, whose objects make the pieces. */
  pointInTime?: { table: string; tableId: string; at: number };
  /** An import (ImportTable): filled by the catalogue's home from the bucket; no RestoreSummary. */
  importArn?: string;
}

/** One backup piece to copy into the restored table's partition object `target`. */
export interface RestorePiece {
  target: string;
  source: string;
  backup: string;
  low: number;
  high: number;
  done?: boolean;
}

/** What the object of a restored table's partition is told to fill (src/backup/restore.ts). */
export interface RestorePlan {
  table: string;
  tableId: string;
  piece: RestorePiece;
  tenant?: string;
}

/**
 * A backup id as DynamoDB makes them: the creation time in epoch milliseconds, 14 digits,
 * a dash and 8 hex digits.
 */
export function newBackupId(nowMs: number): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0] as number;
  return `${String(nowMs).padStart(14, "0")}-${random.toString(16).padStart(8, "0")}`;
}

export function backupArn(region: string, account: string, table: string, id: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${table}/backup/${id}`;
}

/** Whether a restored table is still being filled. */
export function restoring(restore: RestoreState | undefined): boolean {
  return restore !== undefined && restore.pieces.some((piece) => !piece.done);
}

/** A data file of an export, as manifest-files.json lists it. */
export interface ExportFile {
  key: string;
  items: number;
  bytes: number;
  md5: string;
  etag: string;
}
