// One shard = one Durable Object holding tables and items in its SQLite database, reached
// over RPC (ShardRpc, src/protocol/shard-rpc.ts) by the cluster router of the HTTP edge and
// of the SDK-compatible client. The engine (src/engine) runs every operation synchronously
// inside `handle`, so a read-check-write never yields. The same object can coordinate a
// cross-shard transaction and hold shares of others (src/txn).
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env.js";
import { Engine } from "./engine/engine.js";
import { unfilteredRead } from "./engine/index-read.js";
import type { CallMeta, WireReply } from "./protocol/reply.js";
import type {
  CoordinatorRef,
  Decision,
  IndexRow,
  IndexSplitPlan,
  IndexSplitStart,
  ShardDirectory,
  ShardRpc,
  ShardStub,
  ShareKind,
  SplitPlan,
  SplitRow,
  SplitStart,
  TxnPlan,
} from "./protocol/shard-rpc.js";
import type { TableDef } from "./schema/table-def.js";
import { publishSplit, receiveRows, startSplit } from "./split/plan.js";
import { SplitSource } from "./split/source.js";
import { IndexSplitSource, publishIndexSplit, receiveIndexRows, startIndexSplit } from "./split/index-split.js";
import { IndexAutoSplit } from "./split/index-auto.js";
import { AutoSplit, splitThresholds, writtenItems } from "./split/auto.js";
import type { Item, JsonObject } from "./types.js";
import { Coordinator } from "./txn/coordinator.js";
import { BackupRunner } from "./backup/jobs.js";
import { WATCH_AFTER_MS } from "./backup/watchdog.js";
import { sharedObject, splitObjectName } from "./schema/partition-map.js";
import { backupPieceDone, backupPlans, getBackup } from "./backup/records.js";
import { importItems, startRestore, restorePieceDone } from "./backup/restore.js";
import { backupRows, dropBackup, markBackup, type BackupRow } from "./backup/snapshot.js";
import type { BackupPlan, ExportFile, RestorePlan } from "./schema/backup.js";
import { exportFailed, exportPieceDone, getExport } from "./backup/exports.js";
import { exportPlans } from "./backup/plans.js";
import { PreparedShares } from "./txn/prepared-shares.js";
import { Propagation } from "./gsi/propagation.js";
import { backfillToReport, recordBackfill, reportBackfills } from "./gsi/backfill-report.js";
import { applyIndexChanges } from "./storage/gsi-inbox.js";
import type { IndexChange, InboxReply } from "./schema/index-change.js";

