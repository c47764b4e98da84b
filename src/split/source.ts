// An online split, run by the object whose partition splits (the source) in bounded steps
// beside the requests it keeps serving (src/shard.ts runs them; its alarm restarts them
// after a crash or an eviction). The split's state is its row in
// `splits`; each step reads it, does one thing, and records what it did, so a crash at any
// point resumes at the step it stopped in, and every step may run twice:
//
//   copying   rows of the moving range [at, high) go to the new object in key order,
//             a chunk at a time (receiveRows is an idempotent upsert); writes meanwhile
//             are noted by the range's watch triggers (src/storage/split-log.ts).
//   draining  noted keys are sent again as they now are, until none is left; then, once
//             no cross-shard transaction holds an item of the range (the split waits for
//             them to commit or abort here), the range is fenced: writes to it are
//             refused in SQLite and the router retries them.
//   fenced    the last noted keys are sent; the catalogue's home publishes the new map
//             (one transaction there; the cut-over).
//   published every object of the table gets the new definition; requests placed by the
//             old map are refused by its version and placed again by the router; the
//             ClientRequestTokens remembered here go to their coordinators.
//   cleaning  the moved rows are deleted here in chunks (reads skip them meanwhile).
//   aborting  the table went away or changed under the split: the new object's copy is
//             dropped and the split forgotten.
import type { Engine } from "../engine/engine.js";
import { coordinatorName, type ShardDirectory, type ShardStub, type SplitRow } from "../protocol/shard-rpc.js";
import { objectName, sharedObject } from "../schema/partition-map.js";
import { layoutObjects, partitionMapOf, type TableDef } from "../schema/table-def.js";
import { itemLockKey, lockTableOf } from "../storage/item-locks.js";
import {
  dropSplitTriggers,
  fenceRange,
  forgetDisowned,
  keyRangeOf,
  lockInSplit,
  type SplitPlan,
  withinRange,
} from "../storage/split-log.js";
import { writeItem } from "../storage/write.js";
import { nextSequence } from "../streams/shard-range.js";
import { reach } from "../storage/faults.js";
import type { Item } from "../types.js";

/** Rows per chunk sent to the new object, and the most document bytes a chunk carries. */
const CHUNK_ROWS = 200;
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Rows deleted per cleaning step. */
const CLEAN_ROWS = 1000;

type State = "copying" | "draining" | "fenced" | "published" | "cleaning" | "aborting";

interface SplitsRow extends Record<string, string | number | ArrayBuffer | null> {
  tid: number;
  name: string;
  state: State;
  plan: string;
  cursor_pk: ArrayBuffer | null;
  cursor_sk: ArrayBuffer | null;
}

/** What a step left: more to do at once, a wait (ms) for something outside, or nothing. */
export type StepResult = "more" | "done" | { waitMs: number };

