// One shard = one Durable Object holding tables and items in its SQLite database, reached
// over RPC by the HTTP edge and by the SDK-compatible client. The engine (src/engine.ts)
// runs every operation synchronously inside `handle`, so a read-check-write never yields.
import { DurableObject } from "cloudflare:workers";
import { Engine, type CallMeta, type WireReply } from "./engine.js";
import { unfilteredRead } from "./cluster/index-read.js";
import type { TableDef } from "./storage/catalogue.js";
import { Participant, type CoordinatorRef, type Decision, type ShareKind } from "./txn/participant.js";
import { Coordinator, type TxnPlan } from "./txn/two-phase.js";
import type { Env } from "./env.js";

export { errorReply, type CallMeta, type WireReply } from "./engine.js";

export class DynamoShard extends DurableObject<Env> {
  private readonly engine: Engine;
  private readonly participant: Participant;
  private readonly coordinator: Coordinator;

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    this.engine = new Engine(state, { ttlSweepSeconds: ttlSweepSeconds(env) });
    const bindings = env as unknown as Record<string, unknown>;
    this.participant = new Participant(this.engine, state.storage, bindings);
    this.coordinator = new Coordinator(this.engine.sql, state.storage, bindings, state.id);
  }

  /** Wire entry point: JSON text in, JSON text out (errors already serialised). */
  handle(operation: string, body: string, meta: CallMeta): WireReply {
    return this.engine.handle(operation, body, meta);
  }

  /** Cluster router: this shard's definition of a table (shard 0 is the catalogue home). */
  tableInfo(name: string): TableDef | null {
    return this.engine.tableInfo(name);
  }

  /** Cluster router: install, update or (null) drop this shard's copy of a table definition. */
  applyTable(name: string, def: TableDef | null): void {
    this.engine.applyTable(name, def);
  }

  /** Cluster router: a GSI Query/Scan page of this shard's rows, unfiltered (src/cluster/index-read.ts). */
  indexRead(operation: "Query" | "Scan", body: string, meta: CallMeta): WireReply {
    return unfilteredRead(this.engine, operation, body, meta);
  }

  // Cross-shard transactions (src/txn/two-phase.ts): this object as a transaction's
  // coordinator (router -> coordinate; shards -> txnResolve) or as a shard holding a share.
  coordinate(plan: TxnPlan): Promise<WireReply> {
    return this.coordinator.coordinate(plan);
  }

  txnResolve(id: string): Decision {
    return this.coordinator.resolve(id);
  }

  txnPrepare(id: string, coord: CoordinatorRef, kind: ShareKind, body: string, meta: CallMeta): Promise<WireReply> {
    return this.participant.prepare(id, coord, kind, body, meta);
  }

  txnCommit(id: string): WireReply {
    return this.participant.commit(id);
  }

  txnAbort(id: string): void {
    this.participant.abort(id);
  }

  /**
   * Housekeeping (purges, index backfill), one bounded step per run, rescheduled while work
   * remains; and transactions left unfinished (coordinator rows, prepared shares).
   */
  override async alarm(): Promise<void> {
    // Housekeeping first, synchronously: one bounded step before anything can interleave.
    const moreHousekeeping = this.engine.housekeep();
    let next: number | null = null;
    for (const recover of [() => this.coordinator.recover(), () => this.participant.recover()]) {
      try {
        const at = await recover();
        if (at !== null) next = next === null ? at : Math.min(next, at);
      } catch (err) {
        console.error("durable-dynamodb: transaction recovery failed", err);
        next = Date.now() + 5_000;
      }
    }
    if (moreHousekeeping) await this.ctx.storage.setAlarm(Date.now());
    else {
      // Periodic work: TTL sweeps and stream retention (src/engine.ts nextWakeUp).
      const periodic = this.engine.nextWakeUp();
      if (periodic !== undefined) next = next === null ? periodic : Math.min(next, periodic);
      if (next !== null) await this.ctx.storage.setAlarm(next);
    }
  }

  /** DynamoDB Streams entry point (the streams router, src/cluster/streams-router.ts). */
  streams(operation: string, body: string, meta: CallMeta): WireReply {
    return this.engine.handleStreams(operation, body, meta);
  }
}

/** DDB_TTL_SWEEP_SECONDS: seconds between TTL sweeps (default 60; tests set about 1). */
function ttlSweepSeconds(env: Env): number | undefined {
  const n = Number(env.DDB_TTL_SWEEP_SECONDS);
  return env.DDB_TTL_SWEEP_SECONDS !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}