export class DynamoShard extends DurableObject<Env> implements ShardRpc {
  private readonly engine: Engine;
  private readonly shares: PreparedShares;
  private readonly coordinator: Coordinator;
  private readonly splits: SplitSource;
  private readonly indexSplits: IndexSplitSource;
  /** When an index partition held here splits by itself (src/split/index-auto.ts). */
  private readonly indexAuto: IndexAutoSplit;
  private readonly auto: AutoSplit;
  private readonly backups: BackupRunner;
  private readonly propagation: Propagation;
  private readonly directory: ShardDirectory;
  /** How long a write waits for its index changes to be applied (DDB_GSI_WAIT_MS). */
  private readonly gsiWaitMs: number;
  /** How long the catalogue's home lets a backup's piece go unreported (DDB_BACKUP_WATCH_SECONDS). */
  private readonly backupWatchMs: number;
  /** The runner of the splits in progress here, if it is going: one at a time. */
  private splitting: Promise<void> | undefined;
  /** The runner of the backup work here that waits on other objects, if it is going. */
  private backingUp: Promise<void> | undefined;
  /** This object's name and tenant, as the router last addressed it (kept: the alarm needs them). */
  private self: { tenant?: string; object: string } | null | undefined;

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    this.engine = new Engine(state, {
      ttlSweepSeconds: ttlSweepSeconds(env),
      vectorExactFloats: vectorExactFloats(env),
      gsiMaxPending: positiveSetting(env.DDB_GSI_MAX_PENDING),
      afterRequest: (operation, input) => {
        const items = writtenItems(operation, input);
        if (items.length > 0) this.auto.noteWrites(items);
      },
    });
    const thresholds = splitThresholds(env);
    this.auto = new AutoSplit(this.engine, thresholds);
    this.indexAuto = new IndexAutoSplit(this.engine, thresholds);
    const shards = envDirectory(env as unknown as Record<string, unknown>, state.id);
    this.directory = shards;
    const txnCheckMs = txnCheckSeconds(env) * 1000;
    this.shares = new PreparedShares(this.engine, state.storage, shards, txnCheckMs);
    this.coordinator = new Coordinator(this.engine.sql, state.storage, shards, txnCheckMs);
    this.splits = new SplitSource(this.engine, shards);
    this.indexSplits = new IndexSplitSource(this.engine, shards, () => this.whoAmI());
    // Index partitions held here take their changes in the item's own transaction.
    this.engine.outbox.self = () => this.whoAmI()?.object;
    this.propagation = new Propagation(
      this.engine,
      shards,
      () => this.whoAmI(),
      () => void this.wakeBy(Date.now() + PROPAGATION_RETRY_MS),
    );
    const watchSeconds = positiveSetting(env.DDB_BACKUP_WATCH_SECONDS);
    this.backupWatchMs = watchSeconds === undefined ? WATCH_AFTER_MS : watchSeconds * 1000;
    this.gsiWaitMs = env.DDB_GSI_WAIT_MS === undefined ? DEFAULT_GSI_WAIT_MS : Number(env.DDB_GSI_WAIT_MS) || 0;
    // Index changes an earlier run of this object left undelivered (it was evicted or crashed).
    if (this.engine.outbox.lastSeq() > 0) void this.wakeBy(Date.now());
    this.backups = new BackupRunner(
      this.engine,
      shards,
      (name, def) => this.engine.applyTable(name, def),
      (name) => bucketOf(env, name),
    );
  }

  handle(operation: string, body: string, meta: CallMeta): WireReply | Promise<WireReply> {
    if (!this.self && meta.cluster?.self) this.rememberSelf(meta.cluster.self);
    const appended = this.engine.outbox.appended;
    const reply = this.engine.handle(operation, body, meta);
    // Once per window: a table here past a size or write-rate threshold splits (src/split/auto.ts).
    const due = this.auto.check(meta.cluster);
    if (due) this.splitStart(due);
    return this.engine.outbox.appended === appended ? reply : this.propagated(reply);
  }

  /** An index partition: changes to GSI entries from a table partition's outbox (src/gsi). */
  indexApply(source: string, changes: IndexChange[]): InboxReply {
    const self = this.whoAmI();
    const reply = applyIndexChanges(this.engine, source, changes, self?.object);
    // An index partition past the split size, or busy, splits, as a table's partition does.
    this.indexAuto.note(changes);
    const due = self && this.indexAuto.check(self, this.indexSplits.active());
    if (due) this.indexSplitStart(due);
    return reply;
  }

  indexSplitStart(request: IndexSplitStart): WireReply {
    const reply = this.engine.answer(
      "index split start",
      () => startIndexSplit(this.engine, request) as unknown as JsonObject,
    );
    if (reply.status === 200) {
      this.kickSplits();
      void this.wakeBy(Date.now() + SPLIT_WATCHDOG_MS);
    }
    return reply;
  }

  indexReceive(name: string, def: TableDef, index: string, rows: IndexRow[]): void {
    receiveIndexRows(this.engine, name, def, index, rows);
  }

  indexSplitPublish(plan: IndexSplitPlan): TableDef | null {
    return publishIndexSplit(this.engine, plan);
  }

  indexBackfilled(table: string, tableId: string, index: string, object: string): TableDef | null {
    return this.engine.sql.transaction(() => recordBackfill(this.engine, table, tableId, index, object));
  }

  /** `reply` once this request's index changes are applied, or the wait is over (src/gsi/propagation.ts). */
  private async propagated<T>(reply: T): Promise<T> {
    await this.propagation.settled(this.engine.outbox.lastSeq(), this.gsiWaitMs);
    return reply;
  }

  /** Sets the alarm for `at` unless it is due sooner already. */
  private async wakeBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  tableInfo(name: string): TableDef | null {
    return this.engine.tableInfo(name);
  }

  applyTable(name: string, def: TableDef | null): void {
    this.engine.applyTable(name, def);
  }

  indexRead(operation: "Query" | "Scan", body: string, meta: CallMeta): WireReply {
    return unfilteredRead(this.engine, operation, body, meta);
  }

  streams(operation: string, body: string, meta: CallMeta): WireReply {
    return this.engine.handleStreams(operation, body, meta);
  }

  coordinate(plan: TxnPlan): Promise<WireReply> {
    return this.coordinator.coordinate(plan);
  }

  txnResolve(id: string): Decision {
    return this.coordinator.resolve(id);
  }

  txnPrepare(id: string, coord: CoordinatorRef, kind: ShareKind, body: string, meta: CallMeta): Promise<WireReply> {
    return this.shares.prepare(id, coord, kind, body, meta);
  }

  txnCommit(id: string): WireReply | Promise<WireReply> {
    const appended = this.engine.outbox.appended;
    const reply = this.shares.commit(id);
    return this.engine.outbox.appended === appended ? reply : this.propagated(reply);
  }

  txnAbort(id: string): void {
    this.shares.abort(id);
  }

  txnSeedToken(digest: string, response: string, expiresAt: number): void {
    this.coordinator.seedToken(digest, response, expiresAt);
  }

  splitStart(request: SplitStart): WireReply {
    const reply = this.engine.answer("split start", () => startSplit(this.engine, request) as unknown as JsonObject);
    if (reply.status === 200) void this.ctx.storage.setAlarm(Date.now());
    return reply;
  }

  splitReceive(name: string, def: TableDef, rows: SplitRow[]): void {
    receiveRows(this.engine, name, def, rows);
  }

  splitPublish(plan: SplitPlan): TableDef | null {
    return publishSplit(this.engine, plan);
  }

  /** Notes who this object is, once (the catalogue home's watchdog reaches its tenant's objects by it). */
  private rememberSelf(self: { tenant?: string; object: string }): void {
    const known = this.whoAmI();
    if (known?.object !== self.object || known.tenant !== self.tenant) {
      this.engine.sql.exec("INSERT OR REPLACE INTO _meta (key, value) VALUES ('self', ?)", JSON.stringify(self));
    }
    this.self = self;
  }

  private whoAmI(): { tenant?: string; object: string } | null {
    if (this.self === undefined) {
      const row = this.engine.sql.first<{ value: string }>("SELECT value FROM _meta WHERE key = 'self'");
      this.self = row ? (JSON.parse(row.value) as { tenant?: string; object: string }) : null;
      // An object first reached by another object (a split's new one, a restore's, a
      // transaction's share) knows itself by the name its id was made from, where the
      // runtime gives it (ctx.id.name).
      const name = (this.ctx.id as { name?: string }).name;
      if (!this.self && typeof name === "string") this.self = splitObjectName(name);
    }
    return this.self;
  }

  /** The catalogue's home: what each piece's object of backup `arn` is to keep (CreateBackup). */
  backupPlans(arn: string, tenant?: string): BackupPlan[] {
    const record = getBackup(this.engine.sql, arn);
    return record ? backupPlans(record, tenant) : [];
  }

  /** A partition's object: marks its piece of a backup (src/backup/snapshot.ts). */
  backupMark(plan: BackupPlan): void {
    markBackup(this.engine.sql, this.engine.catalogue, plan);
    this.engine.schedule();
  }

  /** The catalogue's home: a piece's copy is complete. */
  backupReport(arn: string, object: string, low: number, items: number, bytes: number): boolean {
    return this.engine.sql.transaction(() => backupPieceDone(this.engine.sql, arn, object, low, items, bytes));
  }

  /** A piece's rows, for a restore filling a partition elsewhere. */
  backupRead(id: string, after: { pk: ArrayBuffer; sk: ArrayBuffer } | null, limit: number): BackupRow[] | null {
    return backupRows(this.engine.sql, id, after, limit);
  }

  /** DeleteBackup: the piece kept here goes. */
  backupDrop(id: string): void {
    dropBackup(this.engine.sql, id);
    this.engine.schedule();
  }

  /** A restored table's partition object: fill its piece (src/backup/restore.ts). */
  restoreStart(plan: RestorePlan): void {
    this.engine.sql.transaction(() => startRestore(this.engine.sql, this.engine.catalogue, plan));
    this.engine.schedule();
    this.kickBackups();
  }

  /** The catalogue's home: what each piece's object of an export is to make. */
  exportPlans(arn: string, tenant?: string): BackupPlan[] {
    const record = getExport(this.engine.sql, arn);
    const def = record && this.engine.catalogue.get(record.table);
    return record && def && def.tableId === record.tableId ? exportPlans(record, def, tenant) : [];
  }

  /** The catalogue's home: an export's piece is written out. */
  exportReport(arn: string, object: string, low: number, files: ExportFile[]): Promise<void> {
    return exportPieceDone(this.engine.sql, arn, object, low, files, (name) => bucketOf(this.env, name));
  }

  importRows(name: string, tableId: string, items: Item[]): void {
    importItems(this.engine, name, tableId, items);
    this.propagation.kick();
  }

  exportFail(arn: string, code: string, message: string): void {
    exportFailed(this.engine.sql, arn, code, message);
  }

  /** The catalogue's home: a restored table's piece is in. */
  restoreReport(table: string, tableId: string, low: number): TableDef | null {
    return this.engine.sql.transaction(() => restorePieceDone(this.engine.catalogue, table, tableId, low));
  }

  private kickBackups(): void {
    this.backingUp ??= this.backupSteps().finally(() => {
      this.backingUp = undefined;
    });
  }

  private async backupSteps(): Promise<void> {
    try {
      for (let result = await this.backups.step(); result !== "done"; result = await this.backups.step()) {
        // A restore's rows carry their GSI changes (src/storage/gsi-outbox.ts).
        if (this.engine.outbox.lastSeq() > 0) this.propagation.kick();
        await new Promise((resolve) => setTimeout(resolve, result === "wait" ? BACKUP_WAIT_MS : SPLIT_PAUSE_MS));
      }
    } catch (err) {
      // The watchdog alarm starts the runner again; every step resumes where it stopped.
      console.error("durable-dynamodb: backup step failed", err);
    }
  }

  /**
   * Runs the splits in progress here beside the requests, not inside the alarm handler: an
   * alarm handler holds the object's requests back until it returns, and a split's steps
   * wait on the new object and the home. The alarm keeps firing while a split is in
   * progress, as a watchdog that starts the runner again after a crash or an eviction.
   */
  private kickSplits(): void {
    this.splitting ??= this.splitSteps().finally(() => {
      this.splitting = undefined;
    });
  }

  private async splitSteps(): Promise<void> {
    try {
      for (;;) {
        // A table partition's split and an index partition's (src/split/index-split.ts).
        const result = this.splits.active() ? await this.splits.step() : await this.indexSplits.step();
        if (result === "done" && !this.splits.active() && !this.indexSplits.active()) return;
        await new Promise((resolve) =>
          setTimeout(resolve, typeof result === "object" ? result.waitMs : SPLIT_PAUSE_MS),
        );
      }
    } catch (err) {
      // The watchdog alarm starts the runner again (src/split/source.ts resumes any step).
      console.error("durable-dynamodb: partition split step failed", err);
    }
  }

  /**
   * Housekeeping (purges, index backfill), one bounded step per run, rescheduled while work
   * remains; and transactions left unfinished (coordinator rows, prepared shares).
   */
  override async alarm(): Promise<void> {
    // Housekeeping first, synchronously: one bounded step before anything can interleave.
    const moreHousekeeping = this.engine.housekeep();
    let next: number | null = null;
    for (const recover of [() => this.coordinator.recover(), () => this.shares.recover()]) {
      try {
        const at = await recover();
        if (at !== null) next = next === null ? at : Math.min(next, at);
      } catch (err) {
        console.error("durable-dynamodb: transaction recovery failed", err);
        next = Date.now() + 5_000;
      }
    }
    if (this.splits.active() || this.indexSplits.active()) {
      this.kickSplits();
      const watchdog = Date.now() + SPLIT_WATCHDOG_MS;
      next = next === null ? watchdog : Math.min(next, watchdog);
    }
    // The catalogue's home: unfinished backups, exports and restores are looked at again.
    const self = this.whoAmI();
    if (self?.object === sharedObject(0)) {
      try {
        if (await this.backups.remind(Date.now(), self.tenant, this.backupWatchMs)) {
          const watch = Date.now() + this.backupWatchMs;
          next = next === null ? watch : Math.min(next, watch);
        }
      } catch (err) {
        console.error("durable-dynamodb: backup watchdog failed", err);
        next = Date.now() + this.backupWatchMs;
      }
    }
    if (this.backups.active()) {
      this.kickBackups();
      const watchdog = Date.now() + SPLIT_WATCHDOG_MS;
      next = next === null ? watchdog : Math.min(next, watchdog);
    }
    // A partitioned GSI's walk done here: the home is told (src/gsi/backfill-report.ts).
    if (self && backfillToReport(this.engine, self)) {
      try {
        await reportBackfills(this.engine, this.directory, self);
      } catch (err) {
        console.error("durable-dynamodb: backfill report failed", err);
      }
      if (backfillToReport(this.engine, self)) {
        const retry = Date.now() + PROPAGATION_RETRY_MS;
        next = next === null ? retry : Math.min(next, retry);
      }
    }
    // Index changes left in the outbox (a crash, an unreachable index partition) or made
    // here (a backfill, a TTL sweep, a transaction's recovery): delivered beside the
    // requests; the alarm looks again while any wait.
    if (this.engine.outbox.lastSeq() > 0) {
      this.propagation.kick();
      const retry = Date.now() + PROPAGATION_RETRY_MS;
      next = next === null ? retry : Math.min(next, retry);
    }
    if (moreHousekeeping) await this.ctx.storage.setAlarm(Date.now());
    else {
      // Periodic work: TTL sweeps and stream retention (Engine.nextWakeUp).
      const periodic = this.engine.nextWakeUp();
      if (periodic !== undefined) next = next === null ? periodic : Math.min(next, periodic);
      if (next !== null) await this.ctx.storage.setAlarm(next);
    }
  }
}

