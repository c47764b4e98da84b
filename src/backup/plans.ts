// What the objects of a table's partitions are told to do for an export (a piece of the
// table at the export's time, then written to the bucket: ./exports.ts) and for a restore
// (a point-in-time piece at the source; filling at the target: ./restore.ts).
import type { BackupPlan, RestorePlan } from "../schema/backup.js";
import { partitionMapOf, type TableDef } from "../schema/table-def.js";
import { partitionRange } from "../schema/partition-map.js";
import type { ExportRecord } from "./exports.js";

export function exportPlans(record: ExportRecord, def: TableDef, tenant: string | undefined): BackupPlan[] {
  const map = partitionMapOf(def);
  return record.pieces.map((piece, k) => {
    const plan: BackupPlan = {
      id: `export-${record.id}-${k}`,
      arn: "",
      table: record.table,
      tableId: record.tableId,
      ...partitionRange(
        map,
        map.partitions.findIndex((p) => p.low === piece.low),
      ),
      object: piece.object,
      at: record.exportTime,
      export: { arn: record.arn, id: record.id, bucket: record.bucket, prefix: record.prefix, index: k },
    };
    if (tenant !== undefined) plan.tenant = tenant;
    return plan;
  });
}

/** The pieces a point-in-time restore has each partition's object of its source make. */
export function pointInTimePlans(
  def: TableDef,
  tenant: string | undefined,
  pieces = def.restore?.pieces ?? [],
): BackupPlan[] {
  const moment = def.restore?.pointInTime;
  if (!moment) return [];
  return pieces.map((piece) => ({
    id: piece.backup,
    arn: "",
    table: moment.table,
    tableId: moment.tableId,
    low: piece.low,
    high: piece.high,
    object: piece.source,
    at: moment.at,
    ...(tenant === undefined ? {} : { tenant }),
  }));
}

/** What each partition's object of a restored table is told to fill. */
export function restorePlans(
  def: TableDef,
  tenant: string | undefined,
  pieces = def.restore?.pieces ?? [],
): RestorePlan[] {
  return pieces.map((piece) => ({
    table: def.name,
    tableId: def.tableId,
    piece,
    ...(tenant === undefined ? {} : { tenant }),
  }));
}
