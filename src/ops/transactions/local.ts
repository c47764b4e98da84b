// The coordinator side of the transaction protocol (./types.ts) for a transaction whose
// items all live in the shard the request runs in: one participant, and the whole
// transaction (prepare, commit or abort, and whatever the caller records with it) runs
// inside one SQLite transaction with no await: no other request can see half of it, and
// none can run between prepare and commit. Transactions over several shards are run by
// src/txn/coordinator.ts, whose shards prepare and commit their shares through the same
// participant (./participant.ts).
import type { OpContext } from "../operation.js";
import { TransactionCanceledError } from "./errors.js";
import { LocalParticipant } from "./participant.js";
import type {
  CancellationReason,
  PreparedAction,
  PreparedTxn,
  ReadAction,
  ReadItem,
  TxnParticipant,
  WriteAction,
} from "./types.js";

interface Share<A> {
  participant: TxnParticipant;
  actions: A[];
}

/** Groups actions by the participant owning their items (one shard for now). */
function participantsFor<A>(ctx: OpContext, actions: readonly A[]): Share<A>[] {
  return [{ participant: new LocalParticipant(ctx), actions: [...actions] }];
}

/**
 * Runs a write transaction to the end: every action applied, or none and a
 * TransactionCanceledException with one reason per action in request order. `onCommit`
 * runs inside the same SQLite transaction as the writes (the idempotency record).
 * Returns the prepared actions in request order.
 */
export function runWriteTransaction(
  ctx: OpContext,
  actions: readonly WriteAction[],
  onCommit?: (actions: readonly PreparedAction[]) => void,
): PreparedAction[] {
  const txnId = crypto.randomUUID();
  return ctx.sql.transaction(() => {
    const shares = participantsFor(ctx, actions);
    const prepared: { participant: TxnParticipant; txn: PreparedTxn }[] = [];
    const reasons = new Map<number, CancellationReason>();
    try {
      for (const share of shares) {
        const result = share.participant.prepare(txnId, share.actions);
        if (result.ok) prepared.push({ participant: share.participant, txn: result.prepared });
        else share.actions.forEach((action, i) => reasons.set(action.index, result.reasons[i] as CancellationReason));
      }
    } catch (err) {
      for (const p of prepared) p.participant.abort(p.txn);
      throw err;
    }
    if (reasons.size > 0) {
      for (const p of prepared) p.participant.abort(p.txn);
      throw new TransactionCanceledError(mergeReasons(actions, reasons));
    }
    try {
      for (const p of prepared) p.participant.commit(p.txn);
    } catch (err) {
      // A bug, not a cancellation: the SQLite transaction rolls back every write.
      for (const p of prepared) p.participant.abort(p.txn);
      throw err;
    }
    const done = prepared.flatMap((p) => p.txn.actions).sort((a, b) => a.index - b.index);
    onCommit?.(done);
    return done;
  });
}

/** Reads every item of a read transaction at one point in time, or cancels it. */
export function runReadTransaction(ctx: OpContext, actions: readonly ReadAction[]): ReadItem[] {
  const txnId = crypto.randomUUID();
  const items: ReadItem[] = [];
  const reasons = new Map<number, CancellationReason>();
  for (const share of participantsFor(ctx, actions)) {
    const result = share.participant.read(txnId, share.actions);
    if (result.ok) items.push(...result.items);
    else share.actions.forEach((action, i) => reasons.set(action.index, result.reasons[i] as CancellationReason));
  }
  if (reasons.size > 0) throw new TransactionCanceledError(mergeReasons(actions, reasons));
  return items.sort((a, b) => a.index - b.index);
}

/** One reason per action in request order: a share's reasons, "None" for shares that prepared. */
function mergeReasons(
  actions: readonly { index: number }[],
  reasons: Map<number, CancellationReason>,
): CancellationReason[] {
  return [...actions].sort((a, b) => a.index - b.index).map((action) => reasons.get(action.index) ?? { Code: "None" });
}
