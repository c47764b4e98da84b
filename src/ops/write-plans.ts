// Single-item writes as reusable plans: PutItem, UpdateItem and DeleteItem run one plan;
// BatchWriteItem runs many in one SQLite transaction; TransactWriteItems prepares many
// (src/txn) and commits them together. A write takes four steps:
//
// 1. compile (the request alone, no table): the operation validates its members and
//    compiles its expressions into a WriteSpec;
// 2. bind (needs the table): planFor() encodes the primary key and checks what depends on
//    the schema (key attribute names and types, an update not touching the key);
// 3. check against the current item: readCurrent() then conditionHolds();
// 4. compute the next item: nextItem(), which can fail with a ValidationException that
//    depends on the stored item (operand types, 400 KB after an update).
//
// applyWrite() then stores the result through writeItem (src/storage/write.ts), the one
// write path for item rows and secondary indexes (table counters follow the rows by
// trigger). A PutItem or DeleteItem needing none of steps 3-4 is one statement instead
// (blindWrite).
import { validation } from "../errors.js";
import type { ResolvedCondition, ResolvedUpdate } from "../expr/ast.js";
import { applyUpdate, keyAttributeUpdateMessage } from "../expr/apply-update.js";
import { evaluateCondition } from "../expr/evaluate.js";
import { applyAttributeUpdates } from "../expr/legacy.js";
import { keyAttributesOf, keyOfItem, keyOfKeyMap, type EncodedKey } from "../keys/item-key.js";
import { checkIndexKeys, indexKeyAttributes } from "../storage/index-maintenance.js";
import type { ItemStore, StoredItem } from "../storage/items.js";
import { writeItem, type WriteStores } from "../storage/write.js";
import { checkNoTransactionOnItem } from "../storage/item-locks.js";
import type { AttributeValue, Item } from "../types.js";
import { checkKeySize, itemSize, MAX_ITEM_SIZE, sizeAfterUpdate } from "../values/size.js";
import { emptyKeyBinary, emptyKeyString, typeOf } from "../values/validate.js";
import { writeUnits } from "./capacity.js";
import { checkCondition } from "./item-shapes.js";
import type { OpContext } from "./operation.js";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../schema/table-def.js";

export type ReturnOnFailure = "ALL_OLD" | "NONE";

/** AttributeUpdates after validation (src/expr/legacy.ts). */
export type LegacyUpdates = Record<string, { action: string; value?: AttributeValue }>;

interface SpecBase {
  condition?: ResolvedCondition | undefined;
  returnOnFailure?: ReturnOnFailure | undefined;
}

export interface PutSpec extends SpecBase {
  kind: "Put";
  item: Item;
  /** The item's size when the caller has computed it already (PutItem checks 400 KB first). */
  size?: number | undefined;
}

export interface UpdateSpec extends SpecBase {
  kind: "Update";
  key: Item;
  update?: ResolvedUpdate | undefined;
  legacyUpdates?: LegacyUpdates | undefined;
}

export interface DeleteSpec extends SpecBase {
  kind: "Delete";
  key: Item;
}

/** TransactWriteItems' ConditionCheck: a condition on an item, and no write. */
export interface CheckSpec extends SpecBase {
  kind: "ConditionCheck";
  key: Item;
  condition: ResolvedCondition;
}

/** Step 1: a compiled single-item write, independent of any table. */
export type WriteSpec = PutSpec | UpdateSpec | DeleteSpec | CheckSpec;

/** Step 2: a spec bound to its table and encoded key. */
export interface ItemPlan<S extends WriteSpec = WriteSpec> {
  readonly spec: S;
  readonly def: TableDef;
  readonly key: EncodedKey;
}

/**
 * How a Put item's key faults are worded: "item" as PutItem and TransactWriteItems say
 * it ("Missing the key id in the item", "Type mismatch for key ..."), "key" as
 * BatchWriteItem does ("The provided key element does not match the schema"; dynalite's
 * tests and the dynamodb-conformance captures, both recorded against DynamoDB).
 */
export type PutKeyWording = "item" | "key";

