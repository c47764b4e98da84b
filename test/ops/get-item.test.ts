import { describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";

const KEY_MISMATCH = ["ValidationException", "The provided key element does not match the schema"];

describe("GetItem", () => {
  describe("validations", () => {
    it("GetItem: rejects a missing Key", async () => {
      expect(await fails("GetItem", { TableName: "abc" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("GetItem: rejects an empty AttributesToGet", async () => {
      expect(await fails("GetItem", { TableName: "abc", Key: {}, AttributesToGet: [] })).toEqual([
        "ValidationException",
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("GetItem: rejects a string as ConsistentRead", async () => {
      expect(await fails("GetItem", { TableName: "abc", Key: {}, ConsistentRead: "yes" })).toEqual([
        "SerializationException",
        "Unexpected token received from parser",
      ]);
    });

    it("GetItem: rejects duplicate AttributesToGet", async () => {
      expect(
        await fails("GetItem", { TableName: "abc", Key: { id: { S: "a" } }, AttributesToGet: ["a", "b", "a"] }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Duplicate value in attribute name: a",
      ]);
    });

    it("GetItem: rejects ProjectionExpression together with AttributesToGet", async () => {
      expect(
        await fails("GetItem", {
          TableName: "abc",
          Key: { id: { S: "a" } },
          AttributesToGet: ["a"],
          ProjectionExpression: "a",
        }),
      ).toEqual([
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
      ]);
    });

    it("GetItem: rejects an unknown table", async () => {
      expect(await fails("GetItem", { TableName: uniqueName("missing"), Key: { id: { S: "a" } } })).toEqual([
        "ResourceNotFoundException",
        "Requested resource not found",
      ]);
    });

    it("GetItem: rejects a key with an extra attribute", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("GetItem", { TableName: table, Key: { id: { S: "a" }, x: { S: "b" } } })).toEqual(
        KEY_MISMATCH,
      );
    });

    it("GetItem: rejects a key missing the sort key", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      expect(await fails("GetItem", { TableName: table, Key: { pk: { S: "a" } } })).toEqual(KEY_MISMATCH);
    });

    it("GetItem: rejects a key of the wrong type", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("GetItem", { TableName: table, Key: { id: { N: "1" } } })).toEqual(KEY_MISMATCH);
    });

    it("GetItem: rejects a key named like an inherited property", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("GetItem", { TableName: table, Key: { constructor: { S: "1" } } })).toEqual(KEY_MISMATCH);
    });

    it("GetItem: rejects an empty string key", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("GetItem", { TableName: table, Key: { id: { S: "" } } })).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id",
      ]);
    });
  });

  describe("functionality", () => {
    it("GetItem: returns nothing for a missing item", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await ok("GetItem", { TableName: table, Key: { id: { S: "none" } } })).toEqual({});
    });

    it("GetItem: projects AttributesToGet, skipping absent names", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      await ok("PutItem", {
        TableName: table,
        Item: { pk: { S: "a" }, sk: { S: "b" }, x: { N: "1" }, y: { S: "2" } },
      });
      expect(
        await ok("GetItem", {
          TableName: table,
          Key: { pk: { S: "a" }, sk: { S: "b" } },
          AttributesToGet: ["y", "nope"],
        }),
      ).toEqual({ Item: { y: { S: "2" } } });
    });

    it("GetItem: charges 4 KB read units, halved unless ConsistentRead", async () => {
      const table = uniqueName();
      await createHashTable(table);
      // size = "id" + "a" (3) + "d" (1) + payload = 4097 bytes: two 4 KB units.
      await ok("PutItem", { TableName: table, Item: { id: { S: "a" }, d: { S: "x".repeat(4093) } } });
      const key = { id: { S: "a" } };
      const eventual = await ok("GetItem", {
        TableName: table,
        Key: key,
        ReturnConsumedCapacity: "TOTAL",
        AttributesToGet: ["id"],
      });
      expect(eventual.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });
      const strong = await ok("GetItem", {
        TableName: table,
        Key: key,
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
        AttributesToGet: ["id"],
      });
      expect(strong.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 2 });
      const missing = await ok("GetItem", {
        TableName: table,
        Key: { id: { S: "z" } },
        ReturnConsumedCapacity: "TOTAL",
      });
      expect(missing).toEqual({ ConsumedCapacity: { TableName: table, CapacityUnits: 0.5 } });
    });

    it("GetItem: binary keys address items by their bytes", async () => {
      const table = uniqueName();
      await createHashTable(table, "B");
      await ok("PutItem", { TableName: table, Item: { id: { B: "AP8=" }, v: { N: "1" } } });
      expect(await ok("GetItem", { TableName: table, Key: { id: { B: "AP8=" } } })).toEqual({
        Item: { id: { B: "AP8=" }, v: { N: "1" } },
      });
      expect(await ok("GetItem", { TableName: table, Key: { id: { B: "AP4=" } } })).toEqual({});
    });
  });
});
