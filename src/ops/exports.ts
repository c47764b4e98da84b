// What the export operations share: the ExportDescription and the lookup by ARN.
import { DynamoError, validation } from "../errors.js";
import { getExport, exportKey, type ExportRecord } from "../backup/exports.js";
import type { OpContext } from "./operation.js";

export function exportOf(ctx: OpContext, arn: string): ExportRecord {
  if (!/^arn:aws[a-z-]*:dynamodb:[^:]*:[0-9]*:table\/[^/]+\/export\/[0-9]{14}-[0-9a-f]{8}$/.test(arn)) {
    throw validation("Invalid Export ARN");
  }
  const record = getExport(ctx.sql, arn);
  if (!record) throw new DynamoError("ExportNotFoundException", `Export not found: ${arn}`);
  return record;
}

export function exportDescription(record: ExportRecord): Record<string, unknown> {
  const files = record.pieces.flatMap((piece) => piece.files ?? []);
  const out: Record<string, unknown> = {
    ExportArn: record.arn,
    ExportStatus: record.status,
    StartTime: record.startTime / 1000,
    TableArn: record.tableArn,
    TableId: record.tableId,
    ExportTime: record.exportTime / 1000,
    ClientToken: record.clientToken,
    S3Bucket: record.bucket,
    S3SseAlgorithm: "AES256",
    ExportFormat: "DYNAMODB_JSON",
    ExportType: "FULL_EXPORT",
  };
  if (record.prefix !== "") out.S3Prefix = record.prefix.replace(/\/$/, "");
  if (record.status === "COMPLETED") {
    out.EndTime = (record.endTime as number) / 1000;
    out.ExportManifest = exportKey(record, "manifest-summary.json");
    out.BilledSizeBytes = files.reduce((sum, file) => sum + file.bytes, 0);
    out.ItemCount = files.reduce((sum, file) => sum + file.items, 0);
  }
  if (record.failure) {
    if (record.endTime !== undefined) out.EndTime = record.endTime / 1000;
    out.FailureCode = record.failure.code;
    out.FailureMessage = record.failure.message;
  }
  return out;
}
