// ListBackups: the tenant's backups in the order they were made, optionally of one table
// and within [TimeRangeLowerBound, TimeRangeUpperBound), paged by ExclusiveStartBackupArn
// (a position: a deleted backup's ARN still resumes after it).
import { validation } from "../errors.js";
import { allBackups } from "../backup/records.js";
import { backupSummary, nameOfTable, tableNameOrArn } from "./backups.js";
import { defineOp } from "./operation.js";

interface ListBackupsInput {
  TableName?: string;
  Limit?: number;
  TimeRangeLowerBound?: number;
  TimeRangeUpperBound?: number;
  ExclusiveStartBackupArn?: string;
  BackupType?: "USER" | "SYSTEM" | "AWS_BACKUP" | "ALL";
}

export const listBackups = defineOp<ListBackupsInput>({
  shape: {
    TableName: { ...tableNameOrArn, notNull: false },
    Limit: { kind: "long", min: 1, max: 100 },
    TimeRangeLowerBound: { kind: "timestamp" },
    TimeRangeUpperBound: { kind: "timestamp" },
    ExclusiveStartBackupArn: { kind: "string", minLength: 37, maxLength: 1024 },
    BackupType: { kind: "string", enum: ["USER", "SYSTEM", "AWS_BACKUP", "ALL"] },
  },
  validate(input) {
    const { TimeRangeLowerBound: lower, TimeRangeUpperBound: upper } = input;
    if (lower !== undefined && upper !== undefined && lower > upper) {
      throw validation("Time range lower bound must be less than or equal to upper bound");
    }
  },
  execute(ctx, input) {
    const table = input.TableName === undefined ? undefined : nameOfTable(input.TableName);
    // Every backup made here is a USER backup: SYSTEM and AWS_BACKUP list none.
    const types = input.BackupType ?? "USER";
    let records = types === "USER" || types === "ALL" ? allBackups(ctx.sql) : [];
    if (table !== undefined) records = records.filter((r) => r.table === table);
    const lower = input.TimeRangeLowerBound;
    const upper = input.TimeRangeUpperBound;
    records = records.filter(
      (r) =>
        (lower === undefined || r.createdAt / 1000 >= lower) && (upper === undefined || r.createdAt / 1000 < upper),
    );
    const start = input.ExclusiveStartBackupArn;
    if (start !== undefined) {
      const at = /\/backup\/([0-9]{14}-[0-9a-f]{8})$/.exec(start)?.[1] ?? "";
      const startMs = Number(at.slice(0, 14));
      records = records.filter((r) => r.createdAt > startMs || (r.createdAt === startMs && r.arn > start));
    }
    const limit = input.Limit ?? 100;
    const page = records.slice(0, limit);
    const output: Record<string, unknown> = { BackupSummaries: page.map((r) => backupSummary(ctx, r)) };
    const last = page[page.length - 1];
    if (records.length > limit && last) output.LastEvaluatedBackupArn = last.arn;
    return output;
  },
});
