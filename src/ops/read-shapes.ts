// What Query and Scan share: their common members, DynamoDB's rules for combining Select
// with projections, ExclusiveStartKey checks, projection and LastEvaluatedKey building.
import { validation } from "../errors.js";
import type { DocPath, ResolvedCondition } from "../expr/ast.js";
import { compileCondition } from "../expr/compile-condition.js";
import { compileProjection } from "../expr/compile-projection.js";
import type { ExpressionContext } from "../expr/context.js";
import { filterCondition, type LegacyCondition } from "../expr/legacy.js";
import { topLevelNames } from "../expr/names.js";
import { readPage, type Page } from "../query/page.js";
import { pushDown, type PushDown } from "../query/push-down.js";
import { readUnits, withCapacity } from "./capacity.js";
import { projectPaths } from "../expr/document.js";
import type { ReadSource } from "../query/source.js";
import { projectedNames } from "../storage/index-maintenance.js";
import type { ItemStore } from "../storage/items.js";
import type { Item } from "../types.js";
import type { Shape } from "../protocol/shape.js";
import { attributeMap, attributeNameList, returnConsumedCapacity, tableName } from "./common-shapes.js";
import { COMPARISON_OPERATORS, expressionAttributeNames, expressionAttributeValues } from "./item-shapes.js";
import { projectAttributes } from "./projection.js";
import type { RangeRow, SqlFilter } from "../storage/row-layout.js";
import { checkAttributeNameLength } from "../values/validate.js";

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
  for (const name of input.AttributesToGet ?? []) checkAttributeNameLength(name);
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

/**
 * Index reads: Select ALL_ATTRIBUTES needs the item's other attributes. A GSI cannot
 * fetch them (DynamoDB refuses unless it projects ALL); an LSI fetches them from the table.
 */
export function checkIndexSelect(source: ReadSource, select: Select | undefined): void {
  const index = source.index;
  if (index?.kind === "GSI" && select === "ALL_ATTRIBUTES" && index.projection.ProjectionType !== "ALL") {
    throw validation(
      `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`,
    );
  }
}

/**
 * Whether each row of an LSI read must be completed from the table: the index does not
 * project everything, and the request asks for all attributes or names (in its projection
 * or filter) attributes the index lacks. Returns the loader, or undefined.
 */
export function lsiFetch(
  ctx: { items: ItemStore },
  source: ReadSource,
  select: Select | undefined,
  namesUsed: readonly string[] | undefined,
): ((row: RangeRow) => Item | undefined) | undefined {
  const index = source.index;
  if (!index || index.kind !== "LSI" || index.projection.ProjectionType === "ALL") return undefined;
  const projected = new Set(projectedNames(source.def, index));
  const needsMore = select === "ALL_ATTRIBUTES" || (namesUsed ?? []).some((name) => !projected.has(name));
  if (!needsMore) return undefined;
  const tid = source.def.tid;
  return (row) => {
    const stored = ctx.items.get(
      tid,
      new Uint8Array(row.tpk ?? new ArrayBuffer(0)),
      new Uint8Array(row.tsk ?? new ArrayBuffer(0)),
    );
    return stored ? (JSON.parse(stored.doc) as Item) : undefined;
  };
}

/** The projection of returned items, or undefined to return them as stored. */
export function projector(input: ReadInput, projection: DocPath[] | undefined): ((item: Item) => Item) | undefined {
  return projectionOf(input.AttributesToGet, projection);
}

/** A ProjectionExpression's paths or AttributesToGet as a function; undefined for neither. */
export function projectionOf(
  names: readonly string[] | undefined,
  paths: DocPath[] | undefined,
): ((item: Item) => Item) | undefined {
  if (paths) return (item) => projectPaths(item, paths);
  if (names) return (item) => projectAttributes(item, names);
  return undefined;
}

/**
 * The filter (FilterExpression, else the legacy QueryFilter/ScanFilter) and projection of a
 * Query or Scan, compiled with the request's context, then DynamoDB's unused-placeholder check.
 */
export function compileFilterAndProjection(
  input: CompiledRead,
  ctx: ExpressionContext,
  legacyFilter: Record<string, LegacyCondition> | undefined,
): void {
  input.filter =
    input.FilterExpression !== undefined
      ? compileCondition(input.FilterExpression, "FilterExpression", ctx)
      : filterCondition(legacyFilter, input.ConditionalOperator);
  if (input.ProjectionExpression !== undefined) input.projection = compileProjection(input.ProjectionExpression, ctx);
  ctx.checkAllUsed();
}

/** The output members every page carries. */
export function pageOutput(page: Page, countOnly: boolean): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  if (!countOnly) output.Items = page.items;
  output.Count = page.count;
  output.ScannedCount = page.scannedCount;
  if (page.lastEvaluatedKey) output.LastEvaluatedKey = page.lastEvaluatedKey;
  return output;
}

/** What Query and Scan hand to readAndRespond: the compiled request and the source. */
export interface CompiledRead extends ReadInput {
  filter?: ResolvedCondition;
  projection?: DocPath[];
}

/**
 * The common tail of Query and Scan: decide LSI fetching and filter push-down, read one
 * page from `rowsOf` (given the SQL part of the filter), and build the response.
 */
export function readAndRespond(
  ctx: { items: ItemStore },
  source: ReadSource,
  input: CompiledRead,
  rowsOf: (filter: SqlFilter | undefined) => Iterable<RangeRow>,
): Record<string, unknown> {
  const names = [
    ...(input.projection ?? []).map((p) => p[0]),
    ...(input.AttributesToGet ?? []),
    ...(input.filter ? topLevelNames(input.filter) : []),
  ].filter((n): n is string => typeof n === "string");
  const load = lsiFetch(ctx, source, input.Select, names);
  // A filter runs in SQL only over the stored document; rows completed from the table
  // (LSI fetches) are filtered here.
  const pushed: PushDown = load ? (input.filter ? { residual: input.filter } : {}) : pushDown(input.filter);
  const countOnly = input.Select === "COUNT";
  const page = readPage({
    rows: rowsOf(pushed.sql),
    limit: input.Limit,
    ...(pushed.residual ? { filter: pushed.residual } : {}),
    ...(load ? { load } : {}),
    countOnly,
    project: projector(input, input.projection),
    keyOf: source.keyOf,
  });
  return withCapacity(
    pageOutput(page, countOnly),
    input.ReturnConsumedCapacity,
    source.def.name,
    readUnits(page.bytesRead, input.ConsistentRead === true),
  );
}
