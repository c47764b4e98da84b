// PutItem: creates or replaces one item, optionally only if a condition holds.
import type { Item } from "../types";
import { checkItemSize } from "../values/size";
import { validateItem } from "../values/validate";
import type { ResolvedCondition } from "../expr/ast";
import { withCapacity, type ReturnConsumedCapacity } from "./capacity";
import {
  checkReturnValuesAllOldOrNone,
  expressionsOf,
  writeCondition,
  writeShape,
  type ConditionMembers,
} from "./item-shapes";
import { itemCollectionMetrics } from "./item-collections";
import { defineOp } from "./operation";
import { tableForData } from "./tables";
import { planFor, runWrite, writeUnitsOf } from "./write-plans";

interface PutItemInput extends ConditionMembers {
  TableName: string;
  Item: Record<string, unknown>;
  ReturnValues?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  /** Compiled by validate. */
  condition?: ResolvedCondition;
}

export const putItem = defineOp<PutItemInput>({
  shape: writeShape("Item"),
  validate(input) {
    const ctx = expressionsOf(input, ["ConditionExpression"], ["Expected"]);
    input.Item = validateItem(input.Item);
    checkReturnValuesAllOldOrNone(input.ReturnValues);
    checkItemSize(input.Item as Item);
    input.condition = writeCondition(input, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const plan = planFor(def, {
      kind: "Put",
      item: input.Item as Item,
      condition: input.condition,
      returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    });
    const { current, next } = runWrite(ctx, plan);
    const output: Record<string, unknown> = {};
    if (input.ReturnValues === "ALL_OLD" && current.item) output.Attributes = current.item;
    const collection = itemCollectionMetrics(ctx, plan, input.ReturnItemCollectionMetrics);
    if (collection) output.ItemCollectionMetrics = collection;
    return withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnitsOf(current, next));
  },
});
