// Request members shared by the single-item operations, and the steps every conditional
// write takes: compile its condition (ConditionExpression or legacy Expected) and check it
// against the stored item inside the write's transaction.
import { DynamoError, validation } from "../errors.js";
import type { ResolvedCondition } from "../expr/ast.js";
import { compileCondition } from "../expr/compile-condition.js";
import { expressionContext, type ExpressionContext, type ExpressionKind } from "../expr/context.js";
import { evaluateCondition } from "../expr/evaluate.js";
import { expectedCondition, type ExpectedAttributeValue } from "../expr/legacy.js";
import type { Item } from "../types.js";
import type { Shape } from "../protocol/shape.js";
import { attributeMap, returnConsumedCapacity, returnItemCollectionMetrics, tableName } from "./common-shapes.js";

export const expressionAttributeNames: Shape = {
  kind: "map",
  value: { kind: "string" },
  valueClass: "java.lang.String",
};
export const expressionAttributeValues: Shape = attributeMap();

export const COMPARISON_OPERATORS = [
  "IN",
  "NULL",
  "BETWEEN",
  "LT",
  "NOT_CONTAINS",
  "EQ",
  "GT",
  "NOT_NULL",
  "NE",
  "LE",
  "BEGINS_WITH",
  "GE",
  "CONTAINS",
] as const;

const comparisonOperator: Shape = { kind: "string", enum: COMPARISON_OPERATORS };

export const expected: Shape = {
  kind: "map",
  valueClass: "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue",
  value: {
    kind: "structure",
    name: "ExpectedAttributeValue",
    members: {
      AttributeValueList: { kind: "list", member: { kind: "attributeValue" }, parameterized: true },
      ComparisonOperator: comparisonOperator,
      Exists: { kind: "boolean" },
      Value: { kind: "attributeValue" },
    },
  },
};

export const returnValues: Shape = {
  kind: "string",
  enum: ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
};

/** Members of PutItem, UpdateItem and DeleteItem, in DynamoDB's reporting order. */
export function writeShape(itemMember: "Item" | "Key", extra: Record<string, Shape> = {}): Record<string, Shape> {
  return {
    ReturnConsumedCapacity: returnConsumedCapacity,
    TableName: tableName,
    [itemMember]: attributeMap(true),
    ReturnItemCollectionMetrics: returnItemCollectionMetrics,
    ReturnValues: returnValues,
    ConditionalOperator: { kind: "string", enum: ["OR", "AND"] },
    Expected: expected,
    ...extra,
    ConditionExpression: { kind: "string" },
    ExpressionAttributeNames: expressionAttributeNames,
    ExpressionAttributeValues: expressionAttributeValues,
    ReturnValuesOnConditionCheckFailure: { kind: "string", enum: ["ALL_OLD", "NONE"] },
  };
}

export interface ConditionMembers {
  ConditionExpression?: string;
  Expected?: Record<string, ExpectedAttributeValue>;
  ConditionalOperator?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

/**
 * DynamoDB's request-level expression checks for an operation whose expression members
 * are `expressions` and legacy members `legacy`; returns the context to compile with.
 */
export function expressionsOf(
  input: ConditionMembers,
  expressions: readonly ExpressionKind[],
  legacy: readonly string[],
): ExpressionContext {
  const members = input as Readonly<Record<string, unknown>>;
  const present = expressions.filter((e) => members[e] !== undefined);
  const legacyPresent = legacy.filter((l) => members[l] !== undefined);
  return expressionContext(input, present, expressions, legacyPresent);
}

/** The condition of a write, from ConditionExpression or Expected (compiled with `ctx`). */
export function writeCondition(input: ConditionMembers, ctx: ExpressionContext): ResolvedCondition | undefined {
  if (input.ConditionExpression !== undefined) {
    return compileCondition(input.ConditionExpression, "ConditionExpression", ctx);
  }
  return expectedCondition(input.Expected, input.ConditionalOperator);
}

/** Throws ConditionalCheckFailedException (with the item if asked for) when `condition` is false. */
export function checkCondition(
  condition: ResolvedCondition | undefined,
  current: Item | undefined,
  returnOnFailure: "ALL_OLD" | "NONE" | undefined,
): void {
  if (!condition || evaluateCondition(condition, current)) return;
  const extra = returnOnFailure === "ALL_OLD" && current ? { Item: current } : undefined;
  throw new DynamoError("ConditionalCheckFailedException", "The conditional request failed", 400, extra);
}

export function checkReturnValuesAllOldOrNone(value: string | undefined): void {
  if (value !== undefined && value !== "ALL_OLD" && value !== "NONE") {
    throw validation("ReturnValues can only be ALL_OLD or NONE");
  }
}
