// Query: the items of one partition, in sort-key order, within a sort-key range. The key
// condition becomes an index range over the stored (pk, sk) encodings; the filter is
// pushed down to SQL when its translation is exact (src/query/filter-sql.ts), and
// evaluated in TypeScript otherwise.
import { validation } from "../errors.js";
import { vectorIndexOf } from "../schema/table-def.js";
import type { DocPath, ResolvedCondition } from "../expr/ast.js";
import { compileCondition } from "../expr/compile-condition.js";
import { legacyConditionValues, type LegacyCondition } from "../expr/legacy.js";
import { leavesOfExpression, leavesOfKeyConditions } from "../query/key-condition.js";
import { keyRange, type KeyRange } from "../query/key-range.js";
import { readSource, type ReadSource } from "../query/source.js";
import { topLevelNames } from "../expr/names.js";
import type { AttributeValue } from "../types.js";
import { expressionsOf } from "./item-shapes.js";
import { defineOp } from "./operation.js";
import {
  checkIndexSelect,
  checkSelect,
  compileFilterAndProjection,
  conditionMap,
  readAndRespond,
  readShape,
  type ReadInput,
} from "./read-shapes.js";
import { tableForData } from "./tables.js";
import { compareBytes } from "../values/compare.js";

interface QueryInput extends ReadInput {
  KeyConditions?: Record<string, LegacyCondition>;
  QueryFilter?: Record<string, LegacyCondition>;
  ScanIndexForward?: boolean;
  KeyConditionExpression?: string;
  /** Compiled by validate. */
  keyLeaves?: ReturnType<typeof leavesOfExpression>;
  filter?: ResolvedCondition;
  projection?: DocPath[];
}

export const query = defineOp<QueryInput>({
  shape: readShape(
    {
      KeyConditions: conditionMap,
      QueryFilter: conditionMap,
      ScanIndexForward: { kind: "boolean" },
      KeyConditionExpression: { kind: "string" },
    },
    { kind: "long" },
  ),
  validate(input) {
    // Query reports Limit in its own words (no value, capitalised member), unlike Scan.
    if (input.Limit !== undefined && input.Limit < 1) {
      throw validation(
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
    }
    // KeyConditions may accompany the other expression members when KeyConditionExpression
    // is absent (DynamoDB treats it as the key part, not as a legacy filter).
    const legacy = ["AttributesToGet", "QueryFilter", "ConditionalOperator"];
    if (input.KeyConditionExpression !== undefined) legacy.push("KeyConditions");
    const ctx = expressionsOf(input, ["ProjectionExpression", "FilterExpression", "KeyConditionExpression"], legacy);
    checkSelect(input, "Query");
    if (input.KeyConditionExpression !== undefined) {
      input.keyLeaves = leavesOfExpression(
        compileCondition(input.KeyConditionExpression, "KeyConditionExpression", ctx),
      );
    } else if (input.KeyConditions !== undefined) {
      for (const condition of Object.values(input.KeyConditions)) legacyConditionValues(condition, true);
      input.keyLeaves = leavesOfKeyConditions(
        input.KeyConditions as Record<string, { ComparisonOperator: string; AttributeValueList?: AttributeValue[] }>,
      );
    } else {
      throw validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
      );
    }
    compileFilterAndProjection(input, ctx, input.QueryFilter);
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    // A vector index is read by SearchVectors only (DynamoDB's text, with its period).
    if (input.IndexName !== undefined && vectorIndexOf(def, input.IndexName)) {
      throw validation("Query operation not supported on this index type.");
    }
    const source = readSource(ctx, def, input.IndexName, input.ConsistentRead);
    checkIndexSelect(source, input.Select);
    const range = keyRange(input.keyLeaves ?? [], source.keys);
    checkFilterOnKeys(source, input.filter, input.FilterExpression !== undefined ? "Filter Expression" : "QueryFilter");
    const forward = input.ScanIndexForward !== false;
    const after = startAfter(source, input, range);
    return readAndRespond(ctx, source, input, (filter) =>
      source.partitionRows({
        pk: range.pk,
        ...(range.lower ? { lower: range.lower } : {}),
        ...(range.upper ? { upper: range.upper } : {}),
        forward,
        limit: input.Limit ?? Number.MAX_SAFE_INTEGER,
        ...(after ? { after } : {}),
        ...(filter ? { filter } : {}),
      }),
    );
  },
});

/** DynamoDB refuses filters on key attributes in a Query: those belong in the key condition. */
function checkFilterOnKeys(source: ReadSource, filter: ResolvedCondition | undefined, what: string): void {
  if (!filter) return;
  const keys = [...source.keys.hashes, ...source.keys.ranges].map((k) => k.name);
  const used = topLevelNames(filter).find((name) => keys.includes(name));
  if (used !== undefined) {
    throw validation(`${what} can only contain non-primary key attributes: Primary key attribute: ${used}`);
  }
}

/** ExclusiveStartKey checked against the query: same partition, inside the sort range. */
function startAfter(source: ReadSource, input: QueryInput, range: KeyRange): Uint8Array[] | undefined {
  if (input.ExclusiveStartKey === undefined) return undefined;
  const start = source.start(input.ExclusiveStartKey, "Query");
  if (compareBytes(start.pk, range.pk) !== 0) {
    throw validation("The provided starting key is outside query boundaries based on provided conditions");
  }
  const sk = start.inPartition[0] as Uint8Array;
  const { lower, upper } = range;
  const below = lower && compareBytes(sk, lower.key) < (lower.inclusive ? 0 : 1);
  const above = upper && compareBytes(sk, upper.key) > (upper.inclusive ? 0 : -1);
  if (below || above) throw validation("The provided starting key does not match the range key predicate");
  return start.inPartition;
}
