// An index partition's side of a global secondary index kept in partitions of its own:
// changes sent by a table partition's outbox (./gsi-outbox.ts) applied to index_items, each
// once. A sender sends its changes to this object in its own seq order and again after a
// failure, so the highest seq applied per sender is all it takes to drop a repeat.
import type { IndexChange, InboxReply } from "../schema/index-change.js";
import { storedHash } from "../keys/partition.js";
import { holdsIndexKey } from "./gsi-outbox.js";
import { reach } from "./faults.js";
import type { Catalogue } from "./catalogue.js";
import type { IndexStore } from "./index-store.js";
import type { Sql } from "./sql.js";

export interface InboxStores {
  sql: Sql;
  catalogue: Catalogue;
  indexes: IndexStore;
}

/**
 * Applies `changes` (in seq order) from `source`, in one transaction. `self` is this
 * object's name (without its tenant): a change for an index key this object does not hold
 * by its map, or holds fenced by a split in progress here (src/split/index-split.ts), stops
 * the call, answered `moved`; the sender sends it again by a newer map.
 */
export function applyIndexChanges(
  stores: InboxStores,
  source: string,
  changes: readonly IndexChange[],
  self: string | undefined,
): InboxReply {
  return stores.sql.transaction(() => {
    const row = stores.sql.first<{ seq: number }>("SELECT seq FROM gsi_inbox WHERE source = ?", source);
    const last = row?.seq ?? 0;
    let through = last;
    let missing: InboxReply["missing"];
    let moved: InboxReply["moved"];
    for (const change of changes) {
      if (change.seq <= last) continue;
      const def = stores.catalogue.get(change.table);
      if (def && def.tableId !== change.tableId) {
        // A later table of that name: the change's table is gone, and its index with it.
        through = change.seq;
        continue;
      }
      const index = def?.indexes?.find((i) => i.name === change.index);
      if (!index) {
        missing = { table: change.table, tableId: change.tableId, index: change.index };
        break;
      }
      if (!holdsIndexKey(stores.sql, index, storedHash(change.ipk), self)) {
        moved = { table: change.table, tableId: change.tableId, index: change.index };
        break;
      }
      applyChange(stores, index.iid, change);
      through = change.seq;
    }
    if (through > last) {
      stores.sql.exec(
        "INSERT INTO gsi_inbox (source, seq) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET seq = excluded.seq",
        source,
        through,
      );
    }
    reach("gsi:before-apply-commit");
    return { through, ...(missing ? { missing } : {}), ...(moved ? { moved } : {}) };
  });
}

/** The entry's row replaced (or deleted), the index's counts following. */
function applyChange(stores: InboxStores, iid: number, change: IndexChange): void {
  const key = { ipk: change.ipk, isk: change.isk, tpk: change.tpk, tsk: change.tsk };
  stores.indexes.replace(iid, key, change.doc === null ? undefined : { doc: change.doc, size: change.size });
}
