// Scan: every item of a table in (partition hash, sort key) order, or one segment of a
// parallel scan (a contiguous range of the partition-hash space, src/keys/partition.ts).
// Filters are pushed down to SQL where the translation is exact.
import { validation } from "../errors.js";
import { vectorIndexOf } from "../schema/table-def.js";
import type { DocPath, ResolvedCondition } from "../expr/ast.js";
import type { LegacyCondition } from "../expr/legacy.js";
import { segmentRange } from "../keys/partition.js";
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
import { readSource } from "../query/source.js";
import { tableForData } from "./tables.js";
import { compareBytes } from "../values/compare.js";

interface ScanInput extends ReadInput {
  ScanFilter?: Record<string, LegacyCondition>;
  Segment?: number;
  TotalSegments?: number;
  /** Compiled by validate. */
  filter?: ResolvedCondition;
  projection?: DocPath[];
}

export const scan = defineOp<ScanInput>({
  shape: readShape({
    ScanFilter: conditionMap,
    TotalSegments: { kind: "long", min: 1, max: 1_000_000 },
    Segment: { kind: "long", min: 0, max: 999_999 },
  }),
  validate(input) {
    const ctx = expressionsOf(
      input,
      ["ProjectionExpression", "FilterExpression"],
      ["AttributesToGet", "ScanFilter", "ConditionalOperator"],
    );
    checkSelect(input, "Scan");
    checkSegments(input.Segment, input.TotalSegments);
    compileFilterAndProjection(input, ctx, input.ScanFilter);
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    // A vector index is read by SearchVectors only (DynamoDB's text).
    if (input.IndexName !== undefined && vectorIndexOf(def, input.IndexName)) {
      throw validation("Scan operation not supported on this index type");
    }
    const source = readSource(ctx, def, input.IndexName, input.ConsistentRead);
    checkIndexSelect(source, input.Select);
    const segment =
      input.TotalSegments !== undefined ? segmentRange(input.Segment ?? 0, input.TotalSegments) : undefined;
    const start = input.ExclusiveStartKey !== undefined ? source.start(input.ExclusiveStartKey, "Scan") : undefined;
    if (start && segment) {
      const inSegment =
        compareBytes(start.pk, segment.low) >= 0 && (!segment.high || compareBytes(start.pk, segment.high) < 0);
      if (!inSegment) {
        throw validation(
          "The provided Exclusive start key does not map to the provided Segment and TotalSegments values.",
        );
      }
    }
    return readAndRespond(ctx, source, input, (filter) =>
      source.scopeRows({
        limit: input.Limit ?? Number.MAX_SAFE_INTEGER,
        ...(segment ? { fromPk: segment.low } : {}),
        ...(segment?.high ? { toPk: segment.high } : {}),
        ...(start ? { after: start.inScope } : {}),
        ...(filter ? { filter } : {}),
      }),
    );
  },
});

function checkSegments(segment: number | undefined, total: number | undefined): void {
  if (segment !== undefined && total === undefined) {
    throw validation(
      "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
    );
  }
  if (total !== undefined && segment === undefined) {
    throw validation(
      "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
    );
  }
  if (segment !== undefined && total !== undefined && segment >= total) {
    throw validation(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
    );
  }
}
