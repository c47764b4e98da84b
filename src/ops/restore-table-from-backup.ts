// RestoreTableFromBackup: a new table made from a backup. The table is defined at once
// (CREATING, with its RestoreSummary) and each of its partitions is filled from the backup
// pieces covering it by the partition's object (src/backup/restore.ts); it turns ACTIVE when
// every piece is in. Restored as DynamoDB restores: the items, indexes (or the overrides),
// billing mode and capacity; not the stream, TTL, tags, resource policy or deletion
// protection. SSESpecificationOverride is accepted and has no effect (nothing here is
// encrypted by a key of the table's own).
import { DynamoError, validation } from "../errors.js";
import { restorePlans } from "../backup/plans.js";
import { startRestore } from "../backup/restore.js";
import { restoring, type RestorePiece, type RestoreState } from "../schema/backup.js";
import { partitionOfHash, sharedObject, splitObject, type PartitionMap } from "../schema/partition-map.js";
import { layOutIndexes, type IndexDef, type TableDef, type VectorIndexDef } from "../schema/table-def.js";
import type { Shape } from "../protocol/shape.js";
import { backupArnShape, backupOf } from "./backups.js";
import { tableName } from "./common-shapes.js";
import {
  globalSecondaryIndexesShape,
  localSecondaryIndexesShape,
  provisionedThroughputShape,
  type GlobalSecondaryIndexInput,
} from "./index-definitions.js";
import { defineOp, type OpContext } from "./operation.js";
import { vectorIndexesShape, type VectorIndexInput } from "./vector-definitions.js";
import { describeTable } from "./table-description.js";
import { tableArn } from "./tables.js";

/** The members both restores share: the new table and its overrides. */
export interface RestoreOverrides {
  TargetTableName: string;
  BillingModeOverride?: "PROVISIONED" | "PAY_PER_REQUEST";
  GlobalSecondaryIndexOverride?: GlobalSecondaryIndexInput[];
  LocalSecondaryIndexOverride?: GlobalSecondaryIndexInput[];
  VectorIndexOverride?: VectorIndexInput[];
  ProvisionedThroughputOverride?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  OnDemandThroughputOverride?: Record<string, unknown>;
  SSESpecificationOverride?: Record<string, unknown>;
}

interface RestoreInput extends RestoreOverrides {
  BackupArn: string;
}

const anything: Shape = { kind: "structure", name: "Override", members: {} };

/** The override members' shapes, shared with RestoreTableToPointInTime. */
export const overrideShapes: Record<string, Shape> = {
  BillingModeOverride: { kind: "string", enum: ["PROVISIONED", "PAY_PER_REQUEST"] },
  GlobalSecondaryIndexOverride: globalSecondaryIndexesShape,
  LocalSecondaryIndexOverride: localSecondaryIndexesShape,
  VectorIndexOverride: vectorIndexesShape,
  ProvisionedThroughputOverride: provisionedThroughputShape,
  OnDemandThroughputOverride: anything,
  SSESpecificationOverride: anything,
};

export const restoreTableFromBackup = defineOp<RestoreInput>({
  shape: { TargetTableName: tableName, BackupArn: backupArnShape, ...overrideShapes },
  execute(ctx, input) {
    return ctx.sql.transaction(() => {
      const record = backupOf(ctx, input.BackupArn);
      checkTarget(ctx, input.TargetTableName);
      if (record.status !== "AVAILABLE") {
        throw new DynamoError("BackupInUseException", `Backup is being created: ${record.arn}`);
      }
      const def = restoredDef(ctx, record.def, input);
      const map = targetMap(
        ctx,
        def.tableId,
        record.pieces.map((piece) => piece.low),
      );
      def.partitions = map;
      layOutIndexes(def);
      const pieces: RestorePiece[] = record.pieces.map((piece) => ({
        target: (map.partitions[partitionOfHash(map, piece.low)] as { object: string }).object,
        source: piece.object,
        backup: record.id,
        low: piece.low,
        high: piece.high,
      }));
      const restore: RestoreState = {
        sourceBackupArn: record.arn,
        sourceTableArn: tableArn(ctx, record.def.name),
        restoreDateTime: record.createdAt / 1000,
        pieces,
      };
      def.restore = restore;
      ctx.catalogue.insert(def);
      // Pieces filled here: the catalogue's home holds the new table's partition when the
      // table is not spread over objects of its own (an embedded engine's).
      for (const plan of restorePlans(def, undefined)) {
        if (plan.piece.target === sharedObject(0)) startRestore(ctx.sql, ctx.catalogue, plan);
      }
      ctx.scheduleHousekeeping();
      return { TableDescription: describeTable(ctx, def, "CREATING") };
    });
  },
});

/** A restore's new table must not exist, nor be another restore's. */
export function checkTarget(ctx: OpContext, target: string): void {
  const existing = ctx.catalogue.get(target);
  if (existing?.restore && restoring(existing.restore)) {
    const source = existing.restore.sourceBackupArn ?? existing.restore.sourceTableArn;
    throw new DynamoError("TableInUseException", `Table: ${target} is already being restored from backup: ${source}`);
  }
  if (existing) throw new DynamoError("TableAlreadyExistsException", `Table already exists: ${target}`);
}

