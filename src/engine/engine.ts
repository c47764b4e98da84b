// The engine one Durable Object runs over its own SQLite: the stores, the catalogue and
// the dispatcher behind one synchronous `handle`, plus one bounded housekeeping step.
// Built from a DurableObjectState so that both hosts share it: the DynamoShard Durable
// Object (tables reached over RPC and the HTTP edge) and the withDynamoDB mixin (tables
// private to one user Durable Object). Schema migrations run on construction.
import { dispatch } from "./dispatch.js";
import { serializeOutput } from "../protocol/raw-json.js";
import { DynamoError, partitionMoved } from "../errors.js";
import { isMovingError } from "../storage/split-log.js";
import type { OpContext } from "../ops/operation.js";
import { backfillChunk } from "../storage/backfill.js";
import { vectorBackfillChunk } from "../storage/vector-backfill.js";
import { backupHousekeeping } from "../backup/jobs.js";
import { syncPitrTriggers } from "../storage/pitr-log.js";
import { Catalogue } from "../storage/catalogue.js";
import { VectorStore } from "../storage/vector-store.js";
import { IndexStore } from "../storage/index-store.js";
import { GsiOutbox } from "../storage/gsi-outbox.js";
import { ItemStore } from "../storage/items.js";
import { migrate } from "../storage/schema.js";
import { Sql } from "../storage/sql.js";
import { ChangeLog } from "../storage/change-log.js";
import { dispatchStreams } from "./streams-dispatch.js";
import { nextTrimAt, trimStreams } from "../streams/registry.js";
import { TtlIndex } from "../storage/ttl-index.js";
import { sweepExpired } from "../ttl/sweeper.js";
import { errorReply, type CallMeta, type WireReply } from "../protocol/reply.js";
import {
  ACCOUNT_ID,
  isPartitionedIndex,
  partitionMapOf,
  type IndexDef,
  type TableDef,
  type VectorIndexDef,
} from "../schema/table-def.js";
import type { JsonObject } from "../types.js";
import { parseJsonBody } from "../protocol/json-body.js";

/** Rows deleted per housekeeping step when purging dropped tables: bounded CPU per step. */
const PURGE_CHUNK = 2000;
/** Items copied per housekeeping step into an index being backfilled (each is parsed and indexed). */
const BACKFILL_CHUNK = 200;
/** Vector rows are larger (a vector of up to 4,096 floats each): fewer per step. */
const VECTOR_BACKFILL_CHUNK = 100;

export interface EngineOptions {
  /**
   * How the engine asks for `housekeep` to be called soon (after DeleteTable, or an
   * UpdateTable that adds or drops an index). Default: the Durable Object's alarm, set to
   * fire at once; the host's `alarm()` then calls `housekeep`.
   */
  scheduleHousekeeping?: () => void;
  /** Seconds between TTL sweeps of a shard with TTL-enabled tables (default 60). */
  ttlSweepSeconds?: number;
  /** Called after each request `handle` answered without error (the shard counts writes by it). */
  afterRequest?: (operation: string, input: unknown) => void;
  /** Whether the host writes exports to R2 (a shard does; an embedded engine has no runner for it). */
  exports?: boolean;
  /** Numbers a vector index may hold here before its searches go approximate (src/storage/vector-lists.ts). */
  vectorExactFloats?: number;
  /** Index changes waiting in the outbox before writes are throttled (src/storage/gsi-outbox.ts). */
  gsiMaxPending?: number;
}

/** How often a shard with an enabled stream checks its log's retention at least. */
const STREAM_CHECK_MS = 60 * 60 * 1000;

/** Expired items deleted per housekeeping step. */
const TTL_CHUNK = 500;

export class Engine {
  readonly sql: Sql;
  readonly catalogue: Catalogue;
  readonly items: ItemStore;
  readonly indexes: IndexStore;
  readonly vectors: VectorStore;
  readonly changeLog: ChangeLog;
  readonly ttlIndex: TtlIndex;
  readonly outbox: GsiOutbox;
  /** Asks for the housekeeping steps to run soon (the shard's alarm, an embedded engine's timers). */
  readonly schedule: () => void;
  private readonly afterRequest: ((operation: string, input: unknown) => void) | undefined;
  private readonly exports: boolean;
  private readonly ttlSweepMs: number;
  /** When the next TTL sweep is due (epoch ms); 0: at the next housekeeping step. */
  private nextSweepAt = 0;

