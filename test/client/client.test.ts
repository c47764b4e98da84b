// The SDK-compatible client: a real @aws-sdk/client-dynamodb client whose handler calls
// the shard Durable Object over RPC, used exactly as Worker code uses the AWS client.
import * as sdk from "@aws-sdk/client-dynamodb";
import * as realLib from "@aws-sdk/lib-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { env as workerEnv } from "cloudflare:workers";
import * as pkg from "durable-dynamodb";
import * as pkgLib from "durable-dynamodb/lib";
import { describe, expect, it } from "vitest";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDB,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  paginateListTables,
  paginateQuery,
  paginateScan,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from "../../src/index";
import * as lib from "../../src/lib";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";

const env = workerEnv as unknown as Env;

function hashTable(name: string): sdk.CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  };
}

function hashRangeTable(name: string): sdk.CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** Awaits a promise that must reject, returning the rejection. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail");
}

describe("package entry", () => {
  it("re-exports the SDK and overrides only the clients", () => {
    expect(DynamoDBClient).not.toBe(sdk.DynamoDBClient);
    expect(new DynamoDBClient({})).toBeInstanceOf(sdk.DynamoDBClient);
    expect(PutItemCommand).toBe(sdk.PutItemCommand);
    expect(ConditionalCheckFailedException).toBe(sdk.ConditionalCheckFailedException);
    expect(paginateScan).toBe(sdk.paginateScan);
    expect(waitUntilTableExists).toBe(sdk.waitUntilTableExists);
    expect(lib.DynamoDBDocumentClient).toBe(realLib.DynamoDBDocumentClient);
  });

  it("is importable by package name, as user code does", () => {
    expect(pkg.DynamoDBClient).toBe(DynamoDBClient);
    expect(pkg.PutItemCommand).toBe(sdk.PutItemCommand);
    expect(pkg.withDynamoDB).toBeTypeOf("function");
    expect(pkg.DynamoShard).toBeTypeOf("function");
    expect(pkgLib.DynamoDBDocumentClient).toBe(realLib.DynamoDBDocumentClient);
  });

  it("needs no region or credentials and resolves placeholders", async () => {
    const client = new DynamoDBClient();
    expect(await client.config.region()).toBe("us-east-1");
    const credentials = await client.config.credentials();
    expect(credentials.accessKeyId).toBeTypeOf("string");
  });

  it("rejects malformed options", () => {
    expect(() => new DynamoDBClient({ tenant: "" })).toThrow(TypeError);
    expect(() => new DynamoDBClient({ shards: 0 })).toThrow(TypeError);
    expect(() => new DynamoDBClient({ shards: 1.5 })).toThrow(TypeError);
    expect(new DynamoDBClient({ shards: 4, tenant: "t" })).toMatchObject({ shards: 4, tenant: "t" });
  });
});

