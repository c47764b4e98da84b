// Secondary index definitions as CreateTable and UpdateTable receive them: their wire
// shapes and DynamoDB's checks on them, with its messages.
//
// Sources for the texts and their order: dynalite's createTable/updateTable validations
// and tests (written against DynamoDB), and the ack-api-quirks DynamoDB findings observed
// in 2026 (DDB-TABLE-043, 123, 124, 126, 127, 128, 129, 159, 160, 162, 169). Where the
// two disagree the 2026 observation wins: AttributeDefinitions naming an attribute no key
// uses is refused before any projection, throughput or name check.
import { validation } from "../errors.js";
import type { AttributeDefinition, KeySchemaElement } from "../types.js";
import type { Shape, StringShape } from "../protocol/shape.js";
import type { BillingMode, IndexDef, ProjectionType } from "../schema/table-def.js";

export const INVALID = "One or more parameter values were invalid: ";

export interface Throughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}

export interface KeySchemaInput {
  AttributeName: string;
  KeyType: string;
}

export interface ProjectionInput {
  ProjectionType?: ProjectionType;
  NonKeyAttributes?: string[];
}

export interface LocalSecondaryIndexInput {
  IndexName: string;
  KeySchema: KeySchemaInput[];
  Projection: ProjectionInput;
}

export interface GlobalSecondaryIndexInput extends LocalSecondaryIndexInput {
  ProvisionedThroughput?: Throughput;
}

/** Largest number of LSIs and GSIs a table may have. */
export const MAX_LOCAL_INDEXES = 5;
export const MAX_GLOBAL_INDEXES = 20;
/** NonKeyAttributes summed over every index of a table (a name projected twice counts twice). */
export const MAX_PROJECTED_ATTRIBUTES = 100;
/** Largest throughput DynamoDB accepts before "out of bounds" (as for tables). */
const MAX_THROUGHPUT = 1_000_000_000_000;
/** Key attributes of each kind a GSI may name (multi-attribute keys, DDB-TABLE-123). */
const MAX_GSI_KEY_ATTRIBUTES = 4;

// ---------------------------------------------------------------------------------------
// Wire shapes. Coral reports a structure's members in a fixed order that is not the
// model's: for an index, projection comes first and keySchema last (dynalite's tests
// recorded "projection, indexName, keySchema" for an empty LSI and "indexName,
// provisionedThroughput, keySchema" for a GSI); within a projection, projectionType before
// nonKeyAttributes.

export const keySchemaShape: Shape = {
  kind: "list",
  notNull: true,
  minLength: 1,
  maxLength: 2,
  member: {
    kind: "structure",
    name: "KeySchemaElement",
    members: {
      AttributeName: { kind: "string", notNull: true, minLength: 1, maxLength: 255 },
      KeyType: { kind: "string", notNull: true, enum: ["HASH", "RANGE"] },
    },
  },
};

// DynamoDB reports WriteCapacityUnits before ReadCapacityUnits.
export const provisionedThroughputShape: Shape = {
  kind: "structure",
  name: "ProvisionedThroughput",
  members: {
    WriteCapacityUnits: { kind: "long", notNull: true, min: 1 },
    ReadCapacityUnits: { kind: "long", notNull: true, min: 1 },
  },
};

export const indexNameShape: StringShape = {
  kind: "string",
  notNull: true,
  pattern: "[a-zA-Z0-9_.-]+",
  minLength: 3,
  maxLength: 255,
};

export const projectionShape: Shape = {
  kind: "structure",
  name: "Projection",
  notNull: true,
  members: {
    ProjectionType: { kind: "string", enum: ["ALL", "INCLUDE", "KEYS_ONLY"] },
    NonKeyAttributes: {
      kind: "list",
      minLength: 1,
      maxLength: 20,
      member: { kind: "string", minLength: 1, maxLength: 255 },
    },
  },
};

/** A GSI's KeySchema has no length limit of 2: DynamoDB accepts up to 4 HASH and 4 RANGE. */
const globalKeySchemaShape: Shape = { ...keySchemaShape, maxLength: undefined } as Shape;

export const localSecondaryIndexesShape: Shape = {
  kind: "list",
  member: {
    kind: "structure",
    name: "LocalSecondaryIndex",
    members: { Projection: projectionShape, IndexName: indexNameShape, KeySchema: keySchemaShape },
  },
};

export const globalSecondaryIndexesShape: Shape = {
  kind: "list",
  member: {
    kind: "structure",
    name: "GlobalSecondaryIndex",
    members: {
      Projection: projectionShape,
      IndexName: indexNameShape,
      ProvisionedThroughput: provisionedThroughputShape,
      KeySchema: globalKeySchemaShape,
    },
  },
};

export interface GlobalSecondaryIndexUpdateInput {
  Create?: GlobalSecondaryIndexInput;
  Update?: { IndexName: string; ProvisionedThroughput: Throughput };
  Delete?: { IndexName: string };
}

