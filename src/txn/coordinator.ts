// Cross-shard transactions, the coordinator (the shards' side: ./prepared-shares.ts). The router
// (src/cluster/router.ts) hands a transaction whose items lie on several shards to a
// coordinator object of the shard class, named `txn:<tenant>:<id>` (no new binding), which
// runs two-phase commit:
//   1. a row in state 'preparing' (and an alarm), then prepare on every shard at once;
//   2. the decision: 'commit' when every share prepared (the row's state: durable before
//      any shard commits), else 'abort';
//   3. commit (or abort) on every shard; the row is then dropped, or for a
//      ClientRequestToken kept as 'done' with the response for 10 minutes.
// A crash or eviction anywhere leaves rows that alarms finish. The coordinator's alarm
// aborts a 'preparing' row no live call is driving and resends the decision of a
// 'commit'/'abort' row until every shard has it. A shard's alarm asks for the decision
// of a share still prepared (txnResolve): 'pending' while a live call drives it; a row
// with no live call is aborted then and there, a row gone means abort (a committed row
// is only dropped once every shard committed). So all shards commit or all abort.
//
// TransactGetItems uses the same path: each shard reads its share and holds the items;
// once every shard has answered, none of the items read has changed, so the reads are
// one point in time; the decision is then always 'abort', which releases them.
//
// ClientRequestToken: the router names the coordinator after the token, so every retry
// meets the same object: a 'done' row answers with the first response (or
// IdempotentParameterMismatchException for another request), a live one with
// TransactionInProgressException.
import { DynamoError } from "../errors.js";
import { IDEMPOTENT_MISMATCH_MESSAGE, TOKEN_LIFETIME_MS } from "../storage/request-tokens.js";
import { TransactionCanceledError } from "../ops/transactions/errors.js";
import { reach } from "../storage/faults.js";
import { TRANSACTION_ONGOING_MESSAGE } from "../storage/item-locks.js";
import { scheduleAt } from "./prepared-shares.js";
import type { Sql } from "../storage/sql.js";
import type { CancellationReason } from "../ops/transactions/types.js";
import { errorReply, type WireReply } from "../protocol/reply.js";
import type { Decision, ShardDirectory, ShardStub, TxnPlan, TxnShare } from "../protocol/shard-rpc.js";
import { mergeCapacity } from "../ops/capacity.js";

interface StoredPlan {
  plan: TxnPlan;
  binding: string;
}

interface CoordinatorRow extends Record<string, string | number | null> {
  id: string;
  state: string;
  plan: string;
  digest: string | null;
  response: string | null;
  created_at: number;
  expires_at: number | null;
}

/** A 'preparing' row older than this is aborted even if a call still drives it (a stuck call). */
export const PREPARE_TIMEOUT_MS = 30_000;
/** The coordinator's alarm: first look, and retries while shards miss the decision. */
export const COORDINATOR_CHECK_MS = 5_000;

const IN_PROGRESS_MESSAGE = "Transaction with the given request token is already in progress.";

type Json = Record<string, unknown>;
type Outcome = { ok: true; outputs: Json[] } | { ok: false; reply: WireReply };

