// UpdateItem: edits one item in place (creating it when absent) with an UpdateExpression
// or legacy AttributeUpdates, optionally only if a condition holds. Read, check, apply and
// write run in one SQLite transaction with no await, so concurrent updates never interleave.
import { validation } from "../errors";
import type { ResolvedCondition, ResolvedUpdate } from "../expr/ast";
import { applyUpdate, updatedAttributes } from "../expr/apply-update";
import { compileUpdate } from "../expr/compile-update";
import { applyAttributeUpdates, validateAttributeUpdates, type AttributeValueUpdate } from "../expr/legacy";
import { keyAttributesOf, keyOfKeyMap } from "../keys/item-key";
import type { TableDef } from "../storage/catalogue";
import type { AttributeValue, Item } from "../types";
import { itemSize, MAX_ITEM_SIZE } from "../values/size";
import { validateItem } from "../values/validate";
import { withCapacity, writeUnits, type ReturnConsumedCapacity } from "./capacity";
import { checkCondition, expressionsOf, writeCondition, writeShape, type ConditionMembers } from "./item-shapes";
import { defineOp } from "./operation";
import { projectAttributes } from "./projection";
import { tableForData } from "./tables";
import { writeItem } from "../storage/write";

type ReturnValues = "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW";

interface UpdateItemInput extends ConditionMembers {
  TableName: string;
  Key: Record<string, unknown>;
  UpdateExpression?: string;
  AttributeUpdates?: Record<string, AttributeValueUpdate>;
  ReturnValues?: ReturnValues;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  /** Compiled by validate. */
  update?: ResolvedUpdate;
  legacyUpdates?: Record<string, { action: string; value?: AttributeValue }>;
  condition?: ResolvedCondition;
}

export const updateItem = defineOp<UpdateItemInput>({
  shape: writeShape("Key", {
    AttributeUpdates: {
      kind: "map",
      valueClass: "com.amazonaws.dynamodb.v20120810.AttributeValueUpdate",
      value: {
        kind: "structure",
        name: "AttributeValueUpdate",
        members: {
          Value: { kind: "attributeValue" },
          Action: { kind: "string", enum: ["ADD", "PUT", "DELETE"] },
        },
      },
    },
    UpdateExpression: { kind: "string" },
  }),
  validate(input) {
    const ctx = expressionsOf(input, ["UpdateExpression", "ConditionExpression"], ["AttributeUpdates", "Expected"]);
    input.Key = validateItem(input.Key);
    input.legacyUpdates = validateAttributeUpdates(input.AttributeUpdates);
    if (input.UpdateExpression !== undefined) input.update = compileUpdate(input.UpdateExpression, ctx);
    input.condition = writeCondition(input, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const key = input.Key as Item;
    const { pk, sk } = keyOfKeyMap(def, key);
    checkKeyNotUpdated(def, input);
    const keyNames = def.keySchema.map((k) => k.AttributeName);
    const result = ctx.sql.transaction(() => {
      const previous = ctx.items.get(def.tid, pk, sk);
      const oldItem = previous ? (JSON.parse(previous.doc) as Item) : undefined;
      checkCondition(input.condition, oldItem, input.ReturnValuesOnConditionCheckFailure);
      let newItem: Item;
      if (input.update) {
        const outcome = applyUpdate(oldItem, input.update, keyNames);
        // An update of a missing item that only removes creates nothing (DynamoDB).
        if (!outcome.exists) return { oldItem, newItem: undefined, oldSize: 0, size: 0 };
        newItem = { ...outcome.item, ...keyAttributesOf(def, key) };
      } else {
        const base = oldItem ?? keyAttributesOf(def, key);
        newItem = input.legacyUpdates ? applyAttributeUpdates(base, input.legacyUpdates) : base;
      }
      const size = itemSize(newItem);
      if (size > MAX_ITEM_SIZE) throw validation("Item size to update has exceeded the maximum allowed size");
      writeItem(ctx, def, { pk, sk }, previous, oldItem, newItem, size);
      return { oldItem, newItem, oldSize: previous?.size ?? 0, size };
    });
    const output: Record<string, unknown> = {};
    const attributes = returnedAttributes(input, result.oldItem, result.newItem);
    if (attributes && Object.keys(attributes).length > 0) output.Attributes = attributes;
    return withCapacity(
      output,
      input.ReturnConsumedCapacity,
      def.name,
      writeUnits(Math.max(result.size, result.oldSize)),
    );
  },
});

/** "Cannot update attribute pk. This attribute is part of the key", for SET/REMOVE/ADD/DELETE and AttributeUpdates. */
function checkKeyNotUpdated(def: TableDef, input: UpdateItemInput): void {
  const keyNames = def.keySchema.map((k) => k.AttributeName);
  const touched: string[] = [];
  if (input.update) {
    const { set, remove, add, delete: del } = input.update;
    for (const path of [...set.map((a) => a.path), ...remove, ...add.map((a) => a.path), ...del.map((a) => a.path)]) {
      if (typeof path[0] === "string") touched.push(path[0]);
    }
  }
  if (input.legacyUpdates) touched.push(...Object.keys(input.legacyUpdates));
  const key = touched.find((name) => keyNames.includes(name));
  if (key !== undefined) {
    throw validation(
      `One or more parameter values were invalid: Cannot update attribute ${key}. This attribute is part of the key`,
    );
  }
}

function returnedAttributes(
  input: UpdateItemInput,
  oldItem: Item | undefined,
  newItem: Item | undefined,
): Item | undefined {
  switch (input.ReturnValues) {
    case "ALL_OLD":
      return oldItem;
    case "ALL_NEW":
      return newItem;
    case "UPDATED_OLD":
    case "UPDATED_NEW": {
      const old = input.ReturnValues === "UPDATED_OLD";
      if (input.update) {
        const { updatedOld, updatedNew } = updatedAttributes(oldItem, newItem, input.update);
        return old ? updatedOld : updatedNew;
      }
      // AttributeUpdates name whole top-level attributes.
      const source = old ? oldItem : newItem;
      return source && projectAttributes(source, Object.keys(input.legacyUpdates ?? {}));
    }
    default:
      return undefined;
  }
}
