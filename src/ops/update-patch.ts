// UpdateItem on the attributes it names, not on the whole document.
//
// An update reads and writes only the top-level attributes its expressions name (and its
// condition reads only those it names), so where nothing else needs the whole item, the
// stored document need not be parsed, nor the new one serialised: SQLite hands over the
// named attributes (json_extract), the update runs on those alone with the same code as
// the full path (src/ops/write-plans.ts updatedItem: same results, same errors, size by
// difference from the row's size), and the changed attributes go back in one statement
// (jsonb_set / jsonb_remove: replaced in place, new ones appended in the order the full
// path appends them, so the stored text is the same byte for byte; test/ops/update-patch
// checks that against the full path).
//
// The whole item is still needed, and the full path taken, when the table has secondary
// indexes (entries are projections of the item), a stream or TTL (records and expiry
// index see whole items), ReturnValues ALL_OLD/ALL_NEW or
// ReturnValuesOnConditionCheckFailure ALL_OLD (they return it), AttributeUpdates (legacy
// updates), or a name that a JSON path cannot spell (src/query/filter-sql.ts), and when
// the item does not exist yet.
import { updateNames, topLevelNames } from "../expr/names.js";
import { jsonPath } from "../query/filter-sql.js";
import { checkNoTransactionOnItem } from "../storage/item-locks.js";
import type { Item } from "../types.js";
import { checkCondition } from "./item-shapes.js";
import type { OpContext } from "./operation.js";
import { updatedItem, type ItemPlan, type UpdateSpec } from "./write-plans.js";

/** What an update did, for UpdateItem's response. */
export interface PatchResult {
  /** The named attributes before and after (all of them that exist). */
  oldAttributes: Item;
  newAttributes: Item;
  oldSize: number;
  newSize: number;
}

/**
 * The top-level attributes to read for a patch of `plan`, each name with its JSON path, or
 * undefined when the update needs the whole item (see above). `returnValues` is
 * UpdateItem's ReturnValues.
 */
export function patchTargets(
  plan: ItemPlan<UpdateSpec>,
  returnValues: string | undefined,
): Map<string, string> | undefined {
  const { def, spec } = plan;
  if (!spec.update || spec.legacyUpdates) return undefined;
  if (def.indexes?.length || def.vectorIndexes?.length || def.stream?.enabled || def.ttl?.enabled) return undefined;
  if (returnValues === "ALL_OLD" || returnValues === "ALL_NEW" || spec.returnOnFailure === "ALL_OLD") return undefined;
  const targets = new Map<string, string>();
  for (const name of [...updateNames(spec.update), ...(spec.condition ? topLevelNames(spec.condition) : [])]) {
    if (targets.has(name)) continue;
    const path = jsonPath([name]);
    if (path === undefined) return undefined;
    targets.set(name, path);
  }
  return targets;
}

/**
 * Runs the update on the named attributes (`targets`, from patchTargets): read, check and
 * write with no await in between. Returns undefined, having written nothing, when no item
 * has the key (the full path then creates it).
 */
export function patchUpdate(
  ctx: OpContext,
  plan: ItemPlan<UpdateSpec>,
  targets: ReadonlyMap<string, string>,
): PatchResult | undefined {
  const names = [...targets.keys()];
  checkNoTransactionOnItem(ctx, plan.def.tid, plan.key);
  const row = ctx.items.attributes(plan.def.tid, plan.key, [...targets.values()]);
  if (!row) return undefined;
  const old: Item = {};
  names.forEach((name, i) => {
    const text = row.values[i];
    if (text !== null && text !== undefined) old[name] = JSON.parse(text) as Item[string];
  });
  // Everything that can refuse the update does so before anything is written.
  checkCondition(plan.spec.condition, old, plan.spec.returnOnFailure);
  const next = updatedItem(plan.def, plan.spec, old, row.size);
  const item = next.item ?? {};
  // Attributes in the order the new item has them: existing ones are replaced where
  // they stand, new ones are appended in this order, as the full path's object does.
  const changedNames = next.changed ?? names;
  const changed = new Set(changedNames);
  const set: [string, string][] = [];
  for (const name of Object.keys(item)) {
    if (changed.has(name)) set.push([targets.get(name) as string, JSON.stringify(item[name])]);
  }
  const remove = changedNames.filter((name) => !Object.hasOwn(item, name)).map((name) => targets.get(name) as string);
  // One statement, atomic by itself: the table's size counter follows by trigger (src/storage/schema.ts).
  ctx.items.patchRow(row.id, set, remove, next.size);
  return { oldAttributes: old, newAttributes: item, oldSize: row.size, newSize: next.size };
}
