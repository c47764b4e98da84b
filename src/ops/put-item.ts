// PutItem: creates or replaces one item, optionally only if a condition holds.
import type { Item } from "../types.js";
import { ITEM_TOO_LARGE_MESSAGE, MAX_ITEM_SIZE } from "../values/size.js";
import { validation } from "../errors.js";
import { validateSizedItem } from "../values/validate.js";
import type { ResolvedCondition } from "../expr/ast.js";
import { addVectorCapacity, vectorCapacityNeedsOld, withCapacity, type ReturnConsumedCapacity } from "./capacity.js";
import {
  checkReturnValuesAllOldOrNone,
  expressionsOf,
  writeCondition,
  writeShape,
  type ConditionMembers,
} from "./item-shapes.js";
import { itemCollectionMetrics } from "./item-collections.js";
import { defineOp } from "./operation.js";
import { tableForData } from "./tables.js";
import { blindWrite, planFor, replyNeedsOld, runWrite, writeUnitsOf } from "./write-plans.js";

interface PutItemInput extends ConditionMembers {
  TableName: string;
  Item: Record<string, unknown>;
  ReturnValues?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  /** Compiled by validate. */
  condition?: ResolvedCondition;
  /** The item's size, computed by validate for the 400 KB check and reused by the write. */
  size?: number;
}

export const putItem = defineOp<PutItemInput>({
  shape: writeShape("Item"),
  validate(input) {
    const ctx = expressionsOf(input, ["ConditionExpression"], ["Expected"]);
    const { item, size } = validateSizedItem(input.Item);
    input.Item = item;
    checkReturnValuesAllOldOrNone(input.ReturnValues);
    if (size > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_MESSAGE);
    input.size = size;
    input.condition = writeCondition(input, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const plan = planFor(def, {
      kind: "Put",
      item: input.Item as Item,
      size: input.size,
      condition: input.condition,
      returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    });
    if (blindWrite(ctx, plan, replyNeedsOld(input))) return {};
    const returnsOld = input.ReturnValues === "ALL_OLD" || vectorCapacityNeedsOld(def, input.ReturnConsumedCapacity);
    const { current, next } = runWrite(ctx, plan, returnsOld);
    const output: Record<string, unknown> = {};
    if (input.ReturnValues === "ALL_OLD" && current.item) output.Attributes = current.item;
    const collection = itemCollectionMetrics(ctx, plan, input.ReturnItemCollectionMetrics);
    if (collection) output.ItemCollectionMetrics = collection;
    withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnitsOf(current, next));
    // Read before the write (runWrite's returnsOld) only when asked for: not otherwise.
    if (returnsOld && vectorCapacityNeedsOld(def, input.ReturnConsumedCapacity)) {
      addVectorCapacity(output, input.ReturnConsumedCapacity, def, current.item, next.item);
    }
    return output;
  },
});
