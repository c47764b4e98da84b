// The TTL sweep, run by the shard's alarm (Engine.housekeep): deletes items whose TTL
// attribute holds an epoch-seconds time in the past, at most `limit` per call, through
// writeItem like any delete (indexes and counters maintained), logged in the stream as a
// REMOVE by the TTL service. As DynamoDB: reads never hide expired items still stored, an
// item whose TTL attribute is missing or not a number never expires, and an expiry more
// than five years in the past is ignored.
import type { EncodedKey } from "../keys/item-key.js";
import type { Catalogue } from "../storage/catalogue.js";
import type { Sql } from "../storage/sql.js";
import { writeItem, type WriteStores } from "../storage/write.js";
import type { ChangeLog } from "../storage/change-log.js";
import { TTL_IDENTITY } from "../schema/stream.js";
import { checkNoTransactionOnItem } from "../storage/item-locks.js";
import type { Item } from "../types.js";
import { expiryOf } from "../storage/ttl-index.js";
import { handedOverRange, inKeyRange } from "../storage/split-log.js";
import type { TableDef } from "../schema/table-def.js";

/** DynamoDB ignores expiry times more than five years old. */
const FIVE_YEARS_S = 5 * 365 * 24 * 60 * 60;

export interface SweepStores extends WriteStores {
  sql: Sql;
  catalogue: Catalogue;
  changeLog: ChangeLog;
}

/** One bounded sweep step; true when expired items (or index rebuilds) remain. */
export function sweepExpired(stores: SweepStores, nowMs: number, limit: number): boolean {
  const enabled = stores.catalogue
    .names()
    .map((name) => stores.catalogue.get(name) as TableDef)
    .filter((def) => def.ttl?.enabled);
  dropStaleEntries(stores.sql, enabled);
  const ttlStores: WriteStores = { ...stores, changeLog: stores.changeLog.as(TTL_IDENTITY) };
  let budget = limit;
  let deleted = 0;
  for (const def of enabled) {
    if (budget <= 0) break;
    ensureIndexed(stores.sql, def);
    const step = sweepTable(stores.sql, ttlStores, def, nowMs / 1000, budget);
    budget -= step.handled;
    deleted += step.deleted;
  }
  // Only keys held by pending transactions left: wait for the next interval, not a busy loop.
  return budget <= 0 && deleted > 0;
}

/** Entries of tables dropped, TTL disabled, or indexed from another attribute go. */
function dropStaleEntries(sql: Sql, enabled: TableDef[]): void {
  const current = new Map(enabled.map((def) => [def.tid, def.ttl?.attribute]));
  for (const row of sql.all<{ tid: number; attribute: string }>("SELECT tid, attribute FROM ttl_state")) {
    if (current.get(row.tid) === row.attribute) continue;
    sql.exec("DELETE FROM ttl_index WHERE tid = ?", row.tid);
    sql.exec("DELETE FROM ttl_state WHERE tid = ?", row.tid);
  }
}

/**
 * Builds a table's index entries from its items once TTL is enabled (writes made since
 * then are indexed by writeItem already; the rebuild covers the items from before). One
 * statement: json_each matches the attribute name exactly, whatever characters it holds.
 */
function ensureIndexed(sql: Sql, def: TableDef): void {
  const attribute = def.ttl?.attribute as string;
  if (sql.first("SELECT tid FROM ttl_state WHERE tid = ?", def.tid)) return;
  sql.exec("DELETE FROM ttl_index WHERE tid = ?", def.tid);
  sql.exec(
    `INSERT INTO ttl_index (tid, expires, pk, sk)
       SELECT i.tid, CAST(json_extract(j.value, '$.N') AS REAL), i.pk, i.sk
       FROM items i, json_each(i.doc) j
       WHERE i.tid = ? AND j.key = ? AND json_extract(j.value, '$.N') IS NOT NULL`,
    def.tid,
    attribute,
  );
  sql.exec("INSERT INTO ttl_state (tid, attribute) VALUES (?, ?)", def.tid, attribute);
}

/** Deletes up to `limit` expired items of one table. */
function sweepTable(
  sql: Sql,
  stores: WriteStores,
  def: TableDef,
  nowS: number,
  limit: number,
): { handled: number; deleted: number } {
  const attribute = def.ttl?.attribute as string;
  const rows = sql.all<{ pk: ArrayBuffer; sk: ArrayBuffer }>(
    "SELECT pk, sk FROM ttl_index WHERE tid = ? AND expires < ? AND expires >= ? ORDER BY expires LIMIT ?",
    def.tid,
    nowS,
    nowS - FIVE_YEARS_S,
    limit,
  );
  let deleted = 0;
  // Items of a range a split is handing over are its new owner's to expire (src/split).
  const handedOver = handedOverRange(sql, def.tid);
  for (const row of rows) {
    const key: EncodedKey = { pk: new Uint8Array(row.pk), sk: new Uint8Array(row.sk) };
    if (handedOver && inKeyRange(key.pk, handedOver)) continue;
    const current = stores.items.get(def.tid, key.pk, key.sk);
    const item = current && (JSON.parse(current.doc) as Item);
    const expiry = item && expiryOf(item, attribute);
    if (!current || expiry === undefined || expiry >= nowS) {
      // A stale entry (cannot happen when every write goes through writeItem): drop it.
      sql.exec("DELETE FROM ttl_index WHERE tid = ? AND pk = ? AND sk = ?", def.tid, key.pk, key.sk);
      continue;
    }
    try {
      checkNoTransactionOnItem({ sql }, def.tid, key);
    } catch {
      continue; // held by a pending transaction: a later sweep deletes it
    }
    writeItem(stores, def, key, current, item, undefined);
    deleted++;
  }
  return { handled: rows.length, deleted };
}
