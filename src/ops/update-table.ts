// UpdateTable: billing mode, provisioned throughput, deletion protection and global
// secondary indexes. DynamoDB applies a throughput or billing change asynchronously (the
// table is UPDATING for a few seconds to minutes and the response still shows the old
// values); here the change is one SQLite transaction, so it is complete when the
// response is written and the table is reported ACTIVE with the new values, as a
// DescribeTable once DynamoDB settles would. The same holds for a GSI throughput Update.
//
// A GSI Create is the exception: the index is CREATING until the shard's alarm has
// backfilled it from the table's items (src/storage/backfill.ts). The response shows the
// table UPDATING and the index CREATING without Backfilling, as DynamoDB's does while it
// allocates the index; DescribeTable then shows the table ACTIVE and the index CREATING
// with Backfilling true until the backfill ends. A GSI Delete removes the index at once
// (its rows are purged by the alarm) and the response lists it as DELETING.
//
// StreamSpecification enables or disables the table's stream (src/streams/specification.ts);
// encryption, replica and the other UpdateTable members are later issues and are refused
// rather than ignored.
import { DynamoError, notFound, validation } from "../errors.js";
import type { AttributeDefinition } from "../types.js";
import type { Shape } from "../protocol/shape.js";
import { tableName } from "./common-shapes.js";
import { attributeDefinitionsShape, checkThroughputBounds, provisionedThroughputShape } from "./create-table.js";
import {
  checkGlobalKeySchema,
  checkIndexThroughputBounds,
  checkProjectedTotal,
  checkProjection,
  globalSecondaryIndexUpdatesShape,
  indexDef,
  MAX_GLOBAL_INDEXES,
  type GlobalSecondaryIndexInput,
  type GlobalSecondaryIndexUpdateInput,
  type Throughput,
} from "./index-definitions.js";
import { defineOp, type OpContext } from "./operation.js";
import { describeTable, type IndexOverride } from "./table-description.js";
import { tableForControl } from "./tables.js";
import { registerStream } from "../streams/registry.js";
import {
  checkUpdateStream,
  streamSpecificationShape,
  updatedStream,
  type StreamSpecificationInput,
} from "../streams/specification.js";
import { vectorIndexUpdatesShape, type VectorIndexUpdateInput } from "./vector-definitions.js";
import { applyVectorPlan, checkStaysOnDemand, ONE_ONLINE_INDEX, planVectorUpdates } from "./vector-updates.js";
import { indexOf, newIndexPartitions, type BillingMode, type IndexDef, type TableDef } from "../schema/table-def.js";

interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  ProvisionedThroughput?: Throughput;
  BillingMode?: BillingMode;
  DeletionProtectionEnabled?: boolean;
  GlobalSecondaryIndexUpdates?: GlobalSecondaryIndexUpdateInput[];
  VectorIndexUpdates?: VectorIndexUpdateInput[];
  StreamSpecification?: StreamSpecificationInput;
  SSESpecification?: unknown;
  ReplicaUpdates?: unknown[];
  TableClass?: string;
  MultiRegionConsistency?: string;
  GlobalTableWitnessUpdates?: unknown[];
  OnDemandThroughput?: unknown;
  WarmThroughput?: unknown;
}

/** The members this version cannot apply yet, in the order they are named when refused. */
const UNSUPPORTED = [
  "SSESpecification",
  "ReplicaUpdates",
  "TableClass",
  "MultiRegionConsistency",
  "GlobalTableWitnessUpdates",
  "OnDemandThroughput",
  "WarmThroughput",
] as const;

// DynamoDB's wording when a request changes nothing. It names members that are not in
// the public API (MultiAccountReplicaReady, ReplicaTransitRoleArn, UpdateStreamEnabled).
const NOTHING_TO_UPDATE =
  "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, " +
  "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, " +
  "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required";

const INVALID = "One or more parameter values were invalid: ";

