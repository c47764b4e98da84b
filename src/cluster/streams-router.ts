// The DynamoDB Streams API over the cluster: one stream shard per storage shard of the
// table (src/cluster/router.ts places items), or, once its partitions split, the shards of
// its lineage (src/streams/lineage.ts), each in the object the home names. The table's catalogue home, shard 0,
// registers its streams and answers ListStreams and DescribeStream; the router fills in
// the sequence ranges the other storage shards hold. GetShardIterator is checked by shard 0
// and issued by the shard the ShardId names; GetRecords goes to the shard its iterator
// names. Tables with one shard involve shard 0 alone.
import { objectName, shardName } from "./placement.js";
import type { ShardNamespace } from "../protocol/shard-rpc.js";
import { placeOfIterator, shardOfShardId } from "../streams/iterator.js";
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
        if (typeof input.ShardId !== "string" || shardOfShardId(input.ShardId) === undefined) {
          return this.send(0, operation, body, meta); // the home reports it
        }
        // The home checks the stream and the shard and says where it is held.
        const resolved = await this.send(0, "ShardResolve", body, meta);
        if (resolved.status !== 200) return resolved;
        const place = JSON.parse(resolved.body) as { Shard?: number; Object?: string };
        const request = JSON.stringify({ ...input, ...place });
        return this.send(place.Object ?? place.Shard ?? 0, "ShardGetIterator", request, meta);
      }
      case "GetRecords": {
        const place = typeof input.ShardIterator === "string" ? placeOfIterator(input.ShardIterator) : undefined;
        return this.send(place ?? 0, operation, body, meta);
      }
      default:
        return this.send(0, operation, body, meta);
    }
  }

  /** To the tenant's shared shard `place` (a stream by index) or the object named `place` (a lineage's shard). */
  private send(place: number | string, operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    const ns = (this.ns ??= this.locate());
    const name = typeof place === "number" ? shardName(this.tenant, place) : objectName(this.tenant, place);
    return ns.get(ns.idFromName(name)).streams(operation, body, meta);
  }

  private async describeStream(body: string, meta: CallMeta): Promise<WireReply> {
    const reply = await this.send(0, "DescribeStream", body, meta);
    if (reply.status !== 200) return reply;
    const out = JSON.parse(reply.body) as { StreamDescription: Json };
    const description = out.StreamDescription;
    const shards = (description.Shards as Json[] | undefined) ?? [];
    const missing = shards.filter((s) => s.SequenceNumberRange === undefined);
    if (missing.length === 0) return reply;
    const stream = { Table: description.TableName, Label: description.StreamLabel };
    const ranges = await Promise.all(
      missing.map((s) => {
        // A lineage's shard names its object and log bounds; a stream by index, its shard index.
        const log = s._Log as { Object: string; After: number; Last?: number } | undefined;
        if (!log) return this.send(shardOfShardId(String(s.ShardId)) ?? 0, "ShardRange", JSON.stringify(stream), meta);
        const request = JSON.stringify({ ...stream, After: log.After, Last: log.Last });
        return this.send(log.Object, "ShardRange", request, meta);
      }),
    );
    missing.forEach((shard, i) => {
      const range = ranges[i] as WireReply;
      if (range.status === 200) shard.SequenceNumberRange = (JSON.parse(range.body) as Json).SequenceNumberRange;
    });
    // Member order as DynamoDB's: ShardId, ParentShardId, SequenceNumberRange (and no _Log).
    description.Shards = shards.map((s) => ({
      ShardId: s.ShardId,
      ...(s.ParentShardId === undefined ? {} : { ParentShardId: s.ParentShardId }),
      SequenceNumberRange: s.SequenceNumberRange,
    }));
    return { status: 200, body: JSON.stringify(out) };
  }
}
