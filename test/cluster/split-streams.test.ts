// DynamoDB Streams across partition splits (src/streams/lineage.ts): a split closes the
// partition's stream shard and opens two children naming it as their parent, and a reader
// that reads parents before children sees every change of every item once, in order.
import { describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeStreamCommand,
  PutItemCommand,
  type DynamoDBClient,
} from "../../src/index";
import { clients, readStream } from "../streams/support";
import { uniqueName } from "../support/wire";
import { objectOf, runToEnd, splitRequest, splitState, startManual, step } from "./split-support";

/** What a reader must see of one item: its versions in order (null: deleted). */
type History = Map<string, (number | null)[]>;

async function put(ddb: DynamoDBClient, table: string, history: History, key: string, version: number): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: key }, v: { N: String(version) } } }));
  history.set(key, [...(history.get(key) ?? []), version]);
}

async function remove(ddb: DynamoDBClient, table: string, history: History, key: string): Promise<void> {
  await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: key } } }));
  history.set(key, [...(history.get(key) ?? []), null]);
}

describe("streams across splits", () => {
  it("SplitPartition: closes the stream shard and opens two children; every change is read once, in order", async () => {
    const { tenant, ddb, streams } = clients();
    const table = uniqueName("t");
    const created = await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    const arn = created.TableDescription?.LatestStreamArn as string;
    const history: History = new Map();
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    let version = 0;
    for (const key of keys) await put(ddb, table, history, key, ++version);

    const zero = await objectOf(tenant, table);
    const first = await startManual(await splitRequest(tenant, table, 0));
    await step(tenant, zero); // copied
    for (const key of keys.slice(0, 20)) await put(ddb, table, history, key, ++version);
    await remove(ddb, table, history, "k3");
    while ((await splitState(tenant, zero)) !== "fenced") await step(tenant, zero);
    await runToEnd(tenant, zero);
    for (const key of keys.slice(10, 40)) await put(ddb, table, history, key, ++version);

    // The new object's partition splits again: a grandchild generation.
    await startManual(await splitRequest(tenant, table, 1));
    for (const key of keys.slice(30)) await put(ddb, table, history, key, ++version);
    await runToEnd(tenant, first.target);
    for (const key of keys) await put(ddb, table, history, key, ++version);

    const described = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const shards = described.StreamDescription?.Shards ?? [];
    expect(shards.length).toBe(5); // the first shard, its two children, the second one's two
    const [root, ...rest] = shards;
    expect(root?.ParentShardId).toBeUndefined();
    expect(root?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined();
    expect(rest.map((s) => s.ParentShardId)).toEqual([
      root?.ShardId,
      root?.ShardId,
      rest[1]?.ShardId,
      rest[1]?.ShardId,
    ]);
    const open = shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
    expect(open.map((s) => s.ShardId)).toEqual([rest[0]?.ShardId, rest[2]?.ShardId, rest[3]?.ShardId]);
    const children = await streams.send(
      new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: "CHILD_SHARDS", ShardId: root?.ShardId } }),
    );
    expect(children.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual([rest[0]?.ShardId, rest[1]?.ShardId]);

    // Shards are listed parents first: reading them in order reads every parent before its children.
    const records = await readStream(streams, arn);
    const seen: History = new Map();
    for (const record of records) {
      const key = (record.keys as { pk: { S: string } }).pk.S;
      const image = record.newImage as { v: { N: string } } | undefined;
      seen.set(key, [...(seen.get(key) ?? []), record.eventName === "REMOVE" ? null : Number(image?.v.N)]);
    }
    expect(new Map([...seen].sort())).toEqual(new Map([...history].sort()));
  });
});
