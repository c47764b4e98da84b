// DeleteItem: removes one item by its full primary key, optionally only if a condition holds.
import type { ResolvedCondition } from "../expr/ast.js";
import type { Item } from "../types.js";
import { validateItem } from "../values/validate.js";
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

interface DeleteItemInput extends ConditionMembers {
  TableName: string;
  Key: Record<string, unknown>;
  ReturnValues?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  condition?: ResolvedCondition;
}

export const deleteItem = defineOp<DeleteItemInput>({
  shape: writeShape("Key"),
  validate(input) {
    const ctx = expressionsOf(input, ["ConditionExpression"], ["Expected"]);
    input.Key = validateItem(input.Key);
    checkReturnValuesAllOldOrNone(input.ReturnValues);
    input.condition = writeCondition(input, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const plan = planFor(def, {
      kind: "Delete",
      key: input.Key as Item,
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
