// UpdateItem: edits one item in place (creating it when absent) with an UpdateExpression
// or legacy AttributeUpdates, optionally only if a condition holds. Read, check, apply and
// write run in one SQLite transaction with no await, so concurrent updates never interleave;
// where nothing needs the whole item, on the named attributes only (./update-patch.ts).
import type { ResolvedCondition, ResolvedUpdate } from "../expr/ast.js";
import { updatedAttributes } from "../expr/apply-update.js";
import { compileUpdate } from "../expr/compile-update.js";
import { validateAttributeUpdates, type AttributeValueUpdate } from "../expr/legacy.js";
import type { Item } from "../types.js";
import { validateItem } from "../values/validate.js";
import {
  addVectorCapacity,
  vectorCapacityNeedsOld,
  withCapacity,
  writeUnits,
  type ReturnConsumedCapacity,
} from "./capacity.js";
import { expressionsOf, writeCondition, writeShape, type ConditionMembers } from "./item-shapes.js";
import { itemCollectionMetrics } from "./item-collections.js";
import { defineOp } from "./operation.js";
import { projectAttributes } from "./projection.js";
import { tableForData } from "./tables.js";
import { patchTargets, patchUpdate } from "./update-patch.js";
import { planFor, runWrite, writeUnitsOf, type LegacyUpdates } from "./write-plans.js";

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
  legacyUpdates?: LegacyUpdates;
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
    const plan = planFor(def, {
      kind: "Update",
      key: input.Key as Item,
      update: input.update,
      legacyUpdates: input.legacyUpdates,
      condition: input.condition,
      returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
    });
    // In place when only the named attributes matter (src/ops/update-patch.ts).
    const targets = patchTargets(plan, input.ReturnValues);
    const patched = targets && patchUpdate(ctx, plan, targets);
    let old: Item | undefined;
    let updated: Item | undefined;
    let units: number;
    if (patched) {
      [old, updated] = [patched.oldAttributes, patched.newAttributes];
      units = writeUnits(Math.max(patched.oldSize, patched.newSize));
    } else {
      const returnsOld =
        (input.ReturnValues !== undefined && input.ReturnValues !== "NONE") ||
        vectorCapacityNeedsOld(def, input.ReturnConsumedCapacity);
      const { current, next } = runWrite(ctx, plan, returnsOld);
      [old, updated] = [current.item, next.item];
      units = writeUnitsOf(current, next);
    }
    const output: Record<string, unknown> = {};
    const attributes = returnedAttributes(input, old, updated);
    if (attributes && Object.keys(attributes).length > 0) output.Attributes = attributes;
    const collection = itemCollectionMetrics(ctx, plan, input.ReturnItemCollectionMetrics);
    if (collection) output.ItemCollectionMetrics = collection;
    withCapacity(output, input.ReturnConsumedCapacity, def.name, units);
    // In place (patched) only on tables without vector indexes: old and updated are whole items here.
    if (!patched && vectorCapacityNeedsOld(def, input.ReturnConsumedCapacity)) {
      addVectorCapacity(output, input.ReturnConsumedCapacity, def, old, updated);
    }
    return output;
  },
});

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
