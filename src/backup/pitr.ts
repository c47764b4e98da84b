// Point-in-time recovery. While a table has it enabled, every object holding a partition
// of the table keeps its history: SQLite triggers write each item's image before every
// change (the old document, or none for an item that did not exist) to `pitr_log` with the
// change's time, in the change's own transaction, whatever path the write takes. The table
// as it was at a time T is then, key by key, the image of the first change after T, or the
// item as it stands when nothing changed it since: a restore copies that into a piece
// (src/backup/snapshot.ts) and fills the new table from it, as from a backup.
import type { PitrState, TableDef } from "../schema/table-def.js";
import type { Catalogue } from "../storage/catalogue.js";
import type { Sql } from "../storage/sql.js";

const DAY_MS = 86_400_000;

/** The earliest time (epoch ms) the table can be restored to: its history's start, within the period. */
export function earliestRestorable(pitr: PitrState, now: number): number {
  return Math.max(pitr.since, now - pitr.days * DAY_MS);
}

/** DescribeContinuousBackups' answer for the table. */
export function continuousBackups(def: TableDef, now: number): Record<string, unknown> {
  const pitr = def.pitr;
  const recovery: Record<string, unknown> = { PointInTimeRecoveryStatus: pitr?.enabled ? "ENABLED" : "DISABLED" };
  if (pitr?.enabled) {
    recovery.RecoveryPeriodInDays = pitr.days;
    recovery.EarliestRestorableDateTime = earliestRestorable(pitr, now) / 1000;
    recovery.LatestRestorableDateTime = now / 1000;
  }
  return { ContinuousBackupsStatus: "ENABLED", PointInTimeRecoveryDescription: recovery };
}

/**
 * Deletes up to `limit` history entries no restore can need: older than the table's
 * period (or its history's start), yet not after the time of a restore copying from here;
 * every entry of a table whose recovery is off or that is gone. Returns true while any remain.
 */
export function purgePitrChunk(sql: Sql, catalogue: Catalogue, now: number, limit: number): boolean {
  const tids = sql.all<{ tid: number }>("SELECT DISTINCT tid FROM pitr_log");
  if (tids.length === 0) return false;
  const live = new Map<number, TableDef>();
  for (const name of catalogue.names()) {
    const def = catalogue.get(name);
    if (def) live.set(def.tid, def);
  }
  let more = false;
  for (const { tid } of tids) {
    const pitr = live.get(tid)?.pitr;
    let before = Number.MAX_SAFE_INTEGER;
    if (pitr?.enabled) {
      before = earliestRestorable(pitr, now);
      for (const job of sql.all<{ plan: string }>(
        "SELECT plan FROM backup_jobs WHERE tid = ? AND state = 'copying'",
        tid,
      )) {
        const at = (JSON.parse(job.plan) as { at?: number }).at;
        if (at !== undefined) before = Math.min(before, at);
      }
    }
    sql.exec(
      "DELETE FROM pitr_log WHERE seq IN (SELECT seq FROM pitr_log WHERE tid = ? AND at < ? ORDER BY seq LIMIT ?)",
      tid,
      before,
      limit,
    );
    if (sql.first("SELECT seq FROM pitr_log WHERE tid = ? AND at < ? LIMIT 1", tid, before)) more = true;
  }
  return more;
}
