// Online backfill of a global secondary index added by UpdateTable. The index starts
// CREATING with no rows; the shard's alarm calls backfillChunk, which walks the table in
// its storage order ((pk, sk), i.e. partitions in hash order) from where the previous
// chunk stopped, writes each item's index entry, records how far it got, and marks the
// index ACTIVE once the walk reaches the end. Each chunk is one transaction of bounded
// size, so no single event runs long however large the table.
//
// Items whose index key attribute has the wrong type, or is an empty string or binary,
// are skipped, as are items whose index key value is over the key size limits: DynamoDB
// reports such items as index key violations rather than failing the backfill. Items
// without the key attributes are skipped too (sparse index).
import type { EncodedKey } from "../keys/item-key.js";
import type { Item } from "../types.js";
import { base64ToBytes, bytesToBase64 } from "../values/base64.js";
import { type Catalogue } from "./catalogue.js";
import { indexEntry, indexKeyAttributes } from "./index-maintenance.js";
import type { IndexStore } from "./index-store.js";
import type { Sql } from "./sql.js";
import { indexKeysOf, isPartitionedIndex, partitionMapOf, type IndexDef, type TableDef } from "../schema/table-def.js";
import type { GsiOutbox } from "./gsi-outbox.js";
import { compareBytes } from "../values/compare.js";
import { keySize, MAX_HASH_KEY_SIZE, MAX_RANGE_KEY_SIZE } from "../values/size.js";

export interface BackfillStores {
  sql: Sql;
  indexes: IndexStore;
  /** Where a GSI kept in partitions of its own gets its entries (./gsi-outbox.ts). */
  outbox: GsiOutbox;
}

/**
 * Copies up to `limit` items of the first table that has a CREATING index into that
 * index; call inside a transaction. Returns true while any backfill work remains.
 */
export function backfillChunk(stores: BackfillStores, catalogue: Catalogue, limit: number): boolean {
  const pending = pendingBackfills(catalogue);
  const first = pending[0];
  if (!first) return false;
  const done = copyChunk(stores, catalogue, first.def, first.index, limit);
  return !done || pending.length > 1;
}

/** Every (table, CREATING index) pair, tables in name order. */
function pendingBackfills(catalogue: Catalogue): { def: TableDef; index: IndexDef }[] {
  const out: { def: TableDef; index: IndexDef }[] = [];
  for (const name of catalogue.names()) {
    const def = catalogue.get(name);
    for (const index of def?.indexes ?? []) {
      if (def && index.status === "CREATING" && !index.walked) out.push({ def, index });
    }
  }
  return out;
}

/** One chunk of one index's backfill; true when the walk has reached the table's end. */
function copyChunk(
  stores: BackfillStores,
  catalogue: Catalogue,
  def: TableDef,
  index: IndexDef,
  limit: number,
): boolean {
  const after = index.backfillAfter;
  const rows = after
    ? stores.sql.all<{ pk: ArrayBuffer; sk: ArrayBuffer; doc: string }>(
        "SELECT pk, sk, json(doc) AS doc FROM items WHERE tid = ? AND (pk, sk) > (?, ?) ORDER BY pk, sk LIMIT ?",
        def.tid,
        base64ToBytes(after.pk),
        base64ToBytes(after.sk),
        limit,
      )
    : stores.sql.all<{ pk: ArrayBuffer; sk: ArrayBuffer; doc: string }>(
        "SELECT pk, sk, json(doc) AS doc FROM items WHERE tid = ? ORDER BY pk, sk LIMIT ?",
        def.tid,
        limit,
      );
  let last: EncodedKey | undefined;
  for (const row of rows) {
    const key: EncodedKey = { pk: new Uint8Array(row.pk), sk: new Uint8Array(row.sk) };
    last = key;
    const item = JSON.parse(row.doc) as Item;
    if (!hasValidIndexKey(def, index, item)) continue;
    const entry = indexEntry(def, index, item, key);
    if (!entry) continue;
    // A GSI partition held elsewhere gets the entry through the outbox (unthrottled: at most
    // one change per item of the table).
    if (isPartitionedIndex(index) && !stores.outbox.holdsHere(index, entry.key)) {
      stores.outbox.append(def, index, entry.key, entry, undefined, false);
      continue;
    }
    // A write may already have put this entry (writes maintain a CREATING index too):
    // count the row once, by what it replaces.
    stores.indexes.replace(index.iid, entry.key, entry);
  }
  // A GSI kept in partitions of its own is built once they have applied every change the
  // walk queued: reads of it are refused until then, as while it is backfilling.
  const done = rows.length < limit && !(isPartitionedIndex(index) && stores.outbox.lag(def.tid, index.name).count > 0);
  const next: IndexDef = { ...index };
  if (done) {
    // A partitioned GSI is ACTIVE when every table partition has walked (src/gsi/backfill-report.ts);
    // where this object is the table's one partition and the index's, at once (the home is told too).
    if (isPartitionedIndex(index)) next.walked = true;
    if (!isPartitionedIndex(index) || heldWhole(def, index, stores.outbox.self())) next.status = "ACTIVE";
    delete next.backfillAfter;
  } else if (last) {
    next.backfillAfter = { pk: bytesToBase64(last.pk), sk: bytesToBase64(last.sk) };
  }
  catalogue.update({ ...def, indexes: (def.indexes ?? []).map((i) => (i.iid === index.iid ? next : i)) });
  return done;
}

/** Whether `self` is the table's one partition and the index's one partition. */
function heldWhole(def: TableDef, index: IndexDef, self: string | undefined): boolean {
  const objects = [...partitionMapOf(def).partitions, ...(index.partitions?.partitions ?? [])].map((p) => p.object);
  return self !== undefined && objects.every((object) => object === self);
}

/** Whether every key attribute `item` has for `index` has the index's type and is non-empty. */
function hasValidIndexKey(def: TableDef, index: IndexDef, item: Item): boolean {
  const { hashes } = indexKeysOf(def, index);
  for (const attr of indexKeyAttributes(def, index)) {
    const value = Object.hasOwn(item, attr.name) ? item[attr.name] : undefined;
    if (!value) continue;
    const scalar = (value as Record<string, unknown>)[attr.type];
    if (typeof scalar !== "string" || (scalar === "" && attr.type !== "N")) return false;
    // Too large for an index key: skipped too (Alternator's test_gsi_updatetable.py, run against AWS).
    if (keySize(value) > (hashes.some((h) => h.name === attr.name) ? MAX_HASH_KEY_SIZE : MAX_RANGE_KEY_SIZE)) {
      return false;
    }
  }
  return true;
}

/**
 * Whether the backfill of `index` has already passed the table row at `key`, so that the
 * index holds (or must hold) that item's entry. True for an ACTIVE index. The write path
 * should maintain a CREATING index only for covered rows: rows further on get their entry
 * from the backfill when it reaches them, and an uncovered row's old entry was never
 * written, so maintaining it as if it had been would miscount the index's statistics.
 */
export function backfillCovers(index: IndexDef, key: EncodedKey): boolean {
  if (index.status === "ACTIVE" || index.walked) return true;
  const after = index.backfillAfter;
  if (!after) return false;
  const byPk = compareBytes(key.pk, base64ToBytes(after.pk));
  return byPk < 0 || (byPk === 0 && compareBytes(key.sk, base64ToBytes(after.sk)) <= 0);
}
