import { describe, expect, it } from "vitest";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

async function tableWith(item?: Record<string, unknown>): Promise<string> {
  const name = uniqueName("cond");
  await createHashTable(name);
  if (item) await ok("PutItem", { TableName: name, Item: item });
  return name;
}

const CCF = ["ConditionalCheckFailedException", "The conditional request failed"];

describe("Conditional writes", () => {
  describe("validations", () => {
    it("PutItem: rejects ConditionExpression together with Expected", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          Expected: { a: { Exists: false } },
          ConditionExpression: "attribute_exists(a)",
        }),
      ).toEqual([
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
      ]);
    });

    it("PutItem: rejects ExpressionAttributeNames without an expression", async () => {
      expect(
        await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ExpressionAttributeNames: { "#a": "a" } }),
      ).toEqual(["ValidationException", "ExpressionAttributeNames can only be specified when using expressions"]);
    });

    it("PutItem: rejects empty ExpressionAttributeValues", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "attribute_exists(a)",
          ExpressionAttributeValues: {},
        }),
      ).toEqual(["ValidationException", "ExpressionAttributeValues must not be empty"]);
    });

    it("PutItem: rejects a malformed ExpressionAttributeNames key", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "attribute_exists(a)",
          ExpressionAttributeNames: { a: "a" },
        }),
      ).toEqual(["ValidationException", 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"']);
    });

    it("PutItem: rejects an undefined #name in the condition", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "attribute_exists(#a)",
        }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a",
      ]);
    });

    it("PutItem: rejects an unknown function", async () => {
      expect(
        await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ConditionExpression: "exists(a)" }),
      ).toEqual(["ValidationException", "Invalid ConditionExpression: Invalid function name; function: exists"]);
    });

    it("PutItem: rejects a function used as an operand", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "attribute_exists(a) = :v",
          ExpressionAttributeValues: { ":v": { BOOL: true } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists",
      ]);
    });

    it("PutItem: rejects size() as a condition", async () => {
      expect(
        await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ConditionExpression: "size(a)" }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size",
      ]);
    });

    it("PutItem: rejects the wrong number of function operands", async () => {
      expect(
        await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ConditionExpression: "begins_with(a)" }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1",
      ]);
    });

    it("PutItem: rejects comparing a path with itself", async () => {
      expect(
        await fails("PutItem", { TableName: "abc", Item: { id: { S: "a" } }, ConditionExpression: "a = a" }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]",
      ]);
    });

    it("PutItem: rejects BETWEEN with reversed bounds", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "a BETWEEN :hi AND :lo",
          ExpressionAttributeValues: { ":hi": { N: "2" }, ":lo": { N: "1" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
      ]);
    });

    it("PutItem: rejects an invalid attribute_type name", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "attribute_type(a, :t)",
          ExpressionAttributeValues: { ":t": { S: "STRING" } },
        }),
      ).toEqual([
        "ValidationException",
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
      ]);
    });

    it("PutItem: rejects redundant parentheses", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "((attribute_exists(a)))",
        }),
      ).toEqual(["ValidationException", "Invalid ConditionExpression: The expression has redundant parentheses;"]);
    });

    it("PutItem: rejects redundant parentheses around an operand", async () => {
      expect(
        await fails("PutItem", {
          TableName: "abc",
          Item: { id: { S: "a" } },
          ConditionExpression: "((a)) = :v",
          ExpressionAttributeValues: { ":v": { N: "1" } },
        }),
      ).toEqual(["ValidationException", "Invalid ConditionExpression: The expression has redundant parentheses;"]);
    });

    it("PutItem: accepts single parentheses around operands and conditions", async () => {
      const name = await tableWith();
      await ok("PutItem", {
        TableName: name,
        Item: { id: { S: "a" } },
        ConditionExpression: "(attribute_not_exists(id)) AND ((a) <> :v)",
        ExpressionAttributeValues: { ":v": { N: "1" } },
      });
    });

    it("DeleteItem: rejects invalid legacy Expected", async () => {
      expect(
        await fails("DeleteItem", {
          TableName: "abc",
          Key: { id: { S: "a" } },
          Expected: { a: { Exists: false, Value: { S: "x" } } },
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a",
      ]);
    });
  });

  describe("functionality", () => {
    it("PutItem: attribute_not_exists prevents overwriting", async () => {
      const name = await tableWith({ id: { S: "a" }, v: { N: "1" } });
      const put = {
        TableName: name,
        Item: { id: { S: "a" }, v: { N: "2" } },
        ConditionExpression: "attribute_not_exists(id)",
      };
      expect(await fails("PutItem", put)).toEqual(CCF);
      expect(await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual({
        Item: { id: { S: "a" }, v: { N: "1" } },
      });
      await ok("PutItem", { ...put, Item: { id: { S: "b" } } });
    });

    it("PutItem: comparisons across types are false, not errors", async () => {
      const name = await tableWith({ id: { S: "a" }, v: { N: "1" } });
      expect(
        await fails("PutItem", {
          TableName: name,
          Item: { id: { S: "a" } },
          ConditionExpression: "v < :s",
          ExpressionAttributeValues: { ":s": { S: "2" } },
        }),
      ).toEqual(CCF);
      await ok("PutItem", {
        TableName: name,
        Item: { id: { S: "a" } },
        ConditionExpression: "v <> :s",
        ExpressionAttributeValues: { ":s": { S: "1" } },
      });
    });

    it("DeleteItem: condition with AND, OR, NOT, IN and functions", async () => {
      const name = await tableWith({ id: { S: "a" }, tags: { SS: ["x", "y"] }, s: { S: "hello" }, n: { N: "5" } });
      const cond = {
        TableName: name,
        Key: { id: { S: "a" } },
        ConditionExpression:
          "contains(tags, :x) AND begins_with(s, :he) AND (n IN (:one, :five) OR NOT attribute_exists(zz)) AND size(s) = :five",
        ExpressionAttributeValues: { ":x": { S: "x" }, ":he": { S: "he" }, ":one": { N: "1" }, ":five": { N: "5" } },
        ReturnValues: "ALL_OLD",
      };
      const out = await ok("DeleteItem", cond);
      expect(out.Attributes).toEqual({ id: { S: "a" }, tags: { SS: ["x", "y"] }, s: { S: "hello" }, n: { N: "5" } });
    });

    it("DeleteItem: legacy Expected with ComparisonOperator", async () => {
      const name = await tableWith({ id: { S: "a" }, n: { N: "5" } });
      expect(
        await fails("DeleteItem", {
          TableName: name,
          Key: { id: { S: "a" } },
          Expected: { n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "5" }] } },
        }),
      ).toEqual(CCF);
      await ok("DeleteItem", {
        TableName: name,
        Key: { id: { S: "a" } },
        Expected: { n: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "1" }, { N: "5" }] } },
      });
      expect(await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual({});
    });

    it("GetItem: ProjectionExpression returns nested shapes", async () => {
      const name = await tableWith({
        id: { S: "a" },
        m: { M: { x: { N: "1" }, y: { N: "2" } } },
        l: { L: [{ S: "l0" }, { S: "l1" }, { S: "l2" }] },
        other: { S: "o" },
      });
      const out = await ok("GetItem", {
        TableName: name,
        Key: { id: { S: "a" } },
        ProjectionExpression: "m.y, #l[2], #l[0], nope",
        ExpressionAttributeNames: { "#l": "l" },
      });
      expect(out).toEqual({ Item: { m: { M: { y: { N: "2" } } }, l: { L: [{ S: "l0" }, { S: "l2" }] } } });
    });

    it("GetItem: rejects an unused #name in a projection", async () => {
      expect(
        await fails("GetItem", {
          TableName: "abc",
          Key: { id: { S: "a" } },
          ProjectionExpression: "a",
          ExpressionAttributeNames: { "#b": "b" },
        }),
      ).toEqual([
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
      ]);
    });
  });
});
