// The Streams API on the HTTP edge (X-Amz-Target DynamoDBStreams_20120810.*, signed like
// every request), the raw JSON it answers, and stream retention (TrimmedDataAccessException).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutItemCommand,
} from "../../src/index";
import { tableShard } from "../support/tables";
import { ok, uniqueName, wire } from "../support/wire";
import { clients, readStream, runAlarm } from "./support";

const streamsCall = (operation: string, input: unknown) =>
  wire(operation, input, `DynamoDBStreams_20120810.${operation}`);

describe("Streams API over HTTP", () => {
  it("GetRecords: answers DynamoDB Streams' JSON through the signed HTTP edge", async () => {
    const name = uniqueName("wire");
    const created = await ok("CreateTable", {
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
    });
    const arn = (created.TableDescription as { LatestStreamArn: string }).LatestStreamArn;
    await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, v: { N: "1" } } });
    const listed = await streamsCall("ListStreams", { TableName: name });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(listed.body).toEqual({
      Streams: [{ StreamArn: arn, TableName: name, StreamLabel: arn.split("/stream/")[1] }],
    });
    const described = await streamsCall("DescribeStream", { StreamArn: arn });
    const shard = (described.body.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0] as {
      ShardId: string;
    };
    const iterator = await streamsCall("GetShardIterator", {
      StreamArn: arn,
      ShardId: shard.ShardId,
      ShardIteratorType: "TRIM_HORIZON",
    });
    const records = await streamsCall("GetRecords", { ShardIterator: iterator.body.ShardIterator });
    const [record] = records.body.Records as Record<string, unknown>[];
    expect(Object.keys(record ?? {})).toEqual([
      "eventID",
      "eventName",
      "eventVersion",
      "eventSource",
      "awsRegion",
      "dynamodb",
    ]);
    const body = record?.dynamodb as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      "ApproximateCreationDateTime",
      "Keys",
      "SequenceNumber",
      "SizeBytes",
      "StreamViewType",
    ]);
    expect(typeof body.ApproximateCreationDateTime).toBe("number");
    expect(body.Keys).toEqual({ id: { S: "a" } });
    expect(typeof records.body.NextShardIterator).toBe("string");
  });

  it("HTTP edge: an unknown Streams operation is UnknownOperationException", async () => {
    const result = await streamsCall("ShardRange", {});
    expect(result.status).toBe(400);
    expect(result.body.__type).toBe("com.amazon.coral.service#UnknownOperationException");
  });

  it("GetShardIterator: a sequence number past retention is TrimmedDataAccessException", async () => {
    const c = clients();
    const { TableDescription } = await c.ddb.send(
      new CreateTableCommand({
        TableName: "trimmed",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
      }),
    );
    const arn = TableDescription?.LatestStreamArn as string;
    await c.ddb.send(new PutItemCommand({ TableName: "trimmed", Item: { id: { S: "old" } } }));
    const [old] = await readStream(c.streams, arn);
    const shardId = (await c.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards?.[0]
      ?.ShardId;
    const { ShardIterator: early } = await c.streams.send(
      new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    // Age the record past the 24-hour retention, then let the alarm trim it.
    await runInDurableObject(await tableShard("trimmed", 0, c.tenant), (_instance, state) => {
      state.storage.sql.exec("UPDATE stream_records SET created_at = created_at - 25 * 3600 * 1000");
    });
    await runAlarm(c.tenant, "trimmed");
    await c.ddb.send(new PutItemCommand({ TableName: "trimmed", Item: { id: { S: "new" } } }));
    const trimmed = { name: "TrimmedDataAccessException" };
    await expect(
      c.streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ShardIteratorType: "AT_SEQUENCE_NUMBER",
          SequenceNumber: old?.sequence,
        }),
      ),
    ).rejects.toMatchObject(trimmed);
    await expect(c.streams.send(new GetRecordsCommand({ ShardIterator: early }))).rejects.toMatchObject(trimmed);
    expect((await readStream(c.streams, arn)).map((r) => r.keys)).toEqual([{ id: { S: "new" } }]);
  });
});
