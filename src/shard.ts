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
import { AutoSplit, splitThresholds, writeTables } from "./split/auto.js";

import type { JsonObject } from "./types.js";
import { Coordinator } from "./txn/coordinator.js";
import { PreparedShares } from "./txn/prepared-shares.js";

export class DynamoShard extends DurableObject<Env> implements ShardRpc {
  private readonly engine: Engine;
  private readonly shares: PreparedShares;
  private readonly coordinator: Coordinator;
  private readonly splits: SplitSource;
  private readonly auto: AutoSplit;
  /** The split steps running now, if any: one runner at a time. */
  private splitting: Promise<number | null> | undefined;

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    this.engine = new Engine(state, {
      ttlSweepSeconds: ttlSweepSeconds(env),
      afterRequest: (operation, input) => {
        const tables = writeTables(operation, input);
        if (tables.length > 0) this.auto.noteWrites(tables);
      },
    });
    this.auto = new AutoSplit(this.engine, splitThresholds(env));
    const shards = envDirectory(env as unknown as Record<string, unknown>, state.id);
    this.shares = new PreparedShares(this.engine, state.storage, shards);
    this.coordinator = new Coordinator(this.engine.sql, state.storage, shards);
    this.splits = new SplitSource(this.engine, shards);
  }

  handle(operation: string, body: string, meta: CallMeta): WireReply {
    const reply = this.engine.handle(operation, body, meta);
    // Once per window: a table here past a size or write-rate threshold splits (src/split/auto.ts).
    const due = this.auto.check(meta.cluster);
    if (due) this.splitStart(due);
    return reply;
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

  txnCommit(id: string): WireReply {
    return this.shares.commit(id);
  }

  txnAbort(id: string): void {
    this.shares.abort(id);
  }

  splitStart(request: SplitStart): WireReply {
    const reply = this.engine.run("split start", "{}", () => startSplit(this.engine, request) as unknown as JsonObject);
    if (reply.status === 200) void this.ctx.storage.setAlarm(Date.now());
    return reply;
  }

  splitReceive(name: string, def: TableDef, rows: SplitRow[]): void {
    receiveRows(this.engine, name, def, rows);
  }

  splitPublish(plan: SplitPlan): TableDef | null {
    return publishSplit(this.engine, plan);
  }

  /** Steps of the splits in progress here for a while; when to run again (null: none left). */
  private runSplits(): Promise<number | null> {
    this.splitting ??= this.splitSteps().finally(() => {
      this.splitting = undefined;
    });
    return this.splitting;
  }

  private async splitSteps(): Promise<number | null> {
    const until = Date.now() + SPLIT_SLICE_MS;
    try {
      for (;;) {
        const result = await this.splits.step();
        if (result === "done") return this.splits.active() ? Date.now() : null;
        if (result !== "more") return Date.now() + result.waitMs;
        if (Date.now() >= until) return Date.now();
      }
    } catch (err) {
      console.error("durable-dynamodb: partition split step failed", err);
      return Date.now() + SPLIT_RETRY_MS;
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
    // A split in progress: a slice of its steps (requests interleave between them).
    const split = await this.runSplits();
    if (split !== null) next = next === null ? split : Math.min(next, split);
    if (moreHousekeeping) await this.ctx.storage.setAlarm(Date.now());
    else {
      // Periodic work: TTL sweeps and stream retention (Engine.nextWakeUp).
      const periodic = this.engine.nextWakeUp();
      if (periodic !== undefined) next = next === null ? periodic : Math.min(next, periodic);
      if (next !== null) await this.ctx.storage.setAlarm(next);
    }
  }
}

/** How long one alarm runs split steps before it lets the alarm end and fire again. */
const SPLIT_SLICE_MS = 250;
/** After a failed split step (an object unreachable, a crash): when to try again. */
const SPLIT_RETRY_MS = 1_000;

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