/** The backup's table as the new one: new identity, overrides applied, unrestored settings dropped. */
export function restoredDef(ctx: OpContext, source: TableDef, input: RestoreOverrides): TableDef {
  const def: TableDef = {
    ...structuredClone(source),
    name: input.TargetTableName,
    tid: ctx.catalogue.nextTid(),
    tableId: crypto.randomUUID(),
    createdAt: ctx.now / 1000,
    decreasesToday: 0,
    deletionProtection: false,
    tags: {},
  };
  // Not restored (DynamoDB's list): the stream, TTL, resource policies and point-in-time
  // recovery; a new map.
  delete def.stream;
  delete def.ttl;
  delete def.policy;
  delete def.streamPolicy;
  delete def.partitions;
  delete def.shards;
  delete def.lastIncreaseAt;
  delete def.lastDecreaseAt;
  delete def.pitr;
  delete def.restore;
  const billing = input.BillingModeOverride ?? source.billingMode;
  if (input.ProvisionedThroughputOverride && billing !== "PROVISIONED") {
    throw validation("Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED");
  }
  if (
    input.BillingModeOverride === "PROVISIONED" &&
    source.billingMode !== "PROVISIONED" &&
    !input.ProvisionedThroughputOverride
  ) {
    throw validation("Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED");
  }
  def.billingMode = billing;
  if (billing === "PAY_PER_REQUEST") {
    def.readCapacity = 0;
    def.writeCapacity = 0;
  } else if (input.ProvisionedThroughputOverride) {
    def.readCapacity = input.ProvisionedThroughputOverride.ReadCapacityUnits;
    def.writeCapacity = input.ProvisionedThroughputOverride.WriteCapacityUnits;
  }
  const indexes = [
    ...overridden(source, "LSI", input.LocalSecondaryIndexOverride),
    ...overridden(source, "GSI", input.GlobalSecondaryIndexOverride),
  ].map((index): IndexDef => {
    const copy: IndexDef = { ...structuredClone(index), iid: ctx.catalogue.nextTid(), status: "ACTIVE" };
    delete copy.backfillAfter;
    if (billing === "PAY_PER_REQUEST" && copy.kind === "GSI") {
      copy.readCapacity = 0;
      copy.writeCapacity = 0;
    }
    return copy;
  });
  if (indexes.length > 0) def.indexes = indexes;
  else delete def.indexes;
  // Vector indexes: all of the source's, or those VectorIndexOverride names; ids of the new
  // table's own. ACTIVE: the restore writes every item through the write path, which fills them.
  const kept = input.VectorIndexOverride?.map((i) => i.IndexName);
  const vectors = (source.vectorIndexes ?? [])
    .filter((index) => !kept || kept.includes(index.name))
    .map((index): VectorIndexDef => {
      const copy: VectorIndexDef = { ...structuredClone(index), vid: ctx.catalogue.nextTid(), status: "ACTIVE" };
      delete copy.backfillAfter;
      return copy;
    });
  if (vectors.length > 0) def.vectorIndexes = vectors;
  else delete def.vectorIndexes;
  return def;
}

/**
 * The source's indexes of `kind`, or those the override keeps: each must be one of the
 * source's (by name, key schema and projection), with its own throughput.
 */
function overridden(
  source: TableDef,
  kind: "LSI" | "GSI",
  override: GlobalSecondaryIndexInput[] | undefined,
): IndexDef[] {
  const mine = (source.indexes ?? []).filter((index) => index.kind === kind);
  if (override === undefined) return mine;
  return override.map((wanted) => {
    const match = mine.find(
      (index) =>
        index.name === wanted.IndexName &&
        JSON.stringify(index.keySchema) === JSON.stringify(wanted.KeySchema) &&
        index.projection.ProjectionType === wanted.Projection.ProjectionType,
    );
    if (!match) {
      throw validation(
        `Index ${wanted.IndexName} does not match a secondary index that existed in the source table and cannot be created during the restore operation`,
      );
    }
    const kept = structuredClone(match);
    if (wanted.ProvisionedThroughput) {
      kept.readCapacity = wanted.ProvisionedThroughput.ReadCapacityUnits;
      kept.writeCapacity = wanted.ProvisionedThroughput.WriteCapacityUnits;
    }
    return kept;
  });
}

/**
 * The new table's partitions: behind a router, one object of its own per backup piece
 * (the same ranges); otherwise the one object answering (an embedded engine's).
 */
export function targetMap(ctx: OpContext, tableId: string, lows: number[]): PartitionMap {
  if (!ctx.cluster?.ownObjects) return { version: 1, partitions: [{ low: 0, object: sharedObject(0) }] };
  return { version: 1, partitions: lows.map((low) => ({ low, object: splitObject(tableId, low) })) };
}
