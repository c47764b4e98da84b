// ItemCollectionMetrics of the multi-item writes (ReturnItemCollectionMetrics SIZE): for
// each table with a local secondary index, one entry per item collection (partition key
// value) the request wrote to, with DynamoDB's size estimate: a [lower, upper] range in GB
// bracketing the collection's bytes (its items and their LSI entries). Tables without an
// LSI have no item collections and are left out.
import { keyAttributesOf } from "../keys/item-key.js";
import type { Item } from "../types.js";
import type { OpContext } from "./operation.js";
import type { ItemPlan } from "./write-plans.js";
import type { TableDef } from "../schema/table-def.js";

const GB = 1024 * 1024 * 1024;

export class CollectionMetrics {
  private readonly tables = new Map<string, Map<string, { def: TableDef; pk: Uint8Array; key: Item }>>();

  /** Records the item collection a write touched. */
  add(plan: ItemPlan): void {
    const def = plan.def;
    if (!def.indexes?.some((index) => index.kind === "LSI")) return;
    const hash = def.keySchema.find((k) => k.KeyType === "HASH")?.AttributeName ?? "";
    const source = plan.spec.kind === "Put" ? plan.spec.item : plan.spec.key;
    const keyValue = keyAttributesOf(def, source)[hash];
    if (!keyValue) return;
    let collections = this.tables.get(def.name);
    if (!collections) {
      collections = new Map();
      this.tables.set(def.name, collections);
    }
    collections.set(JSON.stringify(keyValue), { def, pk: plan.key.pk, key: { [hash]: keyValue } });
  }

  /** The ItemCollectionMetrics member, measured now (after the writes), or undefined when empty. */
  output(ctx: OpContext): Record<string, unknown[]> | undefined {
    if (this.tables.size === 0) return undefined;
    const out: Record<string, unknown[]> = {};
    for (const [table, collections] of this.tables) {
      out[table] = [...collections.values()].map(({ def, pk, key }) => {
        const bytes = collectionBytes(ctx, def, pk);
        const low = Math.floor(bytes / GB);
        return { ItemCollectionKey: key, SizeEstimateRangeGB: [low, low + 1] };
      });
    }
    return out;
  }
}

/**
 * The ItemCollectionMetrics member of a single-item write (PutItem, UpdateItem,
 * DeleteItem): one object, for tables with an LSI, when SIZE was asked for.
 */
export function itemCollectionMetrics(
  ctx: OpContext,
  plan: ItemPlan,
  mode: string | undefined,
): Record<string, unknown> | undefined {
  if (mode !== "SIZE") return undefined;
  const metrics = new CollectionMetrics();
  metrics.add(plan);
  const entries = metrics.output(ctx)?.[plan.def.name] as Record<string, unknown>[] | undefined;
  return entries?.[0];
}

/** Bytes of one item collection: its items and their entries in the table's LSIs. */
function collectionBytes(ctx: OpContext, def: TableDef, pk: Uint8Array): number {
  const items = ctx.sql.first<{ n: number }>(
    "SELECT COALESCE(SUM(size), 0) AS n FROM items WHERE tid = ? AND pk = ?",
    def.tid,
    pk,
  );
  let total = items?.n ?? 0;
  for (const index of def.indexes ?? []) {
    if (index.kind !== "LSI") continue;
    // An LSI shares the table's partition key, so its entries sit under the same pk.
    const entries = ctx.sql.first<{ n: number }>(
      "SELECT COALESCE(SUM(size), 0) AS n FROM index_items WHERE iid = ? AND ipk = ?",
      index.iid,
      pk,
    );
    total += entries?.n ?? 0;
  }
  return total;
}
