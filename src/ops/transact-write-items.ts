// TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions over any
// tables, at most one per item, applied all or none (src/txn). Where each fault lands
// follows DynamoDB (dynamodb-conformance captures, moto's AWS-verified tests):
// - a plain ValidationException for the request's shape and expressions, an empty or
//   oversized key value, an empty index key value, two actions on one item, over 4 MB;
// - ResourceNotFoundException for a missing table;
// - TransactionCanceledException, one reason per action in request order, for what
//   depends on the table or the stored items: a key that does not fit the schema, a wrong
//   index key type, a failed condition, an update that cannot apply.
//
// No read sees half a transaction: in one shard it runs synchronously from prepare to
// commit inside one SQLite transaction (src/ops/transactions/local.ts). Across shards it runs
// two-phase commit (src/txn/coordinator.ts): each shard's share is prepared (prepareShare,
// holding its items: src/storage/item-locks.ts) and later committed (commitShare); a request
// meeting a held item gets TransactionConflict.
import { validation } from "../errors.js";
import { compileUpdate } from "../expr/compile-update.js";
import { runWriteTransaction } from "./transactions/local.js";
import { isValidationError, TransactionCanceledError, validationReason } from "./transactions/errors.js";
import { requestDigest, TokenStore } from "../storage/request-tokens.js";
import { itemLockKey } from "../storage/item-locks.js";
import { LocalParticipant } from "./transactions/participant.js";
import type { PreparedAction, PreparedTxn, WriteAction } from "./transactions/types.js";
import { checkItemSize, itemSize } from "../values/size.js";
import { validateItem } from "../values/validate.js";
import { readUnits, type ReturnConsumedCapacity } from "./capacity.js";
import { attributeMap, returnConsumedCapacity, returnItemCollectionMetrics, tableName } from "./common-shapes.js";
import { CollectionMetrics } from "./item-collections.js";
import { expressionAttributeNames, expressionAttributeValues, expressionsOf, writeCondition } from "./item-shapes.js";
import { defineOp, type OpContext } from "./operation.js";
import { TableCapacity, TRANSACTIONAL_FACTOR } from "./table-capacity.js";
import { tableForData } from "./tables.js";
import {
  checkKeyValues,
  checkPutIndexKeyValues,
  planFor,
  readCurrent,
  writeUnitsOf,
  type ReturnOnFailure,
  type WriteSpec,
} from "./write-plans.js";
import type { Shape } from "../protocol/shape.js";

export const MAX_TRANSACT_ITEMS = 100;
/** The aggregate size of a transaction's items (API reference). */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

export const MULTIPLE_OPERATIONS_MESSAGE = "Transaction request cannot include multiple operations on one item";
/** dynalite's wording, not confirmed against DynamoDB. */
export const NO_ACTION_MESSAGE =
  "The action or operation requested is invalid. Verify that the action is typed correctly.";
/** moto's wording, not confirmed against DynamoDB. */
export const SEVERAL_ACTIONS_MESSAGE = "TransactItems can only contain one of Check, Put, Update or Delete";
/** Not confirmed against DynamoDB (see the report). */
export const TRANSACTION_TOO_LARGE_MESSAGE = "Transaction request cannot exceed the aggregate item size limit of 4 MB";

type ActionKind = "ConditionCheck" | "Delete" | "Put" | "Update";
const ACTION_KINDS: readonly ActionKind[] = ["ConditionCheck", "Delete", "Put", "Update"];

interface ActionMembers {
  TableName: string;
  Item?: Record<string, unknown>;
  Key?: Record<string, unknown>;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ReturnValuesOnConditionCheckFailure?: ReturnOnFailure;
}

type TransactWriteItem = Partial<Record<ActionKind, ActionMembers>>;

interface CompiledAction {
  table: string;
  spec: WriteSpec;
}

