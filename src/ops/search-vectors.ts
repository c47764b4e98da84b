// SearchVectors: the TopK items of a vector index most similar to a search vector, best
// first, each with its score. Every row the search reads (one HASH value's rows when the
// index has a HASH attribute; for an index too large to hold in memory, once its lists are
// built, the rows of the lists nearest the vector: src/storage/vector-lists.ts) is scored
// (src/values/vector.ts) and the best TopK kept in a bounded heap. Messages are DynamoDB's, as public conformance
// suites captured them in 2026 (see src/ops/vector-definitions.ts).
import { DynamoError, validation } from "../errors.js";
import type { DocPath, ResolvedCondition, ResolvedOperand } from "../expr/ast.js";
import { compileCondition } from "../expr/compile-condition.js";
import { compileProjection } from "../expr/compile-projection.js";
import { projectPaths } from "../expr/document.js";
import { encodeKey } from "../keys/encode.js";
import type { AttributeValue, Item } from "../types.js";
import { disownedRange } from "../storage/split-log.js";
import { attributeType } from "../storage/vector-maintenance.js";
import { vectorIndexOf, type TableDef, type VectorIndexDef } from "../schema/table-def.js";
import { valuesEqual } from "../values/compare.js";
import { higherIsCloser, MAX_F32, TopK, toFloat32, VectorScorer } from "../values/vector.js";
import { attributeMap, returnConsumedCapacity, tableName } from "./common-shapes.js";
import { indexNameShape } from "./index-definitions.js";
import { expressionAttributeNames, expressionsOf } from "./item-shapes.js";
import { defineOp } from "./operation.js";
import { tableForData } from "./tables.js";

/** Results a search may ask for. */
const MAX_TOP_K = 100;
const SEARCH = "SearchConditionExpression";

interface SearchVectorsInput {
  TableName: string;
  IndexName: string;
  ReturnConsumedCapacity?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ProjectionExpression?: string;
  SearchVector: AttributeValue[];
  SearchConditionExpression?: string;
  TopK: number;
  /** Compiled by validate. */
  condition?: ResolvedCondition;
  projection?: DocPath[];
}

export const searchVectors = defineOp<SearchVectorsInput>({
  shape: {
    TableName: tableName,
    IndexName: indexNameShape,
    ReturnConsumedCapacity: returnConsumedCapacity,
    ExpressionAttributeNames: expressionAttributeNames,
    ExpressionAttributeValues: attributeMap(),
    ProjectionExpression: { kind: "string" },
    SearchVector: { kind: "list", notNull: true, minLength: 1, member: { kind: "attributeValue" } },
    SearchConditionExpression: { kind: "string" },
    TopK: { kind: "long", notNull: true, min: 1 },
  },
  validate(input) {
    if (input.TopK > MAX_TOP_K) {
      throw validation(
        `Provided TopK value '${input.TopK}' is out of valid range. The value must be between 1 and ${MAX_TOP_K} inclusive`,
      );
    }
    const ctx = expressionsOf(input, [SEARCH, "ProjectionExpression"], []);
    if (input.SearchConditionExpression !== undefined) {
      input.condition = compileCondition(input.SearchConditionExpression, SEARCH, ctx);
    }
    if (input.ProjectionExpression !== undefined) input.projection = compileProjection(input.ProjectionExpression, ctx);
    ctx.checkAllUsed();
  },
  execute(ctx, input) {
    const def = tableForData(ctx, input.TableName);
    const index = vectorIndexOf(def, input.IndexName);
    if (!index) throw validation(`The table does not have the specified index: ${input.IndexName}`);
    if (index.status !== "ACTIVE") throw validation(`Cannot search backfilling vector index: ${index.name}`);
    const query = searchVector(input.SearchVector, index);
    const { hash, filters } = searchConditions(def, index, input.condition);
    const scorer = new VectorScorer(index.distance, query);
    const best = new TopK<number>(Math.trunc(input.TopK), higherIsCloser(index.distance));
    const visit = (id: number, data: Float32Array, offset: number, stored: Item) => {
      if (filters.length > 0 && !matches(stored, filters)) return;
      const score = scorer.scoreAt(data, offset);
      if (best.admits(score)) best.offer(score, id);
    };
    const mode = ctx.vectors.visit(index, query, hash, filters.length > 0, visit, disownedRange(ctx.sql, def.tid));
    // An index too large to hold, read row by row: its lists are built by the alarm.
    if (mode === "rows" && ctx.vectors.lists.due(index)) ctx.scheduleHousekeeping();
    const kept = best.sorted();
    const docs = ctx.vectors.docs(kept.map((k) => k.value));
    const results = kept.map(({ score }, i) => ({
      Item: resultItem(JSON.parse(docs[i] as string) as Item, index, input.projection),
      // Scores are float32 values, as the index computes them.
      Score: Math.fround(score),
    }));
    const output: Record<string, unknown> = { SearchResults: results };
    if (input.ReturnConsumedCapacity === "TOTAL" || input.ReturnConsumedCapacity === "INDEXES") {
      output.ConsumedCapacity = { VectorSearchRequestBytes: searchBytes(index, results) };
    }
    return output;
  },
});

