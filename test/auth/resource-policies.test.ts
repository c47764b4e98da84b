// Resource-based policies enforced at the endpoint, together with DDB_PERMISSIONS: an
// explicit Deny in the table's (or stream's) policy refuses whatever the key's grants say,
// an Allow grants what they do not. Refusals are IAM's texts: "... with an explicit deny
// in a resource-based policy" and "... because no identity-based policy allows ...".
import { describe, expect, it } from "vitest";
import { signedRequest, uniqueName } from "../support/wire";
import { callWith, errorOf, indexedTable, JSON_HEADERS, type Reply } from "./helpers";

const ADMIN = { accessKeyId: "AKIDPADMIN", secretAccessKey: "admin-secret" };
const READER = { accessKeyId: "AKIDPREADER", secretAccessKey: "reader-secret" };
const GUEST = { accessKeyId: "AKIDPGUEST", secretAccessKey: "guest-secret" };
const PAIRS = [ADMIN, READER, GUEST].map((c) => `${c.accessKeyId}:${c.secretAccessKey}`).join(",");

const GRANTS = {
  AKIDPADMIN: [{ actions: ["dynamodb:*"], tables: ["*"] }],
  AKIDPREADER: [{ actions: ["GetItem", "Query", "DescribeStream"], tables: ["*"] }],
};
const WITH_GRANTS = { DDB_CREDENTIALS: PAIRS, DDB_PERMISSIONS: JSON.stringify(GRANTS) };
/** Without DDB_PERMISSIONS every known key may do everything its tables' policies do not deny. */
const NO_GRANTS = { DDB_CREDENTIALS: PAIRS };

type Creds = typeof ADMIN;

async function as(
  credentials: Creds,
  operation: string,
  input: unknown,
  env: Record<string, string> = WITH_GRANTS,
  prefix = "DynamoDB_20120810",
): Promise<Reply> {
  const request = await signedRequest(
    "http://localhost/",
    { method: "POST", headers: JSON_HEADERS(operation, prefix), body: JSON.stringify(input) },
    { credentials },
  );
  return callWith(env, request);
}

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
const user = (c: Creds) => `arn:aws:iam::000000000000:user/${c.accessKeyId}`;

function explicitDeny(c: Creds, action: string, resource: string): [number, string, string] {
  return [
    400,
    "com.amazon.coral.service#AccessDeniedException",
    `User: ${user(c)} is not authorized to perform: dynamodb:${action} on resource: ${resource} ` +
      "with an explicit deny in a resource-based policy",
  ];
}

function noIdentityAllow(c: Creds, action: string, resource: string): [number, string, string] {
  return [
    400,
    "com.amazon.coral.service#AccessDeniedException",
    `User: ${user(c)} is not authorized to perform: dynamodb:${action} on resource: ${resource} ` +
      `because no identity-based policy allows the dynamodb:${action} action`,
  ];
}

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

async function createTable(extra: Record<string, unknown> = {}): Promise<string> {
  const name = uniqueName("rbp");
  const reply = await as(ADMIN, "CreateTable", indexedTable(name, extra));
  expect(reply.status).toBe(200);
  return name;
}

async function attach(resource: string, document: string): Promise<void> {
  const reply = await as(ADMIN, "PutResourcePolicy", { ResourceArn: resource, Policy: document });
  expect(reply.status).toBe(200);
}

const getA = (name: string) => ({ TableName: name, Key: { pk: { S: "a" } } });