  constructor(state: DurableObjectState, options: EngineOptions = {}) {
    this.sql = new Sql(state.storage);
    migrate(this.sql);
    this.catalogue = new Catalogue(this.sql);
    this.items = new ItemStore(this.sql);
    this.indexes = new IndexStore(this.sql);
    this.vectors = new VectorStore(this.sql, options.vectorExactFloats);
    this.changeLog = new ChangeLog(this.sql);
    this.ttlIndex = new TtlIndex(this.sql);
    this.outbox = new GsiOutbox(this.sql, options.gsiMaxPending);
    this.ttlSweepMs = Math.max(0, options.ttlSweepSeconds ?? 60) * 1000;
    this.afterRequest = options.afterRequest;
    this.exports = options.exports ?? true;
    this.schedule =
      options.scheduleHousekeeping ??
      (() => {
        void state.storage.setAlarm(Date.now());
      });
  }

  /** Wire entry point: JSON text in, JSON text out (errors already serialised). */
  handle(operation: string, body: string, meta: CallMeta): WireReply {
    const after = this.afterRequest;
    if (!after) return this.run(operation, body, (input) => dispatch(this.context(meta), operation, input));
    return this.run(operation, body, (input) => {
      const output = dispatch(this.context(meta), operation, input);
      after(operation, input);
      return output;
    });
  }

  /** DynamoDB Streams entry point (./streams-dispatch.ts): JSON text in, JSON text out. */
  handleStreams(operation: string, body: string, meta: CallMeta): WireReply {
    return this.run(`streams ${operation}`, body, (input) => dispatchStreams(this.context(meta), operation, input));
  }

  /**
   * The one error funnel of every request the engine runs: the body parsed, the output
   * serialised, a DynamoError answered as DynamoDB's error, anything else (a bug, not bad
   * input) logged and answered as InternalServerError. A throw rolled back the request's
   * SQLite transaction, so the catalogue's cache is resynced with it.
   */
  run(label: string, body: string, execute: (input: unknown) => JsonObject): WireReply {
    return this.answer(label, () => execute(parseJsonBody(body)));
  }

  /** `run` for a call whose input is no JSON body (a split's start, src/shard.ts). */
  answer(label: string, execute: () => JsonObject): WireReply {
    try {
      return { status: 200, body: serializeOutput(execute()) };
    } catch (err) {
      return this.failure(label, err);
    }
  }

  /** The answer to a request that threw (`err`), its SQLite transaction rolled back. */
  failure(label: string, err: unknown): WireReply {
    if (err instanceof DynamoError) return errorReply(err);
    // A write SQLite refused because its range is being handed over: the router retries.
    if (isMovingError(err)) return errorReply(partitionMoved());
    console.error(`durable-dynamodb: internal error in ${label}`, err);
    this.catalogue.reload();
    return errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
  }

  /**
   * One bounded step of each kind of housekeeping: purging rows of dropped tables and
   * indexes, and backfilling an index added by UpdateTable. Returns true while work
   * remains (the host calls again soon, so requests interleave between steps). On a
   * failure the step's transaction has rolled back; the catalogue cache is resynced and
   * the error rethrown.
   */
  housekeep(): boolean {
    try {
      const purging = this.sql.transaction(
        () =>
          this.items.purgeDropped(PURGE_CHUNK) ||
          this.indexes.purgeDropped(PURGE_CHUNK) ||
          this.vectors.purgeDropped(PURGE_CHUNK),
      );
      const backfilling = this.sql.transaction(
        () =>
          backfillChunk(
            { sql: this.sql, indexes: this.indexes, outbox: this.outbox },
            this.catalogue,
            BACKFILL_CHUNK,
          ) || vectorBackfillChunk({ sql: this.sql, vectors: this.vectors }, this.catalogue, VECTOR_BACKFILL_CHUNK),
      );
      const listing = this.sql.transaction(() => this.vectorListStep());
      const backups = backupHousekeeping(this);
      return this.streamsAndTtl() || purging || backfilling || listing || backups;
    } catch (err) {
      this.catalogue.reload();
      throw err;
    }
  }

  /**
   * Stream retention and the TTL sweep (src/streams/registry.ts, src/ttl/sweeper.ts), one
   * bounded step each; the sweep runs once per interval, and continues at once while a
   * step leaves expired items behind.
   */
  private streamsAndTtl(): boolean {
    const now = Date.now();
    const trimming = this.sql.transaction(() => trimStreams(this.sql, this.catalogue, now));
    if (now < this.nextSweepAt) return trimming;
    const sweeping = this.sql.transaction(() =>
      sweepExpired(
        {
          sql: this.sql,
          items: this.items,
          indexes: this.indexes,
          vectors: this.vectors,
          catalogue: this.catalogue,
          changeLog: this.changeLog,
          ttlIndex: this.ttlIndex,
          outbox: this.outbox,
        },
        now,
        TTL_CHUNK,
      ),
    );
    this.nextSweepAt = sweeping ? 0 : now + this.ttlSweepMs;
    return trimming || sweeping;
  }

