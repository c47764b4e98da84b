// The transaction protocol between a coordinator and the participant of each shard
// (./participant.ts): run whole inside one SQLite transaction when every item is in one
// shard (./local.ts), share by share across shards (src/txn/coordinator.ts).
//
// A coordinator splits a transaction's actions by the shard owning each
// item and asks every participant to prepare its share. prepare validates each action
// against the stored item, evaluates its condition, computes the new item and, when every
// action of the share can go ahead, holds a pending-transaction record on each item
// (src/storage/item-locks.ts) and returns a PreparedTxn; otherwise it holds nothing and returns one
// cancellation reason per action. When every participant prepared, the coordinator commits
// each PreparedTxn (apply the computed writes through writeItem, drop the records);
// when any did not, it aborts the prepared ones (drop the records) and cancels the
// transaction with the reasons merged in request order.
//
// A participant may also throw from prepare: a DynamoError there is a fault of the whole
// request (DynamoDB answers it with a plain ValidationException, not a cancellation), and
// the coordinator aborts everything before passing it on.
import type { EncodedKey } from "../../keys/item-key.js";
import type { Current, ItemPlan, Next } from "../write-plans.js";
import type { Item } from "../../types.js";
import type { TableDef } from "../../schema/table-def.js";

/** DynamoDB's cancellation reason codes (API reference, TransactionCanceledException). */
export type CancellationCode =
  | "None"
  | "ConditionalCheckFailed"
  | "ItemCollectionSizeLimitExceeded"
  | "TransactionConflict"
  | "ProvisionedThroughputExceeded"
  | "ThrottlingError"
  | "ValidationError";

export interface CancellationReason {
  Code: CancellationCode;
  /** The item as it was, for a failed condition with ReturnValuesOnConditionCheckFailure ALL_OLD. */
  Item?: Item;
  Message?: string;
}

/** One action of a write transaction, with its position in the request. */
export type WriteAction =
  | { index: number; plan: ItemPlan }
  /** An action that could not be bound to its table (a key that does not fit): it cancels the transaction. */
  | { index: number; invalid: CancellationReason };

/** One action of a read transaction. */
export type ReadAction =
  { index: number; def: TableDef; key: EncodedKey } | { index: number; invalid: CancellationReason };

/** What prepare found and computed for one action. */
export interface PreparedAction {
  index: number;
  plan: ItemPlan;
  current: Current;
  next: Next;
}

/** A participant's share of a transaction, prepared and holding its records until commit or abort. */
export interface PreparedTxn {
  readonly txnId: string;
  readonly actions: readonly PreparedAction[];
  /** The lock keys held (src/storage/item-locks.ts). */
  readonly locks: readonly string[];
}

export type PrepareResult =
  | { ok: true; prepared: PreparedTxn }
  /** One reason per action given to prepare, in the same order. */
  | { ok: false; reasons: CancellationReason[] };

export interface ReadItem {
  index: number;
  /** The stored item, or undefined when there is none. */
  item: Item | undefined;
  /** Its stored size (0 when missing). */
  size: number;
}

export type ReadResult = { ok: true; items: ReadItem[] } | { ok: false; reasons: CancellationReason[] };

/** One shard's side of the protocol. */
export interface TxnParticipant {
  prepare(txnId: string, actions: readonly WriteAction[]): PrepareResult;
  commit(prepared: PreparedTxn): void;
  abort(prepared: PreparedTxn): void;
  /** Reads for TransactGetItems: every item at one point in time, or the reasons it cannot. */
  read(txnId: string, actions: readonly ReadAction[]): ReadResult;
}