const structure = (name: string, members: Record<string, Shape> = {}): Shape => ({
  kind: "structure",
  name,
  members,
});

export const updateTable = defineOp<UpdateTableInput>({
  shape: {
    AttributeDefinitions: { ...attributeDefinitionsShape, notNull: false },
    TableName: tableName,
    ProvisionedThroughput: provisionedThroughputShape,
    BillingMode: { kind: "string", enum: ["PROVISIONED", "PAY_PER_REQUEST"] },
    GlobalSecondaryIndexUpdates: globalSecondaryIndexUpdatesShape,
    VectorIndexUpdates: vectorIndexUpdatesShape,
    StreamSpecification: streamSpecificationShape,
    SSESpecification: structure("SSESpecification", {
      Enabled: { kind: "boolean" },
      SSEType: { kind: "string", enum: ["AES256", "KMS"] },
      KMSMasterKeyId: { kind: "string", minLength: 1 },
    }),
    ReplicaUpdates: { kind: "list", minLength: 1, member: structure("ReplicationGroupUpdate") },
    TableClass: { kind: "string", enum: ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] },
    DeletionProtectionEnabled: { kind: "boolean" },
    MultiRegionConsistency: { kind: "string", enum: ["EVENTUAL", "STRONG"] },
    GlobalTableWitnessUpdates: {
      kind: "list",
      minLength: 1,
      maxLength: 1,
      member: structure("GlobalTableWitnessGroupUpdate"),
    },
    OnDemandThroughput: structure("OnDemandThroughput", {
      MaxReadRequestUnits: { kind: "long" },
      MaxWriteRequestUnits: { kind: "long" },
    }),
    WarmThroughput: structure("WarmThroughput", {
      ReadUnitsPerSecond: { kind: "long" },
      WriteUnitsPerSecond: { kind: "long" },
    }),
  },
  validate(input) {
    // AttributeDefinitions alone changes nothing (DynamoDB reads it only for a new index),
    // and an empty GlobalSecondaryIndexUpdates counts as absent.
    const unsupported = UNSUPPORTED.filter((member) => {
      const value = input[member];
      return value !== undefined && !(Array.isArray(value) && value.length === 0);
    });
    const throughput = input.ProvisionedThroughput;
    const indexUpdates = input.GlobalSecondaryIndexUpdates;
    if (
      unsupported.length === 0 &&
      !indexUpdates?.length &&
      !input.VectorIndexUpdates?.length &&
      throughput === undefined &&
      input.BillingMode === undefined &&
      input.DeletionProtectionEnabled === undefined &&
      input.StreamSpecification === undefined
    ) {
      throw validation(NOTHING_TO_UPDATE);
    }
    if (unsupported[0] !== undefined) {
      throw validation(`${unsupported[0]} is not supported by this version of durable-dynamodb`);
    }
    // With another change in the request an empty list is refused, not ignored (DDB-TABLE-359).
    if (indexUpdates?.length === 0) throw validation(`${INVALID}List of GlobalSecondaryIndexUpdates is empty`);
    if (indexUpdates) checkIndexUpdateEntries(indexUpdates);
    if (input.VectorIndexUpdates?.length === 0) throw validation(`${INVALID}List of VectorIndexUpdates is empty`);
    // One online index change at a time, whatever its kind.
    const online = (indexUpdates ?? []).filter((u) => u.Create || u.Delete).length;
    if (online > 0 && input.VectorIndexUpdates?.length) {
      throw new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
    }
    const stream = input.StreamSpecification;
    if (input.DeletionProtectionEnabled !== undefined && (throughput || input.BillingMode || indexUpdates || stream)) {
      throw validation(`${INVALID}DeletionProtection modification must be the only operation in the request`);
    }
    if (throughput && indexUpdates?.some((u) => u.Create || u.Delete)) {
      throw validation(`${INVALID}You cannot create or delete index while updating table IOPS`);
    }
    if (stream) {
      checkUpdateStream(stream);
      if (throughput) throw validation(`${INVALID}You cannot modify stream status while updating table IOPS`);
      if (indexUpdates?.some((u) => u.Create || u.Delete)) {
        throw validation(`${INVALID}You cannot create or delete index while changing stream status`);
      }
    }
    // Both billing rules hold whatever the table's current mode is: BillingMode=PROVISIONED
    // alone is refused even on a PROVISIONED table.
    if (input.BillingMode === "PROVISIONED" && !throughput) {
      throw validation(`${INVALID}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
    }
    if (input.BillingMode === "PAY_PER_REQUEST" && throughput) {
      throw validation(`${INVALID}ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST`);
    }
    if (throughput) checkThroughputBounds(throughput);
    for (const update of indexUpdates ?? []) {
      if (update.Update) checkIndexThroughputBounds(update.Update.IndexName, update.Update.ProvisionedThroughput);
      const create = update.Create;
      if (create) {
        if (input.AttributeDefinitions === undefined) {
          throw validation(`${INVALID}AttributeDefinitions is not specified for index: ${create.IndexName}`);
        }
        checkProjection(create.Projection);
        if (create.ProvisionedThroughput) checkIndexThroughputBounds(create.IndexName, create.ProvisionedThroughput);
      }
    }
  },
  execute(ctx, input) {
    const def = tableForControl(ctx, input.TableName);
    const next: TableDef = { ...def };
    const now = ctx.now / 1000;
    if (input.DeletionProtectionEnabled !== undefined) next.deletionProtection = input.DeletionProtectionEnabled;
    if (input.StreamSpecification) {
      next.stream = updatedStream(def, input.StreamSpecification, ctx.now, ctx.region);
      // A stream policy belongs to its stream's ARN; a new stream starts without one.
      if (next.stream.label !== def.stream?.label) delete next.streamPolicy;
      // Retention of the stream (and noting when it was disabled) runs on the alarm.
      ctx.scheduleHousekeeping();
    }
    const throughput = input.ProvisionedThroughput;
    if (input.BillingMode === "PAY_PER_REQUEST") {
      // Re-sending PAY_PER_REQUEST to an on-demand table is accepted and changes nothing.
      if (def.billingMode === "PROVISIONED") {
        // On-demand tables report 0/0; the increase/decrease history is kept.
        next.billingMode = "PAY_PER_REQUEST";
        next.readCapacity = 0;
        next.writeCapacity = 0;
        next.lastPayPerRequestAt = now;
      }
    } else if (throughput) {
      if (def.billingMode === "PAY_PER_REQUEST" && input.BillingMode === undefined) {
        throw validation(
          `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
        );
      }
      if (def.billingMode === "PAY_PER_REQUEST") {
        // Switching to PROVISIONED applies the values as given; DynamoDB records no increase
        // and keeps LastUpdateToPayPerRequestDateTime, so BillingModeSummary stays.
        next.billingMode = "PROVISIONED";
        next.readCapacity = throughput.ReadCapacityUnits;
        next.writeCapacity = throughput.WriteCapacityUnits;
      } else {
        applyThroughputChange(def, next, throughput, now);
      }
    }
    checkStaysOnDemand(def, next);
    if (input.VectorIndexUpdates) {
      const plan = planVectorUpdates(def, next, input.VectorIndexUpdates, input.AttributeDefinitions ?? []);
      const final = ctx.sql.transaction(() => {
        const updated = applyVectorPlan(next, plan, () => ctx.catalogue.nextTid());
        if (plan.deleted) ctx.vectors.markDropped(plan.deleted.vid);
        ctx.catalogue.update(updated);
        if (updated.stream?.enabled && updated.stream !== def.stream) registerStream(ctx.sql, updated, ctx.now);
        return updated;
      });
      // The new index's backfill, or the deleted one's purge, runs on the alarm.
      ctx.scheduleHousekeeping();
      return { TableDescription: describeTable(ctx, final, "UPDATING") };
    }
    const indexUpdates = input.GlobalSecondaryIndexUpdates;
    if (!indexUpdates && !def.indexes?.some((i) => i.kind === "GSI")) {
      ctx.sql.transaction(() => {
        ctx.catalogue.update(next);
        if (next.stream?.enabled && next.stream !== def.stream) registerStream(ctx.sql, next, ctx.now);
      });
      return { TableDescription: describeTable(ctx, next, "ACTIVE") };
    }
    // A billing switch concerns every GSI's throughput, even with no index update in the request.
    const plan = planIndexUpdates(def, next, indexUpdates ?? [], input.AttributeDefinitions ?? []);
    const description = ctx.sql.transaction(() => {
      if (next.stream?.enabled && next.stream !== def.stream) registerStream(ctx.sql, next, ctx.now);
      return applyIndexPlan(ctx, next, plan);
    });
    if (plan.create || plan.deleted) ctx.scheduleHousekeeping();
    return { TableDescription: description };
  },
});

