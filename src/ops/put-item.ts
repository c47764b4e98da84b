// PutItem: creates or replaces one item.
import { keyOfItem } from "../keys/item-key";
import type { Item } from "../types";
import { checkItemSize, itemSize } from "../values/size";
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

interface PutItemInput extends ConditionMembers {
  TableName: string;
  Item: Record<string, unknown>;
  ReturnValues?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
}

export const putItem = defineOp<PutItemInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    TableName: tableName,
    Item: attributeMap(true),
    ConditionalOperator: conditionalOperator,
    Expected: expected,
    ReturnValues: returnValues,
    ReturnItemCollectionMetrics: returnItemCollectionMetrics,
    ConditionExpression: { kind: "string" },
    ExpressionAttributeNames: expressionAttributeNames,
    ExpressionAttributeValues: expressionAttributeValues,
  },
  validate(input) {
    input.Item = validateItem(input.Item);
    checkReturnValuesAllOldOrNone(input.ReturnValues);
    checkItemSize(input.Item as Item);
    refuseConditions(input);
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const item = input.Item as Item;
    const { pk, sk } = keyOfItem(def, item);
    const size = itemSize(item);
    const doc = JSON.stringify(item);
    const old = ctx.sql.transaction(() => {
      const previous = ctx.items.get(def.tid, pk, sk);
      ctx.items.put(def.tid, pk, sk, doc, size);
      ctx.catalogue.adjustStats(def, previous ? 0 : 1, size - (previous?.size ?? 0));
      return previous;
    });
    const output: Record<string, unknown> = {};
    if (old && input.ReturnValues === "ALL_OLD") output.Attributes = JSON.parse(old.doc) as Item;
    return withCapacity(output, input.ReturnConsumedCapacity, def.name, writeUnits(Math.max(size, old?.size ?? 0)));
  },
});
