// DynamoDB Streams through the package's SDK clients (DynamoDBClient + DynamoDBStreamsClient
// over the shard Durable Objects): StreamSpecification on CreateTable/UpdateTable, the
// change log of every write path, and ListStreams/DescribeStream/GetShardIterator/GetRecords.
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeStreamCommand,
  DescribeTableCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
} from "../../src/index";
import { describe, expect, it } from "vitest";
import { encodeIterator } from "../../src/streams/iterator";
import { clients, readStream, type Clients } from "./support";

function table(name: string, view?: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    ...(view ? { StreamSpecification: { StreamEnabled: true, StreamViewType: view as "KEYS_ONLY" } } : {}),
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error("expected a rejection");
}

async function streamArnOf(c: Clients, name: string): Promise<string> {
  const { Table } = await c.ddb.send(new DescribeTableCommand({ TableName: name }));
  return Table?.LatestStreamArn as string;
}

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });

describe("StreamSpecification", () => {
  it("CreateTable: an enabled stream is described with its label and ARN", async () => {
    const c = clients();
    const { TableDescription: d } = await c.ddb.send(new CreateTableCommand(table("orders", "NEW_AND_OLD_IMAGES")));
    expect(d?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(d?.LatestStreamLabel).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(d?.LatestStreamArn).toBe(
      `arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/${d?.LatestStreamLabel as string}`,
    );
    const { Table } = await c.ddb.send(new DescribeTableCommand({ TableName: "orders" }));
    expect(Table?.LatestStreamArn).toBe(d?.LatestStreamArn);
  });

  it("CreateTable: a disabled specification creates no stream", async () => {
    const c = clients();
    const { TableDescription: d } = await c.ddb.send(
      new CreateTableCommand({ ...table("plain"), StreamSpecification: { StreamEnabled: false } }),
    );
    expect(d?.StreamSpecification).toBeUndefined();
    expect(d?.LatestStreamArn).toBeUndefined();
  });

  it("CreateTable: rejects a stream enabled without a view type, or disabled with one", async () => {
    const c = clients();
    expect(
      await rejection(
        c.ddb.send(new CreateTableCommand({ ...table("tab"), StreamSpecification: { StreamEnabled: true } })),
      ),
    ).toEqual({
      name: "ValidationException",
      message:
        "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required",
    });
    expect(
      await rejection(
        c.ddb.send(
          new CreateTableCommand({
            ...table("tab"),
            StreamSpecification: { StreamEnabled: false, StreamViewType: "KEYS_ONLY" },
          }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message:
        "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified",
    });
  });

  it("UpdateTable: enables and disables a stream with DynamoDB's refusals", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("users")));
    expect(
      await rejection(
        c.ddb.send(new UpdateTableCommand({ TableName: "users", StreamSpecification: { StreamEnabled: false } })),
      ),
    ).toEqual({ name: "ValidationException", message: "Table has no stream to disable: TableName: users" });
    expect(
      await rejection(
        c.ddb.send(new UpdateTableCommand({ TableName: "users", StreamSpecification: { StreamEnabled: true } })),
      ),
    ).toEqual({
      name: "ValidationException",
      message: "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required",
    });
    const enabled = await c.ddb.send(
      new UpdateTableCommand({
        TableName: "users",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
      }),
    );
    expect(enabled.TableDescription?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
    expect(
      await rejection(
        c.ddb.send(
          new UpdateTableCommand({
            TableName: "users",
            StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
          }),
        ),
      ),
    ).toEqual({ name: "ValidationException", message: "Table already has an enabled stream: TableName: users" });
    expect(
      await rejection(
        c.ddb.send(
          new UpdateTableCommand({
            TableName: "users",
            StreamSpecification: { StreamEnabled: false, StreamViewType: "KEYS_ONLY" },
          }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message:
        "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified",
    });
    const disabled = await c.ddb.send(
      new UpdateTableCommand({ TableName: "users", StreamSpecification: { StreamEnabled: false } }),
    );
    // The latest stream stays named after it is disabled.
    expect(disabled.TableDescription?.StreamSpecification).toBeUndefined();
    expect(disabled.TableDescription?.LatestStreamArn).toBe(enabled.TableDescription?.LatestStreamArn);
  });

  it("UpdateTable: a stream change cannot ride with a throughput change", async () => {
    const c = clients();
    await c.ddb.send(
      new CreateTableCommand({
        ...table("prov"),
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    expect(
      await rejection(
        c.ddb.send(
          new UpdateTableCommand({
            TableName: "prov",
            ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
            StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
          }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message: "One or more parameter values were invalid: You cannot modify stream status while updating table IOPS",
    });
  });
});

describe("change log", () => {
  it("GetRecords: every write path logs once, in order, with both images; no-op writes log nothing", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("log", "NEW_AND_OLD_IMAGES")));
    await c.ddb.send(new PutItemCommand({ TableName: "log", Item: { id: S("a"), n: N("1") } }));
    await c.ddb.send(new PutItemCommand({ TableName: "log", Item: { n: N("1"), id: S("a") } })); // identical: no record
    await c.ddb.send(
      new UpdateItemCommand({
        TableName: "log",
        Key: { id: S("a") },
        UpdateExpression: "SET n = :v",
        ExpressionAttributeValues: { ":v": N("2") },
      }),
    );
    await c.ddb.send(
      new UpdateItemCommand({
        TableName: "log",
        Key: { id: S("a") },
        UpdateExpression: "SET n = :v",
        ExpressionAttributeValues: { ":v": N("2") },
      }),
    ); // changes nothing: no record
    await c.ddb.send(new DeleteItemCommand({ TableName: "log", Key: { id: S("missing") } })); // nothing deleted
    await c.ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { log: [{ PutRequest: { Item: { id: S("b") } } }, { DeleteRequest: { Key: { id: S("a") } } }] },
      }),
    );
    await c.ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: "log", Item: { id: S("c"), v: S("x") } } },
          {
            Update: {
              TableName: "log",
              Key: { id: S("b") },
              UpdateExpression: "SET v = :v",
              ExpressionAttributeValues: { ":v": S("y") },
            },
          },
        ],
      }),
    );
    const records = await readStream(c.streams, await streamArnOf(c, "log"));
    expect(records.map((r) => [r.eventName, r.keys, r.newImage, r.oldImage])).toEqual([
      ["INSERT", { id: S("a") }, { id: S("a"), n: N("1") }, undefined],
      ["MODIFY", { id: S("a") }, { id: S("a"), n: N("2") }, { id: S("a"), n: N("1") }],
      ["INSERT", { id: S("b") }, { id: S("b") }, undefined],
      ["REMOVE", { id: S("a") }, undefined, { id: S("a"), n: N("2") }],
      ["INSERT", { id: S("c") }, { id: S("c"), v: S("x") }, undefined],
      ["MODIFY", { id: S("b") }, { id: S("b"), v: S("y") }, { id: S("b") }],
    ]);
    const sequences = records.map((r) => r.sequence);
    expect(sequences.every((s) => /^\d{21}$/.test(s))).toBe(true);
    expect([...sequences].sort()).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it("GetRecords: a record carries DynamoDB's envelope", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("env", "NEW_IMAGE")));
    const before = Math.floor(Date.now() / 1000);
    await c.ddb.send(new PutItemCommand({ TableName: "env", Item: { id: S("a"), s: S("hello") } }));
    const arn = await streamArnOf(c, "env");
    const { StreamDescription } = await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const { ShardIterator } = await c.streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const { Records } = await c.streams.send(new GetRecordsCommand({ ShardIterator }));
    const record = Records?.[0];
    expect(record?.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect([record?.eventName, record?.eventVersion, record?.eventSource, record?.awsRegion]).toEqual([
      "INSERT",
      "1.1",
      "aws:dynamodb",
      "us-east-1",
    ]);
    expect(record?.dynamodb?.StreamViewType).toBe("NEW_IMAGE");
    expect(record?.dynamodb?.OldImage).toBeUndefined();
    // Keys {id: "a"} (2 + 1) and NewImage {id: "a", s: "hello"} (3 + 1 + 5), sized as items are.
    expect(record?.dynamodb?.SizeBytes).toBe(3 + 9);
    const created = (record?.dynamodb?.ApproximateCreationDateTime as Date).getTime() / 1000;
    expect(created).toBeGreaterThanOrEqual(before);
    expect(Number.isInteger(created)).toBe(true);
  });

  it("GetRecords: KEYS_ONLY and OLD_IMAGE streams carry only what they ask for", async () => {
    for (const [view, expected] of [
      ["KEYS_ONLY", [["MODIFY", undefined, undefined]]],
      ["OLD_IMAGE", [["MODIFY", undefined, { id: S("k"), v: N("1") }]]],
    ] as const) {
      const c = clients();
      await c.ddb.send(new CreateTableCommand(table("views", view)));
      await c.ddb.send(new PutItemCommand({ TableName: "views", Item: { id: S("k"), v: N("1") } }));
      await c.ddb.send(new PutItemCommand({ TableName: "views", Item: { id: S("k"), v: N("2") } }));
      const records = await readStream(c.streams, await streamArnOf(c, "views"));
      expect(records.slice(1).map((r) => [r.eventName, r.newImage, r.oldImage])).toEqual(expected);
      expect(records.map((r) => r.keys)).toEqual([{ id: S("k") }, { id: S("k") }]);
    }
  });

  it("GetRecords: each storage shard is a stream shard, holding its own items' changes in order", async () => {
    const c = clients(4);
    await c.ddb.send(new CreateTableCommand(table("wide", "NEW_IMAGE")));
    const ids = Array.from({ length: 20 }, (_, i) => `item-${i}`);
    for (const id of ids) await c.ddb.send(new PutItemCommand({ TableName: "wide", Item: { id: S(id), v: N("1") } }));
    for (const id of ids) await c.ddb.send(new PutItemCommand({ TableName: "wide", Item: { id: S(id), v: N("2") } }));
    const arn = await streamArnOf(c, "wide");
    const { StreamDescription } = await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    expect(StreamDescription?.Shards?.length).toBe(4);
    for (const shard of StreamDescription?.Shards ?? []) {
      expect(shard.ShardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
      expect(shard.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d{21}$/);
      expect(shard.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
    }
    const records = await readStream(c.streams, arn);
    expect(records.length).toBe(40);
    const shardsUsed = new Set(records.map((r) => r.shard));
    expect(shardsUsed.size).toBeGreaterThan(1);
    for (const id of ids) {
      const mine = records.filter((r) => (r.keys as { id: { S: string } }).id.S === id);
      expect(mine.map((r) => [r.eventName, r.newImage])).toEqual([
        ["INSERT", { id: S(id), v: N("1") }],
        ["MODIFY", { id: S(id), v: N("2") }],
      ]);
      expect(mine[0]?.shard).toBe(mine[1]?.shard);
    }
  });
});

