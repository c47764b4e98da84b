// Shapes shared by several operations, with DynamoDB's constraints.
import type { Shape, StringShape } from "../protocol/shape.js";

export const tableName: StringShape = {
  kind: "string",
  notNull: true,
  pattern: "[a-zA-Z0-9_.-]+",
  minLength: 3,
  maxLength: 255,
};

export const attributeValue: Shape = { kind: "attributeValue" };
export const attributeMap = (notNull = false): Shape => ({
  kind: "map",
  value: attributeValue,
  valueClass: "com.amazonaws.dynamodb.v20120810.AttributeValue",
  parameterized: true,
  notNull,
});

export const returnConsumedCapacity: Shape = {
  kind: "string",
  enum: ["INDEXES", "TOTAL", "NONE"],
};

export const returnItemCollectionMetrics: Shape = { kind: "string", enum: ["SIZE", "NONE"] };

export const attributeNameList: Shape = {
  kind: "list",
  member: { kind: "string" },
  minLength: 1,
};
