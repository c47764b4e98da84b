import { describe, expect, it } from "vitest";
import { createProvisionedTable, tableArn, tableDescription } from "../support/tables";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("DescribeTable", () => {
  describe("validations", () => {
    it("DescribeTable: rejects a missing TableName", async () => {
      expect(await fails("DescribeTable", {})).toEqual([
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("DescribeTable: rejects a table name shorter than 3 characters", async () => {
      expect(await fails("DescribeTable", { TableName: "ab" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("DescribeTable: rejects a table name with a character outside [a-zA-Z0-9_.-]", async () => {
      expect(await fails("DescribeTable", { TableName: "abc;" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      ]);
    });

    it("DescribeTable: rejects a boolean as TableName", async () => {
      expect(await fails("DescribeTable", { TableName: false })).toEqual([
        "SerializationException",
        "FALSE_VALUE cannot be converted to String",
      ]);
    });

    it("DescribeTable: rejects a list as TableName", async () => {
      expect(await fails("DescribeTable", { TableName: ["abc"] })).toEqual([
        "SerializationException",
        "Unrecognized collection type class java.lang.String",
      ]);
    });

    it("DescribeTable: rejects an unknown table, naming it", async () => {
      const name = uniqueName("missing");
      expect(await fails("DescribeTable", { TableName: name })).toEqual([
        "ResourceNotFoundException",
        `Requested resource not found: Table: ${name} not found`,
      ]);
    });

    it("DescribeTable: matches table names case-sensitively", async () => {
      const name = uniqueName("case");
      await createHashTable(name);
      expect(await fails("DescribeTable", { TableName: name.toUpperCase() })).toEqual([
        "ResourceNotFoundException",
        `Requested resource not found: Table: ${name.toUpperCase()} not found`,
      ]);
    });
  });

  describe("functionality", () => {
    it("DescribeTable: describes an on-demand table in full", async () => {
      const name = uniqueName("ppr");
      await createHashTable(name, "N");
      const output = await ok("DescribeTable", { TableName: name });
      expect(Object.keys(output)).toEqual(["Table"]);
      const table = output.Table as Record<string, unknown>;
      expect(table).toEqual({
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "N" }],
        TableName: name,
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        TableStatus: "ACTIVE",
        CreationDateTime: expect.any(Number) as number,
        ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
        TableSizeBytes: 0,
        ItemCount: 0,
        TableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
        TableId: expect.stringMatching(UUID) as string,
        DeletionProtectionEnabled: false,
        BillingModeSummary: {
          BillingMode: "PAY_PER_REQUEST",
          LastUpdateToPayPerRequestDateTime: table.CreationDateTime,
        },
      });
      // Epoch seconds with a fractional part at most: within a minute of now.
      expect(Math.abs((table.CreationDateTime as number) - Date.now() / 1000)).toBeLessThan(60);
    });

    it("DescribeTable: describes a provisioned hash-and-range table", async () => {
      const name = uniqueName("prov");
      await createHashRangeTable(name, "S", "N");
      const table = await tableDescription(name);
      expect(table.KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
      expect(table.AttributeDefinitions).toEqual([
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ]);
      expect(table.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 5,
        WriteCapacityUnits: 5,
      });
      expect(table).not.toHaveProperty("BillingModeSummary");
    });

    it("DescribeTable: returns what CreateTable returned", async () => {
      const name = uniqueName("same");
      const created = await ok("CreateTable", {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
      });
      expect(await tableDescription(name)).toEqual(created.TableDescription);
    });

    it("DescribeTable: counts items and their bytes after writes", async () => {
      const name = uniqueName("counts");
      await createHashTable(name);
      // Sizes as DynamoDB counts them: attribute name bytes plus value bytes.
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, v: { S: "xyz" } } }); // 3 + 4 = 7
      await ok("PutItem", { TableName: name, Item: { id: { S: "bb" } } }); // 4
      let table = await tableDescription(name);
      expect(table.ItemCount).toBe(2);
      expect(table.TableSizeBytes).toBe(11);
      // Overwriting replaces the item's size; deleting removes it.
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" } } }); // 3
      table = await tableDescription(name);
      expect(table.ItemCount).toBe(2);
      expect(table.TableSizeBytes).toBe(7);
      await ok("DeleteItem", { TableName: name, Key: { id: { S: "bb" } } });
      table = await tableDescription(name);
      expect(table.ItemCount).toBe(1);
      expect(table.TableSizeBytes).toBe(3);
    });

    it("DescribeTable: reports the table ARN for the default region and account", async () => {
      const name = uniqueName("arn");
      await createProvisionedTable(name, 1, 1);
      expect((await tableDescription(name)).TableArn).toBe(tableArn(name));
    });

    it("DescribeTable: keeps a table's CreationDateTime and TableId across calls", async () => {
      const name = uniqueName("stable");
      await createHashTable(name);
      const first = await tableDescription(name);
      const second = await tableDescription(name);
      expect(second.CreationDateTime).toBe(first.CreationDateTime);
      expect(second.TableId).toBe(first.TableId);
    });
  });
});
