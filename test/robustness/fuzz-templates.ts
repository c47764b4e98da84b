// Valid requests of every operation for the wire fuzz test (fuzz.test.ts), which mutates
// them (fuzz-requests.ts). They name two tables the test creates, and vary keys and names
// with `i` so that accepted writes and creations spread over a few items and tables.

export const MAIN = "fz-main"; // pk S, sk N; LSI byL (l S); GSI byG (g S)
export const AUX = "fz-aux"; // id S; UpdateTable and tags land here
export const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const key = (pk: string, sk: string) => ({ pk: S(pk), sk: N(sk) });
const item = (pk: string, sk: string) => ({
  ...key(pk, sk),
  a: S("alpha"),
  n: N("5"),
  g: S("g1"),
  l: S("l1"),
  m: { M: { c: { L: [N("1"), S("x")] }, d: { BOOL: true } } },
  ss: { SS: ["x", "y"] },
  b: { B: "AAEC" },
  z: { NULL: true },
});

/** One valid request per operation; `i` varies names so that creations do not collide. */
export function template(operation: string, i: number): Record<string, unknown> {
  const fresh = `fz-new-${i}`;
  switch (operation) {
    case "GetItem":
      return {
        TableName: MAIN,
        Key: key("p1", "1"),
        ProjectionExpression: "#a, m.c[0], n",
        ExpressionAttributeNames: { "#a": "a" },
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
      };
    case "PutItem":
      return {
        TableName: MAIN,
        Item: item("p1", String(i % 7)),
        ConditionExpression: "attribute_not_exists(pk) OR n < :max",
        ExpressionAttributeValues: { ":max": N("100") },
        ReturnValues: "ALL_OLD",
      };
    case "UpdateItem":
      return {
        TableName: MAIN,
        Key: key("p2", String(i % 5)),
        UpdateExpression:
          "SET #a = :a, n = if_not_exists(n, :zero) + :one, lst = list_append(if_not_exists(lst, :l), :l) REMOVE z ADD cnt :one DELETE ss :s",
        ConditionExpression: "attribute_not_exists(n) OR n < :max",
        ExpressionAttributeNames: { "#a": "a" },
        ExpressionAttributeValues: {
          ":a": S("v"),
          ":zero": N("0"),
          ":one": N("1"),
          ":l": { L: [N("2")] },
          ":s": { SS: ["x"] },
          ":max": N("1000"),
        },
        ReturnValues: "ALL_NEW",
      };
    case "DeleteItem":
      return {
        TableName: MAIN,
        Key: key("p3", String(i % 3)),
        ConditionExpression: "attribute_exists(pk) AND begins_with(a, :p)",
        ExpressionAttributeValues: { ":p": S("al") },
        ReturnValues: "ALL_OLD",
      };
    case "Query":
      return i % 3 === 0
        ? {
            TableName: MAIN,
            IndexName: "byG",
            KeyConditionExpression: "g = :g",
            ExpressionAttributeValues: { ":g": S("g1") },
            Limit: 3,
          }
        : {
            TableName: MAIN,
            KeyConditionExpression: "pk = :p AND sk BETWEEN :lo AND :hi",
            FilterExpression: "contains(a, :s) OR size(m) > :one",
            ProjectionExpression: "pk, sk, a",
            ExpressionAttributeValues: { ":p": S("p1"), ":lo": N("0"), ":hi": N("9"), ":s": S("al"), ":one": N("1") },
            ScanIndexForward: false,
            Limit: 4,
            ExclusiveStartKey: key("p1", "9"),
          };
    case "Scan":
      return {
        TableName: MAIN,
        FilterExpression: "n > :z AND attribute_type(a, :t)",
        ExpressionAttributeValues: { ":z": N("0"), ":t": S("S") },
        Segment: 1,
        TotalSegments: 2,
        Limit: 10,
        Select: "ALL_ATTRIBUTES",
      };
    case "BatchGetItem":
      return {
        RequestItems: {
          [MAIN]: { Keys: [key("p1", "1"), key("p2", "2")], ProjectionExpression: "pk, a", ConsistentRead: true },
          [AUX]: { Keys: [{ id: S("a") }] },
        },
      };
    case "BatchWriteItem":
      return {
        RequestItems: {
          [MAIN]: [{ PutRequest: { Item: item("p4", String(i % 4)) } }, { DeleteRequest: { Key: key("p1", "6") } }],
          [AUX]: [{ PutRequest: { Item: { id: S(`b${i % 3}`) } } }],
        },
      };
    case "TransactGetItems":
      return {
        TransactItems: [
          { Get: { TableName: MAIN, Key: key("p1", "1"), ProjectionExpression: "a" } },
          { Get: { TableName: AUX, Key: { id: S("a") } } },
        ],
      };
    case "TransactWriteItems":
      return {
        TransactItems: [
          { Put: { TableName: MAIN, Item: item("p5", String(i % 3)) } },
          {
            Update: {
              TableName: MAIN,
              Key: key("p2", "1"),
              UpdateExpression: "ADD n :one",
              ExpressionAttributeValues: { ":one": N("1") },
            },
          },
          { Delete: { TableName: AUX, Key: { id: S("b1") } } },
          { ConditionCheck: { TableName: MAIN, Key: key("p1", "1"), ConditionExpression: "attribute_exists(pk)" } },
        ],
      };
    case "CreateTable":
      return {
        TableName: fresh,
        AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "k", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      };
    case "DeleteTable":
      return { TableName: `fz-new-${i - 1}` };
    case "DescribeTable":
      return { TableName: MAIN };
    case "ListTables":
      return { Limit: 5, ExclusiveStartTableName: "fz" };
    case "UpdateTable":
      return {
        TableName: AUX,
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      };
    case "TagResource":
      return { ResourceArn: arn(AUX), Tags: [{ Key: "k", Value: "v" }] };
    case "UntagResource":
      return { ResourceArn: arn(AUX), TagKeys: ["k"] };
    case "ListTagsOfResource":
      return { ResourceArn: arn(AUX) };
    case "DescribeEndpoints":
    case "DescribeLimits":
      return {};
    case "ExecuteStatement":
      return { Statement: `SELECT * FROM "${MAIN}" WHERE pk = ? AND sk > ?`, Parameters: [S("p1"), N("0")] };
    case "BatchExecuteStatement":
      return {
        Statements: [{ Statement: `SELECT a FROM "${MAIN}" WHERE pk = ? AND sk = ?`, Parameters: [S("p1"), N("1")] }],
      };
    case "ExecuteTransaction":
      return {
        TransactStatements: [
          { Statement: `UPDATE "${MAIN}" SET a = ? WHERE pk = ? AND sk = ?`, Parameters: [S("t"), S("p1"), N("2")] },
        ],
      };
    case "DescribeTimeToLive":
      return { TableName: AUX };
    case "UpdateTimeToLive":
      return { TableName: AUX, TimeToLiveSpecification: { AttributeName: "exp", Enabled: i % 2 === 0 } };
    default:
      // An operation added later without a template: still fuzzed, from a generic start.
      return { TableName: MAIN, Key: key("p1", "1") };
  }
}

/** Operations with a template above (others are fuzzed from the generic start). */
export const TEMPLATED = new Set(
  "GetItem PutItem UpdateItem DeleteItem Query Scan BatchGetItem BatchWriteItem TransactGetItems TransactWriteItems CreateTable DeleteTable DescribeTable ListTables UpdateTable TagResource UntagResource ListTagsOfResource DescribeEndpoints DescribeLimits ExecuteStatement BatchExecuteStatement ExecuteTransaction DescribeTimeToLive UpdateTimeToLive".split(
    " ",
  ),
);