describe("ResourcePolicies enforced", () => {
  it("ResourcePolicies: a Deny wins over the key's grant", async () => {
    const name = await createTable();
    await attach(
      arn(name),
      policy({ Effect: "Deny", Principal: { AWS: user(ADMIN) }, Action: "dynamodb:GetItem", Resource: arn(name) }),
    );
    expect(errorOf(await as(ADMIN, "GetItem", getA(name)))).toEqual(explicitDeny(ADMIN, "GetItem", arn(name)));
    // Other actions, and other principals, are untouched.
    expect((await as(ADMIN, "PutItem", { TableName: name, Item: { pk: { S: "a" } } })).status).toBe(200);
    expect(await as(READER, "GetItem", getA(name))).toEqual({ status: 200, body: { Item: { pk: { S: "a" } } } });
  });

  it("ResourcePolicies: a Deny applies without DDB_PERMISSIONS too", async () => {
    const name = await createTable();
    await attach(arn(name), policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:Put*", Resource: "*" }));
    const reply = await as(GUEST, "PutItem", { TableName: name, Item: { pk: { S: "a" } } }, NO_GRANTS);
    expect(errorOf(reply)).toEqual(explicitDeny(GUEST, "PutItem", arn(name)));
    expect((await as(GUEST, "GetItem", getA(name), NO_GRANTS)).status).toBe(200);
  });

  it("ResourcePolicies: an Allow grants what the key's grants do not", async () => {
    const name = await createTable();
    const put = { TableName: name, Item: { pk: { S: "a" } } };
    expect(errorOf(await as(GUEST, "PutItem", put))).toEqual(noIdentityAllow(GUEST, "PutItem", arn(name)));
    await attach(
      arn(name),
      policy({ Effect: "Allow", Principal: { AWS: [user(GUEST)] }, Action: ["dynamodb:PutItem"], Resource: arn(name) }),
    );
    expect((await as(GUEST, "PutItem", put)).status).toBe(200);
    // Only what it names: DeleteItem is still refused, and no other table is opened.
    expect(errorOf(await as(GUEST, "DeleteItem", getA(name)))).toEqual(noIdentityAllow(GUEST, "DeleteItem", arn(name)));
    const other = await createTable();
    expect(errorOf(await as(GUEST, "PutItem", { ...put, TableName: other }))).toEqual(
      noIdentityAllow(GUEST, "PutItem", arn(other)),
    );
  });

  it("ResourcePolicies: the account's root as principal covers every key of the endpoint", async () => {
    const name = await createTable();
    await attach(
      arn(name),
      policy({
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::000000000000:root" },
        Action: "dynamodb:UpdateItem",
        Resource: arn(name),
      }),
    );
    const update = { ...getA(name), UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "1" } } };
    expect((await as(GUEST, "UpdateItem", update)).status).toBe(200);
  });

  it("ResourcePolicies: a statement naming the index ARN governs queries of the index", async () => {
    const name = await createTable();
    await attach(
      arn(name),
      policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:Query", Resource: `${arn(name)}/index/*` }),
    );
    const query = {
      TableName: name,
      KeyConditionExpression: "pk = :v",
      ExpressionAttributeValues: { ":v": { S: "a" } },
    };
    expect((await as(READER, "Query", query)).status).toBe(200);
    const onIndex = { ...query, IndexName: "byG", KeyConditionExpression: "g = :v" };
    expect(errorOf(await as(READER, "Query", onIndex))).toEqual(
      explicitDeny(READER, "Query", `${arn(name)}/index/byG`),
    );
  });

  it("ResourcePolicies: an Allow with a Condition grants nothing; a Deny with one applies", async () => {
    const name = await createTable();
    const condition = { StringEquals: { "aws:SourceVpce": "vpce-1" } };
    await attach(
      arn(name),
      policy(
        { Effect: "Allow", Principal: "*", Action: "dynamodb:PutItem", Resource: "*", Condition: condition },
        { Effect: "Deny", Principal: "*", Action: "dynamodb:GetItem", Resource: "*", Condition: condition },
      ),
    );
    expect(errorOf(await as(GUEST, "PutItem", { TableName: name, Item: { pk: { S: "a" } } }))).toEqual(
      noIdentityAllow(GUEST, "PutItem", arn(name)),
    );
    expect(errorOf(await as(READER, "GetItem", getA(name)))).toEqual(explicitDeny(READER, "GetItem", arn(name)));
  });

  it("ResourcePolicies: a batch is refused whole when one table's policy denies its part", async () => {
    const open = await createTable();
    const closed = await createTable();
    await attach(
      arn(closed),
      policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:BatchWriteItem", Resource: "*" }),
    );
    const reply = await as(ADMIN, "BatchWriteItem", {
      RequestItems: {
        [open]: [{ PutRequest: { Item: { pk: { S: "b" } } } }],
        [closed]: [{ PutRequest: { Item: { pk: { S: "b" } } } }],
      },
    });
    expect(errorOf(reply)).toEqual(explicitDeny(ADMIN, "BatchWriteItem", arn(closed)));
    expect((await as(ADMIN, "GetItem", { TableName: open, Key: { pk: { S: "b" } } })).body).toEqual({});
  });

  it("ResourcePolicies: a stream's own policy governs its reads", async () => {
    const name = await createTable({ StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } });
    const described = await as(ADMIN, "DescribeTable", { TableName: name });
    const stream = String((described.body.Table as Record<string, unknown>).LatestStreamArn);
    // The table's policy does not reach the stream.
    await attach(
      arn(name),
      policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:DescribeStream", Resource: "*" }),
    );
    const describe = () => as(READER, "DescribeStream", { StreamArn: stream }, WITH_GRANTS, "DynamoDBStreams_20120810");
    expect((await describe()).status).toBe(200);
    await attach(
      stream,
      policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:DescribeStream", Resource: stream }),
    );
    expect(errorOf(await describe())).toEqual(explicitDeny(READER, "DescribeStream", stream));
  });

  it("ResourcePolicies: a policy that denies changing itself locks PutResourcePolicy out", async () => {
    const name = await createTable();
    await attach(
      arn(name),
      policy({ Effect: "Deny", Principal: "*", Action: "dynamodb:*ResourcePolicy", Resource: "*" }),
    );
    const reply = await as(ADMIN, "DeleteResourcePolicy", { ResourceArn: arn(name) });
    expect(errorOf(reply)).toEqual(explicitDeny(ADMIN, "DeleteResourcePolicy", arn(name)));
  });
});
