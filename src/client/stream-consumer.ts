// Workers-native stream consumers: pumpStream reads a table's stream from the checkpoint it
// stored last time and hands each page of records, in order, to a deliverer: a Cloudflare
// Queue binding (queueDeliverer), a method of a Durable Object (any async function), or
// anything else. A page's checkpoint is stored only after its delivery resolved, so a
// failure redelivers it on the next run: at least once, in order per stream shard, hence
// in order per item (an item's changes live in one shard, or, across partition splits, in
// a shard and its descendants, which DescribeStream lists after it and this reads after
// it). Call it from an alarm, a cron trigger or a queue consumer; it returns when every
// shard has been read to its end.
//
//   const streams = new DynamoDBStreamsClient({});
//   await pumpStream({ client: streams, streamArn, checkpoints: this.ctx.storage,
//                      deliver: queueDeliverer(this.env.CHANGES) });
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type DynamoDBStreamsClient,
} from "@aws-sdk/client-dynamodb-streams";

/** Where checkpoints are kept: a Durable Object's storage fits (get/put of JSON values). */
export interface CheckpointStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
}

export type Deliver = (records: _Record[], shardId: string) => Promise<void>;

export interface PumpOptions {
  client: Pick<DynamoDBStreamsClient, "send">;
  streamArn: string;
  checkpoints: CheckpointStore;
  deliver: Deliver;
  /** Records per GetRecords page and delivery (1..1000; default 100, a Queue batch's maximum). */
  batchSize?: number;
}

export interface PumpResult {
  delivered: number;
}

/** The checkpoint key of one stream shard. */
export function checkpointKey(streamArn: string, shardId: string): string {
  return `ddb-stream-checkpoint:${streamArn}:${shardId}`;
}

export async function pumpStream(options: PumpOptions): Promise<PumpResult> {
  const { client, streamArn, checkpoints, deliver } = options;
  const limit = options.batchSize ?? 100;
  let delivered = 0;
  let shardId: string | undefined;
  const shards: string[] = [];
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: shardId }),
    );
    for (const shard of StreamDescription?.Shards ?? []) if (shard.ShardId) shards.push(shard.ShardId);
    shardId = StreamDescription?.LastEvaluatedShardId;
  } while (shardId);
  for (const shard of shards) {
    const key = checkpointKey(streamArn, shard);
    const after = await checkpoints.get<string>(key);
    let iterator = await iteratorFrom(client, streamArn, shard, after);
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      const records = page.Records ?? [];
      if (records.length === 0) break;
      await deliver(records, shard);
      const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
      if (last) await checkpoints.put(key, last);
      delivered += records.length;
      iterator = page.NextShardIterator;
    }
  }
  return { delivered };
}

async function iteratorFrom(
  client: Pick<DynamoDBStreamsClient, "send">,
  streamArn: string,
  shardId: string,
  after: string | undefined,
): Promise<string | undefined> {
  const from = after
    ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER" as const, SequenceNumber: after }
    : { ShardIteratorType: "TRIM_HORIZON" as const };
  try {
    return (await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...from })))
      .ShardIterator;
  } catch (err) {
    // The checkpoint fell out of the 24-hour retention: resume at the oldest record kept.
    if ((err as Error).name !== "TrimmedDataAccessException") throw err;
    console.warn(`durable-dynamodb: stream checkpoint of ${shardId} was trimmed; resuming at TRIM_HORIZON`);
    return (
      await client.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
      )
    ).ShardIterator;
  }
}

/** A Cloudflare Queue binding as a deliverer: one message per record (body: the record). */
export function queueDeliverer(queue: Pick<Queue, "sendBatch">): Deliver {
  return async (records) => {
    for (let i = 0; i < records.length; i += 100) {
      await queue.sendBatch(records.slice(i, i + 100).map((record) => ({ body: record })));
    }
  };
}
