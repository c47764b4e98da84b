// Legacy conditions (Expected, QueryFilter, ScanFilter with ComparisonOperator): what the
// request names is checked (how many values, of which types), while a stored value of
// another type only makes the condition false. DynamoDB's behaviour and messages:
// Alternator's test_expected.py and test_query_filter.py (run against DynamoDB) and
// dynalite's validations (recorded from DynamoDB).
import { describe, expect, it } from "vitest";
import { createHashTable, fails, ok, uniqueName, wire } from "../support/wire";

const INVALID = "One or more parameter values were invalid: ";
const key = { id: { S: "a" } };
const stored = {
  ...key,
  s: { S: "abc" },
  n: { N: "5" },
  l: { L: [{ N: "1" }, { S: "x" }] },
  m: { M: { k: { S: "v" } } },
  ss: { SS: ["p", "q"] },
  t: { BOOL: true },
};

async function table(): Promise<string> {
  const name = uniqueName("legacy");
  await createHashTable(name);
  await ok("PutItem", { TableName: name, Item: stored });
  return name;
}

/** Whether a PutItem of the same item guarded by `expected` goes ahead (true) or fails its condition (false). */
async function holds(name: string, expected: Record<string, unknown>): Promise<boolean> {
  const result = await wire("PutItem", { TableName: name, Item: stored, Expected: expected });
  if (result.status === 200) return true;
  expect(result.body.__type).toBe("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  return false;
}

describe("Legacy conditions", () => {
  it("Expected: EQ and NE compare values of any type, lists, maps, sets and booleans included", async () => {
    const name = await table();
    const eq = (attr: string, value: unknown) =>
      holds(name, { [attr]: { ComparisonOperator: "EQ", AttributeValueList: [value] } });
    const ne = (attr: string, value: unknown) =>
      holds(name, { [attr]: { ComparisonOperator: "NE", AttributeValueList: [value] } });
    expect(await eq("l", stored.l)).toBe(true);
    expect(await eq("l", { L: [{ N: "1" }] })).toBe(false);
    expect(await eq("m", stored.m)).toBe(true);
    expect(await eq("ss", { SS: ["q", "p"] })).toBe(true);
    expect(await eq("t", { BOOL: true })).toBe(true);
    expect(await eq("n", { S: "5" })).toBe(false); // another type: false, not an error
    expect(await ne("n", { S: "5" })).toBe(true);
    expect(await ne("missing", { S: "5" })).toBe(true);
  });

  it("Expected: a stored value of another type makes an ordering, BEGINS_WITH or BETWEEN false", async () => {
    const name = await table();
    const cond = (attr: string, op: string, values: unknown[]) =>
      holds(name, { [attr]: { ComparisonOperator: op, AttributeValueList: values } });
    expect(await cond("l", "LE", [{ N: "3" }])).toBe(false);
    expect(await cond("s", "GT", [{ N: "3" }])).toBe(false);
    expect(await cond("n", "BEGINS_WITH", [{ S: "5" }])).toBe(false);
    expect(await cond("l", "BETWEEN", [{ N: "0" }, { N: "9" }])).toBe(false);
    expect(await cond("n", "BETWEEN", [{ N: "0" }, { N: "9" }])).toBe(true);
    expect(await cond("missing", "CONTAINS", [{ S: "a" }])).toBe(false);
    expect(await cond("missing", "NOT_CONTAINS", [{ S: "a" }])).toBe(false);
  });

  it("Expected: operands of a type the operator does not take, or too many or too few, are refused", async () => {
    const name = await table();
    const refuse = (op: string, values: unknown[]) =>
      fails("DeleteItem", {
        TableName: name,
        Key: key,
        Expected: { n: { ComparisonOperator: op, AttributeValueList: values } },
      });
    for (const [op, value, type] of [
      ["LT", { L: [] }, "L"],
      ["GE", { M: {} }, "M"],
      ["GT", { SS: ["a"] }, "SS"],
      ["LE", { BOOL: true }, "BOOL"],
      ["BEGINS_WITH", { N: "1" }, "N"],
      ["CONTAINS", { L: [{ N: "1" }] }, "L"],
      ["NOT_CONTAINS", { NS: ["1"] }, "NS"],
      ["IN", { L: [] }, "L"],
    ] as const) {
      expect(await refuse(op, [value])).toEqual([
        "ValidationException",
        `${INVALID}ComparisonOperator ${op} is not valid for ${type} AttributeValue type`,
      ]);
    }
    expect(await refuse("BETWEEN", [{ SS: ["a"] }, { SS: ["b"] }])).toEqual([
      "ValidationException",
      `${INVALID}ComparisonOperator BETWEEN is not valid for SS AttributeValue type`,
    ]);
    for (const [op, values] of [
      ["BETWEEN", [{ N: "1" }]],
      ["BETWEEN", [{ N: "1" }, { N: "2" }, { N: "3" }]],
      ["IN", []],
      ["EQ", [{ N: "1" }, { N: "2" }]],
      ["NOT_NULL", [{ N: "1" }]],
    ] as const) {
      expect(await refuse(op, [...values])).toEqual([
        "ValidationException",
        `${INVALID}Invalid number of argument(s) for the ${op} ComparisonOperator`,
      ]);
    }
    expect(await refuse("IN", [{ N: "1" }, { S: "1" }])).toEqual([
      "ValidationException",
      `${INVALID}AttributeValues inside AttributeValueList must be of same type`,
    ]);
  });

  it("Expected: an empty entry needs a Value; ConditionalOperator needs conditions to join", async () => {
    const name = await table();
    expect(await fails("DeleteItem", { TableName: name, Key: key, Expected: { a: {} } })).toEqual([
      "ValidationException",
      `${INVALID}Value must be provided when Exists is null for Attribute: a`,
    ]);
    for (const extra of [{}, { Expected: {} }]) {
      expect(await fails("DeleteItem", { TableName: name, Key: key, ConditionalOperator: "AND", ...extra })).toEqual([
        "ValidationException",
        "ConditionalOperator cannot be used without Filter or Expected",
      ]);
    }
    await ok("PutItem", { TableName: name, Item: stored, Expected: {} }); // an empty Expected is no condition
  });

  it("ScanFilter and QueryFilter: EQ on lists and maps filters by value; ConditionalOperator alone is refused", async () => {
    const name = await table();
    await ok("PutItem", { TableName: name, Item: { id: { S: "b" }, l: { L: [] }, m: { M: {} } } });
    const scan = async (filter: Record<string, unknown>) =>
      ((await ok("Scan", { TableName: name, ScanFilter: filter })).Items as { id: { S: string } }[]).map((i) => i.id.S);
    expect(await scan({ l: { ComparisonOperator: "EQ", AttributeValueList: [stored.l] } })).toEqual(["a"]);
    expect(await scan({ m: { ComparisonOperator: "EQ", AttributeValueList: [{ M: {} }] } })).toEqual(["b"]);
    expect((await scan({ l: { ComparisonOperator: "NE", AttributeValueList: [{ L: [] }] } })).sort()).toEqual(["a"]);
    expect(
      await fails("Scan", {
        TableName: name,
        ScanFilter: { n: { ComparisonOperator: "LT", AttributeValueList: [{ L: [] }] } },
      }),
    ).toEqual(["ValidationException", `${INVALID}ComparisonOperator LT is not valid for L AttributeValue type`]);
    expect(await fails("Scan", { TableName: name, ConditionalOperator: "OR" })).toEqual([
      "ValidationException",
      "ConditionalOperator cannot be used without Filter or Expected",
    ]);
    const query = await ok("Query", {
      TableName: name,
      KeyConditions: { id: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } },
      QueryFilter: { m: { ComparisonOperator: "EQ", AttributeValueList: [stored.m] } },
    });
    expect(query.Count).toBe(1);
  });
});
