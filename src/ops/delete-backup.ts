// DeleteBackup: the backup is gone at once (described one last time as DELETED); its
// pieces are dropped by the objects keeping them (here, or told by the cluster router).
import { DynamoError } from "../errors.js";
import { deleteBackupRecord } from "../backup/records.js";
import { dropBackup } from "../backup/snapshot.js";
import { restoring } from "../schema/backup.js";
import { sharedObject } from "../schema/partition-map.js";
import { backupArnShape, backupDescription, backupOf } from "./backups.js";
import { defineOp } from "./operation.js";

interface DeleteBackupInput {
  BackupArn: string;
}

export const deleteBackup = defineOp<DeleteBackupInput>({
  shape: { BackupArn: backupArnShape },
  execute(ctx, input) {
    return ctx.sql.transaction(() => {
      const record = backupOf(ctx, input.BackupArn);
      const feeding = ctx.catalogue
        .names()
        .some(
          (name) =>
            ctx.catalogue.get(name)?.restore?.sourceBackupArn === record.arn &&
            restoring(ctx.catalogue.get(name)?.restore),
        );
      if (feeding) {
        throw new DynamoError("BackupInUseException", `Backup is being used to restore table: ${record.arn}`);
      }
      deleteBackupRecord(ctx.sql, record.arn);
      if (record.pieces.some((piece) => piece.object === sharedObject(0))) {
        dropBackup(ctx.sql, record.id);
        ctx.scheduleHousekeeping();
      }
      return { BackupDescription: backupDescription(ctx, record, "DELETED") };
    });
  },
});
