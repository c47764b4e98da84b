// UpdateTable: billing mode, provisioned throughput and deletion protection. DynamoDB
// applies a throughput or billing change asynchronously (the table is UPDATING for a few
// seconds to minutes and the response still shows the old values); here the change is
// one SQLite transaction, so it is complete when the response is written and the table
// is reported ACTIVE with the new values, as a DescribeTable once DynamoDB settles would.
// Index, stream, encryption, replica and the other UpdateTable members are later issues
// and are refused rather than ignored.
import { validation } from "../errors";
import type { BillingMode, TableDef } from "../storage/catalogue";
import type { AttributeDefinition } from "../types";
import type { Shape } from "../wire/shape";
import { tableName } from "./common-shapes";
import { attributeDefinitionsShape, checkThroughputBounds, provisionedThroughputShape } from "./create-table";
import { defineOp } from "./operation";
import { describeTable } from "./table-description";
import { tableForControl } from "./tables";

interface Throughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}

interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  ProvisionedThroughput?: Throughput;
  BillingMode?: BillingMode;
  DeletionProtectionEnabled?: boolean;
  GlobalSecondaryIndexUpdates?: unknown[];
  StreamSpecification?: unknown;
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
  "GlobalSecondaryIndexUpdates",
  "StreamSpecification",
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
    GlobalSecondaryIndexUpdates: { kind: "list", member: structure("GlobalSecondaryIndexUpdate") },
    StreamSpecification: structure("StreamSpecification", {
      StreamEnabled: { kind: "boolean", notNull: true },
      StreamViewType: { kind: "string", enum: ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"] },
    }),
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
    if (
      unsupported.length === 0 &&
      throughput === undefined &&
      input.BillingMode === undefined &&
      input.DeletionProtectionEnabled === undefined
    ) {
      throw validation(NOTHING_TO_UPDATE);
    }
    if (unsupported[0] !== undefined) {
      throw validation(`${unsupported[0]} is not supported by this version of durable-dynamodb`);
    }
    if (input.DeletionProtectionEnabled !== undefined && (throughput || input.BillingMode)) {
      throw validation(`${INVALID}DeletionProtection modification must be the only operation in the request`);
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
  },
  execute(ctx, input) {
    const def = tableForControl(ctx, input.TableName);
    const next: TableDef = { ...def };
    const now = ctx.now / 1000;
    if (input.DeletionProtectionEnabled !== undefined) next.deletionProtection = input.DeletionProtectionEnabled;
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
    ctx.sql.transaction(() => ctx.catalogue.update(next));
    return { TableDescription: describeTable(ctx, next, "ACTIVE") };
  },
});

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
