// Test-only fault injection in the write path, with no hook in product code: a test
// wraps the item store of one live engine (the shard's, reached with runInDurableObject)
// so that a later item write throws, as a crash at that point would stop the request.
// Every write path (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems)
// writes items through src/storage/write.ts inside one SQLite transaction, so the throw
// must roll back every row the request wrote before it, counters and indexes included;
// test/robustness/durability.test.ts checks that it does.
//
// Costs nothing when not armed: the product's methods are untouched; arming shadows them
// on one instance, and firing or disarming removes the shadow.
import type { ItemStore } from "../../src/storage/items.js";

export type WriteFaultStep =
  /** Throw when an item row is about to be written, patched or deleted (nothing of it written yet). */
  | "before-row"
  /** Throw just after an item row was written or deleted (its counters and indexes not yet). */
  | "after-row";

/** What arming needs of an engine: its item store (src/engine/engine.ts Engine has it). */
export interface FaultTarget {
  items: ItemStore;
}

export class InjectedWriteFault extends Error {}

type Mutable = Pick<ItemStore, "put" | "delete" | "patchRow">;

/**
 * Arms `step` on `target`'s item store: the (skip + 1)-th item write (put, patch or delete) from
 * now throws InjectedWriteFault, once. Returns `disarm`, which removes the fault if it has
 * not fired and reports whether it had.
 */
export function armWriteFault(target: FaultTarget, step: WriteFaultStep, skip = 0): () => boolean {
  const store = target.items as Mutable & ItemStore;
  const original: Mutable = { put: store.put, delete: store.delete, patchRow: store.patchRow };
  let left = skip;
  let fired = false;
  const restore = (): void => {
    // Deleting the own properties uncovers the prototype's methods again.
    delete (store as Partial<Mutable>).put;
    delete (store as Partial<Mutable>).delete;
    delete (store as Partial<Mutable>).patchRow;
  };
  const wrap =
    <A extends unknown[]>(write: (...args: A) => void) =>
    (...args: A): void => {
      const hit = left-- === 0;
      if (hit) {
        fired = true;
        restore();
      }
      if (hit && step === "before-row") throw new InjectedWriteFault("injected fault before an item row");
      write.apply(store, args);
      if (hit) throw new InjectedWriteFault("injected fault after an item row");
    };
  store.put = wrap(original.put);
  store.delete = wrap(original.delete);
  store.patchRow = wrap(original.patchRow);
  return () => {
    if (!fired) restore();
    return fired;
  };
}
