// Filling a restored table's partition from a backup piece, at the object holding the
// partition: a job row (`restore_jobs`) per piece with a cursor; each chunk of the piece's
// rows is written with its index and TTL entries and the cursor moved on in one
// transaction, so a crash resumes after the last chunk written, and a chunk written twice
// changes nothing (rows are put as they are in the piece). Restored rows are not changes of
// the items: no stream records (a restored table has no stream).
import { notFound } from "../errors.js";
import { restoring, type RestorePlan } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import type { Catalogue } from "../storage/catalogue.js";
import type { VectorStore } from "../storage/vector-store.js";
import type { IndexStore } from "../storage/index-store.js";
import type { ItemStore } from "../storage/items.js";
import type { TtlIndex } from "../storage/ttl-index.js";
import type { Sql } from "../storage/sql.js";
import { keyOfItem } from "../keys/item-key.js";
import { putAsIs } from "../storage/write.js";
import type { GsiOutbox } from "../storage/gsi-outbox.js";
import type { Item } from "../types.js";
import type { BackupRow } from "../schema/backup.js";

/** What filling a partition writes through (the engine's stores). */
export interface RestoreStores {
  sql: Sql;
  catalogue: Catalogue;
  items: ItemStore;
  indexes: IndexStore;
  vectors: VectorStore;
  ttlIndex: TtlIndex;
  outbox: GsiOutbox;
}

export interface RestoreJob {
  tid: number;
  state: "filling" | "filled";
  plan: RestorePlan;
  after: { pk: ArrayBuffer; sk: ArrayBuffer } | null;
}

interface JobRow extends Record<string, ArrayBuffer | string | number | null> {
  tid: number;
  state: string;
  plan: string;
  cursor_pk: ArrayBuffer | null;
  cursor_sk: ArrayBuffer | null;
}

/** Starts filling a piece of the restored table here (idempotent). Call inside a transaction. */
export function startRestore(sql: Sql, catalogue: Catalogue, plan: RestorePlan): void {
  const def = catalogue.get(plan.table);
  if (!def || def.tableId !== plan.tableId)
    throw notFound(`Requested resource not found: Table: ${plan.table} not found`);
  sql.exec(
    "INSERT INTO restore_jobs (tid, low, state, plan) VALUES (?, ?, 'filling', ?) ON CONFLICT (tid, low) DO NOTHING",
    def.tid,
    plan.piece.low,
    JSON.stringify(plan),
  );
}

/** The restore jobs here. */
export function restoreJobs(sql: Sql): RestoreJob[] {
  return sql.all<JobRow>("SELECT * FROM restore_jobs ORDER BY tid, low").map((row) => ({
    tid: row.tid,
    state: row.state as RestoreJob["state"],
    plan: JSON.parse(row.plan) as RestorePlan,
    after: row.cursor_pk === null ? null : { pk: row.cursor_pk, sk: row.cursor_sk as ArrayBuffer },
  }));
}

/**
 * Writes a chunk of the piece's rows into the table and moves the job's cursor past it; the
 * job is filled when `last` (the piece has no more rows). A table deleted since drops the job.
 */
export function applyRestoreRows(
  engine: RestoreStores,
  job: RestoreJob,
  rows: readonly BackupRow[],
  last: boolean,
): void {
  engine.sql.transaction(() => {
    const def = engine.catalogue.get(job.plan.table);
    const low = job.plan.piece.low;
    if (!def || def.tableId !== job.plan.tableId || def.tid !== job.tid) {
      engine.sql.exec("DELETE FROM restore_jobs WHERE tid = ? AND low = ?", job.tid, low);
      return;
    }
    const stores = {
      items: engine.items,
      indexes: engine.indexes,
      vectors: engine.vectors,
      ttlIndex: engine.ttlIndex,
      outbox: engine.outbox,
    };
    for (const row of rows) {
      const key = { pk: new Uint8Array(row.pk), sk: new Uint8Array(row.sk) };
      putAsIs(stores, def, key, JSON.parse(row.doc) as Item, row.size);
    }
    const end = rows[rows.length - 1];
    if (last) engine.sql.exec("UPDATE restore_jobs SET state = 'filled' WHERE tid = ? AND low = ?", job.tid, low);
    else if (end) {
      engine.sql.exec(
        "UPDATE restore_jobs SET cursor_pk = ?, cursor_sk = ? WHERE tid = ? AND low = ?",
        end.pk,
        end.sk,
        job.tid,
        low,
      );
    }
  });
}

/** The home has the report of the filled piece: the job is over. */
export function restoreReported(sql: Sql, job: RestoreJob): void {
  sql.exec("DELETE FROM restore_jobs WHERE tid = ? AND low = ? AND state = 'filled'", job.tid, job.plan.piece.low);
}

/**
 * The catalogue home's side of a filled piece: marked done in the table's restore; the
 * last one ends the restore (the table turns ACTIVE). Returns the definition then, or null
 * for a table since deleted or recreated. Call inside a transaction.
 */
export function restorePieceDone(catalogue: Catalogue, table: string, tableId: string, low: number): TableDef | null {
  const def = catalogue.get(table);
  if (!def || def.tableId !== tableId || !def.restore) return def && def.tableId === tableId ? def : null;
  const next: TableDef = structuredClone(def);
  const restore = next.restore as NonNullable<TableDef["restore"]>;
  for (const piece of restore.pieces) if (piece.low === low) piece.done = true;
  if (!restoring(restore)) delete next.restore;
  catalogue.update(next);
  return next;
}

/** Writes imported items into this object's part of table `name` (ImportTable), in one transaction. */
export function importItems(stores: RestoreStores, name: string, tableId: string, items: readonly Item[]): void {
  stores.sql.transaction(() => {
    const def = stores.catalogue.get(name);
    if (!def || def.tableId !== tableId) throw notFound(`Requested resource not found: Table: ${name} not found`);
    for (const item of items) putAsIs(stores, def, keyOfItem(def, item), item);
  });
}
