// Pending-transaction records: while a transaction is prepared but not yet committed or
// aborted, each item it touches is held in its shard's lock table. A conflicting request
// meets the record: another transaction gets a TransactionConflict cancellation reason, a
// single-item write a TransactionConflictException, a batch request leaves the item
// unprocessed.
//
// A transaction within one shard prepares and commits inside one synchronous section, so
// its records are gone before any other request runs. A cross-shard transaction
// (src/txn/coordinator.ts) holds its records from prepare until its commit or abort arrives; they
// are also stored in `txn_prepared` (src/txn/prepared-shares.ts) and reloaded here when an evicted
// shard wakes.
import { DynamoError } from "../errors.js";
import type { EncodedKey } from "../keys/item-key.js";
import type { Sql } from "./sql.js";

/** One shard's pending-transaction records: item lock key -> transaction id. */
export class LockTable {
  private readonly held = new Map<string, string>();

  get size(): number {
    return this.held.size;
  }

  /** The transaction holding `key`, if any. */
  holder(key: string): string | undefined {
    return this.held.get(key);
  }

  /** Whether `key` is held by a transaction other than `txnId`. */
  heldByOther(key: string, txnId: string): boolean {
    const holder = this.held.get(key);
    return holder !== undefined && holder !== txnId;
  }

  /** Records `txnId` on every key (the caller has checked heldByOther for each). */
  acquire(txnId: string, keys: readonly string[]): void {
    for (const key of keys) this.held.set(key, txnId);
  }

  /** Drops every record of `txnId`. */
  releaseAll(txnId: string): void {
    for (const [key, holder] of this.held) {
      if (holder === txnId) this.held.delete(key);
    }
  }

  /** Drops `txnId`'s records on `keys` (others' records are left alone). */
  release(txnId: string, keys: readonly string[]): void {
    for (const key of keys) {
      if (this.held.get(key) === txnId) this.held.delete(key);
    }
  }
}

// One table per shard, found from the shard's Sql object (one per Durable Object), so no
// shard state outside src/txn needs to know about it.
const tables = new WeakMap<Sql, LockTable>();

export function lockTableOf(ctx: { sql: Sql }): LockTable {
  let table = tables.get(ctx.sql);
  if (!table) {
    table = new LockTable();
    // Records of shares prepared for a cross-shard transaction (src/txn/prepared-shares.ts) outlive
    // the object's instance: a shard woken after an eviction holds them again.
    for (const row of ctx.sql.all<{ id: string; locks: string }>("SELECT id, locks FROM txn_prepared")) {
      table.acquire(row.id, JSON.parse(row.locks) as string[]);
    }
    tables.set(ctx.sql, table);
  }
  return table;
}

/** An item's identity across the shard: table id and encoded key. */
export function itemLockKey(tid: number, key: EncodedKey): string {
  return `${tid}/${hex(key.pk)}/${hex(key.sk)}`;
}

/** The table id and partition key (hex) a lock key names. */
export function lockedItem(lock: string): { tid: number; pkHex: string } {
  const [tid, pk] = lock.split("/");
  return { tid: Number(tid), pkHex: pk ?? "" };
}

/** Bytes as lower-case hex, two digits each: hex strings compare as the bytes do. */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * The API reference's message for a TransactionConflict cancellation reason (without its
 * trailing period, as logs of TransactionConflictException from DynamoDB quote it).
 */
export const TRANSACTION_ONGOING_MESSAGE = "Transaction is ongoing for the item";

/** A single-item write meeting an item held by a cross-shard transaction in flight. */
export function checkNoTransactionOnItem(ctx: { sql: Sql }, tid: number, key: EncodedKey): void {
  const table = lockTableOf(ctx);
  if (table.size > 0 && table.holder(itemLockKey(tid, key)) !== undefined) {
    throw new DynamoError("TransactionConflictException", TRANSACTION_ONGOING_MESSAGE);
  }
}
