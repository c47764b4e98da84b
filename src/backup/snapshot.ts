// A partition's piece of an on-demand backup, kept by the object holding the partition.
//
// Marking it is instantaneous and exact: one transaction records the job and creates
// triggers that, from then on, keep each item of the range as it was before its first
// change (`backup_pre`: the old document, or none for an item that did not exist yet), in
// the change's own transaction, whatever path the write takes (requests, TTL deletions,
// a split's clean-up, the purge of a deleted table). The copy then runs in bounded chunks
// in key order, each key taken from `backup_pre` when it changed since the mark and from
// `items` otherwise, so the piece is the partition exactly as it was at the mark however
// long the copy takes. The triggers and kept images go when the copy ends.
import type { BackupPlan, BackupRow } from "../schema/backup.js";
import { inRange, keyRangeOf, withinRange } from "../storage/split-log.js";
import type { Sql } from "../storage/sql.js";
import type { Catalogue } from "../storage/catalogue.js";

export type { BackupRow };

/** A piece whose copy is complete, to report to the catalogue's home. */
export interface CopiedPiece {
  plan: BackupPlan;
  items: number;
  bytes: number;
}

interface JobRow extends Record<string, SqlStorageValue> {
  id: string;
  tid: number;
  state: string;
  plan: string;
  cursor_pk: ArrayBuffer | null;
  cursor_sk: ArrayBuffer | null;
}

/**
 * Marks the piece: the job and its triggers, in one transaction. Idempotent (a piece marked
 * or kept already is left as it is). A table gone or recreated since the backup began
 * leaves an empty piece, complete at once.
 */
export function markBackup(sql: Sql, catalogue: Catalogue, plan: BackupPlan): void {
  sql.transaction(() => {
    if (sql.first("SELECT id FROM backup_jobs WHERE id = ?", plan.id)) return;
    if (sql.first("SELECT backup FROM backup_items WHERE backup = ? LIMIT 1", plan.id)) return;
    const def = catalogue.get(plan.table);
    const live = def !== undefined && def.tableId === plan.tableId;
    sql.exec(
      "INSERT INTO backup_jobs (id, tid, state, plan) VALUES (?, ?, ?, ?)",
      plan.id,
      live ? def.tid : -1,
      live ? "copying" : "copied",
      JSON.stringify(plan),
    );
    // A point-in-time piece reads its images from the table's history (./pitr.ts).
    if (live && plan.at === undefined) keepImages(sql, plan.id, def.tid, plan);
  });
}