/**
 * A pause between a split's steps: each step writes its progress, and replies to requests
 * wait until the object's writes are durable (its output gate); back to back, the steps'
 * writes kept that gate shut for the whole copy.
 */
const SPLIT_PAUSE_MS = 2;
/** How soon the alarm delivers index changes a stopped runner left (src/gsi/propagation.ts). */
const PROPAGATION_RETRY_MS = 1_000;
/** How long a write waits for its index changes to be applied, by default. */
const DEFAULT_GSI_WAIT_MS = 2_000;
/** How long a restore waits for a point-in-time piece still being copied elsewhere. */
const BACKUP_WAIT_MS = 50;
/** While a split is in progress, how often the alarm checks that its runner is going. */
const SPLIT_WATCHDOG_MS = 2_000;

/** The R2 bucket bound to the Worker as `name` (an export's S3Bucket), if there is one. */
function bucketOf(env: Env, name: string): R2Bucket | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  const bucket = value as Partial<R2Bucket> | undefined;
  return typeof bucket?.put === "function" && typeof bucket.list === "function" ? (value as R2Bucket) : undefined;
}

/**
 * DDB_TXN_CHECK_SECONDS: how long an unfinished cross-shard transaction waits before its
 * coordinator and participants look at it again (default 5; the tests drive those alarms
 * by hand and set it long, so that none fires by itself under a slow run).
 */
