import { describe, expect, it } from "vitest";
import { createHashTable, fails, ok, uniqueName, wire } from "../support/wire";

async function table(): Promise<string> {
  const name = uniqueName("upd");
  await createHashTable(name);
  return name;
}

async function get(name: string, id = "a"): Promise<Record<string, unknown> | undefined> {
  const out = await ok("GetItem", { TableName: name, Key: { id: { S: id } }, ConsistentRead: true });
  return out.Item as Record<string, unknown> | undefined;
}

const key = { id: { S: "a" } };

describe("UpdateItem", () => {
  describe("validations", () => {
    it("UpdateItem: rejects mixing AttributeUpdates and UpdateExpression", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          AttributeUpdates: { a: { Action: "DELETE" } },
          UpdateExpression: "REMOVE a",
        }),
      ).toEqual([
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}",
      ]);
    });

    it("UpdateItem: rejects ExpressionAttributeValues without expressions", async () => {
      expect(
        await fails("UpdateItem", { TableName: "abc", Key: key, ExpressionAttributeValues: { ":a": { S: "x" } } }),
      ).toEqual([
        "ValidationException",
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
      ]);
    });

    it("UpdateItem: rejects unused :values", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = :a",
          ExpressionAttributeValues: { ":a": { S: "x" }, ":b": { S: "y" } },
        }),
      ).toEqual([
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}",
      ]);
    });

    it("UpdateItem: rejects unused #names", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = :a",
          ExpressionAttributeNames: { "#n": "n" },
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}",
      ]);
    });

    it("UpdateItem: rejects an undefined :value", async () => {
      expect(await fails("UpdateItem", { TableName: "abc", Key: key, UpdateExpression: "SET a = :a" })).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :a",
      ]);
    });

    it("UpdateItem: rejects a reserved word used as a name", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET status = :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status",
      ]);
    });

    it("UpdateItem: rejects a section used twice", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = :a SET b = :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
      ]);
    });

    it("UpdateItem: rejects overlapping paths", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = :a REMOVE a.b",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
      ]);
    });

    it("UpdateItem: rejects conflicting paths", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a.b = :a, a[1] = :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]",
      ]);
    });

    it("UpdateItem: rejects ADD of a string", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "ADD a :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
      ]);
    });

    it("UpdateItem: rejects DELETE of a number", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "DELETE a :a",
          ExpressionAttributeValues: { ":a": { N: "1" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER",
      ]);
    });

    it("UpdateItem: rejects + on a string literal", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = b + :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S",
      ]);
    });

    it("UpdateItem: rejects a condition function in an update", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = size(b)",
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: The function is not allowed in an update expression; function: size",
      ]);
    });

    it("UpdateItem: rejects if_not_exists without a path first", async () => {
      expect(
        await fails("UpdateItem", {
          TableName: "abc",
          Key: key,
          UpdateExpression: "SET a = if_not_exists(:a, b)",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists",
      ]);
    });

    it("UpdateItem: rejects updating a key attribute", async () => {
      const name = await table();
      expect(
        await fails("UpdateItem", {
          TableName: name,
          Key: key,
          UpdateExpression: "SET id = :a",
          ExpressionAttributeValues: { ":a": { S: "x" } },
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key",
      ]);
      expect(await get(name)).toBeUndefined();
    });

    it("UpdateItem: rejects AttributeUpdates PUT without a value", async () => {
      expect(
        await fails("UpdateItem", { TableName: "abc", Key: key, AttributeUpdates: { a: { Action: "PUT" } } }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified",
      ]);
    });
  });

  describe("functionality", () => {
    it("UpdateItem: creates the item when absent with only the key", async () => {
      const name = await table();
      expect(await ok("UpdateItem", { TableName: name, Key: key, ReturnValues: "ALL_NEW" })).toEqual({
        Attributes: { id: { S: "a" } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" } });
    });

    it("UpdateItem: the table size follows updates of an existing item (sized by difference)", async () => {
      const name = await table();
      const tableSize = async () =>
        ((await ok("DescribeTable", { TableName: name })).Table as { TableSizeBytes: number }).TableSizeBytes;
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, keep: { S: "x".repeat(100) }, n: { N: "9" } } });
      // id (2 + 1) + keep (4 + 100) + n (1 + 2): 110 bytes.
      expect(await tableSize()).toBe(110);
      // m does not exist, so SET m.é is refused and nothing changes.
      expect(
        await fails("UpdateItem", {
          TableName: name,
          Key: key,
          UpdateExpression: "SET n = n + :one, m.#e = :s REMOVE keep",
          ExpressionAttributeNames: { "#e": "é" },
          ExpressionAttributeValues: { ":one": { N: "1" }, ":s": { S: "abc" } },
        }),
      ).toEqual(["ValidationException", "The document path provided in the update expression is invalid for update"]);
      expect(await tableSize()).toBe(110);
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "SET n = n + :one, m = :m REMOVE keep",
        ExpressionAttributeValues: { ":one": { N: "1" }, ":m": { M: { é: { S: "abc" } } } },
      });
      // id 3, n = 10 (1 + 2), m (1 + 3 + 1 + 2 + 3 = 10): 16 bytes.
      expect(await tableSize()).toBe(16);
    });

    it("UpdateItem: counter with if_not_exists", async () => {
      const name = await table();
      const counter = {
        TableName: name,
        Key: key,
        UpdateExpression: "SET hits = if_not_exists(hits, :zero) + :one",
        ExpressionAttributeValues: { ":zero": { N: "0" }, ":one": { N: "1" } },
        ReturnValues: "UPDATED_NEW",
      };
      expect(await ok("UpdateItem", counter)).toEqual({ Attributes: { hits: { N: "1" } } });
      expect(await ok("UpdateItem", counter)).toEqual({ Attributes: { hits: { N: "2" } } });
    });

    it("UpdateItem: concurrent counter increments lose no update", async () => {
      const name = await table();
      const add = {
        TableName: name,
        Key: key,
        UpdateExpression: "ADD hits :one",
        ExpressionAttributeValues: { ":one": { N: "1" } },
      };
      await Promise.all(Array.from({ length: 20 }, () => ok("UpdateItem", add)));
      expect(await get(name)).toEqual({ id: { S: "a" }, hits: { N: "20" } });
    });

    it("UpdateItem: arithmetic on a missing attribute fails", async () => {
      const name = await table();
      expect(
        await fails("UpdateItem", {
          TableName: name,
          Key: key,
          UpdateExpression: "SET hits = hits + :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        }),
      ).toEqual([
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
      ]);
      expect(await get(name)).toBeUndefined();
    });

    it("UpdateItem: exact decimal arithmetic beyond doubles", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, n: { N: "0.1" } } });
      expect(
        await ok("UpdateItem", {
          TableName: name,
          Key: key,
          UpdateExpression: "SET n = n + :x",
          ExpressionAttributeValues: { ":x": { N: "12345678901234567890123456789.2" } },
          ReturnValues: "UPDATED_NEW",
        }),
      ).toEqual({ Attributes: { n: { N: "12345678901234567890123456789.3" } } });
    });

    it("UpdateItem: optimistic locking with a version attribute", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, version: { N: "1" } } });
      const bump = (expected: string) => ({
        TableName: name,
        Key: key,
        UpdateExpression: "SET version = :next",
        ConditionExpression: "version = :expected",
        ExpressionAttributeValues: { ":expected": { N: expected }, ":next": { N: String(Number(expected) + 1) } },
      });
      await ok("UpdateItem", bump("1"));
      expect(await fails("UpdateItem", bump("1"))).toEqual([
        "ConditionalCheckFailedException",
        "The conditional request failed",
      ]);
      expect(await get(name)).toEqual({ id: { S: "a" }, version: { N: "2" } });
    });

    it("UpdateItem: ReturnValuesOnConditionCheckFailure returns the item with the error", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, v: { N: "5" } } });
      const result = await wire("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "REMOVE v",
        ConditionExpression: "attribute_not_exists(id)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      });
      expect(result.body).toEqual({
        __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        message: "The conditional request failed",
        Item: { id: { S: "a" }, v: { N: "5" } },
      });
    });

    it("UpdateItem: list_append and REMOVE of list elements", async () => {
      const name = await table();
      await ok("PutItem", {
        TableName: name,
        Item: { id: { S: "a" }, l: { L: [{ S: "x" }, { S: "y" }, { S: "z" }] } },
      });
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "SET l = list_append(l, :more)",
        ExpressionAttributeValues: { ":more": { L: [{ S: "w" }] } },
      });
      await ok("UpdateItem", { TableName: name, Key: key, UpdateExpression: "REMOVE l[0], l[2]" });
      expect(await get(name)).toEqual({ id: { S: "a" }, l: { L: [{ S: "y" }, { S: "w" }] } });
    });

    it("UpdateItem: SET past the end of a list appends", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, l: { L: [{ N: "1" }] } } });
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "SET l[10] = :v",
        ExpressionAttributeValues: { ":v": { N: "2" } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" }, l: { L: [{ N: "1" }, { N: "2" }] } });
    });

    it("UpdateItem: set ADD and DELETE, an emptied set disappears", async () => {
      const name = await table();
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "ADD tags :t",
        ExpressionAttributeValues: { ":t": { SS: ["a", "b"] } },
      });
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "ADD tags :t",
        ExpressionAttributeValues: { ":t": { SS: ["b", "c"] } },
      });
      const item = await get(name);
      expect(new Set((item?.tags as { SS: string[] }).SS)).toEqual(new Set(["a", "b", "c"]));
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "DELETE tags :t",
        ExpressionAttributeValues: { ":t": { SS: ["a", "b", "c"] } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" } });
    });

    it("UpdateItem: nested map updates and a missing parent", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, m: { M: { child: { M: {} } } } } });
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        UpdateExpression: "SET m.child.#k = :v",
        ExpressionAttributeNames: { "#k": "deep key" },
        ExpressionAttributeValues: { ":v": { BOOL: true } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" }, m: { M: { child: { M: { "deep key": { BOOL: true } } } } } });
      expect(
        await fails("UpdateItem", {
          TableName: name,
          Key: key,
          UpdateExpression: "SET m.nope.x = :v",
          ExpressionAttributeValues: { ":v": { BOOL: true } },
        }),
      ).toEqual(["ValidationException", "The document path provided in the update expression is invalid for update"]);
    });

    it("UpdateItem: ReturnValues ALL_OLD, UPDATED_OLD and NONE", async () => {
      const name = await table();
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, x: { N: "1" }, y: { N: "2" } } });
      const set = (rv: string, v: string) => ({
        TableName: name,
        Key: key,
        UpdateExpression: "SET x = :v",
        ExpressionAttributeValues: { ":v": { N: v } },
        ReturnValues: rv,
      });
      expect(await ok("UpdateItem", set("UPDATED_OLD", "3"))).toEqual({ Attributes: { x: { N: "1" } } });
      expect(await ok("UpdateItem", set("ALL_OLD", "4"))).toEqual({
        Attributes: { id: { S: "a" }, x: { N: "3" }, y: { N: "2" } },
      });
      expect(await ok("UpdateItem", set("NONE", "5"))).toEqual({});
    });

    it("UpdateItem: legacy AttributeUpdates PUT, ADD and DELETE", async () => {
      const name = await table();
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        AttributeUpdates: {
          n: { Action: "ADD", Value: { N: "2" } },
          l: { Action: "ADD", Value: { L: [{ S: "x" }] } },
          s: { Action: "PUT", Value: { S: "v" } },
        },
      });
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        AttributeUpdates: { n: { Action: "ADD", Value: { N: "3" } }, s: { Action: "DELETE" } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" }, n: { N: "5" }, l: { L: [{ S: "x" }] } });
    });

    // DynamoDB: an update of a missing item that only removes attributes or deletes set
    // members has nothing to act on and creates no item; an empty update still creates the
    // item with its key (Alternator's test_update_expression.py and test_item.py, run against AWS).
    it("UpdateItem: on a missing item, an update that only removes or deletes creates nothing", async () => {
      const name = await table();
      const updates = [
        { UpdateExpression: "REMOVE a" },
        { UpdateExpression: "DELETE s :v", ExpressionAttributeValues: { ":v": { SS: ["x"] } } },
        { AttributeUpdates: { a: { Action: "DELETE" } } },
        { AttributeUpdates: { s: { Action: "DELETE", Value: { SS: ["x"] } }, a: { Action: "DELETE" } } },
      ];
      for (const update of updates) {
        expect(await ok("UpdateItem", { TableName: name, Key: key, ReturnValues: "ALL_NEW", ...update })).toEqual({});
        expect(await get(name)).toBeUndefined();
      }
      expect(await ok("UpdateItem", { TableName: name, Key: key, ReturnValues: "ALL_NEW" })).toEqual({
        Attributes: { id: { S: "a" } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" } });
    });

    it("UpdateItem: legacy Expected guards the update", async () => {
      const name = await table();
      expect(
        await fails("UpdateItem", {
          TableName: name,
          Key: key,
          AttributeUpdates: { s: { Action: "PUT", Value: { S: "v" } } },
          Expected: { s: { Exists: true, Value: { S: "old" } } },
        }),
      ).toEqual(["ConditionalCheckFailedException", "The conditional request failed"]);
      await ok("UpdateItem", {
        TableName: name,
        Key: key,
        AttributeUpdates: { s: { Action: "PUT", Value: { S: "v" } } },
        Expected: { s: { Exists: false } },
      });
      expect(await get(name)).toEqual({ id: { S: "a" }, s: { S: "v" } });
    });
  });
});
