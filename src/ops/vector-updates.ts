// UpdateTable's VectorIndexUpdates: one Create or one Delete per call, and none while
// another index of the table (vector or global) is still being built. A created index is
// CREATING while the shard's alarm fills it (src/storage/vector-backfill.ts); a deleted
// one leaves the table at once, its rows purged by the alarm. Messages as captured from
// DynamoDB (src/ops/vector-definitions.ts).
import { DynamoError, notFound, validation } from "../errors.js";
import type { AttributeDefinition } from "../types.js";
import type { TableDef, VectorIndexDef } from "../schema/table-def.js";
import { indexOf, vectorIndexOf } from "../schema/table-def.js";
import { INVALID } from "./index-definitions.js";
import {
  checkSharedAttributes,
  checkVectorAttributesUndefined,
  checkVectorIndex,
  MAX_VECTOR_INDEXES,
  notOnDemand,
  vectorIndexDef,
  type VectorIndexUpdateInput,
} from "./vector-definitions.js";

export const ONE_ONLINE_INDEX =
  "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table";

export interface VectorPlan {
  create?: VectorIndexUpdateInput["Create"];
  deleted?: VectorIndexDef;
  /** The table's AttributeDefinitions with the new index's search schema attributes. */
  definitions: AttributeDefinition[];
}

/**
 * Checks the updates against the table as the request leaves it (`next`: its billing mode)
 * and works out the change. Throws before anything is written.
 */
export function planVectorUpdates(
  def: TableDef,
  next: TableDef,
  updates: VectorIndexUpdateInput[],
  requestDefinitions: AttributeDefinition[],
): VectorPlan {
  if (updates.length > 1) throw new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
  const update = updates[0];
  const plan: VectorPlan = { definitions: next.attributeDefinitions };
  if (!update) return plan;
  const building = [...(def.indexes ?? []), ...(def.vectorIndexes ?? [])].find((i) => i.status === "CREATING");
  // Deleting the index being built is allowed (DynamoDB allows it once it backfills).
  if (building && !(update.Delete && update.Delete.IndexName === building.name)) {
    throw new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
  }
  if (update.Delete) {
    const index = vectorIndexOf(def, update.Delete.IndexName);
    if (!index) throw notFound(`Requested resource not found: Index ${update.Delete.IndexName} for table ${def.name}`);
    plan.deleted = index;
    return plan;
  }
  const create = update.Create;
  if (!create) return plan;
  if (next.billingMode !== "PAY_PER_REQUEST") throw notOnDemand();
  checkVectorIndex(create, requestDefinitions);
  if (indexOf(def, create.IndexName) || vectorIndexOf(def, create.IndexName)) {
    throw validation("Attempting to create an index which already exists");
  }
  if ((def.vectorIndexes?.length ?? 0) >= MAX_VECTOR_INDEXES) {
    throw validation(`${INVALID}VectorIndex count exceeds the per-table limit of ${MAX_VECTOR_INDEXES}`);
  }
  checkSharedAttributes([create], def.vectorIndexes ?? []);
  checkVectorAttributesUndefined([create], requestDefinitions);
  const definitions = [...next.attributeDefinitions];
  for (const element of create.SearchSchema ?? []) {
    const requested = requestDefinitions.find((d) => d.AttributeName === element.AttributeName);
    const existing = definitions.find((d) => d.AttributeName === element.AttributeName);
    if (requested && !existing) definitions.push({ ...requested });
  }
  plan.create = create;
  plan.definitions = definitions;
  return plan;
}

/** The table after the planned change; the new index gets its id (`vid`) here. */
export function applyVectorPlan(next: TableDef, plan: VectorPlan, vid: () => number): TableDef {
  const final: TableDef = { ...next, attributeDefinitions: plan.definitions };
  let indexes = [...(next.vectorIndexes ?? [])];
  if (plan.create) indexes.push(vectorIndexDef(plan.create, vid(), "CREATING"));
  if (plan.deleted) indexes = indexes.filter((i) => i.vid !== plan.deleted?.vid);
  if (indexes.length > 0) final.vectorIndexes = indexes;
  else delete final.vectorIndexes;
  if (plan.deleted) {
    // Search schema attributes no index or key uses any more leave AttributeDefinitions.
    const used = new Set([
      ...final.keySchema.map((k) => k.AttributeName),
      ...(final.indexes ?? []).flatMap((i) => i.keySchema.map((k) => k.AttributeName)),
      ...indexes.flatMap((i) => i.searchSchema.map((e) => e.AttributeName)),
    ]);
    final.attributeDefinitions = final.attributeDefinitions.filter((d) => used.has(d.AttributeName));
  }
  return final;
}

/** A table with vector indexes stays on demand. */
export function checkStaysOnDemand(def: TableDef, next: TableDef): void {
  if (def.vectorIndexes?.length && next.billingMode !== "PAY_PER_REQUEST") {
    throw validation(`${INVALID}Tables with vector indexes must be in PAY_PER_REQUEST mode`);
  }
}
