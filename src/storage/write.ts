// The one place every write path (PutItem, UpdateItem, DeleteItem, batches and
// transactions) changes an item: the item row and every secondary index, in the caller's
// transaction; the table's counters follow the row by SQLite triggers (./schema.ts).
import type { EncodedKey } from "../keys/item-key.js";
import type { Item } from "../types.js";
import { itemSize } from "../values/size.js";
import { backfillCovers } from "./backfill.js";
import { checkIndexKeys, indexEntry, type IndexEntry } from "./index-maintenance.js";
import type { GsiOutbox } from "./gsi-outbox.js";
import type { IndexStore } from "./index-store.js";
import type { ItemStore, StoredItem } from "./items.js";
import type { ChangeLog } from "./change-log.js";
import type { TtlIndex } from "./ttl-index.js";
import { vectorRow } from "./vector-maintenance.js";
import type { VectorStore } from "./vector-store.js";
import { isPartitionedIndex, type TableDef } from "../schema/table-def.js";

export interface WriteStores {
  items: ItemStore;
  indexes: IndexStore;
  vectors: VectorStore;
  /** The stream change log (src/storage/change-log.ts); the engine always provides it. */
  changeLog?: ChangeLog | undefined;
  /** The TTL expiry index (src/storage/ttl-index.ts); the engine always provides it. */
  ttlIndex?: TtlIndex | undefined;
  /**
   * The outbox of changes to GSIs kept in partitions of their own (./gsi-outbox.ts). Absent
   * for a split's moves: the moved rows' entries are in those partitions already.
   */
  outbox?: GsiOutbox | undefined;
  /** The region named in a throttled write's index ARN. */
  region?: string | undefined;
}

/**
 * Puts `next` at `key` (deletes the item, when undefined) over whatever is there, with its
 * index and TTL entries: a row copied as it stands elsewhere (a split's move, a restore, an
 * import), so putting it twice changes nothing. Call inside a transaction.
 */
export function putAsIs(
  stores: WriteStores,
  def: TableDef,
  key: EncodedKey,
  next: Item | undefined,
  size?: number,
): void {
  const previous = stores.items.get(def.tid, key.pk, key.sk);
  if (!previous && !next) return;
  const oldItem = previous ? (JSON.parse(previous.doc) as Item) : undefined;
  writeItem(stores, def, key, previous, oldItem, next, size ?? (next ? itemSize(next) : 0));
}

/**
 * Replaces the item at `key` (whose current row is `previous`, parsed as `oldItem`) with
 * `next`, or deletes it when `next` is undefined. Returns the new item's size.
 */
export function writeItem(
  stores: WriteStores,
  def: TableDef,
  key: EncodedKey,
  previous: StoredItem | undefined,
  oldItem: Item | undefined,
  next: Item | undefined,
  nextSize: number = next ? itemSize(next) : 0,
): number {
  // Streams and TTL need the old item even where indexes do not (callers parse it only
  // for indexes, conditions and ReturnValues).
  if (oldItem === undefined && previous && (def.stream?.enabled || def.ttl?.enabled)) {
    oldItem = JSON.parse(previous.doc) as Item;
  }
  if (next) {
    checkIndexKeys(def, next);
    stores.items.put(def.tid, key.pk, key.sk, JSON.stringify(next), nextSize);
  } else if (previous) {
    stores.items.delete(def.tid, key.pk, key.sk);
  }
  // The table's counters follow by SQLite triggers (./schema.ts): nothing to do here.
  for (const index of def.indexes ?? []) {
    // A CREATING index holds only what its backfill has copied so far; rows past the
    // backfill cursor are left to the backfill, which reads them as they then are.
    if (!backfillCovers(index, key)) continue;
    const before = oldItem && indexEntry(def, index, oldItem, key);
    const after = next && indexEntry(def, index, next, key);
    if (!isPartitionedIndex(index)) {
      keepHere(stores.indexes, index.iid, before, after);
      continue;
    }
    // A GSI in partitions of its own: entries whose index partition this object holds are
    // kept here like the others; the rest go through the outbox. Absent for a split's moves,
    // whose entries are where they belong already.
    const outbox = stores.outbox;
    if (!outbox) continue;
    const beforeHere = before && outbox.holdsHere(index, before.key) ? before : undefined;
    const afterHere = after && outbox.holdsHere(index, after.key) ? after : undefined;
    keepHere(stores.indexes, index.iid, beforeHere, afterHere);
    const moved = before && !(after && sameKey(before.key, after.key));
    if (before && !beforeHere && moved) outbox.append(def, index, before.key, undefined, stores.region);
    if (after && !afterHere && (moved || before?.doc !== after.doc)) {
      outbox.append(def, index, after.key, after, stores.region);
    }
  }
  // Vector rows are keyed by the table key: replaced or removed without the old item. A
  // CREATING index is kept too: its backfill rewrites the rows it passes as they then are.
  for (const index of def.vectorIndexes ?? []) {
    const row = next && vectorRow(def, index, next);
    if (row) stores.vectors.put(index, key.pk, key.sk, row);
    else if (previous) stores.vectors.delete(index.vid, key.pk, key.sk);
  }
  stores.ttlIndex?.update(def, key, oldItem, next);
  stores.changeLog?.record(def, oldItem, next);
  return nextSize;
}

/**
 * An item's entry in an index held in this object, from `before` to `after` (either absent):
 * the old row deleted when its key changed, the new one put unless it is the same, the
 * index's counts following.
 */
function keepHere(
  indexes: IndexStore,
  iid: number,
  before: IndexEntry | undefined,
  after: IndexEntry | undefined,
): void {
  const same = before && after && sameKey(before.key, after.key);
  if (before && !same) indexes.delete(iid, before.key);
  if (after && !(same && before?.doc === after.doc)) indexes.put(iid, after.key, after.doc, after.size);
  indexes.adjustStats(iid, (after ? 1 : 0) - (before ? 1 : 0), (after?.size ?? 0) - (before?.size ?? 0));
}

function sameKey(a: { ipk: Uint8Array; isk: Uint8Array }, b: { ipk: Uint8Array; isk: Uint8Array }): boolean {
  return equalBytes(a.ipk, b.ipk) && equalBytes(a.isk, b.isk);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