/** The search vector as float32, or DynamoDB's refusal. */
function searchVector(list: AttributeValue[], index: VectorIndexDef): Float32Array {
  const valid = list.every((v) => v && "N" in v && Math.abs(Number(v.N)) <= MAX_F32);
  if (!valid) {
    throw validation(
      "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
    );
  }
  if (list.length !== index.dimensions) {
    throw validation(
      `Input search vector dimension ${list.length} does not match vector index dimension ${index.dimensions}`,
    );
  }
  return toFloat32(list);
}

/**
 * The search condition as the index can use it: `attribute = :value` terms joined by AND,
 * on top-level search schema attributes, each once; the HASH attribute's term is required
 * (when the index has one) and picks the rows read, the others filter them.
 */
function searchConditions(
  def: TableDef,
  index: VectorIndexDef,
  condition: ResolvedCondition | undefined,
): { hash: Uint8Array | undefined; filters: { name: string; value: AttributeValue }[] } {
  const hashAttribute = index.searchSchema.find((e) => e.SearchSchemaElementType === "HASH")?.AttributeName;
  if (!condition) {
    if (hashAttribute !== undefined) {
      throw validation("SearchConditionExpression must be provided when SearchSchema has a HASH key");
    }
    return { hash: undefined, filters: [] };
  }
  const terms: { name: string; value: AttributeValue }[] = [];
  collectTerms(condition, terms);
  const schema = new Set(index.searchSchema.map((e) => e.AttributeName));
  for (const term of terms) {
    if (!schema.has(term.name)) {
      throw validation(
        `SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: ${term.name}`,
      );
    }
  }
  const names = terms.map((t) => t.name);
  if (names.some((name, i) => names.indexOf(name) !== i)) {
    throw invalidSearch("SearchConditionExpression must only contain one condition per attribute");
  }
  let hash: Uint8Array | undefined;
  if (hashAttribute !== undefined) {
    const term = terms.find((t) => t.name === hashAttribute);
    if (!term) throw validation("SearchConditionExpression must have all HASH attributes in configured SearchSchema");
    const expected = attributeType(def, hashAttribute);
    const actual = Object.keys(term.value)[0] ?? "";
    if (actual !== expected) {
      throw validation(
        `Type of '${hashAttribute}' attribute in SearchConditionExpression (${actual}) does not match type in search schema (${expected})`,
      );
    }
    const scalar = (Object.values(term.value)[0] as string) ?? "";
    if (scalar === "" && expected !== "N") {
      throw validation(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${expected === "S" ? "string" : "binary"} value. Key: ${hashAttribute}`,
      );
    }
    hash = encodeKey(expected, scalar);
  }
  return { hash, filters: terms.filter((t) => t.name !== hashAttribute) };
}

/**
 * The value a search condition gives `attribute` (`attribute = :value`), if it is made of
 * such terms only: the router sends the search to the one partition that value's items live
 * in when `attribute` is the table's partition key.
 */
export function searchTermValue(
  condition: ResolvedCondition | undefined,
  attribute: string,
): AttributeValue | undefined {
  if (!condition) return undefined;
  const terms: { name: string; value: AttributeValue }[] = [];
  try {
    collectTerms(condition, terms);
  } catch {
    return undefined;
  }
  return terms.find((t) => t.name === attribute)?.value;
}

/** The `path = :value` terms of an AND of them; anything else is refused. */
function collectTerms(node: ResolvedCondition, out: { name: string; value: AttributeValue }[]): void {
  if (node.kind === "and") {
    collectTerms(node.left, out);
    collectTerms(node.right, out);
    return;
  }
  if (node.kind !== "compare") throw invalidSearch("Invalid operator used in SearchConditionExpression");
  if (node.op !== "=") throw invalidSearch("Invalid comparator used in SearchConditionExpression");
  const [path, value] = node.left.kind === "path" ? [node.left, node.right] : [node.right, node.left];
  if (path.kind !== "path" || value.kind !== "literal") {
    throw invalidSearch("Invalid operator used in SearchConditionExpression");
  }
  if (path.path.length !== 1 || typeof path.path[0] !== "string") {
    throw invalidSearch("SearchConditionExpression cannot have conditions on nested attributes");
  }
  out.push({ name: path.path[0], value: (value as Extract<ResolvedOperand, { kind: "literal" }>).value });
}

function invalidSearch(message: string): DynamoError {
  return validation(`Invalid SearchConditionExpression: ${message}`);
}

/** Whether a row's inline filter values equal every filter term (numbers compare numerically). */
function matches(values: Item, filters: { name: string; value: AttributeValue }[]): boolean {
  for (const filter of filters) {
    const value = Object.hasOwn(values, filter.name) ? values[filter.name] : undefined;
    if (!value || !valuesEqual(value, filter.value)) return false;
  }
  return true;
}

/**
 * What a result carries of the item: every projected attribute but the vector, unless
 * ProjectionExpression names it; the vector then as the index's float32 copy. Names the
 * index does not project are left out (DynamoDB ignores them).
 */
function resultItem(item: Item, index: VectorIndexDef, projection: DocPath[] | undefined): Item {
  const vector = item[index.attribute];
  if (!projection) {
    const out: Item = {};
    for (const [name, value] of Object.entries(item)) if (name !== index.attribute) out[name] = value;
    return out;
  }
  const out = projectPaths(item, projection);
  if (vector && "L" in vector && Object.hasOwn(out, index.attribute)) {
    out[index.attribute] = { L: vector.L.map((n) => ({ N: javaFloat(Math.fround(Number((n as { N: string }).N))) })) };
  }
  return out;
}

/** Java's Float.toString: the shortest decimal that reads back as the same float32. */
export function javaFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  let digits = 1;
  let text = value.toPrecision(digits);
  while (Math.fround(Number(text)) !== value && digits < 9) text = value.toPrecision(++digits);
  const magnitude = Math.abs(value);
  const [mantissa, exponent] = Number(text).toExponential().split("e") as [string, string];
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(Number(text));
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * VectorSearchRequestBytes. DynamoDB's figure scales with the vectors examined and the data
 * returned and varies between identical calls; this follows the model ExtendDB measured
 * (30.6875 bytes per dimension, 65 per result, the returned items' bytes), with its 1 KB floor.
 */
function searchBytes(index: VectorIndexDef, results: { Item: Item }[]): number {
  let returned = 0;
  for (const result of results) returned += JSON.stringify(result.Item).length;
  return Math.max(1024, Math.ceil(30.6875 * index.dimensions + 65 * results.length + returned));
}
