// The catalogue home's watchdog over backups, exports and restores (BackupRunner.remind in
// ./jobs.ts sends what it finds): pieces whose objects may never have been told.
import { allBackups, backupPlans } from "./records.js";
import { allExports } from "./exports.js";
import { exportPlans, pointInTimePlans, restorePlans } from "./plans.js";
import { restoring, type BackupPlan, type RestorePlan } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import type { Catalogue } from "../storage/catalogue.js";
import type { Sql } from "../storage/sql.js";

/**
 * How long the catalogue's home lets a backup, restore or export wait for a piece before it
 * tells the piece's object again (DDB_BACKUP_WATCH_SECONDS may set another).
 */
export const WATCH_AFTER_MS = 10_000;

/** What the catalogue's home tells objects again (src/shard.ts sends it). */
export interface Reminders {
  /** Pieces to mark (backups, point-in-time pieces, exports): idempotent at the object. */
  marks: BackupPlan[];
  /** Restored tables' definitions their partitions' objects must have, and the pieces to fill. */
  restores: { def: TableDef; plans: RestorePlan[] }[];
}

/**
 * The catalogue home's watchdog: pieces of backups, exports and restores begun more than
 * `watchAfterMs` ago and not yet reported, whose objects may never have been told (the
 * router that was to tell them failed). Telling them again is harmless: every step is
 * idempotent. A backup marked this late holds its partition at that later moment, within
 * the minute DynamoDB allows either side of the request.
 */
export function reminders(
  sql: Sql,
  catalogue: Catalogue,
  now: number,
  tenant: string | undefined,
  watchAfterMs: number,
): Reminders {
  const out: Reminders = { marks: [], restores: [] };
  const old = (ms: number) => now - ms > watchAfterMs;
  for (const record of allBackups(sql)) {
    if (record.status !== "CREATING" || !old(record.createdAt)) continue;
    const plans = backupPlans(record, tenant);
    out.marks.push(
      ...plans.filter((plan) => !record.pieces.find((p) => p.object === plan.object && p.low === plan.low)?.done),
    );
  }
  for (const record of allExports(sql)) {
    if (record.status !== "IN_PROGRESS" || !old(record.startTime)) continue;
    const def = catalogue.get(record.table);
    if (!def || def.tableId !== record.tableId) continue;
    const plans = exportPlans(record, def, tenant);
    out.marks.push(
      ...plans.filter((plan) => !record.pieces.find((p) => p.object === plan.object && p.low === plan.low)?.done),
    );
  }
  for (const name of catalogue.names()) {
    const def = catalogue.get(name);
    const restore = def?.restore;
    if (!def || !restore || !restoring(restore) || restore.importArn !== undefined) continue;
    if (!old(def.createdAt * 1000)) continue;
    const waiting = restore.pieces.filter((piece) => !piece.done);
    out.marks.push(...pointInTimePlans(def, tenant, waiting));
    out.restores.push({ def, plans: restorePlans(def, tenant, waiting) });
  }
  return out;
}

/** Whether the catalogue's home has backups, exports or restores still unfinished. */
export function unfinishedAtHome(sql: Sql, catalogue: Catalogue): boolean {
  if (sql.first("SELECT arn FROM backups WHERE status = 'CREATING' LIMIT 1")) return true;
  if (sql.first("SELECT arn FROM exports WHERE status = 'IN_PROGRESS' LIMIT 1")) return true;
  return catalogue.names().some((name) => restoring(catalogue.get(name)?.restore));
}