export class Coordinator {
  /** Transactions a live call of this instance is driving (an evicted instance's are gone). */
  private readonly live = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly storage: DurableObjectStorage,
    private readonly shards: ShardDirectory,
    /** How often an unfinished transaction's coordinator looks at it again. */
    private readonly checkMs: number = COORDINATOR_CHECK_MS,
  ) {}

  async coordinate(plan: TxnPlan): Promise<WireReply> {
    const binding = this.shards.ownBinding(plan.name);
    if (binding === undefined) {
      return errorReply(new DynamoError("InternalServerError", "Transaction coordinator cannot reach its shards", 500));
    }
    // The alarm first: a row written is never left without one to finish it.
    await scheduleAt(this.storage, Date.now() + this.checkMs);
    // From here to the prepares, no await: two calls with one token cannot both start.
    const now = Date.now();
    this.sql.exec("DELETE FROM txn_coordinator WHERE state = 'done' AND expires_at <= ?", now);
    if (plan.digest !== undefined) {
      const done = this.sql.first<CoordinatorRow>("SELECT * FROM txn_coordinator WHERE state = 'done'");
      if (done) {
        if (done.digest !== plan.digest) {
          return errorReply(new DynamoError("IdempotentParameterMismatchException", IDEMPOTENT_MISMATCH_MESSAGE));
        }
        return { status: 200, body: done.response ?? "{}" };
      }
      if (this.sql.first("SELECT id FROM txn_coordinator WHERE state IN ('preparing', 'commit')")) {
        return inProgress();
      }
    }
    const stored: StoredPlan = { plan, binding };
    this.sql.exec(
      "INSERT INTO txn_coordinator (id, state, plan, digest, created_at) VALUES (?, 'preparing', ?, ?, ?)",
      plan.id,
      JSON.stringify(stored),
      plan.digest ?? null,
      now,
    );
    this.live.add(plan.id);
    try {
      const results = await Promise.allSettled(
        plan.shares.map((share) =>
          this.shard(binding, share.shard).txnPrepare(
            plan.id,
            { name: plan.name, binding },
            plan.kind,
            share.body,
            plan.meta,
          ),
        ),
      );
      reach("coordinator:after-prepare");
      const outcome = judge(plan, results);
      // The decision, unless an alarm aborted the row meanwhile (no await in between).
      const row = this.sql.first<CoordinatorRow>("SELECT * FROM txn_coordinator WHERE id = ?", plan.id);
      const decision = outcome.ok && plan.kind === "write" && row?.state === "preparing" ? "commit" : "abort";
      this.sql.exec("UPDATE txn_coordinator SET state = ? WHERE id = ?", decision, plan.id);
      if (decision === "abort") {
        await this.finish(stored, "abort");
        if (!outcome.ok) return outcome.reply;
        if (plan.kind === "read") return { status: 200, body: JSON.stringify(mergeOutputs(plan, outcome.outputs)) };
        // Every share prepared, but an alarm had given the row up (a stuck call): cancelled.
        return errorReply(new TransactionCanceledError(Array.from({ length: plan.count }, () => gaveUpReason())));
      }
      reach("coordinator:after-decision");
      const outputs = await this.finish(stored, "commit");
      const response = JSON.stringify(mergeOutputs(plan, outputs ?? []));
      this.sql.exec("UPDATE txn_coordinator SET response = ? WHERE id = ?", response, plan.id);
      if (outputs) this.done(plan.id);
      return { status: 200, body: response };
    } finally {
      this.live.delete(plan.id);
    }
  }

  /**
   * Remembers a ClientRequestToken's committed transaction that ran on one object before its
   * table's partition split (src/split/source.ts): transactions with a token on a table of
   * several partitions come to this object (named after the token), which then replays it
   * as DynamoDB does for the rest of the token's 10 minutes. A token it already knows stays.
   */
  seedToken(digest: string, response: string, expiresAt: number): void {
    if (expiresAt <= Date.now() || this.sql.first("SELECT id FROM txn_coordinator WHERE state = 'done'")) return;
    this.sql.exec(
      "INSERT INTO txn_coordinator (id, state, plan, digest, response, created_at, expires_at) VALUES (?, 'done', '{}', ?, ?, ?, ?)",
      crypto.randomUUID(),
      digest,
      response,
      Date.now(),
      expiresAt,
    );
    void scheduleAt(this.storage, expiresAt);
  }

  /** A shard's question about a share it holds prepared. */
  resolve(id: string): Decision {
    const row = this.sql.first<CoordinatorRow>("SELECT * FROM txn_coordinator WHERE id = ?", id);
    if (!row) return "abort";
    if (row.state === "preparing") {
      if (this.live.has(id) && Date.now() - row.created_at < PREPARE_TIMEOUT_MS) return "pending";
      this.sql.exec("UPDATE txn_coordinator SET state = 'abort' WHERE id = ?", id);
      void scheduleAt(this.storage, Date.now());
      return "abort";
    }
    return row.state === "commit" || row.state === "done" ? "commit" : "abort";
  }

  /** The alarm's part: finishes rows no live call drives; returns when to look again. */
  async recover(): Promise<number | null> {
    const now = Date.now();
    this.sql.exec("DELETE FROM txn_coordinator WHERE state = 'done' AND expires_at <= ?", now);
    let next: number | null = null;
    const later = (at: number) => {
      next = next === null ? at : Math.min(next, at);
    };
    for (const row of this.sql.all<CoordinatorRow>("SELECT * FROM txn_coordinator")) {
      if (row.state === "done") {
        later(row.expires_at ?? now);
        continue;
      }
      if (this.live.has(row.id) && now - row.created_at < PREPARE_TIMEOUT_MS) {
        later(now + this.checkMs);
        continue;
      }
      if (row.state === "preparing") this.sql.exec("UPDATE txn_coordinator SET state = 'abort' WHERE id = ?", row.id);
      const decision = row.state === "commit" ? "commit" : "abort";
      const stored = JSON.parse(row.plan) as StoredPlan;
      const outputs = await this.finish(stored, decision);
      if (!outputs) later(Date.now() + this.checkMs);
      else if (decision === "commit") {
        if (row.response === null) {
          const response = JSON.stringify(mergeOutputs(stored.plan, outputs));
          this.sql.exec("UPDATE txn_coordinator SET response = ? WHERE id = ?", response, row.id);
        }
        this.done(row.id);
        if (stored.plan.digest !== undefined) later(Date.now() + TOKEN_LIFETIME_MS);
      }
    }
    return next;
  }

  /**
   * Sends the decision to every shard. Returns the shards' outputs once all have it (an
   * aborted row is then dropped), undefined while some missed it (the alarm retries).
   */
  private async finish(stored: StoredPlan, decision: "commit" | "abort"): Promise<Json[] | undefined> {
    const { plan, binding } = stored;
    const results = await Promise.allSettled(
      plan.shares.map(async (share) => {
        const stub = this.shard(binding, share.shard);
        if (decision === "abort") {
          await stub.txnAbort(plan.id);
          return { status: 200, body: "{}" };
        }
        return stub.txnCommit(plan.id);
      }),
    );
    const outputs: Json[] = [];
    for (const result of results) {
      if (result.status === "rejected" || result.value.status !== 200) {
        const why = result.status === "rejected" ? result.reason : result.value.body;
        console.error(`durable-dynamodb: transaction ${plan.id}: ${decision} not acknowledged`, why);
        return undefined;
      }
      outputs.push(JSON.parse(result.value.body) as Json);
    }
    if (decision === "abort") this.sql.exec("DELETE FROM txn_coordinator WHERE id = ?", plan.id);
    return outputs;
  }

  /** A committed row: kept for its token's lifetime, else dropped. */
  private done(id: string): void {
    const row = this.sql.first<CoordinatorRow>("SELECT digest FROM txn_coordinator WHERE id = ?", id);
    if (row?.digest === null || row?.digest === undefined) {
      this.sql.exec("DELETE FROM txn_coordinator WHERE id = ?", id);
      return;
    }
    const expires = Date.now() + TOKEN_LIFETIME_MS;
    this.sql.exec("UPDATE txn_coordinator SET state = 'done', expires_at = ? WHERE id = ?", expires, id);
    void scheduleAt(this.storage, expires);
  }

  private shard(binding: string, name: string): ShardStub {
    const stub = this.shards.shard(binding, name);
    if (!stub) throw new Error(`durable-dynamodb: no shard namespace bound as env.${binding}`);
    return stub;
  }
}

