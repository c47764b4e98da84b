// DeleteItem: removes one item by its full primary key, optionally only if a condition holds.
import type { ResolvedCondition } from "../expr/ast";
import { keyOfKeyMap } from "../keys/item-key";
import type { Item } from "../types";
import { validateItem } from "../values/validate";
import { withCapacity, writeUnits, type ReturnConsumedCapacity } from "./capacity";
import {
  checkCondition,
  checkReturnValuesAllOldOrNone,
  expressionsOf,
  writeCondition,
  writeShape,
  type ConditionMembers,
} from "./item-shapes";
import { defineOp } from "./operation";
import { tableForData } from "./tables";
import { writeItem } from "../storage/write";

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
    const { pk, sk } = keyOfKeyMap(def, input.Key as Item);
    const old = ctx.sql.transaction(() => {
      const previous = ctx.items.get(def.tid, pk, sk);
      const previousItem = previous ? (JSON.parse(previous.doc) as Item) : undefined;
      checkCondition(input.condition, previousItem, input.ReturnValuesOnConditionCheckFailure);
      if (previous) writeItem(ctx, def, { pk, sk }, previous, previousItem, undefined);
      return previous && { item: previousItem as Item, size: previous.size };
    });
    const output: Record<string, unknown> = {};
    if (old && input.ReturnValues === "ALL_OLD") output.Attributes = old.item;
    return withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnits(old?.size ?? 0));
  },
});
