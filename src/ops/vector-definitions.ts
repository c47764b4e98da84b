// Vector index definitions as CreateTable and UpdateTable receive them: their wire shapes
// and DynamoDB's checks, with its messages. The texts are those public conformance suites
// captured from DynamoDB in 2026 (nubo-db/dynamodb-conformance, dynoxide); the order of the
// checks follows dynoxide where no capture fixes it.
import { DynamoError, validation } from "../errors.js";
import type { AttributeDefinition } from "../types.js";
import type { Shape } from "../protocol/shape.js";
import type { BillingMode, ProjectionType, VectorIndexDef } from "../schema/table-def.js";
import { DISTANCE_FUNCTIONS, type DistanceFunction } from "../values/vector.js";
import {
  checkProjection,
  indexNameShape,
  INVALID,
  projectionShape,
  type ProjectionInput,
} from "./index-definitions.js";

/** Vector indexes a table may have; dimensions a vector index takes. */
export const MAX_VECTOR_INDEXES = 5;
export const MAX_DIMENSIONS = 4096;

export interface VectorIndexInput {
  IndexName: string;
  VectorAttribute: { AttributeName: string };
  SearchSchema?: { AttributeName: string; SearchSchemaElementType: "HASH" | "INLINE_FILTER" }[];
  Projection: ProjectionInput;
  Dimensions: number;
  DistanceFunction: DistanceFunction;
}

const vectorIndexMembers: Record<string, Shape> = {
  IndexName: indexNameShape,
  VectorAttribute: {
    kind: "structure",
    name: "VectorAttributeDefinition",
    notNull: true,
    members: { AttributeName: { kind: "string", notNull: true, minLength: 1, maxLength: 255 } },
  },
  SearchSchema: {
    kind: "list",
    minLength: 1,
    member: {
      kind: "structure",
      name: "SearchSchemaElement",
      members: {
        AttributeName: { kind: "string", notNull: true, minLength: 1, maxLength: 65535 },
        SearchSchemaElementType: { kind: "string", notNull: true, enum: ["HASH", "INLINE_FILTER"] },
      },
    },
  },
  Projection: projectionShape,
  Dimensions: { kind: "long", notNull: true, min: 1 },
  DistanceFunction: { kind: "string", notNull: true, enum: DISTANCE_FUNCTIONS },
};

export const vectorIndexesShape: Shape = {
  kind: "list",
  member: { kind: "structure", name: "VectorIndex", members: vectorIndexMembers },
};

export interface VectorIndexUpdateInput {
  Create?: VectorIndexInput;
  Delete?: { IndexName: string };
}

export const vectorIndexUpdatesShape: Shape = {
  kind: "list",
  member: {
    kind: "structure",
    name: "VectorIndexUpdate",
    members: {
      Create: { kind: "structure", name: "CreateVectorIndexAction", members: vectorIndexMembers },
      Delete: {
        kind: "structure",
        name: "DeleteVectorIndexAction",
        members: { IndexName: indexNameShape },
      },
    },
  },
};

/** The refusal of vector indexes on a table not billed on demand. */
export function notOnDemand(): DynamoError {
  return validation(`${INVALID}Vector indexes are only supported for PAY_PER_REQUEST tables`);
}

/**
 * CreateTable's checks of its VectorIndexes (after the table's keys and its GSIs and LSIs):
 * billing, each index's search schema and projection, names, count, shared attributes.
 * `names` holds the GSI and LSI names already claimed.
 */
export function checkCreateVectorIndexes(
  indexes: VectorIndexInput[] | undefined,
  billingMode: BillingMode | undefined,
  definitions: AttributeDefinition[],
  names: Set<string>,
): void {
  if (indexes === undefined) return;
  if (billingMode !== "PAY_PER_REQUEST") throw notOnDemand();
  if (indexes.length === 0) throw validation(`${INVALID}List of VectorIndexes is empty`);
  for (const index of indexes) checkVectorIndex(index, definitions);
  const own = new Set<string>();
  for (const index of indexes) {
    if (own.has(index.IndexName)) throw validation(`${INVALID}Duplicate index name: ${index.IndexName}`);
    own.add(index.IndexName);
  }
  if (indexes.length > MAX_VECTOR_INDEXES) {
    throw validation(`${INVALID}VectorIndex count exceeds the per-table limit of ${MAX_VECTOR_INDEXES}`);
  }
  checkSharedAttributes(indexes, []);
  checkVectorAttributesUndefined(indexes, definitions);
  for (const index of indexes) {
    if (names.has(index.IndexName)) throw validation(`${INVALID}Duplicate index name: ${index.IndexName}`);
  }
}

