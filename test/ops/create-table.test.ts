import { describe, expect, it } from "vitest";
import { allTableNames, tableArn, tableDescription } from "../support/tables";
import { fails, ok, uniqueName } from "../support/wire";

const HASH_ONLY = {
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** A valid request for a fresh table, with `extra` members replacing or adding to it. */
function request(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { TableName: uniqueName("create"), ...HASH_ONLY, ...extra };
}

const NOT_NULL = "failed to satisfy constraint: Member must not be null";
const NO_SUCH_TABLE = (name: string): [string, string] => [
  "ResourceNotFoundException",
  `Requested resource not found: Table: ${name} not found`,
];

describe("CreateTable", () => {
  describe("validations", () => {
    it("CreateTable: rejects a request with no members, naming every missing one", async () => {
      expect(await fails("CreateTable", {})).toEqual([
        "ValidationException",
        `3 validation errors detected: Value null at 'attributeDefinitions' ${NOT_NULL}; ` +
          `Value null at 'tableName' ${NOT_NULL}; Value null at 'keySchema' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects a missing TableName", async () => {
      expect(await fails("CreateTable", { ...HASH_ONLY })).toEqual([
        "ValidationException",
        `1 validation error detected: Value null at 'tableName' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects a table name shorter than 3 characters", async () => {
      expect(await fails("CreateTable", request({ TableName: "ab" }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("CreateTable: rejects a table name longer than 255 characters", async () => {
      const name = "a".repeat(256);
      expect(await fails("CreateTable", request({ TableName: name }))).toEqual([
        "ValidationException",
        `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255`,
      ]);
    });

    it("CreateTable: rejects a table name with a character outside [a-zA-Z0-9_.-]", async () => {
      expect(await fails("CreateTable", request({ TableName: "abc;" }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      ]);
    });

    it("CreateTable: rejects a number as TableName", async () => {
      expect(await fails("CreateTable", request({ TableName: 123 }))).toEqual([
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
      ]);
    });

    it("CreateTable: rejects a structure as KeySchema", async () => {
      expect(await fails("CreateTable", request({ KeySchema: { AttributeName: "id" } }))).toEqual([
        "SerializationException",
        "Start of structure or map found where not expected",
      ]);
    });

    it("CreateTable: rejects a string as AttributeDefinitions", async () => {
      expect(await fails("CreateTable", request({ AttributeDefinitions: "id" }))).toEqual([
        "SerializationException",
        "Unexpected field type",
      ]);
    });

    it("CreateTable: rejects a boolean as a capacity", async () => {
      const throughput = { ReadCapacityUnits: true, WriteCapacityUnits: 1 };
      expect(
        await fails("CreateTable", request({ BillingMode: undefined, ProvisionedThroughput: throughput })),
      ).toEqual(["SerializationException", "TRUE_VALUE cannot be converted to Long"]);
    });

    it("CreateTable: rejects an empty KeySchema", async () => {
      expect(await fails("CreateTable", request({ KeySchema: [] }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("CreateTable: rejects an empty key schema element", async () => {
      expect(await fails("CreateTable", request({ KeySchema: [{}] }))).toEqual([
        "ValidationException",
        `2 validation errors detected: Value null at 'keySchema.1.member.attributeName' ${NOT_NULL}; ` +
          `Value null at 'keySchema.1.member.keyType' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects an empty attribute definition, naming attributeType first", async () => {
      expect(await fails("CreateTable", request({ AttributeDefinitions: [{}] }))).toEqual([
        "ValidationException",
        `2 validation errors detected: Value null at 'attributeDefinitions.1.member.attributeType' ${NOT_NULL}; ` +
          `Value null at 'attributeDefinitions.1.member.attributeName' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects an attribute type that is not B, N or S", async () => {
      const definitions = [{ AttributeName: "id", AttributeType: "SS" }];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
      ]);
    });

    it("CreateTable: rejects a key type that is not HASH or RANGE", async () => {
      expect(await fails("CreateTable", request({ KeySchema: [{ AttributeName: "id", KeyType: "SORT" }] }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'SORT' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
      ]);
    });

    it("CreateTable: rejects an unknown billing mode", async () => {
      expect(await fails("CreateTable", request({ BillingMode: "" }))).toEqual([
        "ValidationException",
        "1 validation error detected: Value '' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
      ]);
    });

    it("CreateTable: rejects zero capacities, naming writeCapacityUnits first", async () => {
      const throughput = { ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
      expect(
        await fails("CreateTable", request({ BillingMode: undefined, ProvisionedThroughput: throughput })),
      ).toEqual([
        "ValidationException",
        "2 validation errors detected: " +
          "Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
          "Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    it("CreateTable: reports throughput violations before a missing KeySchema", async () => {
      expect(
        await fails("CreateTable", { TableName: "abc", AttributeDefinitions: [], ProvisionedThroughput: {} }),
      ).toEqual([
        "ValidationException",
        `3 validation errors detected: Value null at 'provisionedThroughput.writeCapacityUnits' ${NOT_NULL}; ` +
          `Value null at 'provisionedThroughput.readCapacityUnits' ${NOT_NULL}; Value null at 'keySchema' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects a PROVISIONED table without ProvisionedThroughput", async () => {
      expect(await fails("CreateTable", request({ BillingMode: undefined }))).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
      ]);
    });

    it("CreateTable: rejects ProvisionedThroughput with PAY_PER_REQUEST", async () => {
      const throughput = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
      expect(await fails("CreateTable", request({ ProvisionedThroughput: throughput }))).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
      ]);
    });

    it("CreateTable: rejects ReadCapacityUnits above 1000000000000 first", async () => {
      const throughput = { ReadCapacityUnits: 1000000000001, WriteCapacityUnits: 1000000000001 };
      expect(
        await fails("CreateTable", request({ BillingMode: undefined, ProvisionedThroughput: throughput })),
      ).toEqual(["ValidationException", "Given value 1000000000001 for ReadCapacityUnits is out of bounds"]);
    });

    it("CreateTable: rejects WriteCapacityUnits above 1000000000000", async () => {
      const throughput = { ReadCapacityUnits: 1000000000000, WriteCapacityUnits: 1000000000001 };
      expect(
        await fails("CreateTable", request({ BillingMode: undefined, ProvisionedThroughput: throughput })),
      ).toEqual(["ValidationException", "Given value 1000000000001 for WriteCapacityUnits is out of bounds"]);
    });

    it("CreateTable: rejects a key attribute with no definition when definitions are fewer than keys", async () => {
      expect(await fails("CreateTable", request({ AttributeDefinitions: [] }))).toEqual([
        "ValidationException",
        "Invalid KeySchema: Some index key attribute have no definition",
      ]);
    });

    it("CreateTable: rejects a key attribute missing from AttributeDefinitions", async () => {
      const definitions = [{ AttributeName: "other", AttributeType: "S" }];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions }))).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [other]",
      ]);
    });

    it("CreateTable: matches key attribute names case-sensitively", async () => {
      const definitions = [{ AttributeName: "pk", AttributeType: "S" }];
      expect(
        await fails(
          "CreateTable",
          request({ AttributeDefinitions: definitions, KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }] }),
        ),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [PK], AttributeDefinitions: [pk]",
      ]);
    });

    it("CreateTable: rejects a hash and a range key of the same name", async () => {
      const definitions = [
        { AttributeName: "a", AttributeType: "S" },
        { AttributeName: "b", AttributeType: "S" },
      ];
      const keys = [
        { AttributeName: "a", KeyType: "HASH" },
        { AttributeName: "a", KeyType: "RANGE" },
      ];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions, KeySchema: keys }))).toEqual([
        "ValidationException",
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
      ]);
    });

    it("CreateTable: rejects a range key listed before the hash key", async () => {
      const definitions = [
        { AttributeName: "a", AttributeType: "S" },
        { AttributeName: "b", AttributeType: "S" },
      ];
      const keys = [
        { AttributeName: "b", KeyType: "RANGE" },
        { AttributeName: "a", KeyType: "HASH" },
      ];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions, KeySchema: keys }))).toEqual([
        "ValidationException",
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
      ]);
    });

    it("CreateTable: rejects two hash keys", async () => {
      const definitions = [
        { AttributeName: "a", AttributeType: "S" },
        { AttributeName: "b", AttributeType: "S" },
      ];
      const keys = [
        { AttributeName: "a", KeyType: "HASH" },
        { AttributeName: "b", KeyType: "HASH" },
      ];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions, KeySchema: keys }))).toEqual([
        "ValidationException",
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
      ]);
    });

    it("CreateTable: rejects an attribute defined twice", async () => {
      const definitions = [
        { AttributeName: "id", AttributeType: "S" },
        { AttributeName: "id", AttributeType: "N" },
      ];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions }))).toEqual([
        "ValidationException",
        "Attribute Name is duplicated: id",
      ]);
    });

    it("CreateTable: rejects an attribute definition no key uses", async () => {
      const definitions = [
        { AttributeName: "id", AttributeType: "S" },
        { AttributeName: "extra", AttributeType: "S" },
      ];
      expect(await fails("CreateTable", request({ AttributeDefinitions: definitions }))).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
      ]);
    });

    it("CreateTable: checks an empty local secondary index's members, naming projection first", async () => {
      expect(await fails("CreateTable", request({ LocalSecondaryIndexes: [{}] }))).toEqual([
        "ValidationException",
        `3 validation errors detected: Value null at 'localSecondaryIndexes.1.member.projection' ${NOT_NULL}; ` +
          `Value null at 'localSecondaryIndexes.1.member.indexName' ${NOT_NULL}; ` +
          `Value null at 'localSecondaryIndexes.1.member.keySchema' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: checks an empty global secondary index's members, naming projection first", async () => {
      expect(await fails("CreateTable", request({ GlobalSecondaryIndexes: [{}] }))).toEqual([
        "ValidationException",
        `3 validation errors detected: Value null at 'globalSecondaryIndexes.1.member.projection' ${NOT_NULL}; ` +
          `Value null at 'globalSecondaryIndexes.1.member.indexName' ${NOT_NULL}; ` +
          `Value null at 'globalSecondaryIndexes.1.member.keySchema' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: rejects a tag key with the reserved aws: prefix", async () => {
      expect(await fails("CreateTable", request({ Tags: [{ Key: "aws:foo", Value: "x" }] }))).toEqual([
        "ValidationException",
        "Tag Key cannot be prefixed with aws:, Key: aws:foo",
      ]);
    });

    it("CreateTable: rejects a tag key longer than 128 characters", async () => {
      const key = "x".repeat(129);
      expect(await fails("CreateTable", request({ Tags: [{ Key: key, Value: "x" }] }))).toEqual([
        "ValidationException",
        `The Tag Key provided is invalid, Key: ${key}`,
      ]);
    });

    it("CreateTable: rejects a tag key with a character outside the tag character set", async () => {
      expect(await fails("CreateTable", request({ Tags: [{ Key: "bad#char", Value: "x" }] }))).toEqual([
        "ValidationException",
        "The Tag Key provided is invalid, Key: bad#char",
      ]);
    });

    it("CreateTable: rejects the same tag key twice", async () => {
      const tags = [
        { Key: "dup", Value: "1" },
        { Key: "dup", Value: "2" },
      ];
      expect(await fails("CreateTable", request({ Tags: tags }))).toEqual([
        "ValidationException",
        "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup",
      ]);
    });

    it("CreateTable: rejects more than 50 tags", async () => {
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
      expect(await fails("CreateTable", request({ Tags: tags }))).toEqual([
        "ValidationException",
        "Number of Tags exceed the current limit for the provided ResourceArn",
      ]);
    });

    it("CreateTable: creates nothing when a request is rejected", async () => {
      const before = await allTableNames();
      const name = uniqueName("rejected");
      const rejected = [
        { TableName: name, ...HASH_ONLY, AttributeDefinitions: [] },
        { TableName: name, ...HASH_ONLY, Tags: [{ Key: "aws:x", Value: "y" }] },
        { TableName: name, ...HASH_ONLY, GlobalSecondaryIndexes: [{}] },
        { TableName: name, ...HASH_ONLY, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      ];
      for (const input of rejected) expect((await fails("CreateTable", input))[0]).toBe("ValidationException");
      expect(await fails("DescribeTable", { TableName: name })).toEqual(NO_SUCH_TABLE(name));
      expect(await allTableNames()).toEqual(before);
    });

    it("CreateTable: rejects a table name that already exists", async () => {
      const name = uniqueName("dup");
      await ok("CreateTable", { TableName: name, ...HASH_ONLY });
      const first = await tableDescription(name);
      expect(
        await fails("CreateTable", {
          TableName: name,
          ...HASH_ONLY,
          BillingMode: "PROVISIONED",
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      ).toEqual(["ResourceInUseException", `Table already exists: ${name}`]);
      // The existing table is untouched.
      expect(await tableDescription(name)).toEqual(first);
    });
  });

  describe("functionality", () => {
    it("CreateTable: returns the description of an on-demand table", async () => {
      const name = uniqueName("ppr");
      const before = Date.now() / 1000;
      const output = await ok("CreateTable", { TableName: name, ...HASH_ONLY });
      const after = Date.now() / 1000;
      const description = output.TableDescription as Record<string, unknown>;
      expect(Object.keys(output)).toEqual(["TableDescription"]);
      expect(description).toEqual({
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        TableName: name,
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        // Creation is one transaction, so the table is usable at once.
        TableStatus: "ACTIVE",
        CreationDateTime: expect.any(Number) as number,
        ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
        TableSizeBytes: 0,
        ItemCount: 0,
        TableArn: tableArn(name),
        TableId: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ) as string,
        DeletionProtectionEnabled: false,
        BillingModeSummary: {
          BillingMode: "PAY_PER_REQUEST",
          LastUpdateToPayPerRequestDateTime: description.CreationDateTime,
        },
      });
      // Epoch seconds, as DynamoDB's JSON protocol sends timestamps.
      expect(description.CreationDateTime).toBeGreaterThanOrEqual(Math.floor(before));
      expect(description.CreationDateTime).toBeLessThanOrEqual(after);
    });

    it("CreateTable: creates a provisioned table without a BillingModeSummary", async () => {
      const name = uniqueName("prov");
      const output = await ok("CreateTable", {
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      });
      const description = output.TableDescription as Record<string, unknown>;
      expect(description.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 5,
        WriteCapacityUnits: 7,
      });
      expect(description).not.toHaveProperty("BillingModeSummary");
      expect(description.KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
    });

    it("CreateTable: accepts an explicit PROVISIONED billing mode", async () => {
      const name = uniqueName("prov");
      const output = await ok("CreateTable", {
        TableName: name,
        ...HASH_ONLY,
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      });
      expect((output.TableDescription as Record<string, unknown>).ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 1,
        WriteCapacityUnits: 1,
      });
    });

    it("CreateTable: keeps AttributeDefinitions in the order sent", async () => {
      const name = uniqueName("order");
      const definitions = [
        { AttributeName: "sk", AttributeType: "B" },
        { AttributeName: "pk", AttributeType: "N" },
      ];
      await ok("CreateTable", {
        TableName: name,
        AttributeDefinitions: definitions,
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      });
      expect((await tableDescription(name)).AttributeDefinitions).toEqual(definitions);
    });

    it("CreateTable: treats table names case-sensitively", async () => {
      const name = uniqueName("case");
      await ok("CreateTable", { TableName: name, ...HASH_ONLY });
      await ok("CreateTable", { TableName: name.toUpperCase(), ...HASH_ONLY });
      const names = await allTableNames();
      expect(names).toContain(name);
      expect(names).toContain(name.toUpperCase());
    });

    it("CreateTable: gives every table its own TableId", async () => {
      const a = uniqueName("id");
      const b = uniqueName("id");
      await ok("CreateTable", { TableName: a, ...HASH_ONLY });
      await ok("CreateTable", { TableName: b, ...HASH_ONLY });
      expect((await tableDescription(a)).TableId).not.toEqual((await tableDescription(b)).TableId);
    });

    it("CreateTable: records deletion protection", async () => {
      const name = uniqueName("protected");
      const output = await ok("CreateTable", { TableName: name, ...HASH_ONLY, DeletionProtectionEnabled: true });
      expect((output.TableDescription as Record<string, unknown>).DeletionProtectionEnabled).toBe(true);
      expect((await tableDescription(name)).DeletionProtectionEnabled).toBe(true);
    });

    it("CreateTable: stores Tags, which ListTagsOfResource then reports", async () => {
      const name = uniqueName("tagged");
      const tags = [
        { Key: "env", Value: "test" },
        { Key: "team", Value: "" },
      ];
      await ok("CreateTable", { TableName: name, ...HASH_ONLY, Tags: tags });
      expect(await ok("ListTagsOfResource", { ResourceArn: tableArn(name) })).toEqual({ Tags: tags });
    });

    it("CreateTable: accepts an empty Tags list and exactly 50 tags", async () => {
      await ok("CreateTable", request({ Tags: [] }));
      const name = uniqueName("fifty");
      const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${String(i).padStart(2, "0")}`, Value: "v" }));
      await ok("CreateTable", { TableName: name, ...HASH_ONLY, Tags: tags });
      expect(await ok("ListTagsOfResource", { ResourceArn: tableArn(name) })).toEqual({ Tags: tags });
    });

    it("CreateTable: makes the table usable for items at once", async () => {
      const name = uniqueName("usable");
      await ok("CreateTable", { TableName: name, ...HASH_ONLY });
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" } } });
      expect(await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual({ Item: { id: { S: "a" } } });
    });

    it("CreateTable: ignores members it does not know", async () => {
      const name = uniqueName("unknown");
      await ok("CreateTable", { TableName: name, ...HASH_ONLY, SomethingElse: { a: 1 } });
      expect((await tableDescription(name)).TableName).toBe(name);
    });
  });
});
