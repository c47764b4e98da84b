// PutItem: creates or replaces one item, optionally only if a condition holds.
import { keyOfItem } from "../keys/item-key";
import type { Item } from "../types";
import { checkItemSize, itemSize } from "../values/size";
import { validateItem } from "../values/validate";
import type { ResolvedCondition } from "../expr/ast";
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
    const item = input.Item as Item;
    const { pk, sk } = keyOfItem(def, item);
    const size = itemSize(item);
    const old = ctx.sql.transaction(() => {
      const previous = ctx.items.get(def.tid, pk, sk);
      const previousItem = previous ? (JSON.parse(previous.doc) as Item) : undefined;
      checkCondition(input.condition, previousItem, input.ReturnValuesOnConditionCheckFailure);
      writeItem(ctx, def, { pk, sk }, previous, previousItem, item, size);
      return previous && { item: previousItem as Item, size: previous.size };
    });
    const output: Record<string, unknown> = {};
    if (old && input.ReturnValues === "ALL_OLD") output.Attributes = old.item;
    return withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnits(Math.max(size, old?.size ?? 0)));
  },
});
