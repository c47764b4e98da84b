// The streams of the tables whose catalogue home is this shard (shard 0 of a table), for
// ListStreams and DescribeStream, and the retention of every shard's change log. A stream
// is registered when CreateTable or UpdateTable enables it; it is ENABLED while its table
// still has it as its enabled latest stream, DISABLED after the stream is disabled or the
// table deleted, and stays listed and readable for 24 hours after that, as DynamoDB keeps
// a disabled stream (best effort: the time is noted by the first alarm after the change).
import type { Catalogue } from "../storage/catalogue.js";
import type { Sql } from "../storage/sql.js";
import type { KeySchemaElement } from "../types.js";
import { RETENTION_MS, streamId } from "../schema/stream.js";
import { partitionMapOf, type TableDef } from "../schema/table-def.js";
import { openLineage } from "./lineage.js";

export interface StreamRow {
  stream: string;
  table_name: string;
  label: string;
  table_id: string;
  view_type: string;
  key_schema: string;
  shards: number;
  created_at: number;
  disabled_at: number | null;
  [column: string]: string | number | null;
}

/** Records trimmed per housekeeping step. */
const TRIM_CHUNK = 2000;

export function registerStream(sql: Sql, def: TableDef, createdAt: number): void {
  const stream = def.stream;
  if (!stream) return;
  sql.exec(
    `INSERT OR REPLACE INTO streams (stream, table_name, label, table_id, view_type, key_schema, shards, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    streamId(def.name, stream.label),
    def.name,
    stream.label,
    def.tableId,
    stream.viewType,
    JSON.stringify(def.keySchema),
    partitionMapOf(def).partitions.length,
    createdAt,
  );
  openLineage(sql, def, createdAt);
}

export function streamRows(sql: Sql): StreamRow[] {
  return sql.all<StreamRow>("SELECT * FROM streams ORDER BY stream");
}

export function streamRow(sql: Sql, table: string, label: string): StreamRow | undefined {
  return sql.first<StreamRow>("SELECT * FROM streams WHERE stream = ?", streamId(table, label));
}

export function keySchemaOf(row: StreamRow): KeySchemaElement[] {
  return JSON.parse(row.key_schema) as KeySchemaElement[];
}

/** Whether table `name`'s current definition on this shard writes to stream `label`. */
export function isStreamLive(catalogue: Catalogue, name: string, label: string, tableId?: string): boolean {
  const def = catalogue.get(name);
  if (!def?.stream?.enabled || def.stream.label !== label) return false;
  return tableId === undefined || def.tableId === tableId;
}

/**
 * One bounded retention step: notes when registered streams became disabled, forgets
 * those disabled over 24 hours ago, and trims records older than 24 hours. True while
 * records to trim remain.
 */
export function trimStreams(sql: Sql, catalogue: Catalogue, nowMs: number): boolean {
  for (const row of streamRows(sql)) {
    if (row.disabled_at === null && !isStreamLive(catalogue, row.table_name, row.label, row.table_id)) {
      sql.exec("UPDATE streams SET disabled_at = ? WHERE stream = ?", nowMs, row.stream);
    }
  }
  sql.exec(
    "DELETE FROM stream_shards WHERE stream IN (SELECT stream FROM streams WHERE disabled_at IS NOT NULL AND disabled_at < ?)",
    nowMs - RETENTION_MS,
  );
  sql.exec("DELETE FROM streams WHERE disabled_at IS NOT NULL AND disabled_at < ?", nowMs - RETENTION_MS);
  const cutoff = nowMs - RETENTION_MS;
  const old = sql.all<{ seq: number; stream: string }>(
    "SELECT seq, stream FROM stream_records WHERE created_at < ? ORDER BY seq LIMIT ?",
    cutoff,
    TRIM_CHUNK,
  );
  if (old.length === 0) return false;
  const upto = new Map<string, number>();
  for (const row of old) upto.set(row.stream, row.seq);
  const last = (old[old.length - 1] as { seq: number }).seq;
  sql.exec("DELETE FROM stream_records WHERE seq <= ? AND created_at < ?", last, cutoff);
  for (const [stream, seq] of upto) {
    sql.exec(
      "INSERT INTO stream_trim (stream, trimmed_upto) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET trimmed_upto = excluded.trimmed_upto",
      stream,
      seq,
    );
  }
  return old.length === TRIM_CHUNK;
}

/** The highest sequence (row id) trimmed from a stream in this shard; 0 if none. */
export function trimmedUpto(sql: Sql, stream: string): number {
  return (
    sql.first<{ trimmed_upto: number }>("SELECT trimmed_upto FROM stream_trim WHERE stream = ?", stream)
      ?.trimmed_upto ?? 0
  );
}

/** When the oldest record in this shard's log falls out of retention (epoch ms), if any. */
export function nextTrimAt(sql: Sql): number | undefined {
  const row = sql.first<{ created_at: number }>("SELECT created_at FROM stream_records ORDER BY seq LIMIT 1");
  const disabled = sql.first<{ at: number | null }>("SELECT MIN(disabled_at) AS at FROM streams");
  const times = [row?.created_at, disabled?.at ?? undefined].filter((t): t is number => typeof t === "number");
  return times.length ? Math.min(...times) + RETENTION_MS : undefined;
}
