// When a GSI kept in partitions of its own, added by UpdateTable, turns ACTIVE. Each table
// partition walks its own items into its outbox (src/storage/backfill.ts) and, once those
// changes are applied, reports to the catalogue's home; the home turns the index ACTIVE when
// every partition of the table's map has reported, and the last reporter gives that
// definition to every object of the table. Until then the index's status is CREATING
// everywhere (each object takes the home's status for such an index: src/engine/engine.ts),
// so its partitions refuse reads, as DynamoDB refuses reads of a backfilling index.
import type { Engine } from "../engine/engine.js";
import type { ShardDirectory } from "../protocol/shard-rpc.js";
import { objectName, sharedObject } from "../schema/partition-map.js";
import {
  isPartitionedIndex,
  layoutObjects,
  partitionMapOf,
  type IndexDef,
  type TableDef,
} from "../schema/table-def.js";
import type { Self } from "./propagation.js";

/** Walks done here, in a partition of the table, and not yet reported: (table, index). */
function unreported(engine: Engine, self: Self): { def: TableDef; index: IndexDef }[] {
  const out: { def: TableDef; index: IndexDef }[] = [];
  for (const name of engine.catalogue.names()) {
    const def = engine.catalogue.get(name);
    // The home and the index's own objects hold none of the table's items: nothing to report.
    if (!def || !partitionMapOf(def).partitions.some((p) => p.object === self.object)) continue;
    for (const index of def.indexes ?? []) {
      if (isPartitionedIndex(index) && index.walked && !index.reported) {
        out.push({ def, index });
      }
    }
  }
  return out;
}

/** Whether this object has a walk to report (the host's alarm keeps running while it has). */
export function backfillToReport(engine: Engine, self: Self): boolean {
  return unreported(engine, self).length > 0;
}

/**
 * Reports this object's finished walks to the home; where the home's answer is the index
 * turned ACTIVE, gives that definition to every object of the table.
 */
export async function reportBackfills(engine: Engine, directory: ShardDirectory, self: Self): Promise<void> {
  const binding = directory.ownBinding(objectName(self.tenant, self.object));
  if (binding === undefined) return;
  const stub = (object: string) => directory.shard(binding, objectName(self.tenant, object));
  for (const { def, index } of unreported(engine, self)) {
    const home = stub(sharedObject(0));
    if (!home) return;
    const after = await home.indexBackfilled(def.name, def.tableId, index.name, self.object);
    // Null: the home has no such index (deleted since; or a table driven in this object alone).
    if (after?.indexes?.find((i) => i.name === index.name)?.status === "ACTIVE") {
      // Told before this object notes its report: a crash in between reports (and tells) again.
      const others = layoutObjects(after).filter((object) => object !== self.object && object !== sharedObject(0));
      await Promise.all(others.map((object) => stub(object)?.applyTable(after.name, after)));
      engine.applyTable(after.name, after);
    }
    const mine = engine.catalogue.get(def.name);
    if (!mine || mine.tableId !== def.tableId) continue;
    engine.catalogue.update({
      ...mine,
      indexes: (mine.indexes ?? []).map((i) => (i.name === index.name ? { ...i, reported: true } : i)),
    });
  }
}

/**
 * The home's side: `object` has walked its items into `index`. Returns the definition
 * after it (the index ACTIVE once every partition of the table has), or null for a table
 * or index no longer there. Call inside a transaction.
 */
export function recordBackfill(
  engine: Engine,
  table: string,
  tableId: string,
  index: string,
  object: string,
): TableDef | null {
  const def = engine.catalogue.get(table);
  const target = def?.tableId === tableId ? def.indexes?.find((i) => i.name === index) : undefined;
  if (!def || !target) return null;
  if (target.status !== "CREATING") return def;
  const done = new Set([...(target.backfilledBy ?? []), object]);
  const objects = partitionMapOf(def).partitions.map((p) => p.object);
  const next: IndexDef = { ...target };
  if (objects.every((o) => done.has(o))) {
    next.status = "ACTIVE";
    delete next.backfilledBy;
  } else {
    next.backfilledBy = objects.filter((o) => done.has(o));
  }
  const after: TableDef = { ...def, indexes: (def.indexes ?? []).map((i) => (i.name === index ? next : i)) };
  engine.catalogue.update(after);
  return after;
}
