// The TableDescription structure returned by CreateTable, DescribeTable, UpdateTable and
// DeleteTable.
import type { OpContext } from "./operation.js";
import { tableArn } from "./tables.js";
import { describeVectorIndex } from "./vector-definitions.js";
import { restoring } from "../schema/backup.js";
import { streamArn } from "../schema/stream.js";
import { isPartitionedIndex, partitionMapOf, type IndexDef, type TableDef } from "../schema/table-def.js";

export type TableStatus = "CREATING" | "ACTIVE" | "DELETING" | "UPDATING";
export type IndexStatus = "CREATING" | "ACTIVE" | "DELETING" | "UPDATING";

/**
 * How UpdateTable's response shows an index it has just changed: DynamoDB answers a GSI
 * Create with IndexStatus CREATING and Backfilling false (the index is still being
 * allocated), and a Delete with the index still listed as DELETING.
 */
export interface IndexOverride {
  status: IndexStatus;
  backfilling?: boolean;
}

export function describeTable(
  ctx: OpContext,
  def: TableDef,
  status: TableStatus,
  overrides: Record<string, IndexOverride> = {},
): Record<string, unknown> {
  const stats = ctx.catalogue.stats(def);
  const throughput: Record<string, unknown> = {
    NumberOfDecreasesToday: def.decreasesToday,
    ReadCapacityUnits: def.readCapacity,
    WriteCapacityUnits: def.writeCapacity,
  };
  if (def.lastIncreaseAt !== undefined) throughput.LastIncreaseDateTime = def.lastIncreaseAt;
  if (def.lastDecreaseAt !== undefined) throughput.LastDecreaseDateTime = def.lastDecreaseAt;
  // DeleteTable's description is DynamoDB's reduced one: no AttributeDefinitions,
  // KeySchema, CreationDateTime or indexes (Alternator's test_table.py, run against AWS).
  const deleting = status === "DELETING";
  const description: Record<string, unknown> = {
    ...(deleting ? {} : { AttributeDefinitions: def.attributeDefinitions }),
    TableName: def.name,
    ...(deleting ? {} : { KeySchema: def.keySchema }),
    TableStatus: status === "ACTIVE" && restoring(def.restore) ? "CREATING" : status,
    ...(deleting ? {} : { CreationDateTime: def.createdAt }),
    ProvisionedThroughput: throughput,
    TableSizeBytes: stats.sizeBytes,
    ItemCount: stats.itemCount,
    TableArn: tableArn(ctx, def.name),
    TableId: def.tableId,
    DeletionProtectionEnabled: def.deletionProtection,
  };
  // Our extension (README, "Sharded cluster"): how many partition objects hold the table and
  // the version of its partition map. Absent for one partition, so such tables describe
  // exactly as DynamoDB's. The SDKs drop members they do not model; the wire JSON and the
  // console show it.
  const map = partitionMapOf(def);
  if (map.partitions.length > 1) {
    description.DurableDynamoDB = { PartitionCount: map.partitions.length, PartitionMapVersion: map.version };
    // GSIs kept in partitions of their own: this partition's changes not yet applied to them
    // (the router sums the counts and takes the largest lag).
    const propagation = (def.indexes ?? []).filter(isPartitionedIndex).map((index) => {
      const waiting = ctx.outbox?.lag(def.tid, index.name) ?? { count: 0, oldest: null };
      return {
        IndexName: index.name,
        PartitionCount: index.partitions.partitions.length,
        PendingChanges: waiting.count,
        LagMillis: waiting.oldest === null ? 0 : Math.max(0, ctx.now - waiting.oldest),
      };
    });
    if (propagation.length > 0)
      (description.DurableDynamoDB as Record<string, unknown>).GlobalSecondaryIndexes = propagation;
  }
  // While a restore fills the table (DynamoDB drops the summary once the table is ACTIVE).
  if (def.restore && restoring(def.restore) && def.restore.importArn === undefined) {
    description.RestoreSummary = {
      ...(def.restore.sourceBackupArn === undefined ? {} : { SourceBackupArn: def.restore.sourceBackupArn }),
      SourceTableArn: def.restore.sourceTableArn,
      RestoreDateTime: def.restore.restoreDateTime,
      RestoreInProgress: true,
    };
  }
  if (def.billingMode === "PAY_PER_REQUEST" || def.lastPayPerRequestAt !== undefined) {
    const summary: Record<string, unknown> = { BillingMode: def.billingMode };
    if (def.lastPayPerRequestAt !== undefined) summary.LastUpdateToPayPerRequestDateTime = def.lastPayPerRequestAt;
    description.BillingModeSummary = summary;
  }
  if (!deleting) {
    const indexes = def.indexes ?? [];
    const local = indexes.filter((i) => i.kind === "LSI").map((i) => describeLocalIndex(ctx, def, i));
    const global = indexes
      .filter((i) => i.kind === "GSI")
      .map((i) => describeGlobalIndex(ctx, def, i, overrides[i.name]));
    if (local.length > 0) description.LocalSecondaryIndexes = local;
    if (global.length > 0) description.GlobalSecondaryIndexes = global;
    const vectors = (def.vectorIndexes ?? []).map((i) =>
      describeVectorIndex(i, tableArn(ctx, def.name), ctx.vectors.stats(i.vid)),
    );
    if (vectors.length > 0) description.VectorIndexes = vectors;
  }
  // Streams (src/streams): the specification while enabled; the latest stream's label and
  // ARN stay after it is disabled, as DynamoDB keeps them.
  if (def.stream) {
    if (def.stream.enabled) {
      description.StreamSpecification = { StreamEnabled: true, StreamViewType: def.stream.viewType };
    }
    description.LatestStreamLabel = def.stream.label;
    description.LatestStreamArn = streamArn(ctx.region, ctx.accountId, def.name, def.stream.label);
  }
  return description;
}

