// Exports to R2 in DynamoDB's export format (ExportTableToPointInTime). An export is the
// table at a moment of its recovery window: each partition's object makes a piece of the
// table at that moment from its history (./snapshot.ts, as a point-in-time restore does),
// then writes it to the bucket as gzipped DynamoDB JSON lines, 5,000 items a file, noting
// each file written (`export_files`), and reports the files to the catalogue's home. The
// home, once every piece is in, writes the manifests DynamoDB writes (manifest-files.json,
// manifest-summary.json) and the export is COMPLETED. Every step is idempotent: a file
// written again has the same key and content, a report made again changes nothing.
import type { BackupPlan, ExportFile, ExportTarget } from "../schema/backup.js";
import type { Sql } from "../storage/sql.js";
import { bytesToBase64 } from "../values/base64.js";
import { utf8Length } from "../values/size.js";
import { backupRows } from "./snapshot.js";

export type ExportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

export type { ExportFile };

export interface ExportPiece {
  object: string;
  low: number;
  done?: boolean;
  files?: ExportFile[];
}

/** An export as the catalogue's home keeps it (`exports.record`). */
export interface ExportRecord {
  arn: string;
  id: string;
  table: string;
  tableArn: string;
  tableId: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime?: number;
  exportTime: number;
  bucket: string;
  prefix: string;
  clientToken: string;
  status: ExportStatus;
  failure?: { code: string; message: string };
  pieces: ExportPiece[];
}

/** Items per data file. */
export const ITEMS_PER_FILE = 5_000;

export function insertExport(sql: Sql, record: ExportRecord): void {
  sql.exec(
    "INSERT INTO exports (arn, id, table_name, created_at, status, record) VALUES (?, ?, ?, ?, ?, ?)",
    record.arn,
    record.id,
    record.table,
    record.startTime,
    record.status,
    JSON.stringify(record),
  );
}

export function saveExport(sql: Sql, record: ExportRecord): void {
  sql.exec(
    "UPDATE exports SET status = ?, record = ? WHERE arn = ?",
    record.status,
    JSON.stringify(record),
    record.arn,
  );
}

export function getExport(sql: Sql, arn: string): ExportRecord | undefined {
  const row = sql.first<{ record: string }>("SELECT record FROM exports WHERE arn = ?", arn);
  return row ? (JSON.parse(row.record) as ExportRecord) : undefined;
}

/** Every export, oldest first. */
export function allExports(sql: Sql): ExportRecord[] {
  return sql
    .all<{ record: string }>("SELECT record FROM exports ORDER BY created_at, arn")
    .map((row) => JSON.parse(row.record) as ExportRecord);
}

/** The export's keys in the bucket: under `prefix`, AWSDynamoDB/<id>/, as DynamoDB lays them out. */
export function exportKey(target: Pick<ExportTarget, "prefix" | "id">, name: string): string {
  return `${target.prefix}AWSDynamoDB/${target.id}/${name}`;
}

/** The files of a piece written so far. */
export function writtenFiles(sql: Sql, piece: string): ExportFile[] {
  return sql
    .all<ExportFile & { n: number } & Record<string, string | number>>(
      "SELECT n, key, items, bytes, md5, etag FROM export_files WHERE piece = ? ORDER BY n",
      piece,
    )
    .map(({ key, items, bytes, md5, etag }) => ({ key, items, bytes, md5, etag }));
}

/**
 * Writes the piece's next data file to `bucket`: the rows after those of the files already
 * written. Returns false once every row is in a file.
 */
