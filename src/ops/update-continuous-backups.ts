// UpdateContinuousBackups: point-in-time recovery on or off for a table (src/backup/pitr.ts),
// with its recovery period (1 to 35 days, 35 by default). The router gives the setting to
// every object holding a partition, which keeps the table's history from then on.
import { validation } from "../errors.js";
import { continuousBackups } from "../backup/pitr.js";
import type { TableDef } from "../schema/table-def.js";
import { syncPitrTriggers } from "../storage/pitr-log.js";
import { backupTable, nameOfTable, tableNameOrArn } from "./backups.js";
import { defineOp } from "./operation.js";

interface UpdateContinuousBackupsInput {
  TableName: string;
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean; RecoveryPeriodInDays?: number };
}

export const updateContinuousBackups = defineOp<UpdateContinuousBackupsInput>({
  shape: {
    TableName: tableNameOrArn,
    PointInTimeRecoverySpecification: {
      kind: "structure",
      name: "PointInTimeRecoverySpecification",
      notNull: true,
      members: {
        PointInTimeRecoveryEnabled: { kind: "boolean", notNull: true },
        RecoveryPeriodInDays: { kind: "long", min: 1, max: 35 },
      },
    },
  },
  validate(input) {
    const spec = input.PointInTimeRecoverySpecification;
    if (!spec.PointInTimeRecoveryEnabled && spec.RecoveryPeriodInDays !== undefined) {
      throw validation("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.");
    }
  },
  execute(ctx, input) {
    return ctx.sql.transaction(() => {
      const def = backupTable(ctx, nameOfTable(input.TableName));
      const spec = input.PointInTimeRecoverySpecification;
      const next: TableDef = structuredClone(def);
      if (spec.PointInTimeRecoveryEnabled) {
        const days = spec.RecoveryPeriodInDays ?? def.pitr?.days ?? 35;
        // Enabling again keeps the history kept so far; a period change applies to it.
        next.pitr = def.pitr?.enabled ? { ...def.pitr, days } : { enabled: true, days, since: ctx.now };
      } else if (def.pitr) {
        next.pitr = { ...def.pitr, enabled: false };
      }
      ctx.catalogue.update(next);
      syncPitrTriggers(ctx.sql, next);
      ctx.scheduleHousekeeping();
      return { ContinuousBackupsDescription: continuousBackups(next, ctx.now) };
    });
  },
});
