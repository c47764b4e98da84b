// The TTL index: (table, expiry, key) of every item of a TTL-enabled table whose TTL
// attribute is a number, kept by writeItem in the write's transaction, so that a sweep
// reads only the keys that have expired instead of scanning the table. Items whose TTL
// attribute is missing or not a number have no entry and never expire, as in DynamoDB.
import type { EncodedKey } from "../keys/item-key.js";
import type { Sql } from "./sql.js";
import type { Item } from "../types.js";
import type { TableDef } from "../schema/table-def.js";

export class TtlIndex {
  constructor(private readonly sql: Sql) {}

  /** Keeps the entry of the item at `key` in step with its new version (undefined: deleted). */
  update(def: TableDef, key: EncodedKey, oldItem: Item | undefined, next: Item | undefined): void {
    const ttl = def.ttl;
    if (!ttl?.enabled) return;
    const before = oldItem === undefined ? undefined : expiryOf(oldItem, ttl.attribute);
    const after = next === undefined ? undefined : expiryOf(next, ttl.attribute);
    if (before === after && oldItem !== undefined) return;
    if (after === undefined) {
      this.sql.exec("DELETE FROM ttl_index WHERE tid = ? AND pk = ? AND sk = ?", def.tid, key.pk, key.sk);
    } else {
      this.sql.exec(
        "INSERT INTO ttl_index (tid, expires, pk, sk) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (tid, pk, sk) DO UPDATE SET expires = excluded.expires",
        def.tid,
        after,
        key.pk,
        key.sk,
      );
    }
  }
}

/** The epoch-seconds expiry an item's TTL attribute gives, if it is a number. */
export function expiryOf(item: Item, attribute: string): number | undefined {
  const value = Object.hasOwn(item, attribute) ? item[attribute] : undefined;
  if (!value || !("N" in value)) return undefined;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}
