// TransactGetItems: up to 100 Gets over any tables, read at one point in time: in one
// shard every read runs in one synchronous section, so no write (transactional or not)
// lands between them; across shards each shard holds the items it read until every shard
// has read (readShare, src/txn/coordinator.ts). A missing table is a ResourceNotFoundException, two Gets of one item a
// ValidationException; a key that does not fit its table cancels the transaction with a
// ValidationError reason (dynamodb-conformance captures), as would (in a cluster) an item
// held by a write transaction in flight (TransactionConflict).
import { validation } from "../errors.js";
import type { DocPath } from "../expr/ast.js";
import { compileProjection } from "../expr/compile-projection.js";
import { projectPaths } from "../expr/document.js";
import { keyOfKeyMap } from "../keys/item-key.js";
import { runReadTransaction } from "./transactions/local.js";
import { isValidationError, TransactionCanceledError, validationReason } from "./transactions/errors.js";
import { LocalParticipant } from "./transactions/participant.js";
import { itemLockKey, lockTableOf } from "../storage/item-locks.js";
import type { ReadAction, ReadItem } from "./transactions/types.js";
import type { Item } from "../types.js";
import { validateItem } from "../values/validate.js";
import { readUnits, type ReturnConsumedCapacity } from "./capacity.js";
import { attributeMap, returnConsumedCapacity, tableName } from "./common-shapes.js";
import { expressionAttributeNames, expressionsOf } from "./item-shapes.js";
import { defineOp, type OpContext } from "./operation.js";
import { TableCapacity, TRANSACTIONAL_FACTOR } from "./table-capacity.js";
import { tableForData } from "./tables.js";
import { MAX_TRANSACT_ITEMS, MULTIPLE_OPERATIONS_MESSAGE } from "./transact-write-items.js";
import { checkKeyValues } from "./write-plans.js";

interface Get {
  TableName: string;
  Key: Record<string, unknown>;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

interface TransactGetItemsInput {
  TransactItems: ({ Get?: Get } | undefined)[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  /** Compiled by validate. */
  compiled?: { table: string; key: Item; projection: DocPath[] | undefined }[];
}

export const transactGetItems = defineOp<TransactGetItemsInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    TransactItems: {
      kind: "list",
      notNull: true,
      minLength: 1,
      maxLength: MAX_TRANSACT_ITEMS,
      member: {
        kind: "structure",
        name: "TransactGetItem",
        members: {
          Get: {
            kind: "structure",
            name: "Get",
            notNull: true,
            members: {
              Key: attributeMap(true),
              TableName: tableName,
              ProjectionExpression: { kind: "string" },
              ExpressionAttributeNames: expressionAttributeNames,
            },
          },
        },
      },
    },
  },
  validate(input) {
    input.compiled = input.TransactItems.map((item, i) => {
      // A null element passes the member checks (it has no members to check).
      const get = item?.Get;
      if (!get) {
        throw validation(
          `1 validation error detected: Value null at 'transactItems.${i + 1}.member.get' failed to satisfy constraint: Member must not be null`,
        );
      }
      const ctx = expressionsOf(get, ["ProjectionExpression"], []);
      const key = validateItem(get.Key, "Key");
      const projection =
        get.ProjectionExpression === undefined ? undefined : compileProjection(get.ProjectionExpression, ctx);
      ctx.checkAllUsed();
      return { table: get.TableName, key, projection };
    });
  },
  execute(ctx, input) {
    const actions = bindReads(ctx, input);
    return readOutput(input, runReadTransaction(ctx, actions));
  },
});

function readOutput(input: TransactGetItemsInput, items: readonly ReadItem[]): Record<string, unknown> {
  const compiled = input.compiled ?? [];
  const capacity = new TableCapacity();
  const responses = items.map(({ index, item, size }) => {
    const { projection } = compiled[index] as (typeof compiled)[number];
    capacity.addRead(
      (compiled[index] as (typeof compiled)[number]).table,
      TRANSACTIONAL_FACTOR * readUnits(size, true),
    );
    if (!item) return {};
    return { Item: projection ? projectPaths(item, projection) : item };
  });
  const output: Record<string, unknown> = { Responses: responses };
  const consumed = capacity.list(input.ReturnConsumedCapacity, true);
  if (consumed) output.ConsumedCapacity = consumed;
  return output;
}

function bindReads(ctx: OpContext, input: TransactGetItemsInput): ReadAction[] {
  const compiled = input.compiled ?? [];
  const defs = compiled.map(({ table }) => tableForData(ctx, table));
  compiled.forEach(({ key }, i) => checkKeyValues(defs[i] as (typeof defs)[number], key));
  const actions: ReadAction[] = compiled.map(({ key }, index) => {
    const def = defs[index] as (typeof defs)[number];
    try {
      return { index, def, key: keyOfKeyMap(def, key) };
    } catch (err) {
      if (!isValidationError(err)) throw err;
      return { index, invalid: validationReason(err) };
    }
  });
  const seen = new Set<string>();
  for (const a of actions) {
    if (!("def" in a)) continue;
    const id = itemLockKey(a.def.tid, a.key);
    if (seen.has(id)) throw validation(MULTIPLE_OPERATIONS_MESSAGE);
    seen.add(id);
  }

  return actions;
}

/**
 * Cross-shard TransactGetItems, participant side (src/txn/prepared-shares.ts): this shard's
 * share read and, when it can be, its items held under `txnId` (src/storage/item-locks.ts) until the
 * coordinator releases them, so that once every shard has answered, no item read has
 * changed: the reads form one point in time. Responses are in the share's order.
 */
export function readShare(
  ctx: OpContext,
  input: TransactGetItemsInput,
  txnId: string,
): { output: Record<string, unknown>; locks: string[] } {
  const actions = bindReads(ctx, input);
  const result = new LocalParticipant(ctx).read(txnId, actions);
  if (!result.ok) throw new TransactionCanceledError(result.reasons);
  const locks = actions.flatMap((a) => ("def" in a ? [itemLockKey(a.def.tid, a.key)] : []));
  lockTableOf(ctx).acquire(txnId, locks);
  return { output: readOutput(input, result.items), locks };
}

export type { TransactGetItemsInput };
