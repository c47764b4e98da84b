import { describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";

const NULL_TABLE = "Value null at 'tableName' failed to satisfy constraint: Member must not be null";
const NULL_ITEM = "Value null at 'item' failed to satisfy constraint: Member must not be null";

async function itemCount(table: string): Promise<number> {
  const out = await ok("DescribeTable", { TableName: table });
  return (out.Table as { ItemCount: number }).ItemCount;
}

describe("PutItem", () => {
  describe("validations", () => {
    it("PutItem: rejects a missing TableName and Item together", async () => {
      expect(await fails("PutItem", {})).toEqual([
        "ValidationException",
        `2 validation errors detected: ${NULL_TABLE}; ${NULL_ITEM}`,
      ]);
    });

    it("PutItem: rejects a short table name with a bad character", async () => {
      expect(await fails("PutItem", { TableName: "a;", Item: {} })).toEqual([
        "ValidationException",
        "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
          "Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("PutItem: rejects an unknown ReturnConsumedCapacity", async () => {
      expect(await fails("PutItem", { TableName: "abc", Item: {}, ReturnConsumedCapacity: "hi" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
      ]);
    });

    it("PutItem: rejects a number as TableName with SerializationException", async () => {
      expect(await fails("PutItem", { TableName: 123, Item: {} })).toEqual([
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
      ]);
    });

    it("PutItem: rejects a list as Item", async () => {
      expect(await fails("PutItem", { TableName: "abc", Item: [] })).toEqual([
        "SerializationException",
        "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
      ]);
    });

    it("PutItem: rejects a bare string as an attribute value", async () => {
      expect(await fails("PutItem", { TableName: "abc", Item: { a: "x" } })).toEqual([
        "SerializationException",
        "Unexpected value type in payload",
      ]);
    });

    it("PutItem: rejects an empty attribute value", async () => {
      expect(await fails("PutItem", { TableName: "abc", Item: { a: {} } })).toEqual([
        "ValidationException",
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
      ]);
    });

    it("PutItem: rejects ReturnValues other than ALL_OLD or NONE", async () => {
      expect(await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ReturnValues: "ALL_NEW" })).toEqual([
        "ValidationException",
        "ReturnValues can only be ALL_OLD or NONE",
      ]);
    });

    it("PutItem: rejects an unknown table", async () => {
      expect(await fails("PutItem", { TableName: uniqueName("missing"), Item: { id: { S: "a" } } })).toEqual([
        "ResourceNotFoundException",
        "Requested resource not found",
      ]);
    });

    it("PutItem: rejects an item without its partition key", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("PutItem", { TableName: table, Item: { other: { S: "a" } } })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Missing the key id in the item",
      ]);
      expect(await itemCount(table)).toBe(0);
    });

    it("PutItem: rejects an item without its sort key", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      expect(await fails("PutItem", { TableName: table, Item: { pk: { S: "a" } } })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Missing the key sk in the item",
      ]);
    });

    it("PutItem: rejects a key of the wrong type", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("PutItem", { TableName: table, Item: { id: { N: "1" } } })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N",
      ]);
    });

    it("PutItem: rejects an empty string key", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("PutItem", { TableName: table, Item: { id: { S: "" } } })).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id",
      ]);
    });

    it("PutItem: rejects an empty binary key", async () => {
      const table = uniqueName();
      await createHashTable(table, "B");
      expect(await fails("PutItem", { TableName: table, Item: { id: { B: "" } } })).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: id",
      ]);
    });

    it("PutItem: rejects a partition key over 2048 bytes and accepts 2048", async () => {
      const table = uniqueName();
      await createHashTable(table);
      // "é" is two UTF-8 bytes: 1024 of them are exactly 2048 bytes.
      await ok("PutItem", { TableName: table, Item: { id: { S: "é".repeat(1024) } } });
      expect(await fails("PutItem", { TableName: table, Item: { id: { S: "é".repeat(1024) + "a" } } })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
      ]);
      expect(await itemCount(table)).toBe(1);
    });

    it("PutItem: rejects a sort key over 1024 bytes and accepts 1024", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      await ok("PutItem", { TableName: table, Item: { pk: { S: "a" }, sk: { S: "x".repeat(1024) } } });
      expect(
        await fails("PutItem", { TableName: table, Item: { pk: { S: "a" }, sk: { S: "x".repeat(1025) } } }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
      ]);
    });

    it("PutItem: rejects an item over 400 KB and accepts exactly 400 KB", async () => {
      const table = uniqueName();
      await createHashTable(table);
      // size = "id" (2) + "a" (1) + "data" (4) + payload
      const exact = { id: { S: "a" }, data: { S: "x".repeat(409600 - 7) } };
      await ok("PutItem", { TableName: table, Item: exact });
      const over = { id: { S: "b" }, data: { S: "x".repeat(409600 - 6) } };
      expect(await fails("PutItem", { TableName: table, Item: over })).toEqual([
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
      ]);
      expect(await itemCount(table)).toBe(1);
    });

    it("PutItem: rejects an invalid number without writing", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await fails("PutItem", { TableName: table, Item: { id: { S: "a" }, n: { N: "1e126" } } })).toEqual([
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
      ]);
      expect(await ok("GetItem", { TableName: table, Key: { id: { S: "a" } } })).toEqual({});
    });
  });

  describe("functionality", () => {
    it("PutItem: stores all ten attribute types and returns them normalized", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const item = {
        id: { S: "all" },
        s: { S: "" },
        n: { N: "-001.50e1" },
        b: { B: "AAEC/w==" },
        ss: { SS: ["a", "b"] },
        ns: { NS: ["1.0", "20"] },
        bs: { BS: ["AA==", "AQ=="] },
        m: { M: { inner: { L: [{ NULL: true }, { BOOL: false }] } } },
        l: { L: [{ N: "0.0" }, { S: "x" }] },
        nul: { NULL: true },
        t: { BOOL: true },
      };
      expect(await ok("PutItem", { TableName: table, Item: item })).toEqual({});
      const got = await ok("GetItem", { TableName: table, Key: { id: { S: "all" } } });
      expect(got).toEqual({
        Item: {
          ...item,
          n: { N: "-15" },
          ns: { NS: ["1", "20"] },
          l: { L: [{ N: "0" }, { S: "x" }] },
        },
      });
    });

    it("PutItem: replaces the whole item and returns ALL_OLD", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: { S: "a" }, x: { N: "1" } } });
      const out = await ok("PutItem", {
        TableName: table,
        Item: { id: { S: "a" }, y: { S: "2" } },
        ReturnValues: "ALL_OLD",
      });
      expect(out).toEqual({ Attributes: { id: { S: "a" }, x: { N: "1" } } });
      expect(await ok("GetItem", { TableName: table, Key: { id: { S: "a" } } })).toEqual({
        Item: { id: { S: "a" }, y: { S: "2" } },
      });
      expect(await itemCount(table)).toBe(1);
    });

    it("PutItem: ALL_OLD on a new item returns no Attributes", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(await ok("PutItem", { TableName: table, Item: { id: { S: "n" } }, ReturnValues: "ALL_OLD" })).toEqual({});
    });

    it("PutItem: numerically equal keys address the same item", async () => {
      const table = uniqueName();
      await createHashTable(table, "N");
      await ok("PutItem", { TableName: table, Item: { id: { N: "1.0" }, v: { S: "first" } } });
      await ok("PutItem", { TableName: table, Item: { id: { N: "1" }, v: { S: "second" } } });
      expect(await ok("GetItem", { TableName: table, Key: { id: { N: "1.00" } } })).toEqual({
        Item: { id: { N: "1" }, v: { S: "second" } },
      });
      expect(await itemCount(table)).toBe(1);
    });

    it("PutItem: ReturnConsumedCapacity counts 1 KB write units of the larger item", async () => {
      const table = uniqueName();
      await createHashTable(table);
      // size = "id" (2) + "a" (1) + "d" (1) + payload: 1021 bytes of payload make 1025.
      const big = { id: { S: "a" }, d: { S: "x".repeat(1021) } };
      expect(await ok("PutItem", { TableName: table, Item: big, ReturnConsumedCapacity: "TOTAL" })).toEqual({
        ConsumedCapacity: { TableName: table, CapacityUnits: 2 },
      });
      // Replacing it with a small item still costs the old item's size.
      expect(
        await ok("PutItem", { TableName: table, Item: { id: { S: "a" } }, ReturnConsumedCapacity: "INDEXES" }),
      ).toEqual({ ConsumedCapacity: { TableName: table, CapacityUnits: 2, Table: { CapacityUnits: 2 } } });
      expect(
        await ok("PutItem", { TableName: table, Item: { id: { S: "a" } }, ReturnConsumedCapacity: "NONE" }),
      ).toEqual({});
    });

    it("PutItem: DescribeTable counts items and bytes", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: { S: "a" }, n: { N: "12" } } });
      await ok("PutItem", { TableName: table, Item: { id: { S: "b" } } });
      const out = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
      // "id"+"a" = 3, "n" + N(12) = 1 + 2 = 3; "id"+"b" = 3.
      expect([out.ItemCount, out.TableSizeBytes]).toEqual([2, 9]);
    });
  });
});