function gaveUpReason(): CancellationReason {
  return { Code: "TransactionConflict", Message: TRANSACTION_ONGOING_MESSAGE };
}

function inProgress(): WireReply {
  return {
    status: 400,
    body: JSON.stringify({
      __type: "com.amazonaws.dynamodb.v20120810#TransactionInProgressException",
      message: IN_PROGRESS_MESSAGE,
    }),
  };
}

/**
 * The shards' prepare answers as one outcome. A fault of the whole request (a plain
 * error, as the single-shard path throws before preparing anything) wins, from the share
 * holding the earliest action; then an unreachable shard (InternalServerError); then the
 * cancellation, its reasons put back in request order ("None" for the other actions).
 */
function judge(plan: TxnPlan, results: PromiseSettledResult<WireReply>[]): Outcome {
  let fault: { at: number; reply: WireReply } | undefined;
  let lost = false;
  const reasons: CancellationReason[] = Array.from({ length: plan.count }, () => ({ Code: "None" }));
  let cancelled = false;
  const outputs: Json[] = [];
  results.forEach((result, i) => {
    const share = plan.shares[i] as TxnShare;
    if (result.status === "rejected") {
      console.error(`durable-dynamodb: transaction ${plan.id}: prepare failed`, result.reason);
      lost = true;
      return;
    }
    const reply = result.value;
    if (reply.status === 200) {
      outputs.push(JSON.parse(reply.body) as Json);
      return;
    }
    const body = JSON.parse(reply.body) as { __type?: string; CancellationReasons?: CancellationReason[] };
    if (body.__type?.endsWith("#TransactionCanceledException") && Array.isArray(body.CancellationReasons)) {
      cancelled = true;
      share.indices.forEach((index, j) => (reasons[index] = body.CancellationReasons?.[j] ?? { Code: "None" }));
      return;
    }
    const at = Math.min(...share.indices);
    if (!fault || at < fault.at) fault = { at, reply };
  });
  if (fault) return { ok: false, reply: fault.reply };
  if (lost)
    return { ok: false, reply: errorReply(new DynamoError("InternalServerError", "Internal server error", 500)) };
  if (cancelled) return { ok: false, reply: errorReply(new TransactionCanceledError(reasons)) };
  return { ok: true, outputs };
}

/**
 * The shards' outputs as one response: Responses back in request order, capacities and
 * metrics summed, tables in the order of the first action of each share (a share lists its
 * tables in request order).
 */
function mergeOutputs(plan: TxnPlan, outputs: Json[]): Json {
  const out: Json = {};
  let capacity: unknown;
  const responses: unknown[] = Array.from({ length: plan.count }, () => ({}));
  const metrics: Record<string, unknown[]> = {};
  let hasMetrics = false;
  const order = outputs.map((_, i) => i);
  order.sort(
    (a, b) => Math.min(...(plan.shares[a] as TxnShare).indices) - Math.min(...(plan.shares[b] as TxnShare).indices),
  );
  order.forEach((i) => {
    const output = outputs[i] as Json;
    const share = plan.shares[i] as TxnShare;
    const items = output.Responses as unknown[] | undefined;
    share.indices.forEach((index, j) => (responses[index] = items?.[j] ?? {}));
    capacity = mergeCapacity(capacity, output.ConsumedCapacity);
    const collections = output.ItemCollectionMetrics as Record<string, unknown[]> | undefined;
    if (collections) {
      hasMetrics = true;
      for (const [table, list] of Object.entries(collections)) (metrics[table] ??= []).push(...list);
    }
  });
  if (plan.kind === "read") out.Responses = responses;
  if (hasMetrics) out.ItemCollectionMetrics = metrics;
  if (capacity !== undefined) out.ConsumedCapacity = capacity;
  return out;
}
