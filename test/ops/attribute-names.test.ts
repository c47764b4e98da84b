// Attribute names up to 65,535 bytes long, wherever a name is given, and document paths
// up to 32 levels in a projection: DynamoDB's limits (Alternator's test_limits.py and
// test_projection_expression.py, run against AWS). The long-name message is DynamoDB Local's.
import { describe, expect, it } from "vitest";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

const LONGEST = "n".repeat(65535);
const TOO_LONG = "n".repeat(65536);
const TOO_LONG_MESSAGE = "Attribute name is too large, must be less than 65536 bytes";
const key = { id: { S: "a" } };

async function table(): Promise<string> {
  const name = uniqueName("names");
  await createHashTable(name);
  return name;
}

describe("Attribute names", () => {
  it("Limits: a name of 65,535 bytes is accepted everywhere, 65,536 refused, 3-byte characters counted as 3", async () => {
    const name = await table();
    const wide = "\u20ac".repeat(21845); // 65,535 bytes
    const wider = `${wide}x`; // 65,536
    const requests = (n: string): [string, Record<string, unknown>][] => [
      ["PutItem", { TableName: name, Item: { ...key, [n]: { S: "v" } } }],
      ["GetItem", { TableName: name, Key: key, ProjectionExpression: "#n", ExpressionAttributeNames: { "#n": n } }],
      ["GetItem", { TableName: name, Key: key, AttributesToGet: [n] }],
      ["Scan", { TableName: name, AttributesToGet: [n] }],
      ["UpdateItem", { TableName: name, Key: key, AttributeUpdates: { [n]: { Action: "PUT", Value: { S: "v" } } } }],
      [
        "UpdateItem",
        {
          TableName: name,
          Key: key,
          UpdateExpression: "SET #n = :v",
          ExpressionAttributeNames: { "#n": n },
          ExpressionAttributeValues: { ":v": { S: "v" } },
        },
      ],
      [
        "DeleteItem",
        {
          TableName: name,
          Key: { id: { S: "b" } },
          ConditionExpression: "attribute_not_exists(#n)",
          ExpressionAttributeNames: { "#n": n },
        },
      ],
    ];
    for (const [operation, input] of [...requests(LONGEST), ...requests(wide)]) await ok(operation, input);
    for (const [operation, input] of [...requests(TOO_LONG), ...requests(wider)]) {
      expect(await fails(operation, input), operation).toEqual(["ValidationException", TOO_LONG_MESSAGE]);
    }
  });

  it("Limits: a projection path of 32 levels is read, 33 levels refused", async () => {
    const name = await table();
    await ok("PutItem", { TableName: name, Item: { ...key, a: { S: "x" } } });
    expect(await ok("GetItem", { TableName: name, Key: key, ProjectionExpression: `a${".b".repeat(31)}` })).toEqual({
      Item: {},
    });
    expect(await fails("GetItem", { TableName: name, Key: key, ProjectionExpression: `a${".b".repeat(32)}` })).toEqual([
      "ValidationException",
      "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33",
    ]);
  });
});
