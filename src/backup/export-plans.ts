// What each partition's object of an export is told to make: a piece of the table at the
// export's time (as a point-in-time restore's), then written to the bucket (./exports.ts).
import type { BackupPlan } from "../schema/backup.js";
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