function describeLocalIndex(ctx: OpContext, def: TableDef, index: IndexDef): Record<string, unknown> {
  const stats = ctx.indexes.stats(index.iid);
  return {
    IndexName: index.name,
    KeySchema: index.keySchema,
    Projection: projectionOf(index),
    IndexSizeBytes: stats.sizeBytes,
    ItemCount: stats.itemCount,
    IndexArn: indexArn(ctx, def, index),
  };
}

/**
 * A GSI. Backfilling is present only while an index added by UpdateTable is CREATING
 * (indexes created with their table are ACTIVE at once). On-demand tables' indexes report
 * 0 capacity units, as DynamoDB's do.
 */
function describeGlobalIndex(
  ctx: OpContext,
  def: TableDef,
  index: IndexDef,
  override: IndexOverride | undefined,
): Record<string, unknown> {
  const stats = ctx.indexes.stats(index.iid);
  const status = override?.status ?? index.status;
  const out: Record<string, unknown> = {
    IndexName: index.name,
    KeySchema: index.keySchema,
    Projection: projectionOf(index),
    IndexStatus: status,
  };
  if (status === "CREATING") out.Backfilling = override?.backfilling ?? true;
  out.ProvisionedThroughput = {
    NumberOfDecreasesToday: 0,
    ReadCapacityUnits: def.billingMode === "PROVISIONED" ? (index.readCapacity ?? 0) : 0,
    WriteCapacityUnits: def.billingMode === "PROVISIONED" ? (index.writeCapacity ?? 0) : 0,
  };
  out.IndexSizeBytes = stats.sizeBytes;
  out.ItemCount = stats.itemCount;
  out.IndexArn = indexArn(ctx, def, index);
  return out;
}

/** DynamoDB returns NonKeyAttributes sorted by name (ack-api-quirks DDB-TABLE-125). */
function projectionOf(index: IndexDef): Record<string, unknown> {
  const projection: Record<string, unknown> = { ProjectionType: index.projection.ProjectionType };
  if (index.projection.NonKeyAttributes) {
    projection.NonKeyAttributes = [...index.projection.NonKeyAttributes].sort();
  }
  return projection;
}

export function indexArn(ctx: OpContext, def: TableDef, index: IndexDef): string {
  return `${tableArn(ctx, def.name)}/index/${index.name}`;
}
