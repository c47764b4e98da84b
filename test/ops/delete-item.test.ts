import { describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";

describe("DeleteItem", () => {
  describe("validations", () => {
    it("DeleteItem: rejects a missing TableName and Key", async () => {
      expect(await fails("DeleteItem", {})).toEqual([
        "ValidationException",
        "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'key' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("DeleteItem: rejects ReturnValues ALL_NEW", async () => {
      expect(await fails("DeleteItem", { TableName: "abc", Key: { id: { S: "a" } }, ReturnValues: "ALL_NEW" })).toEqual(
        ["ValidationException", "ReturnValues can only be ALL_OLD or NONE"],
      );
    });

    it("DeleteItem: rejects an unknown ReturnValues", async () => {
      expect(await fails("DeleteItem", { TableName: "abc", Key: { id: { S: "a" } }, ReturnValues: "SOME" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'SOME' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
      ]);
    });

    it("DeleteItem: rejects an unknown table", async () => {
      expect(await fails("DeleteItem", { TableName: uniqueName("missing"), Key: { id: { S: "a" } } })).toEqual([
        "ResourceNotFoundException",
        "Requested resource not found",
      ]);
    });

    it("DeleteItem: rejects a partial key and deletes nothing", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      await ok("PutItem", { TableName: table, Item: { pk: { S: "a" }, sk: { S: "b" } } });
      expect(await fails("DeleteItem", { TableName: table, Key: { pk: { S: "a" } } })).toEqual([
        "ValidationException",
        "The provided key element does not match the schema",
      ]);
      expect(await ok("GetItem", { TableName: table, Key: { pk: { S: "a" }, sk: { S: "b" } } })).toEqual({
        Item: { pk: { S: "a" }, sk: { S: "b" } },
      });
    });
  });

  describe("functionality", () => {
    it("DeleteItem: removes the item and returns ALL_OLD", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: { S: "a" }, v: { SS: ["x"] } } });
      expect(await ok("DeleteItem", { TableName: table, Key: { id: { S: "a" } }, ReturnValues: "ALL_OLD" })).toEqual({
        Attributes: { id: { S: "a" }, v: { SS: ["x"] } },
      });
      expect(await ok("GetItem", { TableName: table, Key: { id: { S: "a" } } })).toEqual({});
      const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
      expect([described.ItemCount, described.TableSizeBytes]).toEqual([0, 0]);
    });

    it("DeleteItem: deleting a missing item succeeds and costs one unit", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(
        await ok("DeleteItem", {
          TableName: table,
          Key: { id: { S: "none" } },
          ReturnValues: "ALL_OLD",
          ReturnConsumedCapacity: "TOTAL",
        }),
      ).toEqual({ ConsumedCapacity: { TableName: table, CapacityUnits: 1 } });
    });

    it("DeleteItem: charges 1 KB write units of the deleted item", async () => {
      const table = uniqueName();
      await createHashTable(table);
      // size = 3 + 1 + 2040 = 2044 bytes: two 1 KB units.
      await ok("PutItem", { TableName: table, Item: { id: { S: "a" }, d: { S: "x".repeat(2040) } } });
      expect(
        await ok("DeleteItem", { TableName: table, Key: { id: { S: "a" } }, ReturnConsumedCapacity: "TOTAL" }),
      ).toEqual({ ConsumedCapacity: { TableName: table, CapacityUnits: 2 } });
    });
  });
});