interface TransactWriteItemsInput {
  TransactItems: TransactWriteItem[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: "SIZE" | "NONE";
  ClientRequestToken?: string;
  /** Compiled by validate. */
  compiled?: CompiledAction[];
  digest?: string;
}

const conditionMembers = (conditionRequired = false): Record<string, Shape> => ({
  ConditionExpression: { kind: "string", notNull: conditionRequired },
  ExpressionAttributeNames: expressionAttributeNames,
  ExpressionAttributeValues: expressionAttributeValues,
  ReturnValuesOnConditionCheckFailure: { kind: "string", enum: ["ALL_OLD", "NONE"] },
});

const action = (name: ActionKind, members: Record<string, Shape>): Shape => ({
  kind: "structure",
  name,
  members: { ...members, TableName: tableName },
});

export const transactWriteItems = defineOp<TransactWriteItemsInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    ReturnItemCollectionMetrics: returnItemCollectionMetrics,
    TransactItems: {
      kind: "list",
      notNull: true,
      minLength: 1,
      maxLength: MAX_TRANSACT_ITEMS,
      member: {
        kind: "structure",
        name: "TransactWriteItem",
        members: {
          ConditionCheck: action("ConditionCheck", { Key: attributeMap(true), ...conditionMembers(true) }),
          Delete: action("Delete", { Key: attributeMap(true), ...conditionMembers() }),
          Put: action("Put", { Item: attributeMap(true), ...conditionMembers() }),
          Update: action("Update", {
            Key: attributeMap(true),
            UpdateExpression: { kind: "string", notNull: true },
            ...conditionMembers(),
          }),
        },
      },
    },
    ClientRequestToken: { kind: "string", minLength: 1, maxLength: 36 },
  },
  validate(input) {
    const compiled = input.TransactItems.map(compileAction);
    let bytes = 0;
    for (const { spec } of compiled) bytes += itemSize(spec.kind === "Put" ? spec.item : spec.key);
    if (bytes > MAX_TRANSACTION_BYTES) throw validation(TRANSACTION_TOO_LARGE_MESSAGE);
    input.compiled = compiled;
    if (input.ClientRequestToken !== undefined) input.digest = requestDigest(input.TransactItems);
  },
  execute(ctx, input) {
    const compiled = input.compiled ?? [];
    const token = input.ClientRequestToken;
    const tokens = new TokenStore(ctx.sql);
    const digest = input.digest ?? "";
    if (token !== undefined) {
      const replayed = tokens.replay(token, digest, ctx.now);
      if (replayed) return replayOutput(ctx, input, compiled, replayed);
    }

    const actions = bindActions(ctx, compiled);

    const capacity = new TableCapacity();
    let output: Record<string, unknown> = {};
    runWriteTransaction(ctx, actions, (done) => {
      output = committedOutput(ctx, input, done, capacity);
      if (token !== undefined) tokens.remember(token, digest, output, ctx.now);
    });
    const consumed = capacity.list(input.ReturnConsumedCapacity, true);
    return consumed ? { ...output, ConsumedCapacity: consumed } : output;
  },
});

/**
 * The faults of the whole request (missing tables, key values, two actions on one item),
 * then each action bound to its table: a plan, or the ValidationError reason that cancels.
 */
function bindActions(ctx: OpContext, compiled: readonly CompiledAction[]): WriteAction[] {
  // Faults of the whole request: missing tables, key values, two actions on one item.
  const defs = compiled.map(({ table }) => tableForData(ctx, table));
  compiled.forEach(({ spec }, i) => {
    const def = defs[i] as (typeof defs)[number];
    checkKeyValues(def, spec.kind === "Put" ? spec.item : spec.key);
    if (spec.kind === "Put") checkPutIndexKeyValues(def, spec.item);
  });
  const actions: WriteAction[] = compiled.map(({ spec }, index) => {
    try {
      return { index, plan: planFor(defs[index] as (typeof defs)[number], spec) };
    } catch (err) {
      if (!isValidationError(err)) throw err;
      return { index, invalid: validationReason(err) };
    }
  });
  const seen = new Set<string>();
  for (const a of actions) {
    if (!("plan" in a)) continue;
    const id = itemLockKey(a.plan.def.tid, a.plan.key);
    if (seen.has(id)) throw validation(MULTIPLE_OPERATIONS_MESSAGE);
    seen.add(id);
  }

  return actions;
}

/**
 * Cross-shard two-phase commit, participant side (src/txn/prepared-shares.ts): this shard's
 * share of a transaction (a TransactWriteItems request holding only the actions on its
 * items, in request order) checked and prepared under `txnId`, holding the item records.
 * Throws a TransactionCanceledError with one reason per action of the share when it
 * cannot go ahead, a DynamoError for a fault of the whole request.
 */
export function prepareShare(ctx: OpContext, input: TransactWriteItemsInput, txnId: string): PreparedTxn {
  const result = new LocalParticipant(ctx).prepare(txnId, bindActions(ctx, input.compiled ?? []));
  if (!result.ok) throw new TransactionCanceledError(result.reasons);
  return result.prepared;
}

/**
 * Commits a share prepared by prepareShare: the same plans computed again (the records
 * held since prepare kept every other write off the items, so they find what prepare
 * found) and applied through the single write path. Returns the share's output.
 */
