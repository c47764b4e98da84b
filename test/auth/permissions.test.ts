// DDB_PERMISSIONS: per-key grants of operations on tables, refused as DynamoDB (IAM)
// refuses: AccessDeniedException, status 400, "User: ... is not authorized to perform:
// dynamodb:<Action> on resource: <ARN> because no identity-based policy allows ...".
import { describe, expect, it } from "vitest";
import { signedRequest, uniqueName } from "../support/wire";
import { callWith, errorOf, indexedTable, JSON_HEADERS, type Reply } from "./helpers";

const ADMIN = { accessKeyId: "AKIDADMIN", secretAccessKey: "admin-secret" };
const READER = { accessKeyId: "AKIDREADER", secretAccessKey: "reader-secret" };
const LOGGER = { accessKeyId: "AKIDLOGGER", secretAccessKey: "logger-secret" };
const STRANGER = { accessKeyId: "AKIDSTRANGER", secretAccessKey: "stranger-secret" };
const PAIRS = [ADMIN, READER, LOGGER, STRANGER].map((c) => `${c.accessKeyId}:${c.secretAccessKey}`).join(",");

const run = uniqueName("perm");
const MUSIC = `Music-${run}`;
const LOGS = `Logs-${run}`;
const OTHER = `Other-${run}`;

const GRANTS = {
  AKIDADMIN: [{ actions: ["dynamodb:*"], tables: ["*"] }],
  AKIDREADER: [
    {
      actions: ["GetItem", "Query", "dynamodb:BatchGetItem", "describe*", "GetShardIterator", "GetRecords"],
      tables: ["Music-*"],
    },
  ],
  AKIDLOGGER: [
    { actions: ["PutItem", "BatchWriteItem"], tables: ["Logs-*"] },
    { actions: ["ListTables"], tables: ["*"] },
  ],
};
const ENV = { DDB_CREDENTIALS: PAIRS, DDB_PERMISSIONS: JSON.stringify(GRANTS) };

async function as(
  credentials: { accessKeyId: string; secretAccessKey: string },
  operation: string,
  input: unknown,
  env: Record<string, string> = ENV,
): Promise<Reply> {
  const request = await signedRequest(
    "http://localhost/",
    { method: "POST", headers: JSON_HEADERS(operation), body: JSON.stringify(input) },
    { credentials },
  );
  return callWith(env, request);
}

function denied(user: string, action: string, resource: string): [number, string, string] {
  return [
    400,
    "com.amazon.coral.service#AccessDeniedException",
    `User: arn:aws:iam::000000000000:user/${user} is not authorized to perform: dynamodb:${action} ` +
      `on resource: ${resource} because no identity-based policy allows the dynamodb:${action} action`,
  ];
}

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;

async function createTable(name: string): Promise<void> {
  const reply = await as(ADMIN, "CreateTable", indexedTable(name));
  expect(reply.status).toBe(200);
}

