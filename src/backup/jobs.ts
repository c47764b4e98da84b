// Where backup and restore work runs. What an object does alone, synchronously, is a
// housekeeping step (`backupHousekeeping`, from the engine's housekeep: the shard's alarm
// or an embedded engine's timers): copying its pieces, dropping deleted ones, filling a
// restored partition from a piece it keeps itself, and reporting to the catalogue's home
// when that is this object. What needs other objects runs in `BackupRunner` (the shard's,
// beside its requests): reporting to the home, and filling from a piece kept elsewhere.
import { sharedObject, objectName } from "../schema/partition-map.js";
import { layoutObjects, partitionMapOf, type TableDef } from "../schema/table-def.js";
import type { ShardDirectory, ShardStub } from "../protocol/shard-rpc.js";
import { reach } from "../storage/faults.js";
import { backupPieceDone } from "./records.js";
import { reminders, unfinishedAtHome } from "./watchdog.js";
import {
  applyRestoreRows,
  restoreJobs,
  restorePieceDone,
  restoreReported,
  startRestore,
  type RestoreStores,
} from "./restore.js";
import { purgePitrChunk } from "./pitr.js";
import { isDataObject, itemsOf, runningImports, saveImport, type ImportRecord } from "./imports.js";
import { importItems } from "./restore.js";
import { encodeKey } from "../keys/encode.js";
import { partitionHash } from "../keys/partition.js";
import { partitionOfHash } from "../schema/partition-map.js";
import { hashKeyOf } from "../schema/table-def.js";
import type { Item } from "../types.js";
import {
  copiedExportPieces,
  exportFailed,
  exportPieceDone,
  forgetExportPiece,
  writeNextFile,
  writtenFiles,
} from "./exports.js";
import {
  backupRows,
  copiedPieces,
  copyBackupChunk,
  dropBackup,
  markBackup,
  pieceReported,
  purgeBackupChunk,
} from "./snapshot.js";

