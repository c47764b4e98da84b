// CreateTable. Tables are ACTIVE as soon as they are created (creation is one SQLite
// transaction), so DescribeTable-based waiters succeed on their first poll. So are the
// secondary indexes created with the table: there is nothing to backfill yet.
import { DynamoError, validation } from "../errors.js";
import type { AttributeDefinition, KeySchemaElement } from "../types.js";
import type { Shape } from "../protocol/shape.js";
import { tableName } from "./common-shapes.js";
import {
  checkCreateIndexes,
  globalSecondaryIndexesShape,
  indexDef,
  keySchemaShape,
  localSecondaryIndexesShape,
  provisionedThroughputShape,
  type GlobalSecondaryIndexInput,
  type LocalSecondaryIndexInput,
} from "./index-definitions.js";
import { defineOp } from "./operation.js";
import {
  checkCreateVectorIndexes,
  searchSchemaAttributes,
  vectorIndexDef,
  vectorIndexesShape,
  type VectorIndexInput,
} from "./vector-definitions.js";
import { describeTable } from "./table-description.js";
import { checkTags, tagListShape, type TagInput } from "./tags.js";
import { equalPartitions, tablePartitions } from "../schema/partition-map.js";
import { parsePolicy } from "../schema/resource-policy.js";
import { registerStream } from "../streams/registry.js";
import {
  checkCreateStream,
  newStream,
  streamSpecificationShape,
  type StreamSpecificationInput,
} from "../streams/specification.js";
import { layOutIndexes, type BillingMode, type TableDef } from "../schema/table-def.js";

interface CreateTableInput {
  AttributeDefinitions: AttributeDefinition[];
  TableName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  LocalSecondaryIndexes?: LocalSecondaryIndexInput[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndexInput[];
  VectorIndexes?: VectorIndexInput[];
  BillingMode?: BillingMode;
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  Tags?: TagInput[];
  DeletionProtectionEnabled?: boolean;
  TableClass?: string;
  StreamSpecification?: StreamSpecificationInput;
  ResourcePolicy?: string;
}

export { keySchemaShape, provisionedThroughputShape };

// DynamoDB reports an AttributeDefinition's attributeType before its attributeName.
export const attributeDefinitionsShape: Shape = {
  kind: "list",
  notNull: true,
  member: {
    kind: "structure",
    name: "AttributeDefinition",
    members: {
      AttributeType: { kind: "string", notNull: true, enum: ["B", "N", "S"] },
      AttributeName: { kind: "string", notNull: true, minLength: 1, maxLength: 255 },
    },
  },
};

/** Largest throughput DynamoDB accepts before "out of bounds" (tables). */
const MAX_THROUGHPUT = 1_000_000_000_000;

export const createTable = defineOp<CreateTableInput>({
  // Members in the order DynamoDB reports their violations (provisionedThroughput's come
  // before keySchema's).
  shape: {
    AttributeDefinitions: attributeDefinitionsShape,
    TableName: tableName,
    BillingMode: { kind: "string", enum: ["PROVISIONED", "PAY_PER_REQUEST"] },
    ProvisionedThroughput: provisionedThroughputShape,
    KeySchema: keySchemaShape,
    LocalSecondaryIndexes: localSecondaryIndexesShape,
    GlobalSecondaryIndexes: globalSecondaryIndexesShape,
    VectorIndexes: vectorIndexesShape,
    Tags: tagListShape(false),
    DeletionProtectionEnabled: { kind: "boolean" },
    TableClass: { kind: "string", enum: ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] },
    StreamSpecification: streamSpecificationShape,
    ResourcePolicy: { kind: "string" },
  },
  validate(input) {
    checkBilling(input.BillingMode, input.ProvisionedThroughput);
    const withIndexes = input.LocalSecondaryIndexes !== undefined || input.GlobalSecondaryIndexes !== undefined;
    const withVectors = input.VectorIndexes !== undefined;
    checkKeySchema(input.KeySchema, input.AttributeDefinitions, withIndexes || withVectors);
    checkCreateIndexes({ ...input, usedElsewhere: searchSchemaAttributes(input.VectorIndexes) });
    const secondary = [...(input.LocalSecondaryIndexes ?? []), ...(input.GlobalSecondaryIndexes ?? [])];
    const names = new Set(secondary.map((i) => i.IndexName));
    checkCreateVectorIndexes(input.VectorIndexes, input.BillingMode, input.AttributeDefinitions, names);
    // Search schema attributes are defined as keys are: the definitions are exactly those.
    if (withVectors && !withIndexes) {
      const used = new Set([
        ...input.KeySchema.map((k) => k.AttributeName),
        ...searchSchemaAttributes(input.VectorIndexes),
      ]);
      if (used.size !== input.AttributeDefinitions.length) throw validation(EXACT_DEFINITIONS);
    }
    // Tags get TagResource's checks; a bad tag (or more than 50) creates nothing. An empty
    // list is accepted here, unlike TagResource.
    checkTags(input.Tags ?? []);
    checkCreateStream(input.StreamSpecification);
    if (input.ResourcePolicy !== undefined) parsePolicy(input.ResourcePolicy);
  },
  execute(ctx, input) {
    if (ctx.catalogue.get(input.TableName)) {
      throw new DynamoError("ResourceInUseException", `Table already exists: ${input.TableName}`);
    }
    const billingMode = input.BillingMode ?? "PROVISIONED";
    const createdAt = ctx.now / 1000;
    const def = ctx.sql.transaction(() => {
      const created: TableDef = {
        name: input.TableName,
        tid: ctx.catalogue.nextTid(),
        tableId: crypto.randomUUID(),
        createdAt,
        keySchema: input.KeySchema.map((k) => ({
          AttributeName: k.AttributeName,
          KeyType: k.KeyType,
        })) as KeySchemaElement[],
        attributeDefinitions: input.AttributeDefinitions.map((a) => ({
          AttributeName: a.AttributeName,
          AttributeType: a.AttributeType,
        })),
        billingMode,
        readCapacity: input.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
        writeCapacity: input.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
        decreasesToday: 0,
        deletionProtection: input.DeletionProtectionEnabled ?? false,
        // Checked in validate; checking again yields the pairs typed.
        tags: Object.fromEntries(checkTags(input.Tags ?? [])),
      };
      if (billingMode === "PAY_PER_REQUEST") created.lastPayPerRequestAt = createdAt;
      // The policy given at creation is the table's first revision (PutResourcePolicy's kind).
      if (input.ResourcePolicy !== undefined) {
        created.policy = { document: input.ResourcePolicy, revisionId: String(ctx.now) };
      }
      const count = ctx.cluster?.createShards ?? 1;
      created.partitions = ctx.cluster?.ownObjects ? tablePartitions(created.tableId, count) : equalPartitions(count);
      const indexes = [
        ...(input.LocalSecondaryIndexes ?? []).map((i) => indexDef("LSI", i, ctx.catalogue.nextTid(), "ACTIVE")),
        ...(input.GlobalSecondaryIndexes ?? []).map((i) => indexDef("GSI", i, ctx.catalogue.nextTid(), "ACTIVE")),
      ];
      if (indexes.length > 0) created.indexes = indexes;
      layOutIndexes(created);
      // Created with the table, vector indexes are ACTIVE with it: there is nothing to fill.
      const vectors = (input.VectorIndexes ?? []).map((i) => vectorIndexDef(i, ctx.catalogue.nextTid(), "ACTIVE"));
      if (vectors.length > 0) created.vectorIndexes = vectors;
      if (input.StreamSpecification?.StreamEnabled) {
        created.stream = newStream(input.StreamSpecification, ctx.now, ctx.region);
      }
      ctx.catalogue.insert(created);
      registerStream(ctx.sql, created, ctx.now);
      return created;
    });
    // A stream's retention runs on the shard's alarm (src/streams/registry.ts).
    if (def.stream) ctx.scheduleHousekeeping();
    return { TableDescription: describeTable(ctx, def, "ACTIVE") };
  },
});

