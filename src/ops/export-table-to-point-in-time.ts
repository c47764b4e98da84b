// ExportTableToPointInTime: the table as it was at a moment of its recovery window, written
// to an R2 bucket in DynamoDB's export format (src/backup/exports.ts). S3Bucket names an
// R2 bucket bound to the Worker under that name (`npm start` binds a local `exports`).
// FULL_EXPORT in DYNAMODB_JSON; ION and incremental exports are refused.
import { DynamoError, validation } from "../errors.js";
import { earliestRestorable } from "../backup/pitr.js";
import { allExports, insertExport, type ExportRecord } from "../backup/exports.js";
import { markBackup } from "../backup/snapshot.js";
import { newBackupId } from "../schema/backup.js";
import { sharedObject } from "../schema/partition-map.js";
import { partitionMapOf } from "../schema/table-def.js";
import { backupTable, nameOfTable } from "./backups.js";
import { exportDescription } from "./exports.js";
import { defineOp } from "./operation.js";
import { tableArn } from "./tables.js";
import { exportPlans } from "../backup/plans.js";

interface ExportInput {
  TableArn: string;
  ExportTime?: number;
  ClientToken?: string;
  S3Bucket: string;
  S3BucketOwner?: string;
  S3Prefix?: string;
  S3SseAlgorithm?: "AES256" | "KMS";
  S3SseKmsKeyId?: string;
  ExportFormat?: "DYNAMODB_JSON" | "ION";
  ExportType?: "FULL_EXPORT" | "INCREMENTAL_EXPORT";
}

export const exportTableToPointInTime = defineOp<ExportInput>({
  shape: {
    TableArn: { kind: "string", notNull: true, minLength: 1, maxLength: 1024 },
    ExportTime: { kind: "timestamp" },
    ClientToken: { kind: "string", pattern: "^[^\\$]+$" },
    S3Bucket: { kind: "string", notNull: true, maxLength: 255, pattern: "^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$" },
    S3BucketOwner: { kind: "string", pattern: "[0-9]{12}" },
    S3Prefix: { kind: "string", maxLength: 1024 },
    S3SseAlgorithm: { kind: "string", enum: ["AES256", "KMS"] },
    S3SseKmsKeyId: { kind: "string", minLength: 1, maxLength: 2048 },
    ExportFormat: { kind: "string", enum: ["DYNAMODB_JSON", "ION"] },
    ExportType: { kind: "string", enum: ["FULL_EXPORT", "INCREMENTAL_EXPORT"] },
    IncrementalExportSpecification: { kind: "structure", name: "IncrementalExportSpecification", members: {} },
  },
  validate(input) {
    if (input.ExportFormat === "ION") throw validation("ExportFormat ION is not supported here; use DYNAMODB_JSON");
    if (input.ExportType === "INCREMENTAL_EXPORT") {
      throw validation("ExportType INCREMENTAL_EXPORT is not supported here; use FULL_EXPORT");
    }
  },
  execute(ctx, input) {
    return ctx.sql.transaction(() => {
      const name = nameOfTable(input.TableArn);
      // A ClientToken names one export: the same request again answers it.
      const token = input.ClientToken ?? crypto.randomUUID();
      const earlier = allExports(ctx.sql).find((r) => r.clientToken === token && r.table === name);
      if (earlier && input.ClientToken !== undefined) {
        if (earlier.bucket !== input.S3Bucket) {
          throw new DynamoError(
            "ExportConflictException",
            `Export with the same client token ${token} already exists with different parameters`,
          );
        }
        return { ExportDescription: exportDescription(earlier) };
      }
      const def = backupTable(ctx, name);
      if (ctx.exports === false) {
        throw validation(
          "ExportTableToPointInTime is not available in an embedded engine (withDynamoDB); export through the endpoint or the client",
        );
      }
      if (!def.pitr?.enabled) {
        throw new DynamoError(
          "PointInTimeRecoveryUnavailableException",
          `Point in time recovery is not enabled for table '${name}'`,
        );
      }
      const earliest = earliestRestorable(def.pitr, ctx.now);
      const at = input.ExportTime === undefined ? ctx.now : Math.round(input.ExportTime * 1000);
      if (at < earliest || at > ctx.now) {
        throw new DynamoError(
          "InvalidExportTimeException",
          `ExportTime '${new Date(at).toISOString()}' must be within EarliestRestorableDateTime '${new Date(earliest).toISOString()}' and LatestRestorableDateTime '${new Date(ctx.now).toISOString()}'`,
        );
      }
      const id = newBackupId(ctx.now);
      const prefix =
        input.S3Prefix === undefined || input.S3Prefix === "" ? "" : `${input.S3Prefix.replace(/\/$/, "")}/`;
      const record: ExportRecord = {
        arn: `${tableArn(ctx, def.name)}/export/${id}`,
        id,
        table: def.name,
        tableArn: tableArn(ctx, def.name),
        tableId: def.tableId,
        startTime: ctx.now,
        exportTime: at,
        bucket: input.S3Bucket,
        prefix,
        clientToken: token,
        status: "IN_PROGRESS",
        pieces: partitionMapOf(def).partitions.map((entry) => ({ object: entry.object, low: entry.low })),
      };
      insertExport(ctx.sql, record);
      // The pieces this object makes (a table in the catalogue's home); the router has the others made.
      for (const plan of exportPlans(record, def, ctx.cluster?.self?.tenant)) {
        if (plan.object === sharedObject(0)) markBackup(ctx.sql, ctx.catalogue, plan);
      }
      ctx.scheduleHousekeeping();
      return { ExportDescription: exportDescription(record) };
    });
  },
});
