// DescribeBackup: a backup's details, its source table's and the features it recorded.
import { backupArnShape, backupDescription, backupOf } from "./backups.js";
import { defineOp } from "./operation.js";

interface DescribeBackupInput {
  BackupArn: string;
}

export const describeBackup = defineOp<DescribeBackupInput>({
  shape: { BackupArn: backupArnShape },
  execute(ctx, input) {
    return { BackupDescription: backupDescription(ctx, backupOf(ctx, input.BackupArn)) };
  },
});