/** One index: dimensions, projection, search schema (HASH count, definitions, duplicates). */
export function checkVectorIndex(index: VectorIndexInput, definitions: AttributeDefinition[]): void {
  if (Math.trunc(index.Dimensions) > MAX_DIMENSIONS) {
    throw validation(`${INVALID}Number of dimensions must be between 1 and ${MAX_DIMENSIONS} inclusive.`);
  }
  checkProjection(index.Projection);
  const schema = index.SearchSchema ?? [];
  const defined = definitions.map((d) => d.AttributeName);
  if (schema.some((element) => !defined.includes(element.AttributeName))) {
    throw validation(`${INVALID}One element in SearchSchema is not defined in attribute definitions`);
  }
  const hashes = schema.filter((element) => element.SearchSchemaElementType === "HASH").length;
  if (hashes > 1) {
    throw validation(
      `${INVALID}Value '${hashes}' at 'SearchSchema' failed to satisfy constraint: Member must have HASH count less than or equal to 1`,
    );
  }
  const names = schema.map((element) => element.AttributeName);
  if (names.some((name, i) => names.indexOf(name) !== i)) {
    throw validation(`${INVALID}SearchSchema contains a duplicate AttributeName`);
  }
}

/** Every index over one attribute has the same dimensions (`existing`: the table's own). */
export function checkSharedAttributes(indexes: VectorIndexInput[], existing: VectorIndexDef[]): void {
  const dimensions = new Map<string, number>(existing.map((i) => [i.attribute, i.dimensions]));
  for (const index of indexes) {
    const attribute = index.VectorAttribute.AttributeName;
    const seen = dimensions.get(attribute);
    if (seen !== undefined && seen !== Math.trunc(index.Dimensions)) {
      throw validation(
        `${INVALID}Conflicting attribute definition for '${attribute}'. All VectorIndexes on the same vector attribute must use the same dimensions.`,
      );
    }
    dimensions.set(attribute, Math.trunc(index.Dimensions));
  }
}

/** A vector attribute is typed L by the index: AttributeDefinitions may not name it. */
export function checkVectorAttributesUndefined(indexes: VectorIndexInput[], definitions: AttributeDefinition[]): void {
  for (const index of indexes) {
    const attribute = index.VectorAttribute.AttributeName;
    if (definitions.some((d) => d.AttributeName === attribute)) {
      throw validation(
        `${INVALID}Conflicting attribute definition for '${attribute}'. An attribute cannot be defined in AttributeDefinitions when used as a VectorAttribute.`,
      );
    }
  }
}

/** The search schema attributes of vector indexes: AttributeDefinitions may name them. */
export function searchSchemaAttributes(indexes: VectorIndexInput[] | undefined): string[] {
  return (indexes ?? []).flatMap((i) => (i.SearchSchema ?? []).map((e) => e.AttributeName));
}

/** The definition of a checked index input; `vid` comes from the catalogue's id sequence. */
export function vectorIndexDef(input: VectorIndexInput, vid: number, status: VectorIndexDef["status"]): VectorIndexDef {
  const projection: VectorIndexDef["projection"] = {
    ProjectionType: input.Projection.ProjectionType as ProjectionType,
  };
  if (input.Projection.NonKeyAttributes) projection.NonKeyAttributes = [...input.Projection.NonKeyAttributes];
  return {
    name: input.IndexName,
    vid,
    attribute: input.VectorAttribute.AttributeName,
    dimensions: Math.trunc(input.Dimensions),
    distance: input.DistanceFunction,
    searchSchema: (input.SearchSchema ?? []).map((e) => ({
      AttributeName: e.AttributeName,
      SearchSchemaElementType: e.SearchSchemaElementType,
    })),
    projection,
    status,
  };
}

/** DescribeTable's entry of a vector index. */
export function describeVectorIndex(
  index: VectorIndexDef,
  arn: string,
  stats: { itemCount: number; sizeBytes: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = { IndexName: index.name };
  if (index.searchSchema.length > 0) out.SearchSchema = index.searchSchema.map((e) => ({ ...e }));
  out.Projection = { ...index.projection };
  out.VectorAttribute = { AttributeName: index.attribute };
  out.Dimensions = index.dimensions;
  out.DistanceFunction = index.distance;
  out.IndexStatus = index.status;
  // Present only while an index added by UpdateTable fills (DynamoDB drops the key once ACTIVE).
  if (index.status === "CREATING") out.Backfilling = true;
  out.IndexSizeBytes = stats.sizeBytes;
  out.ItemCount = stats.itemCount;
  out.IndexArn = `${arn}/index/${index.name}`;
  return out;
}
