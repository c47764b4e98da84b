// What the import operations share: the ImportTableDescription and the lookup by ARN.
import { DynamoError, validation } from "../errors.js";
import { getImport, type ImportRecord } from "../backup/imports.js";
import type { OpContext } from "./operation.js";

export function importOf(ctx: OpContext, arn: string): ImportRecord {
  if (!/^arn:aws[a-z-]*:dynamodb:[^:]*:[0-9]*:table\/[^/]+\/import\/[0-9]{14}-[0-9a-f]{8}$/.test(arn)) {
    throw validation("Invalid Import ARN");
  }
  const record = getImport(ctx.sql, arn);
  if (!record) throw new DynamoError("ImportNotFoundException", `Import not found: ${arn}`);
  return record;
}

export function importDescription(record: ImportRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ImportArn: record.arn,
    ImportStatus: record.status,
    TableArn: record.tableArn,
    TableId: record.tableId,
    ClientToken: record.clientToken,
    S3BucketSource: { S3Bucket: record.bucket, ...(record.prefix === "" ? {} : { S3KeyPrefix: record.prefix }) },
    ErrorCount: record.errors,
    InputFormat: "DYNAMODB_JSON",
    InputCompressionType: record.compression,
    TableCreationParameters: record.parameters,
    StartTime: record.startTime / 1000,
    ProcessedSizeBytes: record.processedBytes,
    ProcessedItemCount: record.processedItems,
    ImportedItemCount: record.importedItems,
  };
  if (record.endTime !== undefined) out.EndTime = record.endTime / 1000;
  if (record.failure) {
    out.FailureCode = record.failure.code;
    out.FailureMessage = record.failure.message;
  }
  return out;
}