export function commitShare(ctx: OpContext, input: TransactWriteItemsInput, txnId: string): Record<string, unknown> {
  const prepared = prepareShare(ctx, input, txnId);
  new LocalParticipant(ctx).commit(prepared);
  const capacity = new TableCapacity();
  const output = committedOutput(ctx, input, prepared.actions, capacity);
  const consumed = capacity.list(input.ReturnConsumedCapacity, true);
  return consumed ? { ...output, ConsumedCapacity: consumed } : output;
}

export type { TransactWriteItemsInput };

/** Step 1 of each action (src/ops/write-plans.ts): its members checked and expressions compiled. */
function compileAction(item: TransactWriteItem | undefined): CompiledAction {
  const kinds = ACTION_KINDS.filter((kind) => item?.[kind] !== undefined);
  if (kinds.length === 0) throw validation(NO_ACTION_MESSAGE);
  if (kinds.length > 1) throw validation(SEVERAL_ACTIONS_MESSAGE);
  const kind = kinds[0] as ActionKind;
  const members = (item as TransactWriteItem)[kind] as ActionMembers;
  const returnOnFailure = members.ReturnValuesOnConditionCheckFailure;
  switch (kind) {
    case "Put": {
      const ctx = expressionsOf(members, ["ConditionExpression"], []);
      const putItem = validateItem(members.Item);
      checkItemSize(putItem);
      const condition = writeCondition(members, ctx);
      ctx.checkAllUsed();
      return { table: members.TableName, spec: { kind, item: putItem, condition, returnOnFailure } };
    }
    case "Update": {
      const ctx = expressionsOf(members, ["UpdateExpression", "ConditionExpression"], []);
      const key = validateItem(members.Key, "Key");
      const update = compileUpdate(members.UpdateExpression as string, ctx);
      const condition = writeCondition(members, ctx);
      ctx.checkAllUsed();
      return { table: members.TableName, spec: { kind, key, update, condition, returnOnFailure } };
    }
    case "Delete":
    case "ConditionCheck": {
      const ctx = expressionsOf(members, ["ConditionExpression"], []);
      const key = validateItem(members.Key, "Key");
      const condition = writeCondition(members, ctx);
      ctx.checkAllUsed();
      if (kind === "Delete") return { table: members.TableName, spec: { kind, key, condition, returnOnFailure } };
      return {
        table: members.TableName,
        spec: { kind, key, condition: condition as NonNullable<typeof condition>, returnOnFailure },
      };
    }
  }
}

/**
 * The response of a committed transaction (ConsumedCapacity is added by the caller, as a
 * replay reports its own). Capacity: twice the units of the same writes outside a
 * transaction; a ConditionCheck reads (not confirmed against DynamoDB, see the report).
 */
function committedOutput(
  ctx: OpContext,
  input: TransactWriteItemsInput,
  done: readonly PreparedAction[],
  capacity: TableCapacity,
): Record<string, unknown> {
  const metrics = new CollectionMetrics();
  for (const { plan, current, next } of done) {
    if (plan.spec.kind === "ConditionCheck") {
      capacity.addRead(plan.def.name, TRANSACTIONAL_FACTOR * readUnits(current.row?.size ?? 0, true));
    } else {
      capacity.addWrite(plan.def.name, TRANSACTIONAL_FACTOR * writeUnitsOf(current, next));
      metrics.add(plan);
    }
  }
  const output: Record<string, unknown> = {};
  if (input.ReturnItemCollectionMetrics === "SIZE") {
    const collections = metrics.output(ctx);
    if (collections) output.ItemCollectionMetrics = collections;
  }
  return output;
}

/**
 * A replay of a remembered request: the first response, with ConsumedCapacity (when asked
 * for) as the transactional reads of the items now at the actions' keys (API reference:
 * "the number of read capacity units consumed in reading the item").
 */
function replayOutput(
  ctx: OpContext,
  input: TransactWriteItemsInput,
  compiled: readonly CompiledAction[],
  remembered: Record<string, unknown>,
): Record<string, unknown> {
  const capacity = new TableCapacity();
  for (const { table, spec } of compiled) {
    let size = 0;
    const def = ctx.catalogue.get(table);
    if (def) {
      try {
        size = readCurrent(ctx, planFor(def, spec)).row?.size ?? 0;
      } catch (err) {
        if (!isValidationError(err)) throw err;
      }
    }
    capacity.addRead(table, TRANSACTIONAL_FACTOR * readUnits(size, true));
  }
  const consumed = capacity.list(input.ReturnConsumedCapacity, true);
  return consumed ? { ...remembered, ConsumedCapacity: consumed } : { ...remembered };
}