function keepImages(sql: Sql, id: string, tid: number, plan: BackupPlan): void {
  const range = inRange("pk", keyRangeOf(plan.low, plan.high));
  const name = triggerName(id);
  const when = (row: string) => `WHEN ${row}.tid = ${tid} AND ${range.replaceAll("pk", `${row}.pk`)}`;
  const keep = (row: string, doc: string, size: string) =>
    `INSERT OR IGNORE INTO backup_pre (backup, pk, sk, doc, size) VALUES ('${id}', ${row}.pk, ${row}.sk, ${doc}, ${size})`;
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS ${name}_u BEFORE UPDATE ON items ${when("old")} BEGIN ${keep("old", "old.doc", "old.size")}; END`,
  );
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS ${name}_d BEFORE DELETE ON items ${when("old")} BEGIN ${keep("old", "old.doc", "old.size")}; END`,
  );
  // An insert (not an upsert's update) is of an item absent before it: kept as none.
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS ${name}_i AFTER INSERT ON items ${when("new")} BEGIN ${keep("new", "NULL", "0")}; END`,
  );
}

function dropImages(sql: Sql, id: string): void {
  for (const suffix of ["u", "d", "i"]) sql.exec(`DROP TRIGGER IF EXISTS ${triggerName(id)}_${suffix}`);
  sql.exec("DELETE FROM backup_pre WHERE backup = ?", id);
}

/** Trigger names take no quotes: a backup id is digits, a dash and hex. */
function triggerName(id: string): string {
  return `backup_keep_${id.replace(/[^0-9a-f]/g, "_")}`;
}

/**
 * Copies up to `limit` keys of the first piece still copying, in one transaction. Returns
 * true while copying remains here.
 */
export function copyBackupChunk(sql: Sql, limit: number): boolean {
  const job = sql.first<JobRow>("SELECT * FROM backup_jobs WHERE state = 'copying' ORDER BY id LIMIT 1");
  if (!job) return false;
  sql.transaction(() => {
    const plan = JSON.parse(job.plan) as BackupPlan;
    const range = withinRange("pk", keyRangeOf(plan.low, plan.high));
    const after = job.cursor_pk === null ? "" : "AND (pk, sk) > (?, ?)";
    const cursor = job.cursor_pk === null ? [] : [job.cursor_pk, job.cursor_sk];
    // The keys changed since the backup's moment: kept by its triggers, or in the history.
    const changed =
      plan.at === undefined
        ? { sql: `SELECT pk, sk FROM backup_pre WHERE backup = ? ${after}`, params: [job.id, ...cursor] }
        : {
            sql: `SELECT pk, sk FROM pitr_log WHERE tid = ? AND at > ? AND ${range.sql} ${after}`,
            params: [job.tid, plan.at, ...range.params, ...cursor],
          };
    const keys = sql.all<{ pk: ArrayBuffer; sk: ArrayBuffer }>(
      `SELECT pk, sk FROM (SELECT pk, sk FROM items WHERE tid = ? AND ${range.sql} ${after} ` +
        `UNION ${changed.sql}) ORDER BY pk, sk LIMIT ?`,
      job.tid,
      ...range.params,
      ...cursor,
      ...changed.params,
      limit,
    );
    for (const key of keys) {
      const kept =
        plan.at === undefined
          ? sql.first<{ doc: ArrayBuffer | null; size: number }>(
              "SELECT doc, size FROM backup_pre WHERE backup = ? AND pk = ? AND sk = ?",
              job.id,
              key.pk,
              key.sk,
            )
          : sql.first<{ doc: ArrayBuffer | null; size: number }>(
              "SELECT doc, size FROM pitr_log WHERE tid = ? AND pk = ? AND sk = ? AND at > ? ORDER BY seq LIMIT 1",
              job.tid,
              key.pk,
              key.sk,
              plan.at,
            );
      const row =
        kept ??
        sql.first<{ doc: ArrayBuffer; size: number }>(
          "SELECT doc, size FROM items WHERE tid = ? AND pk = ? AND sk = ?",
          job.tid,
          key.pk,
          key.sk,
        );
      if (!row || row.doc === null) continue;
      sql.exec(
        "INSERT OR REPLACE INTO backup_items (backup, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?)",
        job.id,
        key.pk,
        key.sk,
        row.doc,
        row.size,
      );
    }
    const last = keys[keys.length - 1];
    if (keys.length < limit || !last) {
      sql.exec("UPDATE backup_jobs SET state = 'copied', cursor_pk = NULL, cursor_sk = NULL WHERE id = ?", job.id);
      dropImages(sql, job.id);
    } else {
      sql.exec("UPDATE backup_jobs SET cursor_pk = ?, cursor_sk = ? WHERE id = ?", last.pk, last.sk, job.id);
    }
  });
  return true;
}

/**
 * Backup pieces whose copy is complete and not yet reported to the catalogue's home (a
 * point-in-time piece is not reported: it stays until its restore drops it).
 */
export function copiedPieces(sql: Sql): CopiedPiece[] {
  const jobs = sql.all<JobRow>("SELECT * FROM backup_jobs WHERE state = 'copied' ORDER BY id");
  return jobs
    .filter((job) => (JSON.parse(job.plan) as BackupPlan).at === undefined)
    .map((job) => {
      const stats = sql.first<{ n: number; bytes: number }>(
        "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM backup_items WHERE backup = ?",
        job.id,
      );
      return { plan: JSON.parse(job.plan) as BackupPlan, items: stats?.n ?? 0, bytes: stats?.bytes ?? 0 };
    });
}

/** The home has the piece's report: the job is over, the piece stays. */
export function pieceReported(sql: Sql, id: string): void {
  sql.exec("DELETE FROM backup_jobs WHERE id = ? AND state = 'copied'", id);
}

/**
 * Up to `limit` rows of piece `id` after the key `after`, in key order; null while the
 * piece is still being copied (a point-in-time piece is read as soon as it is complete).
 */
export function backupRows(
  sql: Sql,
  id: string,
  after: { pk: ArrayBuffer; sk: ArrayBuffer } | null,
  limit: number,
): BackupRow[] | null {
  if (sql.first("SELECT id FROM backup_jobs WHERE id = ? AND state = 'copying'", id)) return null;
  return after
    ? sql.all<BackupRow & Record<string, ArrayBuffer | string | number>>(
        "SELECT pk, sk, json(doc) AS doc, size FROM backup_items WHERE backup = ? AND (pk, sk) > (?, ?) ORDER BY pk, sk LIMIT ?",
        id,
        after.pk,
        after.sk,
        limit,
      )
    : sql.all<BackupRow & Record<string, ArrayBuffer | string | number>>(
        "SELECT pk, sk, json(doc) AS doc, size FROM backup_items WHERE backup = ? ORDER BY pk, sk LIMIT ?",
        id,
        limit,
      );
}

/** DeleteBackup: the piece is dropped here, its rows in chunks (`purgeBackupChunk`). */
export function dropBackup(sql: Sql, id: string): void {
  sql.transaction(() => {
    dropImages(sql, id);
    sql.exec(
      "INSERT INTO backup_jobs (id, tid, state, plan) VALUES (?, -1, 'dropping', '{}') " +
        "ON CONFLICT (id) DO UPDATE SET state = 'dropping'",
      id,
    );
  });
}

/** Deletes up to `limit` rows of a dropped piece. Returns true while any remain. */
export function purgeBackupChunk(sql: Sql, limit: number): boolean {
  const job = sql.first<{ id: string }>("SELECT id FROM backup_jobs WHERE state = 'dropping' LIMIT 1");
  if (!job) return false;
  sql.transaction(() => {
    sql.exec(
      "DELETE FROM backup_items WHERE backup = ? AND (pk, sk) IN (SELECT pk, sk FROM backup_items WHERE backup = ? LIMIT ?)",
      job.id,
      job.id,
      limit,
    );
    if (!sql.first("SELECT backup FROM backup_items WHERE backup = ? LIMIT 1", job.id)) {
      sql.exec("DELETE FROM backup_jobs WHERE id = ?", job.id);
    }
  });
  return true;
}