export function checkBilling(
  billingMode: BillingMode | undefined,
  throughput: { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined,
): void {
  if (billingMode === "PAY_PER_REQUEST") {
    if (throughput) {
      throw validation(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
      );
    }
    return;
  }
  if (!throughput) {
    throw validation(
      "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
    );
  }
  checkThroughputBounds(throughput);
}

export function checkThroughputBounds(throughput: { ReadCapacityUnits: number; WriteCapacityUnits: number }): void {
  if (throughput.ReadCapacityUnits > MAX_THROUGHPUT) {
    throw validation(`Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  }
  if (throughput.WriteCapacityUnits > MAX_THROUGHPUT) {
    throw validation(`Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
  }
}

/**
 * The table's key schema against AttributeDefinitions. With index lists present (even
 * empty ones) the definitions may name index keys too; checkCreateIndexes then insists
 * that each names some key.
 */
function checkKeySchema(
  keySchema: CreateTableInput["KeySchema"],
  definitions: AttributeDefinition[],
  withIndexes: boolean,
): void {
  const defined = definitions.map((d) => d.AttributeName);
  const keys = keySchema.map((k) => k.AttributeName);
  if (keys.length > defined.length) throw validation("Invalid KeySchema: Some index key attribute have no definition");
  if (keys.some((k) => !defined.includes(k))) {
    throw validation(
      `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(", ")}], AttributeDefinitions: [${defined.join(", ")}]`,
    );
  }
  if (keys.length === 2 && keys[0] === keys[1]) {
    throw validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (keySchema[0]?.KeyType !== "HASH") {
    throw validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (keySchema[1] && keySchema[1].KeyType !== "RANGE") {
    throw validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  const duplicate = defined.find((name, i) => defined.indexOf(name) !== i);
  if (duplicate !== undefined) throw validation(`Attribute Name is duplicated: ${duplicate}`);
  if (!withIndexes && keys.length !== defined.length) throw validation(EXACT_DEFINITIONS);
}

const EXACT_DEFINITIONS =
  "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions";