/**
 * `run` made to run one call at a time, whoever calls (the runner, the alarm, a test): each
 * call starts once the one before it has ended, failed or not.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let running: Promise<unknown> = Promise.resolve();
  return () => {
    const next = running.then(run, run);
    running = next.catch(() => undefined);
    return next;
  };
}

export class SplitSource {
  constructor(
    private readonly engine: Engine,
    private readonly shards: ShardDirectory,
  ) {}

  /** Whether a split is in progress here (the host's alarm keeps running while one is). */
  active(): boolean {
    return this.engine.sql.first("SELECT tid FROM splits LIMIT 1") !== undefined;
  }

  /** One step of a split in progress here (its table's id the lowest), after any step already running. */
  readonly step = oneAtATime(() => this.stepAlone());

  private async stepAlone(): Promise<StepResult> {
    const row = this.engine.sql.first<SplitsRow>("SELECT * FROM splits ORDER BY rowid LIMIT 1");
    if (!row) return "done";
    const plan = JSON.parse(row.plan) as SplitPlan;
    switch (row.state) {
      case "copying":
        return this.copy(row, plan);
      case "draining":
      case "fenced":
        return this.drain(row, plan);
      case "published":
        return this.publish(row, plan);
      case "cleaning":
        return this.clean(row, plan);
      case "aborting":
        return this.abort(row, plan);
    }
  }

  private async copy(row: SplitsRow, plan: SplitPlan): Promise<StepResult> {
    const def = this.localDef(plan);
    if (!def) return this.setState(row, "aborting");
    const range = withinRange("pk", keyRangeOf(plan.at, plan.high));
    const where = ["tid = ?", range.sql];
    const params: unknown[] = [row.tid, ...range.params];
    if (row.cursor_pk !== null && row.cursor_sk !== null) {
      where.push("(pk, sk) > (?, ?)");
      params.push(row.cursor_pk, row.cursor_sk);
    }
    const rows: SplitRow[] = [];
    let bytes = 0;
    for (const item of this.engine.sql.cursor<{ pk: ArrayBuffer; sk: ArrayBuffer; doc: string; size: number }>(
      `SELECT pk, sk, json(doc) AS doc, size FROM items WHERE ${where.join(" AND ")} ORDER BY pk, sk LIMIT ?`,
      ...params,
      CHUNK_ROWS,
    )) {
      rows.push({ pk: new Uint8Array(item.pk), sk: new Uint8Array(item.sk), doc: item.doc, size: item.size });
      bytes += item.doc.length;
      if (bytes >= CHUNK_BYTES) break;
    }
    if (rows.length === 0) return this.setState(row, "draining");
    await this.target(plan).splitReceive(plan.table, def, rows);
    reach("split:after-copy-chunk");
    const last = rows[rows.length - 1] as SplitRow;
    this.engine.sql.exec(
      "UPDATE splits SET cursor_pk = ?, cursor_sk = ? WHERE tid = ? AND state = 'copying'",
      last.pk,
      last.sk,
      row.tid,
    );
    return "more";
  }

  private async drain(row: SplitsRow, plan: SplitPlan): Promise<StepResult> {
    const def = this.localDef(plan);
    if (!def) return this.setState(row, "aborting");
    const dirty = this.engine.sql.all<{ id: number; pk: ArrayBuffer; sk: ArrayBuffer }>(
      "SELECT id, pk, sk FROM split_dirty WHERE tid = ? ORDER BY id LIMIT ?",
      row.tid,
      CHUNK_ROWS,
    );
    if (dirty.length > 0) {
      // The keys as they are now: a key written again after this read is noted again.
      const rows: SplitRow[] = [];
      const seen = new Set<string>();
      for (const entry of dirty) {
        const pk = new Uint8Array(entry.pk);
        const sk = new Uint8Array(entry.sk);
        const id = itemLockKey(row.tid, { pk, sk });
        if (seen.has(id)) continue;
        seen.add(id);
        const stored = this.engine.items.get(row.tid, pk, sk);
        rows.push({ pk, sk, doc: stored?.doc ?? null, size: stored?.size ?? 0 });
      }
      await this.target(plan).splitReceive(plan.table, def, rows);
      reach("split:after-drain-chunk");
      const upto = (dirty[dirty.length - 1] as { id: number }).id;
      this.engine.sql.exec("DELETE FROM split_dirty WHERE tid = ? AND id <= ?", row.tid, upto);
      return "more";
    }
    if (row.state === "draining") {
      // A cross-shard transaction holding an item of the range commits here, so the range
      // cannot move before it ends; prepares are refused once the range is fenced.
      if (this.lockedInRange(row.tid, plan)) return { waitMs: 50 };
      this.engine.sql.transaction(() => {
        fenceRange(this.engine.sql, row.tid, keyRangeOf(plan.at, plan.high));
        // Records of the moving range end here: the stream's parent shard closes at this one.
        plan.fenceSeq = nextSequence(this.engine.sql) - 1;
        // Index changes queued so far, the moving range's last among them (see below).
        plan.outboxSeq = this.engine.outbox.lastSeq();
        this.engine.sql.exec(
          "UPDATE splits SET state = 'fenced', plan = ? WHERE tid = ?",
          JSON.stringify(plan),
          row.tid,
        );
      });
      return "more";
    }
    // The moved items' index changes are applied before the new object writes theirs: an
    // item's changes then reach its GSI partitions in order (src/gsi/propagation.ts).
    if (plan.outboxSeq && this.engine.outbox.waitingThrough(plan.outboxSeq)) return { waitMs: 50 };
    reach("split:before-publish");
    const published = await this.home(plan).splitPublish(plan);
    reach("split:after-publish");
    return this.setState(row, published ? "published" : "aborting");
  }

  private async publish(row: SplitsRow, plan: SplitPlan): Promise<StepResult> {
    // The home's definition now, not the one it published: a table deleted since must not
    // come back through this broadcast.
    const home = this.home(plan);
    const def = await home.tableInfo(plan.table);
    if (def && def.tableId === plan.tableId) {
      const self = objectName(plan.tenant, plan.source);
      const homeName = objectName(plan.tenant, sharedObject(0));
      const others = new Set(layoutObjects(def).map((object) => objectName(plan.tenant, object)));
      others.delete(self);
      others.delete(homeName);
      await Promise.all([...others].map((name) => this.stub(plan, name).applyTable(plan.table, def)));
      if (self !== homeName) this.engine.applyTable(plan.table, def);
    }
    await this.carryTokens(plan);
    reach("split:after-broadcast");
    this.engine.sql.transaction(() => {
      dropSplitTriggers(this.engine.sql, row.tid);
      this.engine.sql.exec("UPDATE splits SET state = 'cleaning' WHERE tid = ?", row.tid);
    });
    return "more";
  }

  /**
   * The ClientRequestTokens this object remembers (src/storage/request-tokens.ts), handed to
   * their coordinators: a table of one partition keeps them here, one of several at the
   * coordinator named after each token (src/cluster/router.ts), so a retry after the split
   * still replays. Tokens live 10 minutes: a handful at most.
   */
  private async carryTokens(plan: SplitPlan): Promise<void> {
    const tokens = this.engine.sql.all<{ token: string; request_digest: string; response: string; expires_at: number }>(
      "SELECT token, request_digest, response, expires_at FROM txn_tokens WHERE expires_at > ?",
      Date.now(),
    );
    await Promise.all(
      tokens.map((row) =>
        this.stub(plan, coordinatorName(plan.tenant, "", row.token)).txnSeedToken(
          row.request_digest,
          row.response,
          row.expires_at,
        ),
      ),
    );
  }

  /** Deletes a chunk of the moved rows here, with their index and TTL entries (no stream records: nothing changed). */
  private clean(row: SplitsRow, plan: SplitPlan): StepResult {
    const def = this.localDef(plan);
    const more = this.engine.sql.transaction(() => {
      // A table deleted meanwhile: its rows are purged with it.
      if (!def) return false;
      const range = withinRange("pk", keyRangeOf(plan.at, plan.high));
      const rows = this.engine.sql.all<{ pk: ArrayBuffer; sk: ArrayBuffer; doc: string; size: number }>(
        `SELECT pk, sk, json(doc) AS doc, size FROM items WHERE tid = ? AND ${range.sql} LIMIT ?`,
        row.tid,
        ...range.params,
        CLEAN_ROWS,
      );
      const stores = {
        items: this.engine.items,
        indexes: this.engine.indexes,
        vectors: this.engine.vectors,
        ttlIndex: this.engine.ttlIndex,
      };
      for (const stored of rows) {
        const key = { pk: new Uint8Array(stored.pk), sk: new Uint8Array(stored.sk) };
        writeItem(stores, def, key, stored, JSON.parse(stored.doc) as Item, undefined);
      }
      return rows.length === CLEAN_ROWS;
    });
    if (more) return "more";
    reach("split:before-cleaned");
    this.engine.sql.exec("DELETE FROM splits WHERE tid = ?", row.tid);
    forgetDisowned(this.engine.sql);
    return "done";
  }

  private async abort(row: SplitsRow, plan: SplitPlan): Promise<StepResult> {
    // The new object's copy: dropped only if it is the one this split made.
    const target = this.target(plan);
    const copy = await target.tableInfo(plan.table);
    if (
      copy &&
      copy.tableId === plan.tableId &&
      !partitionMapOf(copy).partitions.some((p) => p.object === plan.target)
    ) {
      await target.applyTable(plan.table, null);
    }
    this.engine.sql.transaction(() => {
      dropSplitTriggers(this.engine.sql, row.tid);
      this.engine.sql.exec("DELETE FROM splits WHERE tid = ?", row.tid);
    });
    return "done";
  }

  private setState(row: SplitsRow, state: State): StepResult {
    this.engine.sql.exec("UPDATE splits SET state = ? WHERE tid = ?", state, row.tid);
    return "more";
  }

  /** This object's definition of the split's table, if it is still the same table. */
  private localDef(plan: SplitPlan): TableDef | undefined {
    const def = this.engine.catalogue.get(plan.table);
    return def && def.tableId === plan.tableId ? def : undefined;
  }

  private lockedInRange(tid: number, plan: SplitPlan): boolean {
    if (lockTableOf(this.engine).size === 0) return false;
    return this.engine.sql
      .all<{ locks: string }>("SELECT locks FROM txn_prepared")
      .some((row) => (JSON.parse(row.locks) as string[]).some((lock) => lockInSplit(lock, tid, plan)));
  }

  private target(plan: SplitPlan): ShardStub {
    return this.stub(plan, objectName(plan.tenant, plan.target));
  }

  private home(plan: SplitPlan): ShardStub {
    return this.stub(plan, objectName(plan.tenant, sharedObject(0)));
  }

  private stub(plan: SplitPlan, name: string): ShardStub {
    const self = objectName(plan.tenant, plan.source);
    const binding = this.shards.ownBinding(self);
    const stub = binding === undefined ? undefined : this.shards.shard(binding, name);
    if (!stub) throw new Error(`split of ${plan.table}: no namespace holds ${self}`);
    return stub;
  }
}