  /**
   * When periodic work next falls due (epoch ms), for the host's alarm once `housekeep`
   * has nothing left to do now: the next TTL sweep while a table has TTL enabled, and the
   * expiry of the oldest stream record or disabled stream.
   */
  nextWakeUp(): number | undefined {
    const times: number[] = [];
    if (this.catalogue.names().some((name) => this.catalogue.get(name)?.ttl?.enabled)) {
      times.push(Math.max(this.nextSweepAt, Date.now() + 1));
    }
    const trim = nextTrimAt(this.sql);
    if (trim !== undefined) times.push(trim);
    // Writes do not arm the alarm: while a stream or point-in-time recovery is enabled here,
    // retention checks hourly.
    if (
      this.catalogue
        .names()
        .some((name) => this.catalogue.get(name)?.stream?.enabled || this.catalogue.get(name)?.pitr?.enabled)
    ) {
      times.push(Date.now() + STREAM_CHECK_MS);
    }
    return times.length ? Math.min(...times) : undefined;
  }

  /** A table's definition as this shard holds it (the cluster router's catalogue lookup). */
  tableInfo(name: string): TableDef | null {
    return this.catalogue.get(name) ?? null;
  }

  /**
   * Makes this shard's copy of table `name` match `source`, the definition held by shard 0
   * (the catalogue home), or drops it when `source` is null. Idempotent: applying the same
   * definition twice changes nothing. The copy gets this shard's own table and index ids
   * (ids are per Durable Object); a copy with another TableId (a table since deleted and
   * recreated) is dropped first. An index new to this shard is backfilled here, like one
   * added by UpdateTable; an index gone from `source` is dropped.
   */
  applyTable(name: string, source: TableDef | null): void {
    try {
      const changed = this.sql.transaction(() => this.applyTableInTxn(name, source));
      // A stream, TTL or point-in-time history here needs its alarm (retention, sweeps) running too.
      if (changed || source?.stream?.enabled || source?.ttl?.enabled || source?.pitr?.enabled) this.schedule();
    } catch (err) {
      this.catalogue.reload();
      throw err;
    }
  }

  private applyTableInTxn(name: string, source: TableDef | null): boolean {
    let housekeeping = false;
    let local = this.catalogue.get(name);
    // The same table with an older partition map than this copy's: a definition read before
    // a split published the newer one (a router repairing objects from what it read, racing
    // the split's own broadcast). Applied, it would set this object back a map version until
    // the next repair; the map's version only rises, so it is ignored.
    if (
      local &&
      source &&
      local.tableId === source.tableId &&
      partitionMapOf(source).version < partitionMapOf(local).version
    ) {
      return false;
    }
    if (local && (source === null || local.tableId !== source.tableId)) {
      this.catalogue.remove(local);
      this.items.markDropped(local.tid);
      this.outbox.drop(local.tid);
      for (const index of local.indexes ?? []) this.indexes.markDropped(index.iid);
      for (const index of local.vectorIndexes ?? []) this.vectors.markDropped(index.vid);
      housekeeping = true;
      local = undefined;
    }
    if (source === null) return housekeeping;
    const copy: TableDef = structuredClone(source);
    if (!local) {
      // A fresh copy holds no items yet: its indexes are complete as they are.
      copy.tid = this.catalogue.nextTid();
      if (source.indexes) copy.indexes = source.indexes.map((i) => this.freshIndex(i, "ACTIVE", true));
      if (source.vectorIndexes) {
        copy.vectorIndexes = source.vectorIndexes.map((i) => this.freshVectorIndex(i, "ACTIVE"));
      }
      this.catalogue.insert(copy);
      syncPitrTriggers(this.sql, copy);
      return housekeeping;
    }
    copy.tid = local.tid;
    const indexes = reconcile(
      source.indexes,
      local.indexes,
      (index, mine) => keptIndex(index, mine),
      (index) => this.freshIndex(index, "CREATING", false),
      (gone) => {
        this.indexes.markDropped(gone.iid);
        this.outbox.drop(copy.tid, gone.name);
      },
    );
    if (indexes.list.length > 0) copy.indexes = indexes.list;
    else delete copy.indexes;
    const vectors = reconcile(
      source.vectorIndexes,
      local.vectorIndexes,
      (index, mine) => ({ ...structuredClone(index), vid: mine.vid }),
      (index) => this.freshVectorIndex(index, "CREATING"),
      (gone) => this.vectors.markDropped(gone.vid),
    );
    if (vectors.list.length > 0) copy.vectorIndexes = vectors.list;
    else delete copy.vectorIndexes;
    housekeeping ||= indexes.work || vectors.work;
    this.catalogue.update(copy);
    syncPitrTriggers(this.sql, copy);
    return housekeeping;
  }

