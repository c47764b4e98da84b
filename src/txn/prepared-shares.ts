// Cross-shard transactions, the shard's side (coordinator: ./coordinator.ts). prepare runs
// the shard's share of a TransactWriteItems (or TransactGetItems) request like the
// single-shard path does, and when the share can go ahead holds its items (src/storage/item-locks.ts)
// and records the share durably in `txn_prepared`, all in one SQLite transaction with no
// await. The record outlives an eviction (lockTableOf reloads it), so a woken shard still
// refuses conflicting writes, and commit can run later from the stored request.
//
// Commit computes the share again and applies it through the single write path
// (src/storage/write.ts); as no other write could touch the held items meanwhile, it
// finds what prepare found. A commit for a share with no record is one already applied
// (the coordinator sends commit only after every share prepared). abort drops the record.
//
// A share left prepared (its coordinator crashed, or its commit or abort was lost) is
// finished by this shard's alarm, which asks the coordinator for the decision: commit,
// abort, or still pending (asked again later).
import { partitionMoved } from "../errors.js";
import { fencedLock } from "../storage/split-log.js";
import type { Engine } from "../engine/engine.js";
import { checkRequest, type Operation } from "../ops/operation.js";
import {
  commitShare,
  prepareShare,
  transactWriteItems,
  type TransactWriteItemsInput,
} from "../ops/transact-write-items.js";
import { readShare, transactGetItems, type TransactGetItemsInput } from "../ops/transact-get-items.js";
import { reach } from "../storage/faults.js";
import { lockTableOf } from "../storage/item-locks.js";
import type { CallMeta, Expected, WireReply } from "../protocol/reply.js";
import { layoutVersion } from "../schema/table-def.js";
import type { CoordinatorRef, Decision, ShardDirectory, ShareKind } from "../protocol/shard-rpc.js";

/** How long a prepared share waits before its shard asks the coordinator (then again as often). */
export const PARTICIPANT_CHECK_MS = 5_000;

interface PreparedRow extends Record<string, string | number> {
  id: string;
  coordinator: string;
  binding: string;
  kind: string;
  body: string;
  meta: string;
  locks: string;
}

export class PreparedShares {
  constructor(
    private readonly engine: Engine,
    private readonly storage: DurableObjectStorage,
    private readonly shards: ShardDirectory,
    /** How long a prepared share waits for its decision before asking the coordinator. */
    private readonly checkMs: number = PARTICIPANT_CHECK_MS,
  ) {}

  async prepare(id: string, coord: CoordinatorRef, kind: ShareKind, body: string, meta: CallMeta): Promise<WireReply> {
    const reply = this.guard(() => {
      if (this.row(id)) return { status: 200, body: "{}" }; // a repeated prepare
      return this.engine.sql.transaction(() => {
        const ctx = this.engine.contextFor(meta);
        let output: Record<string, unknown> = {};
        let locks: readonly string[];
        if (kind === "write") {
          locks = prepareShare(ctx, parse<TransactWriteItemsInput>(transactWriteItems, body), id).locks;
        } else {
          ({ output, locks } = readShare(ctx, parse<TransactGetItemsInput>(transactGetItems, body), id));
        }
        // An item of a range being handed to another object (src/split): the router retries
        // the transaction against the range's new owner.
        if (fencedLock(this.engine.sql, locks)) throw partitionMoved();
        this.engine.sql.exec(
          "INSERT INTO txn_prepared (id, coordinator, binding, kind, body, meta, locks, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          id,
          coord.name,
          coord.binding,
          kind,
          body,
          JSON.stringify(meta),
          JSON.stringify(locks),
          Date.now(),
        );
        return { status: 200, body: JSON.stringify(output) };
      });
    }, id);
    if (reply.status === 200) await scheduleAt(this.storage, Date.now() + this.checkMs);
    return reply;
  }

  commit(id: string): WireReply {
    reach("participant:before-commit");
    const row = this.row(id);
    if (!row) return { status: 200, body: "{}" };
    return this.guard(() =>
      this.engine.sql.transaction(() => {
        let output: Record<string, unknown> = {};
        if (row.kind === "write") {
          const ctx = this.engine.contextFor(this.commitMeta(JSON.parse(row.meta) as CallMeta));
          output = commitShare(ctx, parse<TransactWriteItemsInput>(transactWriteItems, row.body), id);
        } else {
          lockTableOf(this.engine).releaseAll(id);
        }
        this.engine.sql.exec("DELETE FROM txn_prepared WHERE id = ?", id);
        return { status: 200, body: JSON.stringify(output) };
      }),
    );
  }

  abort(id: string): void {
    this.engine.sql.exec("DELETE FROM txn_prepared WHERE id = ?", id);
    lockTableOf(this.engine).releaseAll(id);
  }

  /** Finishes shares left prepared; returns when to look again (null: nothing left). */
  async recover(): Promise<number | null> {
    const rows = this.engine.sql.all<PreparedRow>("SELECT * FROM txn_prepared");
    let pending = false;
    for (const row of rows) {
      let decision: Decision = "pending";
      try {
        const coordinator = this.shards.shard(row.binding, row.coordinator);
        if (coordinator) decision = await coordinator.txnResolve(row.id);
      } catch (err) {
        console.error(`durable-dynamodb: transaction ${row.id}: coordinator unreachable`, err);
      }
      if (decision === "commit") {
        if (this.commit(row.id).status !== 200) pending = true;
      } else if (decision === "abort") {
        this.abort(row.id);
      } else {
        pending = true;
      }
    }
    return pending ? Date.now() + this.checkMs : null;
  }

  /**
   * The prepare's meta for its commit: the same tables (TableId), but whatever partition
   * map they have now. The decision is made and must apply; a map changed since the
   * prepare (another partition's split) cannot have moved the share's items, which a split
   * waits for before it fences their range.
   */
  private commitMeta(meta: CallMeta): CallMeta {
    const expect = meta.cluster?.expect;
    if (!expect) return meta;
    const now: Record<string, Expected> = {};
    for (const [name, expected] of Object.entries(expect)) {
      const def = this.engine.catalogue.get(name);
      now[name] = def ? { ...expected, mapVersion: layoutVersion(def) } : expected;
    }
    return { ...meta, cluster: { ...meta.cluster, expect: now } };
  }

  private row(id: string): PreparedRow | undefined {
    return this.engine.sql.first<PreparedRow>("SELECT * FROM txn_prepared WHERE id = ?", id);
  }

  /**
   * Runs a step, answering errors as the engine does. The step's SQLite transaction rolled
   * back, so the in-memory records must match the durable ones again.
   */
  private guard(step: () => WireReply, id?: string): WireReply {
    try {
      return step();
    } catch (err) {
      const locks = lockTableOf(this.engine);
      if (id !== undefined) locks.releaseAll(id);
      for (const row of this.engine.sql.all<PreparedRow>("SELECT * FROM txn_prepared")) {
        locks.acquire(row.id, JSON.parse(row.locks) as string[]);
      }
      return this.engine.failure("a transaction step", err);
    }
  }
}

/** A share's stored request, checked as the dispatcher checks it. */
function parse<I>(op: Operation<I>, body: string): I {
  return checkRequest(op, JSON.parse(body));
}

/** Makes the object's alarm fire at `at` or sooner. */
export async function scheduleAt(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(at);
}