export const globalSecondaryIndexUpdatesShape: Shape = {
  kind: "list",
  member: {
    kind: "structure",
    name: "GlobalSecondaryIndexUpdate",
    members: {
      Update: {
        kind: "structure",
        name: "UpdateGlobalSecondaryIndexAction",
        members: {
          IndexName: indexNameShape,
          ProvisionedThroughput: { ...provisionedThroughputShape, notNull: true } as Shape,
        },
      },
      Create: {
        kind: "structure",
        name: "CreateGlobalSecondaryIndexAction",
        members: {
          Projection: projectionShape,
          IndexName: indexNameShape,
          ProvisionedThroughput: provisionedThroughputShape,
          KeySchema: globalKeySchemaShape,
        },
      },
      Delete: {
        kind: "structure",
        name: "DeleteGlobalSecondaryIndexAction",
        members: { IndexName: indexNameShape },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------
// CreateTable.

export interface CreateIndexesRequest {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaInput[];
  BillingMode?: BillingMode;
  LocalSecondaryIndexes?: LocalSecondaryIndexInput[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndexInput[];
  /** Attributes other definitions use (vector indexes' search schemas): defined, not unused. */
  usedElsewhere?: string[];
}

/**
 * DynamoDB's checks on CreateTable's index lists, after the table's own key schema has
 * passed: empty lists, every index's key schema, AttributeDefinitions naming only key
 * attributes, then projections, index throughput, names and counts.
 */
export function checkCreateIndexes(request: CreateIndexesRequest): void {
  const local = request.LocalSecondaryIndexes;
  const global = request.GlobalSecondaryIndexes;
  if (local === undefined && global === undefined) return;
  const defined = request.AttributeDefinitions.map((d) => d.AttributeName);
  if (local !== undefined) {
    if (local.length === 0) throw validation(`${INVALID}List of LocalSecondaryIndexes is empty`);
    const tableHash = request.KeySchema[0]?.AttributeName ?? "";
    if (request.KeySchema.length !== 2) {
      throw validation(
        `${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
      );
    }
    for (const index of local) checkLocalKeySchema(index, tableHash, defined);
  }
  if (global !== undefined) {
    if (global.length === 0) throw validation(`${INVALID}List of GlobalSecondaryIndexes is empty`);
    for (const index of global) checkGlobalKeySchema(index, defined);
  }
  const used = [request.KeySchema, ...(local ?? []).map((i) => i.KeySchema), ...(global ?? []).map((i) => i.KeySchema)]
    .flat()
    .map((k) => k.AttributeName)
    .concat(request.usedElsewhere ?? []);
  if (defined.some((name) => !used.includes(name))) {
    throw validation(
      `${INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [${defined.join(", ")}], keys used: [${javaHashSetOrder(used).join(", ")}]`,
    );
  }
  const names = new Set<string>();
  for (const index of local ?? []) {
    checkProjection(index.Projection);
    claimName(names, index.IndexName);
  }
  if ((local?.length ?? 0) > MAX_LOCAL_INDEXES) {
    throw validation(`${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of ${MAX_LOCAL_INDEXES}`);
  }
  const billingMode = request.BillingMode ?? "PROVISIONED";
  for (const index of global ?? []) {
    checkProjection(index.Projection);
    checkCreateTableIndexThroughput(index, billingMode);
    claimName(names, index.IndexName);
  }
  if ((global?.length ?? 0) > MAX_GLOBAL_INDEXES) {
    throw validation(`${INVALID}GlobalSecondaryIndex count exceeds the per-table limit of ${MAX_GLOBAL_INDEXES}`);
  }
  checkProjectedTotal([...(local ?? []), ...(global ?? [])].map((i) => i.Projection));
}

function claimName(names: Set<string>, name: string): void {
  if (names.has(name)) throw validation(`${INVALID}Duplicate index name: ${name}`);
  names.add(name);
}

/** An index key attribute missing from AttributeDefinitions (the index's keys are listed). */
export function checkKeysDefined(keySchema: KeySchemaInput[], defined: string[]): void {
  const keys = keySchema.map((k) => k.AttributeName);
  if (keys.some((k) => !defined.includes(k))) {
    throw validation(
      `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(", ")}], AttributeDefinitions: [${defined.join(", ")}]`,
    );
  }
}

/** An LSI: a HASH then a RANGE key, the HASH being the table's. */
function checkLocalKeySchema(index: LocalSecondaryIndexInput, tableHash: string, defined: string[]): void {
  const keys = index.KeySchema;
  checkKeysDefined(keys, defined);
  if (keys[1] && keys[0]?.AttributeName === keys[1].AttributeName) {
    throw validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (keys[0]?.KeyType !== "HASH")
    throw validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  if (keys[1] && keys[1].KeyType !== "RANGE") {
    throw validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  if (keys.length !== 2) {
    throw validation(`${INVALID}Index KeySchema does not have a range key for index: ${index.IndexName}`);
  }
  const indexHash = keys[0].AttributeName;
  if (indexHash !== tableHash) {
    throw validation(
      `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`,
    );
  }
}

/**
 * A GSI's key schema: up to 4 HASH attributes, then up to 4 RANGE attributes
 * (multi-attribute keys, November 2025), each defined once.
 */
export function checkGlobalKeySchema(index: { KeySchema: KeySchemaInput[] }, defined: string[]): void {
  const keys = index.KeySchema;
  checkKeysDefined(keys, defined);
  const names = keys.map((k) => k.AttributeName);
  const duplicated = names.some((name, i) => names.indexOf(name) !== i);
  if (duplicated && keys.length === 2) {
    throw validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (keys[0]?.KeyType !== "HASH")
    throw validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  const firstRange = keys.findIndex((k) => k.KeyType === "RANGE");
  if (firstRange >= 0 && keys.slice(firstRange).some((k) => k.KeyType === "HASH")) {
    throw validation(`${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`);
  }
  const hashes = keys.filter((k) => k.KeyType === "HASH").length;
  const ranges = keys.length - hashes;
  if (hashes > MAX_GSI_KEY_ATTRIBUTES) {
    throw validation(`${INVALID}The KeySchema exceeds the maximum allowed number of HASH key attributes`);
  }
  if (ranges > MAX_GSI_KEY_ATTRIBUTES) {
    throw validation(`${INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes`);
  }
  if (duplicated) throw validation("The KeySchema contains multiple key attributes with the same name");
}

/** ProjectionType is required; NonKeyAttributes go with INCLUDE only, each name once. */
export function checkProjection(projection: ProjectionInput): void {
  const type = projection.ProjectionType;
  if (type === undefined) throw validation(`${INVALID}Unknown ProjectionType: null`);
  const nonKey = projection.NonKeyAttributes;
  if (nonKey !== undefined && type !== "INCLUDE") {
    throw validation(`${INVALID}ProjectionType is ${type}, but NonKeyAttributes is specified`);
  }
  if (nonKey === undefined && type === "INCLUDE") {
    throw validation(`${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`);
  }
  const duplicate = nonKey?.find((name, i) => nonKey.indexOf(name) !== i);
  if (duplicate !== undefined) throw validation(`${INVALID}Duplicate element in NonKeyAttributes: ${duplicate}`);
}

/**
 * At most 100 NonKeyAttributes over all of a table's indexes. The wording is not one
 * observed in the sources above (unconfirmed); the limit is the documented one.
 */
export function checkProjectedTotal(projections: ProjectionInput[]): void {
  const total = projections.reduce((sum, p) => sum + (p.NonKeyAttributes?.length ?? 0), 0);
  if (total > MAX_PROJECTED_ATTRIBUTES) {
    throw validation(
      `${INVALID}Number of projected attributes in all indexes exceeds limit of ${MAX_PROJECTED_ATTRIBUTES}, number of projected attributes:${total}`,
    );
  }
}

/** A GSI's throughput at CreateTable follows the table's billing mode. */
function checkCreateTableIndexThroughput(index: GlobalSecondaryIndexInput, billingMode: BillingMode): void {
  const throughput = index.ProvisionedThroughput;
  if (billingMode === "PAY_PER_REQUEST") {
    if (throughput) {
      throw validation(
        `${INVALID}ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`,
      );
    }
    return;
  }
  if (!throughput) throw validation(`${INVALID}ProvisionedThroughput is not specified for index: ${index.IndexName}`);
  checkIndexThroughputBounds(index.IndexName, throughput);
}

export function checkIndexThroughputBounds(indexName: string, throughput: Throughput): void {
  if (throughput.ReadCapacityUnits > MAX_THROUGHPUT) {
    throw validation(
      `Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds for index ${indexName}`,
    );
  }
  if (throughput.WriteCapacityUnits > MAX_THROUGHPUT) {
    throw validation(
      `Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds for index ${indexName}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Building definitions.

/** The IndexDef of a checked index input; `iid` comes from the catalogue's id sequence. */
export function indexDef(
  kind: "LSI" | "GSI",
  input: GlobalSecondaryIndexInput,
  iid: number,
  status: IndexDef["status"],
): IndexDef {
  const projection: IndexDef["projection"] = { ProjectionType: input.Projection.ProjectionType as ProjectionType };
  if (input.Projection.NonKeyAttributes) projection.NonKeyAttributes = [...input.Projection.NonKeyAttributes];
  const def: IndexDef = {
    name: input.IndexName,
    kind,
    iid,
    keySchema: input.KeySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType }) as KeySchemaElement),
    projection,
    status,
  };
  if (kind === "GSI" && input.ProvisionedThroughput) {
    def.readCapacity = input.ProvisionedThroughput.ReadCapacityUnits;
    def.writeCapacity = input.ProvisionedThroughput.WriteCapacityUnits;
  }
  return def;
}

// ---------------------------------------------------------------------------------------

/**
 * The iteration order of a java.util.HashSet of these strings (default capacity 16,
 * doubling past a 0.75 load factor). DynamoDB lists "keys used" in this order: it matches
 * every observed message ("[a, sk, pk]", "[my-hash, my-string]"), which is neither the
 * request's order nor sorted.
 */
export function javaHashSetOrder(names: string[]): string[] {
  const unique = [...new Set(names)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const bucket = (s: string): number => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((name, i) => ({ name, i, b: bucket(name) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.name);
}
