// Starting a split (src/split/source.ts runs it) and the two answers other objects give it:
// the new object taking rows, and the catalogue's home publishing the new map. All three
// are synchronous, each in one SQLite transaction.
import { DynamoError, notFound, validation } from "../errors.js";
import type { Engine } from "../engine/engine.js";
import { HASH_PREFIX_BYTES } from "../keys/partition.js";
import { partitionRange, splitMap, splitObject } from "../schema/partition-map.js";
import { mapVersionOf, partitionMapOf, type TableDef } from "../schema/table-def.js";
import { keyRangeOf, watchRange, withinRange, type SplitPlan } from "../storage/split-log.js";
import { putAsIs } from "../storage/write.js";
import { splitLineage } from "../streams/lineage.js";
import { streamRow } from "../streams/registry.js";
import type { Item } from "../types.js";
import type { SplitRow, SplitStart } from "../protocol/shard-rpc.js";

/**
 * Records the split in `splits` and starts watching its range, in one transaction: from
 * here every write to the range is noted, so the copy that follows misses none.
 */
export function startSplit(engine: Engine, request: SplitStart): SplitPlan {
  return engine.sql.transaction(() => {
    const def = engine.catalogue.get(request.table);
    if (!def || def.tableId !== request.tableId) {
      throw notFound(`Requested resource not found: Table: ${request.table} not found`);
    }
    // A router that read the map before a change here (an older copy here is repaired in
    // time; the home checks the partition again when it publishes).
    if (mapVersionOf(def) > request.version) {
      throw new DynamoError("ResourceInUseException", `Table ${request.table}'s partitions changed; read them again`);
    }
    if (engine.sql.first("SELECT tid FROM splits WHERE tid = ?", def.tid)) {
      throw new DynamoError("ResourceInUseException", `Table ${request.table} is already splitting a partition`);
    }
    if (def.indexes?.some((index) => index.status === "CREATING")) {
      throw new DynamoError("ResourceInUseException", `Table ${request.table} is backfilling an index`);
    }
    const at = request.at ?? medianHash(engine, def, request.low, request.high);
    if (!Number.isInteger(at) || at <= request.low || at >= request.high) {
      throw validation(
        `The split point must lie inside the partition's hash range (${request.low}, ${request.high}); this partition cannot be split there`,
      );
    }
    const plan: SplitPlan = {
      table: def.name,
      tableId: def.tableId,
      version: request.version,
      source: request.source,
      target: splitObject(def.tableId, at),
      low: request.low,
      at,
      high: request.high,
    };
    if (request.tenant !== undefined) plan.tenant = request.tenant;
    engine.sql.exec(
      "INSERT INTO splits (tid, name, state, plan) VALUES (?, ?, 'copying', ?)",
      def.tid,
      def.name,
      JSON.stringify(plan),
    );
    watchRange(engine.sql, def.tid, keyRangeOf(at, request.high));
    return plan;
  });
}

/**
 * Where to cut [low, high) so that each side holds about half of its items: the hash of
 * the median row; past `low` when most rows share the first hash; the middle of the
 * range when it holds too few rows to tell.
 */
function medianHash(engine: Engine, def: TableDef, low: number, high: number): number {
  const { sql: bounds, params } = withinRange("pk", keyRangeOf(low, high));
  const count =
    engine.sql.first<{ n: number }>(`SELECT count(*) AS n FROM items WHERE tid = ? AND ${bounds}`, def.tid, ...params)
      ?.n ?? 0;
  const middle = Math.floor((low + high) / 2);
  if (count < 2) return middle;
  const median = engine.sql.first<{ pk: ArrayBuffer }>(
    `SELECT pk FROM items WHERE tid = ? AND ${bounds} ORDER BY pk LIMIT 1 OFFSET ?`,
    def.tid,
    ...params,
    Math.floor(count / 2),
  );
  const hash = median ? hashOf(median.pk) : middle;
  if (hash > low) return hash;
  const past = withinRange("pk", keyRangeOf(low + 1, high));
  const next = engine.sql.first<{ pk: ArrayBuffer }>(
    `SELECT pk FROM items WHERE tid = ? AND ${past.sql} ORDER BY pk LIMIT 1`,
    def.tid,
    ...past.params,
  );
  return next ? hashOf(next.pk) : middle;
}

function hashOf(pk: ArrayBuffer): number {
  return new DataView(pk, 0, HASH_PREFIX_BYTES).getUint32(0);
}

/**
 * The new object's side: makes its copy of the table's definition (its own ids) and applies
 * the rows as they stand at the source, with their index and TTL entries. Idempotent, so a
 * chunk sent again after a crash changes nothing. Not a change of the items: no stream records.
 */
export function receiveRows(engine: Engine, name: string, def: TableDef, rows: readonly SplitRow[]): void {
  let local = engine.catalogue.get(name);
  if (!local || local.tableId !== def.tableId) {
    engine.applyTable(name, def);
    local = engine.catalogue.get(name) as TableDef;
  }
  const table = local;
  const stores = { items: engine.items, indexes: engine.indexes, vectors: engine.vectors, ttlIndex: engine.ttlIndex };
  engine.sql.transaction(() => {
    for (const row of rows) {
      const key = { pk: new Uint8Array(row.pk), sk: new Uint8Array(row.sk) };
      putAsIs(stores, table, key, row.doc === null ? undefined : (JSON.parse(row.doc) as Item), row.size);
    }
  });
}

/**
 * The catalogue home's side: the table's map with the source's partition cut at `at`, the
 * upper part the target's, under a new version. Idempotent (a split already published
 * answers the map it made); null when the table or that partition is no longer there as
 * planned (deleted, recreated), and the split is abandoned.
 */
export function publishSplit(engine: Engine, plan: SplitPlan): TableDef | null {
  return engine.sql.transaction(() => {
    const def = engine.catalogue.get(plan.table);
    if (!def || def.tableId !== plan.tableId) return null;
    const map = partitionMapOf(def);
    if (map.partitions.some((p) => p.low === plan.at && p.object === plan.target)) return def;
    const index = map.partitions.findIndex((p) => p.low === plan.low && p.object === plan.source);
    if (index < 0 || partitionRange(map, index).high !== plan.high) return null;
    // The table's stream shard of the partition closes; two children open (src/streams/lineage.ts).
    if (def.stream?.enabled) {
      const registered = streamRow(engine.sql, def.name, def.stream.label);
      splitLineage(engine.sql, def, { ...plan, fenceSeq: plan.fenceSeq ?? 0 }, registered?.created_at ?? 0, Date.now());
    }
    const next: TableDef = { ...def, partitions: splitMap(map, index, plan.at, plan.target) };
    // The moved range's history stays at the source: the table's restorable window starts anew.
    if (def.pitr?.enabled) next.pitr = { ...def.pitr, since: Date.now() };
    delete next.shards;
    engine.catalogue.update(next);
    return next;
  });
}