export async function writeNextFile(
  sql: Sql,
  plan: BackupPlan & { export: ExportTarget },
  bucket: R2Bucket,
): Promise<boolean> {
  const written = writtenFiles(sql, plan.id);
  const previous = sql.first<{ last_pk: ArrayBuffer | null; last_sk: ArrayBuffer | null }>(
    "SELECT last_pk, last_sk FROM export_files WHERE piece = ? ORDER BY n DESC LIMIT 1",
    plan.id,
  );
  if (previous && previous.last_pk === null) return false; // the last file is written
  const after = previous ? { pk: previous.last_pk as ArrayBuffer, sk: previous.last_sk as ArrayBuffer } : null;
  const rows = backupRows(sql, plan.id, after, ITEMS_PER_FILE) ?? [];
  const text = rows.map((row) => `{"Item":${row.doc}}\n`).join("");
  const gz = new Uint8Array(
    await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
  const md5 = bytesToBase64(new Uint8Array(await crypto.subtle.digest("MD5", gz)));
  const key = exportKey(plan.export, `data/${plan.export.index}-${written.length}.json.gz`);
  const object = await bucket.put(key, gz);
  // The last file (fewer rows than a full one) notes no cursor: nothing follows it.
  const more = rows.length === ITEMS_PER_FILE;
  const last = rows[rows.length - 1];
  sql.exec(
    "INSERT OR REPLACE INTO export_files (piece, n, key, items, bytes, md5, etag, last_pk, last_sk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    plan.id,
    written.length,
    key,
    rows.length,
    utf8Length(text),
    md5,
    object?.etag ?? "",
    more && last ? last.pk : null,
    more && last ? last.sk : null,
  );
  return more;
}

/** The home's manifests, once every piece is in: manifest-files.json, then manifest-summary.json. */
export async function writeManifests(record: ExportRecord, bucket: R2Bucket): Promise<void> {
  const target = { prefix: record.prefix, id: record.id };
  const files = record.pieces.flatMap((piece) => piece.files ?? []);
  const lines = files.map((file) =>
    JSON.stringify({ itemCount: file.items, md5Checksum: file.md5, etag: file.etag, dataFileS3Key: file.key }),
  );
  const filesKey = exportKey(target, "manifest-files.json");
  await bucket.put(filesKey, lines.map((line) => `${line}\n`).join(""));
  const summary = {
    version: "2020-06-30",
    exportArn: record.arn,
    startTime: new Date(record.startTime).toISOString(),
    endTime: new Date(record.endTime ?? Date.now()).toISOString(),
    tableArn: record.tableArn,
    tableId: record.tableId,
    exportTime: new Date(record.exportTime).toISOString(),
    s3Bucket: record.bucket,
    s3Prefix: record.prefix === "" ? null : record.prefix.replace(/\/$/, ""),
    s3SseAlgorithm: "AES256",
    s3SseKmsKeyId: null,
    manifestFilesS3Key: filesKey,
    billedSizeBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    itemCount: files.reduce((sum, file) => sum + file.items, 0),
    outputFormat: "DYNAMODB_JSON",
    exportType: "FULL_EXPORT",
  };
  await bucket.put(exportKey(target, "manifest-summary.json"), JSON.stringify(summary));
}

/**
 * The catalogue home's side of a piece written out: noted, and once every piece is in, the
 * manifests are written and the export is COMPLETED. Idempotent.
 */
export async function exportPieceDone(
  sql: Sql,
  arn: string,
  object: string,
  low: number,
  files: ExportFile[],
  bucketOf: (name: string) => R2Bucket | undefined,
): Promise<void> {
  const record = getExport(sql, arn);
  if (!record || record.status !== "IN_PROGRESS") return;
  const piece = record.pieces.find((p) => p.object === object && p.low === low);
  if (piece && !piece.done) Object.assign(piece, { done: true, files });
  saveExport(sql, record);
  if (!record.pieces.every((p) => p.done)) return;
  const bucket = bucketOf(record.bucket);
  if (!bucket) return exportFailed(sql, arn, "S3NoSuchBucket", `The specified bucket does not exist: ${record.bucket}`);
  record.endTime = Date.now();
  await writeManifests(record, bucket);
  const now = getExport(sql, arn);
  if (now?.status === "IN_PROGRESS") saveExport(sql, { ...record, status: "COMPLETED" });
}

/** The export FAILED, with DynamoDB's FailureCode and a message. */
export function exportFailed(sql: Sql, arn: string, code: string, message: string): void {
  const record = getExport(sql, arn);
  if (!record || record.status !== "IN_PROGRESS") return;
  saveExport(sql, { ...record, status: "FAILED", failure: { code, message }, endTime: Date.now() });
}

/** Export pieces here whose copy is complete: to write out and report. */
export function copiedExportPieces(sql: Sql): (BackupPlan & { export: ExportTarget })[] {
  return sql
    .all<{ plan: string }>("SELECT plan FROM backup_jobs WHERE state = 'copied' ORDER BY id")
    .map((row) => JSON.parse(row.plan) as BackupPlan)
    .filter((plan): plan is BackupPlan & { export: ExportTarget } => plan.export !== undefined);
}

/** The piece is reported: its files' notes and its rows go. */
export function forgetExportPiece(sql: Sql, id: string): void {
  sql.exec("DELETE FROM export_files WHERE piece = ?", id);
}
