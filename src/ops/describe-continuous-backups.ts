// DescribeContinuousBackups: a table's point-in-time recovery and its restorable window.
import { continuousBackups } from "../backup/pitr.js";
import { backupTable, nameOfTable, tableNameOrArn } from "./backups.js";
import { defineOp } from "./operation.js";

interface DescribeContinuousBackupsInput {
  TableName: string;
}

export const describeContinuousBackups = defineOp<DescribeContinuousBackupsInput>({
  shape: { TableName: tableNameOrArn },
  execute(ctx, input) {
    const def = backupTable(ctx, nameOfTable(input.TableName));
    return { ContinuousBackupsDescription: continuousBackups(def, ctx.now) };
  },
});
