// DeleteItem: removes one item by its full primary key.
import { keyOfKeyMap } from "../keys/item-key";
import type { Item } from "../types";
import { validateItem } from "../values/validate";
import { withCapacity, writeUnits, type ReturnConsumedCapacity } from "./capacity";
import { attributeMap, returnConsumedCapacity, returnItemCollectionMetrics, tableName } from "./common-shapes";
import {
  checkReturnValuesAllOldOrNone,
  conditionalOperator,
  expected,
  expressionAttributeNames,
  expressionAttributeValues,
  refuseConditions,
  returnValues,
  type ConditionMembers,
} from "./item-shapes";
import { defineOp } from "./operation";
import { tableForData } from "./tables";

interface DeleteItemInput extends ConditionMembers {
  TableName: string;
  Key: Record<string, unknown>;
  ReturnValues?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
}

export const deleteItem = defineOp<DeleteItemInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    TableName: tableName,
    Key: attributeMap(true),
    ConditionalOperator: conditionalOperator,
    Expected: expected,
    ReturnValues: returnValues,
    ReturnItemCollectionMetrics: returnItemCollectionMetrics,
    ConditionExpression: { kind: "string" },
    ExpressionAttributeNames: expressionAttributeNames,
    ExpressionAttributeValues: expressionAttributeValues,
  },
  validate(input) {
    input.Key = validateItem(input.Key);
    checkReturnValuesAllOldOrNone(input.ReturnValues);
    refuseConditions(input);
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const { pk, sk } = keyOfKeyMap(def, input.Key as Item);
    const old = ctx.sql.transaction(() => {
      const previous = ctx.items.get(def.tid, pk, sk);
      if (previous) {
        ctx.items.delete(def.tid, pk, sk);
        ctx.catalogue.adjustStats(def, -1, -previous.size);
      }
      return previous;
    });
    const output: Record<string, unknown> = {};
    if (old && input.ReturnValues === "ALL_OLD") output.Attributes = JSON.parse(old.doc) as Item;
    return withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnits(old?.size ?? 0));
  },
});
