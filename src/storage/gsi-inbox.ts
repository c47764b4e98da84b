// An index partition's side of a global secondary index kept in partitions of its own:
// changes sent by a table partition's outbox (./gsi-outbox.ts) applied to index_items, each
// once. A sender sends its changes to this object in its own seq order and again after a
// failure, so the highest seq applied per sender is all it takes to drop a repeat.
import type { IndexChange, InboxReply } from "../schema/index-change.js";
import { reach } from "./faults.js";
import type { Catalogue } from "./catalogue.js";
import type { IndexStore } from "./index-store.js";
import type { Sql } from "./sql.js";

export interface InboxStores {
  sql: Sql;
  catalogue: Catalogue;
  indexes: IndexStore;
}

/** Applies `changes` (in seq order) from `source`, in one transaction. */
export function applyIndexChanges(stores: InboxStores, source: string, changes: readonly IndexChange[]): InboxReply {
  return stores.sql.transaction(() => {
    const row = stores.sql.first<{ seq: number }>("SELECT seq FROM gsi_inbox WHERE source = ?", source);
    const last = row?.seq ?? 0;
    let through = last;
    let missing: InboxReply["missing"];
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
    return missing ? { through, missing } : { through };
  });
}

/** The entry's row replaced (or deleted), the index's counts following. */
function applyChange(stores: InboxStores, iid: number, change: IndexChange): void {
  const key = { ipk: change.ipk, isk: change.isk, tpk: change.tpk, tsk: change.tsk };
  const existing = stores.sql.first<{ size: number }>(
    "SELECT size FROM index_items WHERE iid = ? AND ipk = ? AND isk = ? AND tpk = ? AND tsk = ?",
    iid,
    key.ipk,
    key.isk,
    key.tpk,
    key.tsk,
  );
  if (change.doc === null) {
    if (!existing) return;
    stores.indexes.delete(iid, key);
    stores.indexes.adjustStats(iid, -1, -existing.size);
    return;
  }
  stores.indexes.put(iid, key, change.doc, change.size);
  stores.indexes.adjustStats(iid, existing ? 0 : 1, change.size - (existing?.size ?? 0));
}
