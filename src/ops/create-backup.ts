// CreateBackup: an on-demand backup of a table, a piece per partition (src/backup). The
// request's moment is the backup's: each piece is marked before the operation answers
// (here for the pieces this object keeps, by the cluster router for the others), and
// holds its partition exactly as it was when marked.
import { backupPlans, insertBackup, type BackupRecord } from "../backup/records.js";
import { markBackup } from "../backup/snapshot.js";
import { backupArn, newBackupId } from "../schema/backup.js";
import { partitionRange, sharedObject } from "../schema/partition-map.js";
import { partitionMapOf } from "../schema/table-def.js";
import { backupDetails, backupNameShape, backupTable, nameOfTable, tableNameOrArn } from "./backups.js";
import { defineOp } from "./operation.js";

interface CreateBackupInput {
  TableName: string;
  BackupName: string;
}

export const createBackup = defineOp<CreateBackupInput>({
  shape: { TableName: tableNameOrArn, BackupName: backupNameShape },
  execute(ctx, input) {
    const name = nameOfTable(input.TableName);
    return ctx.sql.transaction(() => {
      const def = backupTable(ctx, name);
      const id = newBackupId(ctx.now);
      const map = partitionMapOf(def);
      const record: BackupRecord = {
        arn: backupArn(ctx.region, ctx.accountId, def.name, id),
        id,
        name: input.BackupName,
        table: def.name,
        createdAt: ctx.now,
        status: "CREATING",
        def: structuredClone(def),
        pieces: map.partitions.map((entry, k) => ({ object: entry.object, ...partitionRange(map, k) })),
      };
      insertBackup(ctx.sql, record);
      // The pieces this object keeps: tables in the catalogue's home (those of earlier
      // versions, and every table of an embedded engine).
      for (const plan of backupPlans(record, ctx.cluster?.self?.tenant)) {
        if (plan.object === sharedObject(0)) markBackup(ctx.sql, ctx.catalogue, plan);
      }
      ctx.scheduleHousekeeping();
      return { BackupDetails: backupDetails(record) };
    });
  },
});
