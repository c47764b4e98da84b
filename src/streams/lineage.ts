// Stream shards that follow partition splits, as DynamoDB Streams' shards follow
// DynamoDB's partitions: a split closes the partition's stream shard and opens two
// children whose ParentShardId names it, so a reader that finishes a parent before its
// children sees every change of an item once, in order.
//
// A stream whose table keeps the shared objects by index (shard k in `shard-k`, the layout
// before splits) needs no record: its shard k is object k's whole log of the stream. Any
// other stream has its shards in `stream_shards`, kept by the catalogue's home: each one a
// range of one object's change log, the records after `after_seq` and, once closed, up to
// `last_seq` (sequence numbers are log row ids, per object).
import type { Sql } from "../storage/sql.js";
import { shardIdOf } from "./iterator.js";
import { streamId } from "../schema/stream.js";
import { partitionMapOf, type TableDef } from "../schema/table-def.js";
import { sharedObject } from "../schema/partition-map.js";

export interface LineageShard {
  shardId: string;
  /** The object whose log holds it, by its name without the tenant's prefix. */
  object: string;
  parent: string | undefined;
  after: number;
  /** Set once a split closed it: its last sequence number. */
  last: number | undefined;
}

interface ShardRow extends Record<string, string | number | null> {
  shard_id: string;
  object: string;
  parent: string | null;
  after_seq: number;
  last_seq: number | null;
}

/** The shards of `stream` in the order they were opened; empty for a stream by index. */
export function lineageShards(sql: Sql, stream: string): LineageShard[] {
  return sql.all<ShardRow>("SELECT * FROM stream_shards WHERE stream = ? ORDER BY rowid", stream).map((row) => ({
    shardId: row.shard_id,
    object: row.object,
    parent: row.parent ?? undefined,
    after: row.after_seq,
    last: row.last_seq ?? undefined,
  }));
}

/** Whether the table's partitions are the shared objects by index (no lineage needed). */
function byIndex(def: TableDef): boolean {
  return partitionMapOf(def).partitions.every((entry, k) => entry.object === sharedObject(k));
}

/**
 * Records the shards of a stream the table's definition opens (one per partition, from
 * the start of each partition's log), when its partitions are not the shared ones by index.
 * Call inside the registering transaction.
 */
export function openLineage(sql: Sql, def: TableDef, createdAt: number): void {
  if (!def.stream || byIndex(def)) return;
  const stream = streamId(def.name, def.stream.label);
  partitionMapOf(def).partitions.forEach((entry, k) =>
    insert(sql, stream, shardIdOf(createdAt, k), entry.object, null, 0),
  );
}

/**
 * In the catalogue's transaction that publishes a split of `def` (the definition before
 * it): closes the source's open shard of the table's enabled stream at `fenceSeq` (the
 * source's last record before its range was fenced) and opens its two children: the
 * source's from there on, the new object's from the start of its log.
 */
export function splitLineage(
  sql: Sql,
  def: TableDef,
  split: { source: string; target: string; low: number; at: number; fenceSeq: number },
  streamCreatedAt: number,
  now: number,
): void {
  if (!def.stream?.enabled) return;
  const stream = streamId(def.name, def.stream.label);
  if (!sql.first("SELECT shard_id FROM stream_shards WHERE stream = ? LIMIT 1", stream)) {
    // The first split of a stream by index: its shards as they have been, recorded.
    partitionMapOf(def).partitions.forEach((entry, k) =>
      insert(sql, stream, shardIdOf(streamCreatedAt, k), entry.object, null, 0),
    );
  }
  const parent = sql.first<{ shard_id: string }>(
    "SELECT shard_id FROM stream_shards WHERE stream = ? AND object = ? AND last_seq IS NULL",
    stream,
    split.source,
  );
  if (!parent) return;
  sql.exec(
    "UPDATE stream_shards SET last_seq = ? WHERE stream = ? AND shard_id = ?",
    split.fenceSeq,
    stream,
    parent.shard_id,
  );
  insert(sql, stream, shardIdOf(now, split.low), split.source, parent.shard_id, split.fenceSeq);
  insert(sql, stream, shardIdOf(now, split.at), split.target, parent.shard_id, 0);
}

function insert(sql: Sql, stream: string, shardId: string, object: string, parent: string | null, after: number): void {
  sql.exec(
    "INSERT OR IGNORE INTO stream_shards (stream, shard_id, object, parent, after_seq) VALUES (?, ?, ?, ?, ?)",
    stream,
    shardId,
    object,
    parent,
    after,
  );
}