/** Step 2: binds `spec` to `def`; throws ValidationException for a key that does not fit. */
export function planFor<S extends WriteSpec>(def: TableDef, spec: S, putWording: PutKeyWording = "item"): ItemPlan<S> {
  let key: EncodedKey;
  if (spec.kind === "Put") {
    key = putWording === "item" ? keyOfItem(def, spec.item) : keyOfKeyMap(def, keyAttributesOf(def, spec.item));
  } else {
    key = keyOfKeyMap(def, spec.key);
    if (spec.kind === "Update") checkKeyNotUpdated(def, spec);
  }
  return { spec, def, key };
}

/** "Cannot update attribute pk. This attribute is part of the key", for SET/REMOVE/ADD/DELETE and AttributeUpdates. */
function checkKeyNotUpdated(def: TableDef, spec: UpdateSpec): void {
  const keyNames = def.keySchema.map((k) => k.AttributeName);
  const touched: string[] = [];
  if (spec.update) {
    const { set, remove, add, delete: del } = spec.update;
    for (const path of [...set.map((a) => a.path), ...remove, ...add.map((a) => a.path), ...del.map((a) => a.path)]) {
      if (typeof path[0] === "string") touched.push(path[0]);
    }
  }
  if (spec.legacyUpdates) touched.push(...Object.keys(spec.legacyUpdates));
  const key = touched.find((name) => keyNames.includes(name));
  if (key !== undefined) {
    throw validation(keyAttributeUpdateMessage(key));
  }
}

/** The stored row at a plan's key, and its item. */
export interface Current {
  row: StoredItem | undefined;
  item: Item | undefined;
}

/** Step 3 (read): the item the plan's key holds now. */
export function readCurrent(stores: { items: ItemStore }, plan: ItemPlan): Current {
  const { tid } = plan.def;
  const { pk, sk } = plan.key;
  const size = stores.items.sizeOf(tid, pk, sk);
  if (size === undefined) return { row: undefined, item: undefined };
  // The document is read, and parsed, on first use: a plain PutItem (no condition,
  // ReturnValues, index or stream) needs only the old row's size, and reading and parsing
  // a large document would be most of its work. Callers are inside the write's
  // transaction, with no await, so no other request changes the row in between; what
  // needs the old item after the write reads it first (runWrite's `returnsOld`).
  let doc: string | undefined;
  let parsed: Item | undefined;
  const row: StoredItem = {
    size,
    get doc(): string {
      if (doc === undefined) {
        const stored = stores.items.get(tid, pk, sk);
        // A programming error, not a request's: the write replaced the row first.
        if (!stored) throw new Error("durable-dynamodb: old item read after its write");
        doc = stored.doc;
      }
      return doc;
    },
  };
  return {
    row,
    get item(): Item {
      parsed ??= JSON.parse(row.doc) as Item;
      return parsed;
    },
  };
}

/** Step 3 (check): whether the plan's condition, if any, holds for the current item. */
export function conditionHolds(plan: ItemPlan, current: Current): boolean {
  return !plan.spec.condition || evaluateCondition(plan.spec.condition, current.item);
}

/** What a plan leaves at its key. */
export interface Next {
  /** Whether storage changes (not for a ConditionCheck, nor a delete or remove-only update of a missing item). */
  write: boolean;
  /** The item afterwards (undefined: none). */
  item: Item | undefined;
  /** Its size as DynamoDB counts it (0 when there is none, and for a ConditionCheck). */
  size: number;
  /** An update expression's changed top-level attributes (for an existing item). */
  changed?: readonly string[];
}

export const UPDATE_TOO_LARGE_MESSAGE = "Item size to update has exceeded the maximum allowed size";

/** Step 4: the item the plan leaves, computed from the current one (may throw ValidationException). */
export function nextItem(plan: ItemPlan, current: Current): Next {
  const spec = plan.spec;
  switch (spec.kind) {
    case "ConditionCheck":
      return { write: false, item: current.item, size: 0 };
    case "Delete":
      return { write: current.row !== undefined, item: undefined, size: 0 };
    case "Put":
      return { write: true, item: spec.item, size: spec.size ?? itemSize(spec.item) };
    case "Update":
      return updatedItem(plan.def, spec, current.row ? current.item : undefined, current.row?.size);
  }
}

