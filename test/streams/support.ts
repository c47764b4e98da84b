// Shared helpers of the streams and TTL tests: clients over a fresh tenant (its own shard
// Durable Objects, so tests never see each other's streams), the shard alarm, and a
// consumer that reads a whole stream from TRIM_HORIZON.
import { runDurableObjectAlarm } from "cloudflare:test";
import { tableShard } from "../support/tables";
import {
  DynamoDBClient,
  DynamoDBStreamsClient,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "../../src/index";

let counter = 0;

export interface Clients {
  tenant: string;
  ddb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
}

export function clients(shards?: number): Clients {
  const tenant = `streams-${Date.now().toString(36)}-${++counter}`;
  return {
    tenant,
    ddb: new DynamoDBClient({ tenant, ...(shards ? { shards } : {}) }),
    streams: new DynamoDBStreamsClient({ tenant }),
  };
}

/** Runs the alarm of the object holding partition `k` of `table`, if one is set (TTL sweeps, stream retention). */
export async function runAlarm(tenant: string, table: string, k = 0): Promise<boolean> {
  return runDurableObjectAlarm(await tableShard(table, k, tenant));
}

export interface ReadRecord {
  shard: string;
  eventName: string | undefined;
  keys: unknown;
  newImage: unknown;
  oldImage: unknown;
  sequence: string;
  userIdentity: unknown;
}

/** Every record of every shard of a stream, from TRIM_HORIZON until a page comes back empty. */
export async function readStream(streams: DynamoDBStreamsClient, arn: string): Promise<ReadRecord[]> {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const out: ReadRecord[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 3 }));
      for (const r of page.Records ?? []) {
        out.push({
          shard: shard.ShardId as string,
          eventName: r.eventName,
          keys: r.dynamodb?.Keys,
          newImage: r.dynamodb?.NewImage,
          oldImage: r.dynamodb?.OldImage,
          sequence: r.dynamodb?.SequenceNumber as string,
          userIdentity: r.userIdentity,
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