describe("DynamoDBClient over the shard namespace", () => {
  it("creates a table, waits for it, and runs Put/Get/Update/Delete", async () => {
    const client = new DynamoDBClient({});
    const name = uniqueName("client");
    const created = await client.send(new CreateTableCommand(hashTable(name)));
    expect(created.TableDescription?.TableName).toBe(name);
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.$metadata.attempts).toBe(1);

    const waited = await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
    expect(waited.state).toBe("SUCCESS");

    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, n: { N: "1.50" } } }));
    const got = await client.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } }));
    expect(got.Item).toEqual({ id: { S: "a" }, n: { N: "1.5" } });

    const updated = await client.send(
      new UpdateItemCommand({
        TableName: name,
        Key: { id: { S: "a" } },
        UpdateExpression: "SET n = n + :d, tags = :t",
        ExpressionAttributeValues: { ":d": { N: "1" }, ":t": { SS: ["x", "y"] } },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(updated.Attributes).toEqual({ id: { S: "a" }, n: { N: "2.5" }, tags: { SS: ["x", "y"] } });

    const deleted = await client.send(
      new DeleteItemCommand({ TableName: name, Key: { id: { S: "a" } }, ReturnValues: "ALL_OLD" }),
    );
    expect(deleted.Attributes?.id).toEqual({ S: "a" });
    const gone = await client.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } }));
    expect(gone.Item).toBeUndefined();

    await client.send(new DeleteTableCommand({ TableName: name }));
    const notExists = await waitUntilTableNotExists({ client, maxWaitTime: 60 }, { TableName: name });
    expect(notExists.state).toBe("SUCCESS");
  });

  it("SearchVectorsCommand: an exact search over a table of 4 partitions, through the SDK's own serialisation", async () => {
    const client = new DynamoDBClient({ shards: 4 });
    const name = uniqueName("client-vec");
    await client.send(
      new CreateTableCommand({
        ...hashTable(name),
        BillingMode: "PAY_PER_REQUEST",
        VectorIndexes: [
          {
            IndexName: "near",
            VectorAttribute: { AttributeName: "emb" },
            Dimensions: 2,
            DistanceFunction: "COSINE",
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    for (let i = 0; i < 24; i++) {
      const angle = (i * Math.PI) / 24;
      const emb = { L: [{ N: String(Math.cos(angle)) }, { N: String(Math.sin(angle)) }] };
      await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: `a${i}` }, emb } }));
    }
    const out = await client.send(
      new sdk.SearchVectorsCommand({
        TableName: name,
        IndexName: "near",
        SearchVector: [{ N: "1" }, { N: "0" }],
        TopK: 3,
      }),
    );
    expect(out.SearchResults?.map((r) => r.Item?.id?.S)).toEqual(["a0", "a1", "a2"]);
    expect(out.SearchResults?.[0]?.Score).toBe(0);
  });

  it("sees the same tables as the HTTP edge (shard-0)", async () => {
    const client = new DynamoDBClient({});
    const name = uniqueName("shared");
    await client.send(new CreateTableCommand(hashTable(name)));
    const stub = env.DYNAMODB.get(env.DYNAMODB.idFromName("shard-0"));
    const reply = await stub.handle("DescribeTable", JSON.stringify({ TableName: name }), {
      region: "us-east-1",
      host: "localhost",
    });
    expect(reply.status).toBe(200);
  });

  it("accepts the namespace by binding name or directly", async () => {
    const name = uniqueName("ns");
    await new DynamoDBClient({ binding: "DYNAMODB" }).send(new CreateTableCommand(hashTable(name)));
    const described = await new DynamoDBClient({ namespace: env.DYNAMODB }).send(
      new DescribeTableCommand({ TableName: name }),
    );
    expect(described.Table?.TableStatus).toBe("ACTIVE");
  });

  it("fails clearly when the binding is missing", async () => {
    const client = new DynamoDBClient({ binding: "NO_SUCH_BINDING", maxAttempts: 1 });
    const err = await rejection(client.send(new ListTablesCommand({})));
    expect(err.message).toMatch(/env\.NO_SUCH_BINDING/);
  });

  it("names the client's region in ARNs", async () => {
    const client = new DynamoDBClient({ region: "eu-west-2", tenant: uniqueName("region") });
    const name = uniqueName("arn");
    const created = await client.send(new CreateTableCommand(hashTable(name)));
    expect(created.TableDescription?.TableArn).toBe(`arn:aws:dynamodb:eu-west-2:000000000000:table/${name}`);
  });

  it("works with the real DynamoDBDocumentClient and plain objects", async () => {
    const client = new DynamoDBClient({});
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const name = uniqueName("doc");
    await client.send(new CreateTableCommand(hashRangeTable(name)));

    const item = {
      pk: "user#1",
      sk: 1,
      name: "Ada",
      age: 36,
      active: true,
      nothing: null,
      tags: new Set(["a", "b"]),
      profile: { langs: ["en", "fr"], score: 9.5 },
      skipped: undefined,
    };
    await doc.send(new PutCommand({ TableName: name, Item: item }));
    await doc.send(new PutCommand({ TableName: name, Item: { pk: "user#1", sk: 2, name: "Second" } }));

    const got = await doc.send(new GetCommand({ TableName: name, Key: { pk: "user#1", sk: 1 } }));
    const { skipped, ...stored } = item;
    expect(skipped).toBeUndefined();
    expect(got.Item).toEqual(stored);

    const updated = await doc.send(
      new UpdateCommand({
        TableName: name,
        Key: { pk: "user#1", sk: 1 },
        UpdateExpression: "SET age = age + :one, profile.score = :s",
        ExpressionAttributeValues: { ":one": 1, ":s": 10 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    expect(updated.Attributes).toEqual({ age: 37, profile: { score: 10 } });

    const queried = await doc.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "pk = :pk AND sk > :zero",
        ExpressionAttributeValues: { ":pk": "user#1", ":zero": 0 },
      }),
    );
    expect(queried.Items?.map((i) => i.sk)).toEqual([1, 2]);

    const pages = [];
    for await (const page of realLib.paginateQuery(
      { client: doc, pageSize: 1 },
      { TableName: name, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "user#1" } },
    )) {
      pages.push(...(page.Items ?? []).map((i) => i.name));
    }
    expect(pages).toEqual(["Ada", "Second"]);
  });

  it("paginates ListTables, Query and Scan", async () => {
    // A tenant of its own, so the listing holds exactly this test's tables.
    const client = new DynamoDBClient({ tenant: uniqueName("pages") });
    const names = ["t-a", "t-b", "t-c"];
    for (const name of names) await client.send(new CreateTableCommand(hashRangeTable(name)));

    const listed: string[] = [];
    let pageCount = 0;
    for await (const page of paginateListTables({ client, pageSize: 2 }, {})) {
      pageCount += 1;
      listed.push(...(page.TableNames ?? []));
    }
    expect(listed).toEqual(names);
    expect(pageCount).toBe(2);

    for (let sk = 0; sk < 5; sk++) {
      await client.send(new PutItemCommand({ TableName: "t-a", Item: { pk: { S: "p" }, sk: { N: String(sk) } } }));
    }
    const queried: string[] = [];
    for await (const page of paginateQuery(
      { client, pageSize: 2 },
      {
        TableName: "t-a",
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "p" } },
        ScanIndexForward: false,
      },
    )) {
      queried.push(...(page.Items ?? []).map((i) => i.sk!.N!));
    }
    expect(queried).toEqual(["4", "3", "2", "1", "0"]);

    let scanned = 0;
    for await (const page of paginateScan({ client, pageSize: 2 }, { TableName: "t-a" })) {
      scanned += page.Count ?? 0;
    }
    expect(scanned).toBe(5);
  });

  it("throws the SDK's typed exceptions with AWS's name, message and $metadata", async () => {
    const client = new DynamoDBClient({});
    const missing = await rejection(
      client.send(new GetItemCommand({ TableName: uniqueName("missing"), Key: { id: { S: "a" } } })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toBeInstanceOf(DynamoDBServiceException);
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.message).toBe("Requested resource not found");
    expect(missing.$fault).toBe("client");
    const meta = missing.$metadata as sdk.DynamoDBServiceException["$metadata"];
    expect(meta.httpStatusCode).toBe(400);
    expect(meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.attempts).toBe(1);

    const name = uniqueName("cond");
    await client.send(new CreateTableCommand(hashTable(name)));
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, v: { N: "1" } } }));
    const failed = await rejection(
      client.send(
        new PutItemCommand({
          TableName: name,
          Item: { id: { S: "a" }, v: { N: "2" } },
          ConditionExpression: "attribute_not_exists(id)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect(failed.name).toBe("ConditionalCheckFailedException");
    expect(failed.message).toBe("The conditional request failed");
    expect((failed.$metadata as sdk.DynamoDBServiceException["$metadata"]).httpStatusCode).toBe(400);
    expect((failed as unknown as ConditionalCheckFailedException).Item).toEqual({ id: { S: "a" }, v: { N: "1" } });

    const invalid = await rejection(client.send(new PutItemCommand({ TableName: name, Item: { v: { N: "1" } } })));
    expect(invalid.name).toBe("ValidationException");
    expect(invalid).toBeInstanceOf(DynamoDBServiceException);
    expect(invalid.message).toMatch(/^One or more parameter values were invalid: Missing the key id/);
  });

  it("carries error members: TransactionCanceledException's CancellationReasons", async () => {
    const client = new DynamoDBClient({});
    const name = uniqueName("txn");
    await client.send(new CreateTableCommand(hashTable(name)));
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));
    const err = await rejection(
      client.send(
        new sdk.TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: name, Item: { id: { S: "b" } } } },
            { Put: { TableName: name, Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(id)" } },
          ],
        }),
      ),
    );
    expect(err).toBeInstanceOf(sdk.TransactionCanceledException);
    expect(err.name).toBe("TransactionCanceledException");
    const reasons = (err as unknown as sdk.TransactionCanceledException).CancellationReasons;
    expect(reasons?.map((r) => r.Code)).toEqual(["None", "ConditionalCheckFailed"]);
    const b = await client.send(new GetItemCommand({ TableName: name, Key: { id: { S: "b" } } }));
    expect(b.Item).toBeUndefined();
  });

  it("runs DocumentClient batch commands", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const name = uniqueName("batch");
    await doc.send(new CreateTableCommand(hashTable(name)));
    await doc.send(
      new realLib.BatchWriteCommand({
        RequestItems: { [name]: [1, 2, 3].map((n) => ({ PutRequest: { Item: { id: `k${n}`, n } } })) },
      }),
    );
    const got = await doc.send(
      new realLib.BatchGetCommand({ RequestItems: { [name]: { Keys: [{ id: "k1" }, { id: "k3" }] } } }),
    );
    const items = got.Responses?.[name] ?? [];
    expect(items.map((i) => i.n).sort()).toEqual([1, 3]);
  });

  it("isolates tenants from each other and from the untenanted shards", async () => {
    const acme = new DynamoDBClient({ tenant: uniqueName("acme") });
    const globex = new DynamoDBClient({ tenant: uniqueName("globex") });
    const shared = new DynamoDBClient({});
    const name = uniqueName("tenant-table");

    await acme.send(new CreateTableCommand(hashTable(name)));
    await acme.send(new PutItemCommand({ TableName: name, Item: { id: { S: "k" }, owner: { S: "acme" } } }));

    expect((await acme.send(new ListTablesCommand({}))).TableNames).toEqual([name]);
    expect((await globex.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await shared.send(new ListTablesCommand({}))).TableNames).not.toContain(name);
    const err = await rejection(globex.send(new GetItemCommand({ TableName: name, Key: { id: { S: "k" } } })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);

    // The same table name in another tenant is a different table.
    await globex.send(new CreateTableCommand(hashTable(name)));
    await globex.send(new PutItemCommand({ TableName: name, Item: { id: { S: "k" }, owner: { S: "globex" } } }));
    const a = await acme.send(new GetItemCommand({ TableName: name, Key: { id: { S: "k" } } }));
    const g = await globex.send(new GetItemCommand({ TableName: name, Key: { id: { S: "k" } } }));
    expect(a.Item?.owner).toEqual({ S: "acme" });
    expect(g.Item?.owner).toEqual({ S: "globex" });
  });

  it("runs custom middleware and exposes the serialised request and raw response", async () => {
    const client = new DynamoDBClient({});
    const seen: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(`initialize:${context.commandName}`);
        return next(args);
      },
      { step: "initialize", name: "testInitialize" },
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        seen.push(`finalize:${request.headers["x-amz-target"]}`);
        const result = await next(args);
        const response = result.response as { statusCode: number; headers: Record<string, string> };
        seen.push(`response:${response.statusCode}:${response.headers["content-type"]}`);
        return result;
      },
      { step: "finalizeRequest", name: "testFinalize" },
    );
    await client.send(new ListTablesCommand({ Limit: 1 }));
    expect(seen).toEqual([
      "initialize:ListTablesCommand",
      "finalize:DynamoDB_20120810.ListTables",
      "response:200:application/x-amz-json-1.0",
    ]);
  });

  it("does not sign requests", async () => {
    const client = new DynamoDBClient({});
    let authorization: string | undefined = "unset";
    client.middlewareStack.add(
      (next) => async (args) => {
        authorization = (args.request as { headers: Record<string, string> }).headers["authorization"];
        return next(args);
      },
      { step: "finalizeRequest", name: "captureAuth", priority: "low" },
    );
    await client.send(new ListTablesCommand({ Limit: 1 }));
    expect(authorization).toBeUndefined();
  });

  it("provides the aggregated DynamoDB client over the same transport", async () => {
    const client = new DynamoDB({ tenant: uniqueName("aggregated") });
    expect(client).toBeInstanceOf(DynamoDBClient);
    const name = uniqueName("agg");
    await client.createTable(hashTable(name));
    await client.putItem({ TableName: name, Item: { id: { S: "x" } } });
    const got = await client.getItem({ TableName: name, Key: { id: { S: "x" } } });
    expect(got.Item).toEqual({ id: { S: "x" } });
    expect((await client.listTables({})).TableNames).toEqual([name]);
  });

  it("answers operations the engine lacks as AWS-compatible errors", async () => {
    // Any operation the dispatcher does not implement (Kinesis streaming destinations here).
    const client = new DynamoDBClient({ maxAttempts: 1 });
    const err = await rejection(
      client.send(new sdk.DescribeKinesisStreamingDestinationCommand({ TableName: "whatever" })),
    );
    expect(err.name).toBe("UnknownOperationException");
    expect((err.$metadata as sdk.DynamoDBServiceException["$metadata"]).httpStatusCode).toBe(400);
  });
});
