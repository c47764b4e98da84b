// DynamoDB Streams and TTL against the real HTTP endpoint: boto3's dynamodbstreams client
// (streams_flow.py) and @aws-sdk/client-dynamodb-streams read what a mixed workload wrote,
// each record once, in order, with NEW_AND_OLD_IMAGES. The endpoint sweeps TTL every
// second (global-setup.ts sets DDB_TTL_SWEEP_SECONDS=1).
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_ID,
  DUMMY_ACCESS_KEY_ID,
  DUMMY_SECRET_ACCESS_KEY,
  REGION,
  SERVER_SHARDS,
  endpoint,
  uniqueName,
} from "./support";

const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "streams_flow.py");
const credentials = { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY };
const ddb = new DynamoDBClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
const streams = new DynamoDBStreamsClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const TTL_SERVICE = { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" };

function boto3SkipReason(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import boto3"], { encoding: "utf8", timeout: 60_000 });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import boto3: install the Debian package python3-boto3`;
  return undefined;
}
const SKIP_REASON = boto3SkipReason();

interface FlowRecord {
  eventName: string;
  eventSource: string;
  eventVersion: string;
  keys: unknown;
  newImage: unknown;
  shard: string;
  oldImage: unknown;
  sequence: string;
  created: number;
  userIdentity: unknown;
}

interface FlowOutput {
  arn: string;
  ttl: unknown;
  swept: boolean;
  listed: unknown[];
  status: string;
  viewType: string;
  shards: number;
  records: FlowRecord[];
}

function runFlow(table: string): Promise<FlowOutput> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, [SCRIPT, endpoint, table], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) fail(new Error(`streams_flow.py exited with ${code}:\n${stderr}`));
      else done(JSON.parse(stdout) as FlowOutput);
    });
  });
}

/**
 * Records grouped by item, each item's in the order read: DynamoDB Streams orders the
 * changes of one item; a table over several shards has one stream shard per storage shard,
 * so changes of different items come in no global order.
 */
function perItem<T extends unknown[]>(records: T[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const record of records) (out[JSON.stringify(record[1])] ??= []).push(record);
  return out;
}

/** The changes the workload makes, as (eventName, Keys, NewImage, OldImage), in order. */
function expectedChanges(ttlValue: string): unknown[] {
  return [
    ["INSERT", { id: S("a") }, { id: S("a"), n: N("1") }, null],
    ["MODIFY", { id: S("a") }, { id: S("a"), n: N("2") }, { id: S("a"), n: N("1") }],
    ["INSERT", { id: S("t") }, { id: S("t") }, null],
    ["REMOVE", { id: S("a") }, null, { id: S("a"), n: N("2") }],
    ["INSERT", { id: S("b1") }, { id: S("b1") }, null],
    ["INSERT", { id: S("b2") }, { id: S("b2") }, null],
    ["INSERT", { id: S("old") }, { id: S("old"), ttl: N(ttlValue) }, null],
    ["REMOVE", { id: S("old") }, null, { id: S("old"), ttl: N(ttlValue) }],
  ];
}

/** Who made each change: the TTL service for the expiry, users (null) otherwise. */
function expectedIdentities(): unknown[][] {
  return (expectedChanges("") as unknown[][]).map((change, i, all) => [
    i === all.length - 1 ? TTL_SERVICE : null,
    change[1],
  ]);
}

describe("DynamoDB Streams end to end", () => {
  it.skipIf(SKIP_REASON !== undefined)(
    SKIP_REASON
      ? `boto3: reads a mixed workload exactly once, in order (skipped: ${SKIP_REASON})`
      : "boto3: reads a mixed workload exactly once, in order",
    async () => {
      const table = uniqueName("streams-boto3");
      const out = await runFlow(table);
      expect(out.arn).toMatch(new RegExp(`^arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}/stream/\\d{4}-`));
      expect(out.ttl).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "ttl" });
      expect(out.swept).toBe(true);
      expect(out.listed).toEqual([{ StreamArn: out.arn, TableName: table, StreamLabel: out.arn.split("/stream/")[1] }]);
      expect([out.status, out.viewType, out.shards]).toEqual(["ENABLED", "NEW_AND_OLD_IMAGES", SERVER_SHARDS]);
      const ttlValue =
        (
          out.records.find((r) => (r.newImage as { ttl?: unknown } | null)?.ttl) as
            { newImage: { ttl: { N: string } } } | undefined
        )?.newImage.ttl.N ?? "";
      expect(perItem(out.records.map((r) => [r.eventName, r.keys, r.newImage, r.oldImage]))).toEqual(
        perItem(expectedChanges(ttlValue) as unknown[][]),
      );
      expect(perItem(out.records.map((r) => [r.userIdentity, r.keys]))).toEqual(perItem(expectedIdentities()));
      expect(out.records.every((r) => r.eventSource === "aws:dynamodb" && r.eventVersion === "1.1")).toBe(true);
      // Sequence numbers are unique and increasing within a shard, as DynamoDB Streams orders them.
      for (const shard of new Set(out.records.map((r) => r.shard))) {
        const sequences = out.records.filter((r) => r.shard === shard).map((r) => r.sequence);
        expect(new Set(sequences).size).toBe(sequences.length);
        expect([...sequences].sort()).toEqual(sequences);
      }
    },
  );

  it("@aws-sdk/client-dynamodb-streams: reads a mixed workload exactly once, in order", async () => {
    const table = uniqueName("streams-sdk");
    const created = await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    const arn = created.TableDescription?.LatestStreamArn as string;
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { Enabled: true, AttributeName: "ttl" },
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: S("a"), n: N("1") } }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: S("a"), n: N("1") } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: S("a") },
        UpdateExpression: "ADD n :one",
        ExpressionAttributeValues: { ":one": N("1") },
      }),
    );
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { id: S("t") } } },
          { Delete: { TableName: table, Key: { id: S("a") } } },
        ],
      }),
    );
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: [{ PutRequest: { Item: { id: S("b1") } } }, { PutRequest: { Item: { id: S("b2") } } }],
        },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { id: S("never") } })); // nothing deleted: no record
    const ttlValue = String(Math.floor(Date.now() / 1000) - 60);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: S("old"), ttl: N(ttlValue) } }));
    for (let attempt = 0; attempt < 300; attempt++) {
      const { Item } = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: S("old") } }));
      if (!Item) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: table }));
    expect(Streams?.map((s) => s.StreamArn)).toEqual([arn]);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const seen: unknown[] = [];
    const identities: unknown[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 3 }));
        for (const r of page.Records ?? []) {
          seen.push([r.eventName, r.dynamodb?.Keys, r.dynamodb?.NewImage ?? null, r.dynamodb?.OldImage ?? null]);
          identities.push([r.userIdentity ?? null, r.dynamodb?.Keys]);
        }
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    expect(StreamDescription?.Shards?.length).toBe(SERVER_SHARDS);
    expect(perItem(seen as unknown[][])).toEqual(perItem(expectedChanges(ttlValue) as unknown[][]));
    expect(perItem(identities as unknown[][])).toEqual(perItem(expectedIdentities()));
  });
});