function txnCheckSeconds(env: Env): number {
  const n = Number(env.DDB_TXN_CHECK_SECONDS);
  return env.DDB_TXN_CHECK_SECONDS !== undefined && Number.isFinite(n) && n > 0 ? n : 5;
}

/** DDB_VECTOR_EXACT_FLOATS: an index's numbers per object before approximate search (tests set it low). */
function vectorExactFloats(env: Env): number | undefined {
  return positiveSetting(env.DDB_VECTOR_EXACT_FLOATS);
}

/** A positive integer setting, or undefined (the default applies). */
function positiveSetting(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** DDB_TTL_SWEEP_SECONDS: seconds between TTL sweeps (default 60; tests set about 1). */
function ttlSweepSeconds(env: Env): number | undefined {
  const n = Number(env.DDB_TTL_SWEEP_SECONDS);
  return env.DDB_TTL_SWEEP_SECONDS !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The shard namespaces of this Worker's Env, for transaction objects. A user may bind the
 * class under any name (the client's `binding` option), so an object finds its own
 * binding as the namespace in which its name gives its own id (ids of one name differ
 * between namespaces): no configured name is needed.
 */
function envDirectory(env: Record<string, unknown>, self: DurableObjectId): ShardDirectory {
  const namespace = (binding: string): DurableObjectNamespace | undefined => {
    const value = env[binding];
    if (typeof value !== "object" || value === null) return undefined;
    // Service bindings answer every property as an RPC method: a namespace has no fetch.
    const ns = value as Partial<DurableObjectNamespace> & { fetch?: unknown };
    if (typeof ns.idFromName !== "function" || typeof ns.fetch === "function") return undefined;
    return ns as DurableObjectNamespace;
  };
  return {
    ownBinding(name) {
      for (const binding of Object.keys(env)) {
        const ns = namespace(binding);
        try {
          if (ns && String(ns.idFromName(name)) === self.toString()) return binding;
        } catch {
          // not a namespace after all
        }
      }
      return undefined;
    },
    shard(binding, name) {
      const ns = namespace(binding);
      return ns ? (ns.get(ns.idFromName(name)) as unknown as ShardStub) : undefined;
    },
  };
}