describe("Permissions", () => {
  it("Permissions: a grant allows its operations on its tables", async () => {
    await createTable(MUSIC);
    await createTable(LOGS);
    await createTable(OTHER);
    expect((await as(ADMIN, "PutItem", { TableName: MUSIC, Item: { pk: { S: "a" }, g: { S: "x" } } })).status).toBe(
      200,
    );
    const got = await as(READER, "GetItem", { TableName: MUSIC, Key: { pk: { S: "a" } } });
    expect(got).toEqual({ status: 200, body: { Item: { pk: { S: "a" }, g: { S: "x" } } } });
    // Actions match case-insensitively and with wildcards ("describe*").
    expect((await as(READER, "DescribeTable", { TableName: MUSIC })).status).toBe(200);
    expect((await as(LOGGER, "PutItem", { TableName: LOGS, Item: { pk: { S: "l1" } } })).status).toBe(200);
    expect((await as(LOGGER, "ListTables", {})).status).toBe(200);
  });

  it("Permissions: refuses an operation the key's grants do not list", async () => {
    const reply = await as(READER, "PutItem", { TableName: MUSIC, Item: { pk: { S: "b" } } });
    expect(errorOf(reply)).toEqual(denied("AKIDREADER", "PutItem", arn(MUSIC)));
    // DynamoDB's coral front end sends this message under "Message".
    expect(Object.keys(reply.body)).toEqual(["__type", "Message"]);
    const unchanged = await as(ADMIN, "GetItem", { TableName: MUSIC, Key: { pk: { S: "b" } } });
    expect(unchanged.body).toEqual({});
  });

  it("Permissions: SplitPartition, the admin operation, needs dynamodb:SplitPartition on the table", async () => {
    const split = (credentials: typeof ADMIN) =>
      signedRequest(
        "http://localhost/",
        {
          method: "POST",
          headers: JSON_HEADERS("SplitPartition", "DurableDynamoDB_20261207"),
          body: JSON.stringify({ TableName: MUSIC }),
        },
        { credentials },
      ).then((request) => callWith(ENV, request));
    expect(errorOf(await split(READER))).toEqual(denied("AKIDREADER", "SplitPartition", arn(MUSIC)));
    const started = await split(ADMIN);
    expect([started.status, started.body.SplitStatus]).toEqual([200, "SPLITTING"]);
  });

  it("Permissions: refuses a table outside the grant's patterns", async () => {
    const reply = await as(READER, "GetItem", { TableName: OTHER, Key: { pk: { S: "a" } } });
    expect(errorOf(reply)).toEqual(denied("AKIDREADER", "GetItem", arn(OTHER)));
  });

  it('Permissions: operations on no table need a grant on tables "*"', async () => {
    expect(errorOf(await as(READER, "ListTables", {}))).toEqual(denied("AKIDREADER", "ListTables", arn("*")));
    expect(errorOf(await as(READER, "DescribeEndpoints", {}))).toEqual(
      denied("AKIDREADER", "DescribeEndpoints", arn("*")),
    );
  });

  it("Permissions: a key absent from DDB_PERMISSIONS may do nothing", async () => {
    expect(errorOf(await as(STRANGER, "GetItem", { TableName: MUSIC, Key: { pk: { S: "a" } } }))).toEqual(
      denied("AKIDSTRANGER", "GetItem", arn(MUSIC)),
    );
  });

  it("Permissions: a query of an index is covered by its table's grant and refused naming the index", async () => {
    const ok = await as(READER, "Query", {
      TableName: MUSIC,
      IndexName: "byG",
      KeyConditionExpression: "g = :g",
      ExpressionAttributeValues: { ":g": { S: "x" } },
    });
    expect([ok.status, ok.body.Count]).toEqual([200, 1]);
    const reply = await as(LOGGER, "Query", {
      TableName: MUSIC,
      IndexName: "byG",
      KeyConditionExpression: "g = :g",
      ExpressionAttributeValues: { ":g": { S: "x" } },
    });
    expect(errorOf(reply)).toEqual(denied("AKIDLOGGER", "Query", `${arn(MUSIC)}/index/byG`));
  });

  it("Permissions: a batch needs its action on every table it names", async () => {
    const reply = await as(LOGGER, "BatchWriteItem", {
      RequestItems: {
        [LOGS]: [{ PutRequest: { Item: { pk: { S: "l2" } } } }],
        [MUSIC]: [{ PutRequest: { Item: { pk: { S: "m2" } } } }],
      },
    });
    expect(errorOf(reply)).toEqual(denied("AKIDLOGGER", "BatchWriteItem", arn(MUSIC)));
    const nothing = await as(ADMIN, "GetItem", { TableName: LOGS, Key: { pk: { S: "l2" } } });
    expect(nothing.body).toEqual({});
    const ok = await as(READER, "BatchGetItem", { RequestItems: { [MUSIC]: { Keys: [{ pk: { S: "a" } }] } } });
    expect(ok.status).toBe(200);
  });

  it("Permissions: a transaction needs each action's own permission on its table", async () => {
    const reply = await as(LOGGER, "TransactWriteItems", {
      TransactItems: [
        { Put: { TableName: LOGS, Item: { pk: { S: "t1" } } } },
        {
          Update: {
            TableName: LOGS,
            Key: { pk: { S: "t2" } },
            UpdateExpression: "SET v = :v",
            ExpressionAttributeValues: { ":v": { N: "1" } },
          },
        },
      ],
    });
    expect(errorOf(reply)).toEqual(denied("AKIDLOGGER", "UpdateItem", arn(LOGS)));
    const get = await as(READER, "TransactGetItems", {
      TransactItems: [{ Get: { TableName: LOGS, Key: { pk: { S: "l1" } } } }],
    });
    expect(errorOf(get)).toEqual(denied("AKIDREADER", "GetItem", arn(LOGS)));
  });

  it("Permissions: stream reads are checked against the stream's table", async () => {
    const created = await as(ADMIN, "CreateTable", {
      TableName: `${MUSIC}-s`,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    });
    const streamArn = String((created.body.TableDescription as Record<string, unknown>).LatestStreamArn);
    const streams = async (c: typeof ADMIN, operation: string, input: unknown): Promise<Reply> =>
      callWith(
        ENV,
        await signedRequest(
          "http://localhost/",
          { method: "POST", headers: JSON_HEADERS(operation, "DynamoDBStreams_20120810"), body: JSON.stringify(input) },
          { credentials: c },
        ),
      );
    const described = await streams(READER, "DescribeStream", { StreamArn: streamArn });
    expect(described.status).toBe(200);
    const shards = (described.body.StreamDescription as { Shards: { ShardId: string }[] }).Shards;
    const iterator = await streams(READER, "GetShardIterator", {
      StreamArn: streamArn,
      ShardId: shards[0]!.ShardId,
      ShardIteratorType: "TRIM_HORIZON",
    });
    expect(iterator.status).toBe(200);
    const records = await streams(READER, "GetRecords", { ShardIterator: iterator.body.ShardIterator });
    expect(records.status).toBe(200);
    expect(errorOf(await streams(LOGGER, "DescribeStream", { StreamArn: streamArn }))).toEqual(
      denied("AKIDLOGGER", "DescribeStream", streamArn),
    );
    const label = streamArn.split("/stream/")[1];
    expect(errorOf(await streams(LOGGER, "GetRecords", { ShardIterator: iterator.body.ShardIterator }))).toEqual(
      denied("AKIDLOGGER", "GetRecords", `${arn(`${MUSIC}-s`)}/stream/${label}`),
    );
  });

  it("Permissions: a malformed DDB_PERMISSIONS refuses everyone", async () => {
    const env = { DDB_CREDENTIALS: PAIRS, DDB_PERMISSIONS: "{not json" };
    expect(errorOf(await as(ADMIN, "ListTables", {}, env))).toEqual(denied("AKIDADMIN", "ListTables", arn("*")));
  });

  it("Permissions: a body that is not JSON is refused by the engine, not by permissions", async () => {
    const request = await signedRequest(
      "http://localhost/",
      { method: "POST", headers: JSON_HEADERS("PutItem"), body: "{oops" },
      { credentials: STRANGER },
    );
    expect(errorOf(await callWith(ENV, request))).toEqual([
      400,
      "com.amazon.coral.service#SerializationException",
      "Unexpected character found when decoding JSON at line 1, column 2 (offset 1)",
    ]);
  });

  it("Permissions: without DDB_PERMISSIONS every known key may do everything", async () => {
    expect((await as(STRANGER, "ListTables", {}, { DDB_CREDENTIALS: PAIRS })).status).toBe(200);
  });
});