/**
 * The item an update leaves, from the item it finds (undefined: none) of `oldSize` bytes;
 * also what src/ops/update-patch.ts runs on the named attributes alone.
 */
export function updatedItem(
  def: TableDef,
  spec: UpdateSpec,
  oldItem: Item | undefined,
  oldSize: number | undefined,
): Next {
  let item: Item;
  let size: number;
  let changed: readonly string[] | undefined;
  if (spec.update) {
    const outcome = applyUpdate(
      oldItem,
      spec.update,
      def.keySchema.map((k) => k.AttributeName),
    );
    // An update of a missing item that only removes creates nothing (DynamoDB).
    if (!outcome.exists) return { write: false, item: undefined, size: 0 };
    if (oldItem !== undefined && oldSize !== undefined) {
      // The key attributes are the stored item's own (an update cannot name them), and
      // only the named top-level attributes changed: sized by difference from the row's size.
      item = outcome.item;
      changed = outcome.changedAttributes;
      size = sizeAfterUpdate(oldItem, oldSize, item, changed);
    } else {
      item = { ...outcome.item, ...keyAttributesOf(def, spec.key) };
      size = itemSize(item);
    }
  } else {
    // Likewise AttributeUpdates that only DELETE: nothing to delete from a missing item.
    const updates = Object.values(spec.legacyUpdates ?? {});
    if (oldItem === undefined && updates.length > 0 && updates.every((u) => u.action === "DELETE")) {
      return { write: false, item: undefined, size: 0 };
    }
    const base = oldItem ?? keyAttributesOf(def, spec.key);
    item = spec.legacyUpdates ? applyAttributeUpdates(base, spec.legacyUpdates) : base;
    size = itemSize(item);
  }
  if (size > MAX_ITEM_SIZE) throw validation(UPDATE_TOO_LARGE_MESSAGE);
  return changed ? { write: true, item, size, changed } : { write: true, item, size };
}

/** Stores a computed write through writeItem (nothing when the plan does not write). */
export function applyWrite(stores: WriteStores, plan: ItemPlan, current: Current, next: Next): void {
  if (!next.write) return;
  // The old item matters only for index maintenance; without indexes it is never parsed.
  const oldItem = plan.def.indexes?.length ? current.item : undefined;
  writeItem(stores, plan.def, plan.key, current.row, oldItem, next.item, next.size);
}

/** Write units of one write: 1 KB units of the larger of the old and the new item. */
export function writeUnitsOf(current: Current, next: Next): number {
  return writeUnits(Math.max(next.size, current.row?.size ?? 0));
}

export interface WriteResult {
  current: Current;
  next: Next;
}

/** Whether a PutItem or DeleteItem reply needs the old item: ALL_OLD, or its consumed capacity (sized from it). */
export function replyNeedsOld(input: { ReturnValues?: string; ReturnConsumedCapacity?: string }): boolean {
  const capacity = input.ReturnConsumedCapacity;
  return input.ReturnValues === "ALL_OLD" || capacity === "TOTAL" || capacity === "INDEXES";
}

/**
 * A Put or Delete that needs nothing of the item it replaces or removes (no condition, no
 * old item or consumed capacity to return, no index, stream or TTL entry to maintain) is
 * its one statement alone (upsert or delete), atomic by itself, with no old-row read and
 * no savepoint; the table's counters follow by trigger (src/storage/schema.ts). This is most
 * PutItems and DeleteItems. Returns false, having done nothing, when the
 * plan needs runWrite.
 */
export function blindWrite(ctx: OpContext, plan: ItemPlan<PutSpec | DeleteSpec>, needsOld: boolean): boolean {
  const { def, spec, key } = plan;
  if (needsOld || spec.condition || def.indexes?.length || def.vectorIndexes?.length) return false;
  if (def.stream?.enabled || def.ttl?.enabled) return false;
  checkNoTransactionOnItem(ctx, def.tid, key);
  if (spec.kind === "Delete") ctx.items.delete(def.tid, key.pk, key.sk);
  else ctx.items.put(def.tid, key.pk, key.sk, JSON.stringify(spec.item), spec.size ?? itemSize(spec.item));
  return true;
}

