// Where backup and restore work runs. What an object does alone, synchronously, is a
// housekeeping step (`backupHousekeeping`, from the engine's housekeep: the shard's alarm
// or an embedded engine's timers): copying its pieces, dropping deleted ones, filling a
// restored partition from a piece it keeps itself, and reporting to the catalogue's home
// when that is this object. What needs other objects runs in `BackupRunner` (the shard's,
// beside its requests): reporting to the home, and filling from a piece kept elsewhere.
import { sharedObject, objectName } from "../schema/partition-map.js";
import { partitionMapOf, type TableDef } from "../schema/table-def.js";
import type { ShardDirectory, ShardStub } from "../protocol/shard-rpc.js";
import { reach } from "../storage/faults.js";
import { backupPieceDone } from "./records.js";
import { applyRestoreRows, restoreJobs, restorePieceDone, restoreReported, type RestoreStores } from "./restore.js";
import { purgePitrChunk } from "./pitr.js";
import { backupRows, copiedPieces, copyBackupChunk, dropBackup, pieceReported, purgeBackupChunk } from "./snapshot.js";

/** Rows per step of a copy, a purge or a restore. */
export const BACKUP_CHUNK = 500;

/** One bounded step of each kind of local backup work. Returns true while any remains. */
export function backupHousekeeping(stores: RestoreStores): boolean {
  const { sql } = stores;
  const copying = copyBackupChunk(sql, BACKUP_CHUNK);
  if (copying) reach("backup:after-copy-chunk");
  for (const piece of copiedPieces(sql)) {
    if (piece.plan.object !== sharedObject(0)) continue;
    reach("backup:before-report");
    sql.transaction(() => {
      const { arn, object, low, id } = piece.plan;
      backupPieceDone(sql, arn, object, low, piece.items, piece.bytes);
      pieceReported(sql, id);
    });
  }
  const purging =
    purgeBackupChunk(sql, BACKUP_CHUNK) || purgePitrChunk(sql, stores.catalogue, Date.now(), BACKUP_CHUNK);
  let filling = false;
  for (const job of restoreJobs(sql)) {
    const { piece } = job.plan;
    if (piece.source !== piece.target) continue;
    if (job.state === "filling") {
      // A point-in-time piece still being copied here: the copy's steps come first.
      const rows = backupRows(sql, piece.backup, job.after, BACKUP_CHUNK);
      if (rows === null) continue;
      applyRestoreRows(stores, job, rows, rows.length < BACKUP_CHUNK);
      reach("restore:after-chunk");
      filling = true;
    } else if (piece.target === sharedObject(0)) {
      reach("restore:before-report");
      sql.transaction(() => {
        if (isPointInTime(piece.backup)) dropBackup(sql, piece.backup);
        restorePieceDone(stores.catalogue, job.plan.table, job.plan.tableId, piece.low);
        restoreReported(sql, job);
      });
    }
    break;
  }
  return copying || purging || filling;
}

/** Pieces made for a point-in-time restore are named so; they go once the restore has them. */
export function isPointInTime(id: string): boolean {
  return id.startsWith("pitr-");
}

/** The work of this object's backups and restores that other objects take part in. */
export class BackupRunner {
  constructor(
    private readonly stores: RestoreStores,
    private readonly shards: ShardDirectory,
    private readonly applyLocal: (name: string, def: TableDef) => void,
  ) {}

  /** Whether anything here waits on another object. */
  active(): boolean {
    return (
      copiedPieces(this.stores.sql).some((piece) => piece.plan.object !== sharedObject(0)) ||
      restoreJobs(this.stores.sql).some(
        (job) =>
          job.plan.piece.source !== job.plan.piece.target ||
          (job.state === "filled" && job.plan.piece.target !== sharedObject(0)),
      )
    );
  }

  /** One step: a report, or a chunk of a remote piece. "done" when nothing is left. */
  async step(): Promise<"more" | "wait" | "done"> {
    const { sql } = this.stores;
    const copied = copiedPieces(sql).find((piece) => piece.plan.object !== sharedObject(0));
    if (copied) {
      const { plan } = copied;
      reach("backup:before-report");
      const home = this.stub(plan.tenant, plan.object, sharedObject(0));
      await home.backupReport(plan.arn, plan.object, plan.low, copied.items, copied.bytes);
      pieceReported(sql, plan.id);
      return "more";
    }
    for (const job of restoreJobs(sql)) {
      const { piece, tenant } = job.plan;
      if (job.state === "filling" && piece.source !== piece.target) {
        const source = this.stub(tenant, piece.target, piece.source);
        const rows = await source.backupRead(piece.backup, job.after, BACKUP_CHUNK);
        // A point-in-time piece still being copied there: wait for it.
        if (rows === null) return "wait";
        applyRestoreRows(this.stores, job, rows, rows.length < BACKUP_CHUNK);
        reach("restore:after-chunk");
        return "more";
      }
      if (job.state === "filled" && piece.target !== sharedObject(0)) {
        reach("restore:before-report");
        if (isPointInTime(piece.backup)) {
          if (piece.source === piece.target) dropBackup(sql, piece.backup);
          else await this.stub(tenant, piece.target, piece.source).backupDrop(piece.backup);
        }
        const home = this.stub(tenant, piece.target, sharedObject(0));
        const def = await home.restoreReport(job.plan.table, job.plan.tableId, piece.low);
        // The last piece in: every partition's object learns the table is ACTIVE (before the
        // job goes, so that a crash in between tells them again).
        if (def && !def.restore) await this.broadcast(tenant, piece.target, def);
        restoreReported(sql, job);
        return "more";
      }
    }
    return "done";
  }

  private async broadcast(tenant: string | undefined, self: string, def: TableDef): Promise<void> {
    const objects = new Set(partitionMapOf(def).partitions.map((entry) => entry.object));
    objects.delete(sharedObject(0));
    await Promise.all(
      [...objects].map((object) =>
        object === self ? this.applyLocal(def.name, def) : this.stub(tenant, self, object).applyTable(def.name, def),
      ),
    );
  }

  private stub(tenant: string | undefined, self: string, name: string): ShardStub {
    const own = this.shards.ownBinding(objectName(tenant, self));
    const stub = own === undefined ? undefined : this.shards.shard(own, objectName(tenant, name));
    if (!stub) throw new Error(`backup work: no namespace holds ${objectName(tenant, self)}`);
    return stub;
  }
}
