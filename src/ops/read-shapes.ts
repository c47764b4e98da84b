// What Query and Scan share: their common members, DynamoDB's rules for combining Select
// with projections, ExclusiveStartKey checks, projection and LastEvaluatedKey building.
import { DynamoError, validation } from "../errors";
import type { DocPath } from "../expr/ast";
import { projectPaths } from "../expr/document";
import { decodeKey } from "../keys/encode";
import { keyOfKeyMap, type EncodedKey } from "../keys/item-key";
import { encodedPartitionKeyOf } from "../keys/partition";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../storage/catalogue";
import type { RangeRow } from "../storage/items";
import type { Item } from "../types";
import { validateItem } from "../values/validate";
import type { Shape } from "../wire/shape";
import { attributeMap, attributeNameList, returnConsumedCapacity, tableName } from "./common-shapes";
import { COMPARISON_OPERATORS, expressionAttributeNames, expressionAttributeValues } from "./item-shapes";
import { projectAttributes } from "./projection";

export type Select = "ALL_ATTRIBUTES" | "ALL_PROJECTED_ATTRIBUTES" | "SPECIFIC_ATTRIBUTES" | "COUNT";

export interface ReadInput {
  TableName: string;
  IndexName?: string;
  Select?: Select;
  AttributesToGet?: string[];
  Limit?: number;
  ConsistentRead?: boolean;
  ConditionalOperator?: string;
  ExclusiveStartKey?: Record<string, unknown>;
  ReturnConsumedCapacity?: "INDEXES" | "TOTAL" | "NONE";
  ProjectionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Members common to Query and Scan, in DynamoDB's reporting order. */
export function readShape(
  extra: Record<string, Shape>,
  limit: Shape = { kind: "long", min: 1 },
): Record<string, Shape> {
  return {
    TableName: tableName,
    IndexName: { ...tableName, notNull: false },
    Select: { kind: "string", enum: ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"] },
    AttributesToGet: { ...attributeNameList, maxLength: 255 } as Shape,
    Limit: limit,
    ConsistentRead: { kind: "boolean" },
    ...extra,
    ConditionalOperator: { kind: "string", enum: ["OR", "AND"] },
    ExclusiveStartKey: attributeMap(),
    ReturnConsumedCapacity: returnConsumedCapacity,
    ProjectionExpression: { kind: "string" },
    FilterExpression: { kind: "string" },
    ExpressionAttributeNames: expressionAttributeNames,
    ExpressionAttributeValues: expressionAttributeValues,
  };
}

/** A legacy QueryFilter/ScanFilter/KeyConditions map: attribute -> Condition. */
export const conditionMap: Shape = {
  kind: "map",
  valueClass: "com.amazonaws.dynamodb.v20120810.Condition",
  value: {
    kind: "structure",
    name: "Condition",
    members: {
      AttributeValueList: { kind: "list", member: { kind: "attributeValue" }, parameterized: true },
      ComparisonOperator: { kind: "string", notNull: true, enum: COMPARISON_OPERATORS },
    },
  },
};

/**
 * DynamoDB's rules tying Select to AttributesToGet / ProjectionExpression / IndexName.
 * Query words these as a one-item validation error list, Scan bare (moto's tests verified
 * against AWS); both say "Querying" for ALL_PROJECTED_ATTRIBUTES.
 */
export function checkSelect(input: ReadInput, operation: "Query" | "Scan"): void {
  const fail = (message: string) =>
    validation(operation === "Query" ? `1 validation error detected: ${message}` : message);
  const select = input.Select;
  if (select !== undefined && select !== "SPECIFIC_ATTRIBUTES") {
    const what = select === "COUNT" ? "only the Count" : select;
    if (input.AttributesToGet !== undefined)
      throw fail(`Cannot specify the AttributesToGet when choosing to get ${what}`);
    if (input.ProjectionExpression !== undefined) {
      throw fail(`Cannot specify the ProjectionExpression when choosing to get ${what}`);
    }
  }
  if (
    select === "SPECIFIC_ATTRIBUTES" &&
    input.AttributesToGet === undefined &&
    input.ProjectionExpression === undefined
  ) {
    throw fail("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  }
  if (select === "ALL_PROJECTED_ATTRIBUTES" && input.IndexName === undefined) {
    throw fail("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
}

/** Secondary indexes arrive in a later issue: every IndexName is unknown for now. */
export function checkIndex(def: TableDef, indexName: string | undefined): void {
  if (indexName !== undefined) {
    throw new DynamoError("ValidationException", `The table does not have the specified index: ${indexName}`);
  }
  void def;
}

/**
 * The ExclusiveStartKey as a stored key. DynamoDB words a mismatch differently per
 * operation: Query says only "The provided starting key is invalid", Scan adds the reason.
 */
export function startKey(
  def: TableDef,
  exclusiveStartKey: Record<string, unknown> | undefined,
  operation: "Query" | "Scan",
): EncodedKey | undefined {
  if (exclusiveStartKey === undefined) return undefined;
  try {
    return keyOfKeyMap(def, validateItem(exclusiveStartKey));
  } catch (err) {
    if (err instanceof DynamoError && err.type === "ValidationException") {
      throw validation(
        operation === "Query"
          ? "The provided starting key is invalid"
          : `The provided starting key is invalid: ${err.message}`,
      );
    }
    throw err;
  }
}

export function projector(input: ReadInput, projection: DocPath[] | undefined): (item: Item) => Item {
  if (projection) return (item) => projectPaths(item, projection);
  const names = input.AttributesToGet;
  if (names) return (item) => projectAttributes(item, names);
  return (item) => item;
}

/** LastEvaluatedKey of a row: the table's key attributes decoded from the stored key. */
export function tableKeyOf(def: TableDef): (row: RangeRow) => Item {
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  return (row) => {
    const key: Item = {
      [hash.name]: { [hash.type]: decodeKey(hash.type, encodedPartitionKeyOf(new Uint8Array(row.pk))) } as Item[string],
    };
    if (range) key[range.name] = { [range.type]: decodeKey(range.type, new Uint8Array(row.sk)) } as Item[string];
    return key;
  };
}

/** The output members every page carries. */
export function pageOutput(
  page: { items: Item[]; count: number; scannedCount: number; lastEvaluatedKey?: Item },
  countOnly: boolean,
): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  if (!countOnly) output.Items = page.items;
  output.Count = page.count;
  output.ScannedCount = page.scannedCount;
  if (page.lastEvaluatedKey) output.LastEvaluatedKey = page.lastEvaluatedKey;
  return output;
}