/** The per-entry rules of GlobalSecondaryIndexUpdates (DDB-TABLE-160). */
function checkIndexUpdateEntries(updates: GlobalSecondaryIndexUpdateInput[]): void {
  const names = new Set<string>();
  for (const update of updates) {
    const actions = [update.Update, update.Create, update.Delete].filter((a) => a !== undefined);
    if (actions.length === 0) {
      throw validation(
        `${INVALID}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
      );
    }
    if (actions.length > 1) {
      throw validation(
        `${INVALID}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`,
      );
    }
    const name = (actions[0] as { IndexName: string }).IndexName;
    if (names.has(name)) {
      throw validation(
        `${INVALID}Only one global secondary index update per index is allowed simultaneously. Index: ${name}`,
      );
    }
    names.add(name);
  }
}

interface IndexPlan {
  /** The table's indexes with Updates applied, the one being deleted still in place. */
  indexes: IndexDef[];
  create?: GlobalSecondaryIndexInput;
  deleted?: IndexDef;
  /** AttributeDefinitions with the new index's key attributes added. */
  definitions: AttributeDefinition[];
}

/**
 * Checks GlobalSecondaryIndexUpdates against the table and the billing mode the request
 * leaves it in (`next`), and works out the resulting indexes. Throws before anything is
 * written.
 */
function planIndexUpdates(
  def: TableDef,
  next: TableDef,
  updates: GlobalSecondaryIndexUpdateInput[],
  requestDefinitions: AttributeDefinition[],
): IndexPlan {
  const current = def.indexes ?? [];
  const online = updates.filter((u) => u.Create || u.Delete);
  if (online.length > 1) throw new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
  const building = current.find((i) => i.status === "CREATING");
  const target = online[0] && (online[0].Create?.IndexName ?? online[0].Delete?.IndexName);
  // Deleting the index being built is allowed (DynamoDB allows it once backfilling).
  if (building && online[0] && !(online[0].Delete && target === building.name)) {
    throw new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
  }
  const provisioned = next.billingMode === "PROVISIONED";
  const switching = next.billingMode !== def.billingMode;
  const plan: IndexPlan = {
    indexes: current.map((index) => {
      if (index.kind !== "GSI" || provisioned) return index;
      // On-demand indexes have no capacity of their own.
      const rest = { ...index };
      delete rest.readCapacity;
      delete rest.writeCapacity;
      return rest;
    }),
    definitions: next.attributeDefinitions,
  };
  const updated = new Set<string>();
  for (const update of updates) {
    if (update.Update) {
      const { IndexName: name, ProvisionedThroughput: throughput } = update.Update;
      const index = globalIndexOrThrow(def, name, "update");
      if (!provisioned) {
        throw validation(
          `${INVALID}The only Updates for index: ${name} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`,
        );
      }
      if (
        !switching &&
        index.readCapacity === throughput.ReadCapacityUnits &&
        index.writeCapacity === throughput.WriteCapacityUnits
      ) {
        throw validation(
          `The provisioned throughput for the index ${name} will not change. The requested value equals the current value. ` +
            `Current ReadCapacityUnits provisioned for index ${name}: ${index.readCapacity}. ` +
            `Requested ReadCapacityUnits: ${throughput.ReadCapacityUnits}. ` +
            `Current WriteCapacityUnits provisioned for index ${name}: ${index.writeCapacity}. ` +
            `Requested WriteCapacityUnits: ${throughput.WriteCapacityUnits}. ` +
            "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
        );
      }
      plan.indexes = plan.indexes.map((i) =>
        i.iid === index.iid
          ? { ...i, readCapacity: throughput.ReadCapacityUnits, writeCapacity: throughput.WriteCapacityUnits }
          : i,
      );
      updated.add(name);
    } else if (update.Delete) {
      plan.deleted = globalIndexOrThrow(def, update.Delete.IndexName, "delete");
    } else if (update.Create) {
      plan.create = update.Create;
      plan.definitions = checkCreate(def, update.Create, requestDefinitions, provisioned);
    }
  }
  // Switching to PROVISIONED gives no index a capacity by default: each must get one.
  if (switching && provisioned) {
    const missing = current.find((i) => i.kind === "GSI" && !updated.has(i.name));
    if (missing) throw validation(`${INVALID}ProvisionedThroughput must be specified for index: ${missing.name}`);
  }
  return plan;
}

function globalIndexOrThrow(def: TableDef, name: string, action: "update" | "delete"): IndexDef {
  const index = indexOf(def, name);
  if (!index) throw notFound(`Requested resource not found: Index ${name} for table ${def.name}`);
  if (index.kind !== "GSI") throw validation(`Cannot ${action} an index that is not a GlobalSecondaryIndex: ${name}`);
  return index;
}

/**
 * A new GSI against the table: a fresh name, room for it, key attributes defined (by the
 * request, or already by the table) without changing an existing definition's type, and
 * throughput matching the billing mode. Returns the table's AttributeDefinitions with
 * the new key attributes added.
 */
function checkCreate(
  def: TableDef,
  create: GlobalSecondaryIndexInput,
  requestDefinitions: AttributeDefinition[],
  provisioned: boolean,
): AttributeDefinition[] {
  const current = def.indexes ?? [];
  if (indexOf(def, create.IndexName)) throw validation("Attempting to create an index which already exists");
  if (current.filter((i) => i.kind === "GSI").length >= MAX_GLOBAL_INDEXES) {
    throw new DynamoError(
      "LimitExceededException",
      `Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of ${MAX_GLOBAL_INDEXES}`,
    );
  }
  const definitions = [...def.attributeDefinitions];
  for (const key of create.KeySchema) {
    const existing = definitions.find((d) => d.AttributeName === key.AttributeName);
    const requested = requestDefinitions.find((d) => d.AttributeName === key.AttributeName);
    if (existing && requested && existing.AttributeType !== requested.AttributeType) {
      // DynamoDB's text (Alternator's test_gsi_updatetable.py, run against AWS).
      const element = (type: string) => `Schema:[SchemaElement: key{${key.AttributeName}:${type}:${key.KeyType}}]`;
      throw validation(
        `${INVALID}Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. Existing schema: ${element(existing.AttributeType)} New schema: ${element(requested.AttributeType)}`,
      );
    }
    if (!existing && requested)
      definitions.push({ AttributeName: requested.AttributeName, AttributeType: requested.AttributeType });
  }
  checkGlobalKeySchema(
    create,
    definitions.map((d) => d.AttributeName),
  );
  const throughput = create.ProvisionedThroughput;
  if (provisioned && !throughput) {
    throw validation(
      `${INVALID}Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: ${create.IndexName}`,
    );
  }
  if (!provisioned && throughput) {
    throw validation(
      `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ${create.IndexName} when BillingMode is PAY_PER_REQUEST`,
    );
  }
  checkProjectedTotal([...current.map((i) => i.projection), create.Projection]);
  return definitions;
}

/**
 * Writes the planned indexes (inside the request's transaction) and returns the response's
 * TableDescription. The new index gets its id here; a deleted one is dropped, its rows left
 * to the alarm, and key attributes no key uses any more leave AttributeDefinitions.
 */
function applyIndexPlan(ctx: OpContext, next: TableDef, plan: IndexPlan): Record<string, unknown> {
  const created = plan.create && indexDef("GSI", plan.create, ctx.catalogue.nextTid(), "CREATING");
  const partitions = created && newIndexPartitions(next, created.iid);
  if (created && partitions) {
    created.partitions = partitions;
    created.gid = created.iid;
  }
  const listed = created ? [...plan.indexes, created] : plan.indexes;
  const remaining = listed.filter((i) => i.iid !== plan.deleted?.iid);
  const final: TableDef = { ...next, attributeDefinitions: plan.definitions };
  if (remaining.length > 0) final.indexes = remaining;
  else delete final.indexes;
  if (plan.deleted) {
    const used = new Set([...final.keySchema, ...remaining.flatMap((i) => i.keySchema)].map((k) => k.AttributeName));
    final.attributeDefinitions = plan.definitions.filter((d) => used.has(d.AttributeName));
  }
  const overrides: Record<string, IndexOverride> = {};
  if (created) overrides[created.name] = { status: "CREATING", backfilling: false };
  if (plan.deleted) overrides[plan.deleted.name] = { status: "DELETING" };
  const online = created !== undefined || plan.deleted !== undefined;
  const description = describeTable(
    ctx,
    { ...final, attributeDefinitions: plan.definitions, indexes: listed },
    online ? "UPDATING" : "ACTIVE",
    overrides,
  );
  if (plan.deleted) {
    ctx.indexes.markDropped(plan.deleted.iid);
    ctx.outbox?.drop(next.tid, plan.deleted.name);
  }
  ctx.catalogue.update(final);
  return description;
}

/**
 * A throughput change on a PROVISIONED table, with DynamoDB's bookkeeping: any dimension
 * going up sets LastIncreaseDateTime, any going down sets LastDecreaseDateTime and counts
 * one decrease (both dimensions in one call count once) towards NumberOfDecreasesToday,
 * which starts again at 0 each UTC day. (DynamoDB also caps decreases at 4 a day plus one
 * an hour after that; this engine does not.)
 */
function applyThroughputChange(def: TableDef, next: TableDef, throughput: Throughput, now: number): void {
  const readDiff = throughput.ReadCapacityUnits - def.readCapacity;
  const writeDiff = throughput.WriteCapacityUnits - def.writeCapacity;
  if (readDiff === 0 && writeDiff === 0) {
    throw validation(
      "The provisioned throughput for the table will not change. The requested value equals the current value. " +
        `Current ReadCapacityUnits provisioned for the table: ${def.readCapacity}. ` +
        `Requested ReadCapacityUnits: ${throughput.ReadCapacityUnits}. ` +
        `Current WriteCapacityUnits provisioned for the table: ${def.writeCapacity}. ` +
        `Requested WriteCapacityUnits: ${throughput.WriteCapacityUnits}. ` +
        "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
    );
  }
  next.readCapacity = throughput.ReadCapacityUnits;
  next.writeCapacity = throughput.WriteCapacityUnits;
  if (readDiff > 0 || writeDiff > 0) next.lastIncreaseAt = now;
  if (readDiff < 0 || writeDiff < 0) {
    const sameDay = def.lastDecreaseAt !== undefined && utcDay(def.lastDecreaseAt) === utcDay(now);
    next.decreasesToday = (sameDay ? def.decreasesToday : 0) + 1;
    next.lastDecreaseAt = now;
  }
}

/** The UTC day of an epoch-seconds instant. */
function utcDay(seconds: number): number {
  return Math.floor(seconds / 86_400);
}
