// The transaction protocol (./types.ts) for the shard a request runs in: prepare reads and
// checks every action against the items in this shard's SQLite database, commit applies
// the computed writes through writeItem. Both run synchronously, like everything in a
// shard, so in one shard the records prepare takes are released before any other request
// runs (src/storage/item-locks.ts).
import {
  applyWrite,
  checkUpdatedIndexKeyValues,
  conditionHolds,
  nextItem,
  readCurrent,
  type Next,
} from "../write-plans.js";
import type { OpContext } from "../operation.js";
import { checkIndexKeys } from "../../storage/index-maintenance.js";
import type { Item } from "../../types.js";
import { conditionFailedReason, isValidationError, NONE, validationReason } from "./errors.js";
import { itemLockKey, lockTableOf, TRANSACTION_ONGOING_MESSAGE, type LockTable } from "../../storage/item-locks.js";
import type {
  CancellationReason,
  PreparedAction,
  PreparedTxn,
  PrepareResult,
  ReadAction,
  ReadItem,
  ReadResult,
  TxnParticipant,
  WriteAction,
} from "./types.js";

const CONFLICT: CancellationReason = Object.freeze({
  Code: "TransactionConflict",
  Message: TRANSACTION_ONGOING_MESSAGE,
});

export class LocalParticipant implements TxnParticipant {
  private readonly locks: LockTable;

  constructor(private readonly ctx: OpContext) {
    this.locks = lockTableOf(ctx);
  }

  prepare(txnId: string, actions: readonly WriteAction[]): PrepareResult {
    const reasons: CancellationReason[] = [];
    const prepared: PreparedAction[] = [];
    for (const action of actions) {
      if ("invalid" in action) {
        reasons.push(action.invalid);
        continue;
      }
      const { plan } = action;
      if (this.locks.heldByOther(itemLockKey(plan.def.tid, plan.key), txnId)) {
        reasons.push(CONFLICT);
        continue;
      }
      const current = readCurrent(this.ctx, plan);
      if (!conditionHolds(plan, current)) {
        reasons.push(conditionFailedReason(current.item, plan.spec.returnOnFailure === "ALL_OLD"));
        continue;
      }
      let next: Next;
      try {
        next = nextItem(plan, current);
      } catch (err) {
        if (!isValidationError(err)) throw err;
        reasons.push(validationReason(err));
        continue;
      }
      if (next.write && next.item) {
        // An Update giving an index key an empty value is a fault of the whole request
        // (thrown as is); a wrong index key type cancels with a ValidationError reason
        // (dynamodb-conformance captures). A Put's empty values were refused before prepare.
        if (plan.spec.kind === "Update") checkUpdatedIndexKeyValues(plan.def, next.item);
        try {
          checkIndexKeys(plan.def, next.item);
        } catch (err) {
          if (!isValidationError(err)) throw err;
          reasons.push(validationReason(err));
          continue;
        }
      }
      reasons.push(NONE);
      prepared.push({ index: action.index, plan, current, next });
    }
    if (reasons.some((r) => r.Code !== "None")) return { ok: false, reasons };
    const locks = prepared.map((a) => itemLockKey(a.plan.def.tid, a.plan.key));
    this.locks.acquire(txnId, locks);
    return { ok: true, prepared: { txnId, actions: prepared, locks } };
  }

  commit(prepared: PreparedTxn): void {
    try {
      for (const action of prepared.actions) applyWrite(this.ctx, action.plan, action.current, action.next);
    } finally {
      this.locks.release(prepared.txnId, prepared.locks);
    }
  }

  abort(prepared: PreparedTxn): void {
    this.locks.release(prepared.txnId, prepared.locks);
  }

  read(txnId: string, actions: readonly ReadAction[]): ReadResult {
    const reasons: CancellationReason[] = [];
    const items: ReadItem[] = [];
    for (const action of actions) {
      if ("invalid" in action) {
        reasons.push(action.invalid);
        continue;
      }
      if (this.locks.heldByOther(itemLockKey(action.def.tid, action.key), txnId)) {
        reasons.push(CONFLICT);
        continue;
      }
      const row = this.ctx.items.get(action.def.tid, action.key.pk, action.key.sk);
      reasons.push(NONE);
      items.push({ index: action.index, item: row ? (JSON.parse(row.doc) as Item) : undefined, size: row?.size ?? 0 });
    }
    if (reasons.some((r) => r.Code !== "None")) return { ok: false, reasons };
    return { ok: true, items };
  }
}
