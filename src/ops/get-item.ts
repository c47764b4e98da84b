// GetItem: reads one item by its full primary key.
import { validation } from "../errors.js";
import { keyOfKeyMap } from "../keys/item-key.js";
import type { Item } from "../types.js";
import { checkAttributeNameLength, validateItem } from "../values/validate.js";
import { readUnits, withCapacity, type ReturnConsumedCapacity } from "./capacity.js";
import { attributeMap, attributeNameList, returnConsumedCapacity, tableName } from "./common-shapes.js";
import { expressionAttributeNames, expressionsOf } from "./item-shapes.js";
import type { DocPath } from "../expr/ast.js";
import { compileProjection } from "../expr/compile-projection.js";
import { projectPaths } from "../expr/document.js";
import { defineOp } from "./operation.js";
import { RawJson } from "../protocol/raw-json.js";
import { projectAttributes } from "./projection.js";
import { tableForData } from "./tables.js";

interface GetItemInput {
  TableName: string;
  Key: Record<string, unknown>;
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  /** Compiled by validate. */
  projection?: DocPath[];
}

export const getItem = defineOp<GetItemInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    AttributesToGet: { ...attributeNameList, maxLength: 255 } as typeof attributeNameList,
    TableName: tableName,
    Key: attributeMap(true),
    ConsistentRead: { kind: "boolean" },
    ProjectionExpression: { kind: "string" },
    ExpressionAttributeNames: expressionAttributeNames,
  },
  validate(input) {
    const ctx = expressionsOf(input, ["ProjectionExpression"], ["AttributesToGet"]);
    input.Key = validateItem(input.Key);
    checkDuplicateNames(input.AttributesToGet);
    if (input.ProjectionExpression !== undefined) input.projection = compileProjection(input.ProjectionExpression, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const { pk, sk } = keyOfKeyMap(def, input.Key as Item);
    const row = ctx.items.get(def.tid, pk, sk);
    const output: Record<string, unknown> = {};
    if (row) {
      if (input.projection) output.Item = projectPaths(JSON.parse(row.doc) as Item, input.projection);
      else if (input.AttributesToGet)
        output.Item = projectAttributes(JSON.parse(row.doc) as Item, input.AttributesToGet);
      // The stored document is the item in wire JSON: returned as it is, never re-encoded.
      else output.Item = new RawJson(row.doc);
    }
    return withCapacity(
      output,
      input.ReturnConsumedCapacity,
      def.name,
      readUnits(row?.size ?? 0, input.ConsistentRead === true),
    );
  },
});

export function checkDuplicateNames(names: string[] | undefined): void {
  if (!names) return;
  const seen = new Set<string>();
  for (const name of names) {
    checkAttributeNameLength(name);
    if (seen.has(name)) {
      throw validation(`One or more parameter values were invalid: Duplicate value in attribute name: ${name}`);
    }
    seen.add(name);
  }
}