/**
 * Runs one plan as PutItem, UpdateItem and DeleteItem do: read, check the condition
 * (ConditionalCheckFailedException), compute and write, in one SQLite transaction with no
 * await, so concurrent writes never interleave. `returnsOld`: the caller reads
 * `current.item` afterwards (ReturnValues), so it is read before the write.
 */
export function runWrite(ctx: OpContext, plan: ItemPlan, returnsOld = false): WriteResult {
  return ctx.sql.transaction(() => {
    checkNoTransactionOnItem(ctx, plan.def.tid, plan.key);
    const current = readCurrent(ctx, plan);
    // current.item reads and parses the stored document: only when a condition needs it,
    // or when the caller returns the old item (read now, before the write replaces it).
    if (plan.spec.condition) checkCondition(plan.spec.condition, current.item, plan.spec.returnOnFailure);
    if (returnsOld && current.row) void current.item;
    const next = nextItem(plan, current);
    applyWrite(ctx, plan, current, next);
    return { current, next };
  });
}

// ---------------------------------------------------------------------------------------
// Faults DynamoDB reports for the whole request even inside a transaction
// ---------------------------------------------------------------------------------------

/**
 * Throws for an empty S/B key value, or one over the key size limits, of an attribute that
 * is otherwise right (present, of the key's type). TransactWriteItems and TransactGetItems
 * report these as a plain ValidationException, where a missing or mistyped key attribute
 * cancels the transaction with a ValidationError reason (dynamodb-conformance captures;
 * moto's test_transaction_with_empty_key, verified against AWS).
 */
export function checkKeyValues(def: TableDef, values: Item): void {
  const range = rangeKeyOf(def);
  for (const attr of range ? [hashKeyOf(def), range] : [hashKeyOf(def)]) {
    const value = Object.hasOwn(values, attr.name) ? values[attr.name] : undefined;
    if (!value || typeOf(value) !== attr.type) continue;
    if ("S" in value && value.S === "") throw validation(emptyKeyString(attr.name));
    if ("B" in value && value.B === "") throw validation(emptyKeyBinary(attr.name));
    checkKeySize(value, attr !== range);
  }
}

/** The index key attributes of `item` holding an empty S or B value of the right type. */
function emptyIndexKeys(def: TableDef, item: Item): { name: string; value: AttributeValue }[] {
  const found: { name: string; value: AttributeValue }[] = [];
  for (const index of def.indexes ?? []) {
    for (const attr of indexKeyAttributes(def, index)) {
      const value = Object.hasOwn(item, attr.name) ? item[attr.name] : undefined;
      if (!value || typeOf(value) !== attr.type) continue;
      const empty = ("S" in value && value.S === "") || ("B" in value && value.B === "");
      if (empty && !found.some((f) => f.name === attr.name)) found.push({ name: attr.name, value });
    }
  }
  return found;
}

/**
 * A Put whose item gives an index key an empty value: a plain ValidationException in a
 * transaction (a wrong type cancels it instead). The message is checkIndexKeys' own.
 */
export function checkPutIndexKeyValues(def: TableDef, item: Item): void {
  const [empty] = emptyIndexKeys(def, item);
  if (empty) checkIndexKeys(def, { [empty.name]: empty.value });
}

/**
 * An Update that would give an index key an empty value: a plain ValidationException with
 * its own wording (dynamodb-conformance captures of TransactWriteItems).
 */
export function checkUpdatedIndexKeyValues(def: TableDef, item: Item): void {
  const [empty] = emptyIndexKeys(def, item);
  if (!empty) return;
  const kind = "S" in empty.value ? "string" : "binary";
  throw validation(
    "One or more parameter values are not valid. The update expression attempted to update a secondary index key " +
      `to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value.`,
  );
}
