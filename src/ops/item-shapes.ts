// Request members shared by the single-item operations.
import { validation } from "../errors";
import type { Shape } from "../wire/shape";
import { attributeMap } from "./common-shapes";

export const expressionAttributeNames: Shape = {
  kind: "map",
  value: { kind: "string" },
  valueClass: "java.lang.String",
};
export const expressionAttributeValues: Shape = attributeMap();

const comparisonOperator: Shape = {
  kind: "string",
  enum: [
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
  ],
};

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

export const conditionalOperator: Shape = { kind: "string", enum: ["OR", "AND"] };

export const returnValues: Shape = {
  kind: "string",
  enum: ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
};

export interface ConditionMembers {
  ConditionExpression?: string;
  Expected?: Record<string, unknown>;
  ConditionalOperator?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Conditions arrive with the expression engine (issue 3). Until then a conditional
 * write is refused rather than performed unconditionally, which would be silently wrong.
 */
export function refuseConditions(input: ConditionMembers): void {
  if (
    input.ConditionExpression !== undefined ||
    input.Expected !== undefined ||
    input.ExpressionAttributeNames !== undefined ||
    input.ExpressionAttributeValues !== undefined
  ) {
    throw validation("Condition and expression parameters are not supported by this version of durable-dynamodb");
  }
}

export function checkReturnValuesAllOldOrNone(value: string | undefined): void {
  if (value !== undefined && value !== "ALL_OLD" && value !== "NONE") {
    throw validation("ReturnValues can only be ALL_OLD or NONE");
  }
}