/** Rows per step of a copy, a purge or a restore. */
export const BACKUP_CHUNK = 500;
/** Imported items per call to a partition's object. */
const IMPORT_BATCH = 500;

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
    private readonly applyLocal: (name: string, def: TableDef | null) => void,
    /** The R2 bucket bound to the Worker under `name`, if any (exports). */
    private readonly bucketOf: (name: string) => R2Bucket | undefined,
  ) {}

  /** Whether anything here waits on another object. */
  active(): boolean {
    return (
      copiedPieces(this.stores.sql).some((piece) => piece.plan.object !== sharedObject(0)) ||
      copiedExportPieces(this.stores.sql).length > 0 ||
      runningImports(this.stores.sql).length > 0 ||
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
    const importing = runningImports(sql)[0];
    if (importing) {
      await this.importStep(importing);
      return "more";
    }
    const exported = copiedExportPieces(sql)[0];
    if (exported) {
      await this.exportStep(exported);
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
        // The table turns ACTIVE with its GSIs complete: their changes are applied first.
        if (this.stores.outbox.holds(job.tid)) return "wait";
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

  /**
   * One object of an import read and its items written to their partitions' objects, or,
   * with none left, the import ended: the table ACTIVE, its objects told. At the catalogue's
   * home, which keeps the import.
   */
  private async importStep(record: ImportRecord): Promise<void> {
    const { sql, catalogue } = this.stores;
    const tenant = record.tenant;
    const fail = async (code: string, message: string) => {
      const def = catalogue.get(record.table);
      sql.transaction(() => {
        saveImport(sql, { ...record, status: "FAILED", failure: { code, message }, endTime: Date.now() });
        // A failed import leaves no table behind (it never served).
        if (def && def.tableId === record.tableId) {
          catalogue.remove(def);
          this.stores.items.markDropped(def.tid);
          for (const index of def.indexes ?? []) this.stores.indexes.markDropped(index.iid);
        }
      });
      if (def) await this.broadcast(tenant, sharedObject(0), def, null);
    };
    const bucket = this.bucketOf(record.bucket);
    if (!bucket) return fail("S3NoSuchBucket", `The specified bucket does not exist: ${record.bucket}`);
    const def = catalogue.get(record.table);
    if (!def || def.tableId !== record.tableId) {
      saveImport(sql, {
        ...record,
        status: "FAILED",
        failure: { code: "TableNotFound", message: "The table was deleted" },
        endTime: Date.now(),
      });
      return;
    }
    const listed = await bucket.list({
      prefix: record.prefix,
      ...(record.after === undefined ? {} : { startAfter: record.after }),
      limit: 100,
    });
    const next = listed.objects.find((object) => isDataObject(object.key));
    if (!next) {
      if (listed.truncated) {
        const last = listed.objects[listed.objects.length - 1];
        if (last) saveImport(sql, { ...record, after: last.key });
        return;
      }
      const done = sql.transaction(() => {
        saveImport(sql, { ...record, status: "COMPLETED", endTime: Date.now() });
        return restorePieceDone(catalogue, record.table, record.tableId, 0);
      });
      if (done) await this.broadcast(tenant, sharedObject(0), done);
      return;
    }
    const object = await bucket.get(next.key);
    if (!object) return;
    let stream: ReadableStream = object.body;
    if (record.compression === "GZIP") stream = stream.pipeThrough(new DecompressionStream("gzip"));
    let text: string;
    try {
      text = await new Response(stream).text();
    } catch {
      saveImport(sql, {
        ...record,
        after: next.key,
        errors: record.errors + 1,
        processedBytes: record.processedBytes + next.size,
      });
      return;
    }
    const { items, errors } = itemsOf(text, def);
    // Each item to the object of its partition.
    const map = partitionMapOf(def);
    const hash = hashKeyOf(def);
    const groups = new Map<string, Item[]>();
    for (const item of items) {
      const value = (item[hash.name] as Record<string, string>)[hash.type] as string;
      const k = partitionOfHash(map, partitionHash(encodeKey(hash.type, value)));
      const target = (map.partitions[k] as { object: string }).object;
      let group = groups.get(target);
      if (!group) groups.set(target, (group = []));
      group.push(item);
    }
    for (const [target, group] of groups) {
      for (let i = 0; i < group.length; i += IMPORT_BATCH) {
        const batch = group.slice(i, i + IMPORT_BATCH);
        if (target === sharedObject(0)) importItems(this.stores, def.name, def.tableId, batch);
        else await this.stub(tenant, sharedObject(0), target).importRows(def.name, def.tableId, batch);
      }
    }
    saveImport(sql, {
      ...record,
      after: next.key,
      processedBytes: record.processedBytes + next.size,
      processedItems: record.processedItems + items.length + errors,
      importedItems: record.importedItems + items.length,
      errors: record.errors + errors,
    });
  }

  /** One data file of an export's piece written, or the written piece reported to the home. */
  private async exportStep(plan: Parameters<typeof writeNextFile>[1]): Promise<void> {
    const { sql } = this.stores;
    const target = plan.export;
    const bucket = this.bucketOf(target.bucket);
    const atHome = plan.object === sharedObject(0);
    if (!bucket) {
      const message = `The specified bucket does not exist: ${target.bucket}`;
      if (atHome) exportFailed(sql, target.arn, "S3NoSuchBucket", message);
      else await this.stub(plan.tenant, plan.object, sharedObject(0)).exportFail(target.arn, "S3NoSuchBucket", message);
    } else {
      const more = await writeNextFile(sql, plan, bucket);
      reach("export:after-file");
      if (more) return;
      const files = writtenFiles(sql, plan.id);
      if (atHome) await exportPieceDone(sql, target.arn, plan.object, plan.low, files, this.bucketOf);
      else
        await this.stub(plan.tenant, plan.object, sharedObject(0)).exportReport(
          target.arn,
          plan.object,
          plan.low,
          files,
        );
    }
    sql.transaction(() => {
      dropBackup(sql, plan.id);
      forgetExportPiece(sql, plan.id);
    });
  }

  /**
   * The catalogue home's watchdog (`reminders`): tells again the objects of pieces long
   * unreported. Returns whether backups, exports or restores are still unfinished here (the
   * home's alarm then looks again in `watchAfterMs`).
   */
  async remind(now: number, tenant: string | undefined, watchAfterMs: number): Promise<boolean> {
    const { sql, catalogue } = this.stores;
    const due = reminders(sql, catalogue, now, tenant, watchAfterMs);
    const self = sharedObject(0);
    for (const plan of due.marks) {
      if (plan.object === self) markBackup(sql, catalogue, plan);
      else await this.stub(tenant, self, plan.object).backupMark(plan);
    }
    for (const { def, plans } of due.restores) {
      await this.broadcast(tenant, self, def);
      for (const plan of plans) {
        if (plan.piece.target === self) sql.transaction(() => startRestore(sql, catalogue, plan));
        else await this.stub(tenant, self, plan.piece.target).restoreStart(plan);
      }
    }
    return unfinishedAtHome(sql, catalogue);
  }

  /** Gives every partition's object of `def` its definition (`next`, or none: dropped). */
  private async broadcast(
    tenant: string | undefined,
    self: string,
    def: TableDef,
    next: TableDef | null = def,
  ): Promise<void> {
    const objects = new Set(layoutObjects(def));
    objects.delete(sharedObject(0));
    await Promise.all(
      [...objects].map((object) =>
        object === self ? this.applyLocal(def.name, next) : this.stub(tenant, self, object).applyTable(def.name, next),
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
