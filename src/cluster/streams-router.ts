// The DynamoDB Streams API over the cluster: one stream shard per storage shard of the
// table (src/cluster/router.ts places items). The table's catalogue home, shard 0,
// registers its streams and answers ListStreams and DescribeStream; the router fills in
// the sequence ranges the other storage shards hold. GetShardIterator is checked by shard 0
// and issued by the shard the ShardId names; GetRecords goes to the shard its iterator
// names. Tables with one shard involve shard 0 alone.
import { shardName } from "./placement.js";
import type { ShardNamespace } from "../protocol/shard-rpc.js";
import { shardOfIterator, shardOfShardId } from "../streams/iterator.js";
import { requestObject } from "../protocol/json-body.js";
import type { JsonObject } from "../types.js";
import type { CallMeta, WireReply } from "../protocol/reply.js";

type Json = Record<string, unknown>;

export class StreamsRouter {
  private ns: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly tenant: string | undefined,
  ) {}

  /** `input` is `body` read as JSON (`requestObject`), when the caller has already read it. */
  async deliver(
    operation: string,
    body: string,
    meta: CallMeta,
    input: JsonObject | undefined = requestObject(body),
  ): Promise<WireReply> {
    // Not a JSON object: shard 0's engine answers with DynamoDB's error.
    if (!input) return this.send(0, operation, body, meta);
    switch (operation) {
      case "DescribeStream":
        return this.describeStream(body, meta);
      case "GetShardIterator": {
        const shard = typeof input.ShardId === "string" ? shardOfShardId(input.ShardId) : undefined;
        if (!shard) return this.send(0, operation, body, meta); // shard 0 (or an error) on shard 0
        const resolved = await this.send(0, "ShardResolve", body, meta);
        if (resolved.status !== 200) return resolved;
        return this.send(shard, "ShardGetIterator", body, meta);
      }
      case "GetRecords": {
        const shard = typeof input.ShardIterator === "string" ? shardOfIterator(input.ShardIterator) : undefined;
        return this.send(shard ?? 0, operation, body, meta);
      }
      default:
        return this.send(0, operation, body, meta);
    }
  }

  private send(index: number, operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    const ns = (this.ns ??= this.locate());
    return ns.get(ns.idFromName(shardName(this.tenant, index))).streams(operation, body, meta);
  }

  private async describeStream(body: string, meta: CallMeta): Promise<WireReply> {
    const reply = await this.send(0, "DescribeStream", body, meta);
    if (reply.status !== 200) return reply;
    const out = JSON.parse(reply.body) as { StreamDescription: Json };
    const description = out.StreamDescription;
    const shards = (description.Shards as Json[] | undefined) ?? [];
    const missing = shards.filter((s) => s.SequenceNumberRange === undefined);
    if (missing.length === 0) return reply;
    const request = JSON.stringify({ Table: description.TableName, Label: description.StreamLabel });
    const ranges = await Promise.all(
      missing.map((s) => this.send(shardOfShardId(String(s.ShardId)) ?? 0, "ShardRange", request, meta)),
    );
    missing.forEach((shard, i) => {
      const range = ranges[i] as WireReply;
      if (range.status === 200) shard.SequenceNumberRange = (JSON.parse(range.body) as Json).SequenceNumberRange;
    });
    // Member order as DynamoDB's: SequenceNumberRange after ShardId.
    description.Shards = shards.map((s) => ({ ShardId: s.ShardId, SequenceNumberRange: s.SequenceNumberRange }));
    return { status: 200, body: JSON.stringify(out) };
  }
}
