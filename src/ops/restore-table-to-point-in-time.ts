// RestoreTableToPointInTime: a new table made from a table as it was at a moment of its
// recovery window (src/backup/pitr.ts). Each partition's object of the source makes a piece
// of the table at that moment from its history, and the new table's partitions are filled
// from the pieces as from a backup's (./restore-table-from-backup.ts).
import { DynamoError, validation } from "../errors.js";
import { earliestRestorable } from "../backup/pitr.js";
import { startRestore } from "../backup/restore.js";
import { markBackup } from "../backup/snapshot.js";
import { pointInTimePlans, restorePlans } from "../backup/plans.js";
import type { RestorePiece, RestoreState } from "../schema/backup.js";
import { partitionOfHash, partitionRange, sharedObject } from "../schema/partition-map.js";
import { layOutIndexes, partitionMapOf } from "../schema/table-def.js";
import { tableName } from "./common-shapes.js";
import { backupTable, nameOfTable } from "./backups.js";
import { defineOp } from "./operation.js";
import {
  checkTarget,
  overrideShapes,
  restoredDef,
  targetMap,
  type RestoreOverrides,
} from "./restore-table-from-backup.js";
import { describeTable } from "./table-description.js";
import { tableArn } from "./tables.js";

interface RestoreToPointInTimeInput extends RestoreOverrides {
  SourceTableArn?: string;
  SourceTableName?: string;
  UseLatestRestorableTime?: boolean;
  RestoreDateTime?: number;
}

export const restoreTableToPointInTime = defineOp<RestoreToPointInTimeInput>({
  shape: {
    SourceTableArn: { kind: "string", minLength: 1, maxLength: 1024 },
    SourceTableName: { ...tableName, notNull: false },
    TargetTableName: tableName,
    UseLatestRestorableTime: { kind: "boolean" },
    RestoreDateTime: { kind: "timestamp" },
    ...overrideShapes,
  },
  validate(input) {
    if ((input.SourceTableArn === undefined) === (input.SourceTableName === undefined)) {
      throw validation("Exactly one of SourceTableArn or SourceTableName must be specified");
    }
    if (input.UseLatestRestorableTime && input.RestoreDateTime !== undefined) {
      throw validation("Only one of RestoreDateTime or UseLatestRestorableTime can be specified");
    }
    if (!input.UseLatestRestorableTime && input.RestoreDateTime === undefined) {
      throw validation("Either RestoreDateTime or UseLatestRestorableTime must be specified");
    }
  },
  execute(ctx, input) {
    return ctx.sql.transaction(() => {
      const name = nameOfTable(input.SourceTableName ?? (input.SourceTableArn as string));
      const source = backupTable(ctx, name);
      const pitr = source.pitr;
      if (!pitr?.enabled) {
        throw new DynamoError(
          "PointInTimeRecoveryUnavailableException",
          `Point in time recovery is not enabled for table '${name}'`,
        );
      }
      const earliest = earliestRestorable(pitr, ctx.now);
      const at = input.UseLatestRestorableTime ? ctx.now : Math.round((input.RestoreDateTime as number) * 1000);
      if (at < earliest || at > ctx.now) {
        const iso = (ms: number) => new Date(ms).toISOString();
        throw new DynamoError(
          "InvalidRestoreTimeException",
          `RestoreDateTime '${iso(at)}' must be within EarliestRestorableDateTime '${iso(earliest)}' and LatestRestorableDateTime '${iso(ctx.now)}'`,
        );
      }
      checkTarget(ctx, input.TargetTableName);
      const def = restoredDef(ctx, source, input);
      const sourceMap = partitionMapOf(source);
      const lows = sourceMap.partitions.map((entry) => entry.low);
      const map = targetMap(ctx, def.tableId, lows);
      def.partitions = map;
      layOutIndexes(def);
      const id = `pitr-${def.tableId}`;
      const pieces: RestorePiece[] = sourceMap.partitions.map((entry, k) => ({
        target: (map.partitions[partitionOfHash(map, entry.low)] as { object: string }).object,
        source: entry.object,
        backup: `${id}-${k}`,
        ...partitionRange(sourceMap, k),
      }));
      const restore: RestoreState = {
        sourceTableArn: tableArn(ctx, source.name),
        restoreDateTime: at / 1000,
        pieces,
        pointInTime: { table: source.name, tableId: source.tableId, at },
      };
      def.restore = restore;
      ctx.catalogue.insert(def);
      // Pieces made and filled here (the catalogue's home holding the partitions); the
      // router has the others made and filled.
      for (const plan of pointInTimePlans(def, undefined)) {
        if (plan.object === sharedObject(0)) markBackup(ctx.sql, ctx.catalogue, plan);
      }
      for (const plan of restorePlans(def, undefined)) {
        if (plan.piece.target === sharedObject(0)) startRestore(ctx.sql, ctx.catalogue, plan);
      }
      ctx.scheduleHousekeeping();
      return { TableDescription: describeTable(ctx, def, "CREATING") };
    });
  },
});