  /** A copy of `index` new here: ids of its own; `walked` when this object has no items of the table yet. */
  private freshIndex(index: IndexDef, status: IndexDef["status"], walked: boolean): IndexDef {
    const copy: IndexDef = { ...withoutProgress(index), iid: this.catalogue.nextTid(), status };
    delete copy.backfillAfter;
    // A partitioned GSI's status is the home's (src/gsi/backfill-report.ts).
    if (isPartitionedIndex(index)) {
      copy.status = index.status;
      // Built while this object holds none of its items: nothing of its backfill to do here.
      if (walked && index.status === "CREATING") copy.walked = true;
    }
    return copy;
  }

  /** One step of building the lists of the first large vector index that needs it (src/storage/vector-lists.ts). */
  private vectorListStep(): boolean {
    for (const name of this.catalogue.names()) {
      for (const index of this.catalogue.get(name)?.vectorIndexes ?? []) {
        if (index.status === "ACTIVE" && this.vectors.lists.due(index)) return this.vectors.lists.step(index) || true;
      }
    }
    return false;
  }

  private freshVectorIndex(index: VectorIndexDef, status: VectorIndexDef["status"]): VectorIndexDef {
    const copy: VectorIndexDef = { ...structuredClone(index), vid: this.catalogue.nextTid(), status };
    delete copy.backfillAfter;
    return copy;
  }

  /** The context an operation runs with (the cross-shard transaction participant's entry). */
  contextFor(meta: CallMeta): OpContext {
    return this.context(meta);
  }

  private context(meta: CallMeta): OpContext {
    return {
      sql: this.sql,
      catalogue: this.catalogue,
      items: this.items,
      indexes: this.indexes,
      vectors: this.vectors,
      region: meta.region,
      accountId: ACCOUNT_ID,
      now: Date.now(),
      host: meta.host,
      scheduleHousekeeping: this.schedule,
      exports: this.exports,
      changeLog: this.changeLog,
      ttlIndex: this.ttlIndex,
      outbox: this.outbox,
      ...(meta.cluster ? { cluster: meta.cluster } : {}),
    };
  }
}

/**
 * An index this object has, as the home's definition now has it: its own id, and its own
 * backfill progress; a partitioned GSI takes the home's status (reconcile keeps this object's
 * for the others).
 */
function keptIndex(index: IndexDef, mine: IndexDef): IndexDef {
  const kept: IndexDef = { ...withoutProgress(index), iid: mine.iid };
  if (mine.walked) kept.walked = true;
  if (mine.reported) kept.reported = true;
  return kept;
}

/** A copy of the home's `index` without the home's own backfill progress (each object keeps its own). */
function withoutProgress(index: IndexDef): IndexDef {
  const copy = structuredClone(index);
  delete copy.walked;
  delete copy.reported;
  delete copy.backfilledBy;
  return copy;
}

/** What reconcile needs of an index definition (GSIs and LSIs, vector indexes). */
interface BuiltIndex {
  name: string;
  status: "CREATING" | "ACTIVE";
  /** Set for a GSI kept in partitions of its own (IndexDef.partitions). */
  partitions?: unknown;
  backfillAfter?: { pk: string; sk: string };
}

/**
 * A definition's indexes of one kind as this object keeps them: those it has keep their
 * ids, status and backfill cursor (`keep` copies the id), new ones come fresh (`fresh`, to
 * be filled by a backfill here), and those gone are dropped (`drop`). `work`: the
 * housekeeping alarm has something to do.
 */
function reconcile<T extends BuiltIndex>(
  source: T[] | undefined,
  local: T[] | undefined,
  keep: (index: T, mine: T) => T,
  fresh: (index: T) => T,
  drop: (gone: T) => void,
): { list: T[]; work: boolean } {
  const existing = new Map((local ?? []).map((i) => [i.name, i]));
  const list: T[] = [];
  let work = false;
  for (const index of source ?? []) {
    const mine = existing.get(index.name);
    existing.delete(index.name);
    if (mine) {
      const kept = keep(index, mine);
      // A GSI in partitions of its own has the home's status (src/gsi/backfill-report.ts).
      if (!kept.partitions) kept.status = mine.status;
      delete kept.backfillAfter;
      if (mine.backfillAfter) kept.backfillAfter = mine.backfillAfter;
      list.push(kept);
    } else {
      list.push(fresh(index));
      work = true;
    }
  }
  for (const gone of existing.values()) {
    drop(gone);
    work = true;
  }
  return { list, work };
}