describe("Streams API", () => {
  it("ListStreams: lists a tenant's streams, filtered by table, paged by Limit", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("one", "KEYS_ONLY")));
    await c.ddb.send(new CreateTableCommand(table("two", "KEYS_ONLY")));
    await c.ddb.send(new CreateTableCommand(table("three")));
    const all = await c.streams.send(new ListStreamsCommand({}));
    expect(all.Streams?.map((s) => s.TableName)).toEqual(["one", "two"]);
    expect(all.Streams?.[0]?.StreamArn).toBe(await streamArnOf(c, "one"));
    const first = await c.streams.send(new ListStreamsCommand({ Limit: 1 }));
    expect(first.Streams?.map((s) => s.TableName)).toEqual(["one"]);
    expect(first.LastEvaluatedStreamArn).toBe(await streamArnOf(c, "one"));
    const second = await c.streams.send(
      new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn: first.LastEvaluatedStreamArn }),
    );
    expect(second.Streams?.map((s) => s.TableName)).toEqual(["two"]);
    expect((await c.streams.send(new ListStreamsCommand({ TableName: "three" }))).Streams).toEqual([]);
    expect(await rejection(c.streams.send(new ListStreamsCommand({ TableName: "nope" })))).toEqual({
      name: "ResourceNotFoundException",
      message: "Requested resource not found: Table: nope not found",
    });
  });

  // DescribeStream's ShardFilter (2025): the children of a shard. A stream shard here
  // never splits, so every shard's children are none; the filter's members are checked.
  it("DescribeStream: ShardFilter CHILD_SHARDS lists a shard's children (none), and checks its members", async () => {
    const c = clients(2);
    await c.ddb.send(new CreateTableCommand(table("children", "KEYS_ONLY")));
    const arn = await streamArnOf(c, "children");
    const { StreamDescription } = await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const parent = StreamDescription?.Shards?.[0]?.ShardId as string;
    const filtered = await c.streams.send(
      new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: "CHILD_SHARDS", ShardId: parent } }),
    );
    expect(filtered.StreamDescription?.Shards).toEqual([]);
    expect(filtered.StreamDescription?.StreamArn).toBe(arn);
    const wrongType = { Type: "PARENT_SHARDS", ShardId: parent } as unknown as { Type: "CHILD_SHARDS" };
    expect(
      await rejection(c.streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: wrongType }))),
    ).toEqual({
      name: "ValidationException",
      message:
        "1 validation error detected: Value 'PARENT_SHARDS' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: [CHILD_SHARDS]",
    });
    expect(
      await rejection(
        c.streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: "CHILD_SHARDS" } })),
      ),
    ).toEqual({ name: "ValidationException", message: "ShardFilter requires both Type and ShardId" });
  });

  it("DescribeStream: a disabled stream, and a deleted table's, stay readable and DISABLED", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("gone", "NEW_IMAGE")));
    await c.ddb.send(new PutItemCommand({ TableName: "gone", Item: { id: S("a") } }));
    const arn = await streamArnOf(c, "gone");
    const open = await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    expect(open.StreamDescription?.StreamStatus).toBe("ENABLED");
    expect(open.StreamDescription?.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(open.StreamDescription?.TableName).toBe("gone");
    await c.ddb.send(new DeleteTableCommand({ TableName: "gone" }));
    const closed = await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    expect(closed.StreamDescription?.StreamStatus).toBe("DISABLED");
    const range = closed.StreamDescription?.Shards?.[0]?.SequenceNumberRange;
    expect(range?.EndingSequenceNumber).toBe(range?.StartingSequenceNumber);
    // Read to its end, a closed shard gives no next iterator.
    const { ShardIterator } = await c.streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: closed.StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const page = await c.streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(page.Records?.map((r) => r.eventName)).toEqual(["INSERT"]);
    expect(page.NextShardIterator).toBeUndefined();
  });

  it("GetShardIterator: LATEST, AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER start where they say", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("pos", "KEYS_ONLY")));
    for (const id of ["a", "b", "c"]) await c.ddb.send(new PutItemCommand({ TableName: "pos", Item: { id: S(id) } }));
    const arn = await streamArnOf(c, "pos");
    const shardId = (await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards?.[0]
      ?.ShardId;
    const all = await readStream(c.streams, arn);
    const second = all[1]?.sequence as string;
    const idsFrom = async (type: "LATEST" | "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", seq?: string) => {
      const { ShardIterator } = await c.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: seq }),
      );
      if (type === "LATEST") await c.ddb.send(new PutItemCommand({ TableName: "pos", Item: { id: S("d") } }));
      const { Records } = await c.streams.send(new GetRecordsCommand({ ShardIterator }));
      return Records?.map((r) => r.dynamodb?.Keys?.id?.S);
    };
    expect(await idsFrom("AT_SEQUENCE_NUMBER", second)).toEqual(["b", "c"]);
    expect(await idsFrom("AFTER_SEQUENCE_NUMBER", second)).toEqual(["c"]);
    expect(await idsFrom("LATEST")).toEqual(["d"]);
  });

  it("GetShardIterator: rejects unknown streams and shards, bad ARNs and a missing SequenceNumber", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("errs", "KEYS_ONLY")));
    const arn = await streamArnOf(c, "errs");
    const shardId = (await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards?.[0]
      ?.ShardId as string;
    const missing = arn.replace("table/errs/", "table/nope/");
    expect(
      await rejection(
        c.streams.send(
          new GetShardIteratorCommand({ StreamArn: missing, ShardId: shardId, ShardIteratorType: "LATEST" }),
        ),
      ),
    ).toEqual({
      name: "ResourceNotFoundException",
      message: `Requested resource not found: Stream: ${missing} not found`,
    });
    expect(
      await rejection(
        c.streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shardId.replace(/-[0-9a-f]{8}$/, "-00000007"),
            ShardIteratorType: "LATEST",
          }),
        ),
      ),
    ).toEqual({ name: "ResourceNotFoundException", message: "Requested resource not found: Shard does not exist" });
    expect(
      await rejection(
        c.streams.send(new DescribeStreamCommand({ StreamArn: "arn:aws:dynamodb:us-east-1:0:table/x/stream/bad" })),
      ),
    ).toEqual({ name: "ValidationException", message: "Invalid StreamArn" });
    expect(
      await rejection(
        c.streams.send(
          new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER" }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message: "SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER",
    });
  });

  it("GetRecords: an iterator older than 15 minutes has expired; a garbled one is invalid", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("old", "KEYS_ONLY")));
    const label = (await streamArnOf(c, "old")).split("/stream/")[1] as string;
    const stale = encodeIterator({ table: "old", label, shard: 0, after: 0, issued: Date.now() - 16 * 60 * 1000 });
    const expired = await rejection(c.streams.send(new GetRecordsCommand({ ShardIterator: stale })));
    expect(expired.name).toBe("ExpiredIteratorException");
    expect(expired.message).toMatch(/^Iterator expired\. The iterator was created at time /);
    await expect(c.streams.send(new GetRecordsCommand({ ShardIterator: stale }))).rejects.toBeInstanceOf(
      ExpiredIteratorException,
    );
    expect(await rejection(c.streams.send(new GetRecordsCommand({ ShardIterator: "not-an-iterator" })))).toEqual({
      name: "ValidationException",
      message: "Invalid ShardIterator",
    });
  });
});
