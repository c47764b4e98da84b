// An online split of a GSI's partition kept in an object of its own (IndexDef.partitions),
// run by that object (the source) in bounded steps beside the requests it serves, as a table
// partition's split is (./source.ts), and resumed by its alarm after a crash. Its state is
// its row in `index_splits`; every step may run twice.
//
//   copying    fenced from the start: the inbox (src/storage/gsi-inbox.ts) refuses changes
//              to the moving range [at, high), which wait in the table partitions' outboxes;
//              the range's entries go to the new object a chunk at a time (an idempotent
//              upsert), so the copy is the range as it stands.
//   publishing the catalogue's home publishes the index's split map (one transaction there);
//              every object of the table gets the new definition. Table partitions then send
//              the held changes to the new object; reads placed by the old map are refused by
//              its version (src/ops/tables.ts) and placed again by the router.
//   cleaning   the moved entries are deleted here in chunks (reads skip them meanwhile).
//   aborting   the table or index went away: the new object's copy is dropped.
//
// Holding the range's changes for the copy keeps each item's changes in order without a
// second catch-up pass; writes meanwhile wait (DDB_GSI_WAIT_MS) and back-pressure applies.
import { DynamoError, notFound, validation } from "../errors.js";
import type { Engine } from "../engine/engine.js";
import type { IndexRow, IndexSplitPlan, IndexSplitStart, ShardDirectory, ShardStub } from "../protocol/shard-rpc.js";
import { indexObject, objectName, partitionRange, sharedObject, splitMap } from "../schema/partition-map.js";
import { isPartitionedIndex, layoutObjects, type IndexDef, type TableDef } from "../schema/table-def.js";
import { reach } from "../storage/faults.js";
import { forgetDisowned, keyRangeOf, withinRange } from "../storage/split-log.js";
import { oneAtATime, type StepResult } from "./source.js";

/** Entries per chunk sent to the new object, and per cleaning step. */
const CHUNK_ROWS = 500;

type State = "copying" | "publishing" | "cleaning" | "aborting";

interface SplitRow extends Record<string, string | number | ArrayBuffer | null> {
  iid: number;
  state: State;
  plan: string;
  cursor: number;
}

/** Records the split and fences its range, in one transaction. */
export function startIndexSplit(engine: Engine, request: IndexSplitStart): IndexSplitPlan {
  return engine.sql.transaction(() => {
    const def = engine.catalogue.get(request.table);
    if (!def || def.tableId !== request.tableId) {
      throw notFound(`Requested resource not found: Table: ${request.table} not found`);
    }
    const index = def.indexes?.find((i) => i.name === request.index);
    if (!index || !isPartitionedIndex(index)) {
      throw validation(`Index ${request.index} of table ${request.table} is not kept in partitions of its own`);
    }
    const map = index.partitions;
    const k = map.partitions.findIndex((p) => p.object === request.source);
    if (k < 0)
      throw new DynamoError("ResourceInUseException", `Index ${request.index}'s partitions changed; read them again`);
    if (engine.sql.first("SELECT iid FROM index_splits WHERE iid = ?", index.iid)) {
      throw new DynamoError("ResourceInUseException", `Index ${request.index} is already splitting a partition`);
    }
    const { low, high } = partitionRange(map, k);
    const at = request.at ?? medianHash(engine, index.iid, low, high);
    if (!Number.isInteger(at) || at <= low || at >= high) {
      throw validation(
        `The split point must lie inside the partition's hash range (${low}, ${high}); this partition cannot be split there`,
      );
    }
    const plan: IndexSplitPlan = {
      table: def.name,
      tableId: def.tableId,
      index: index.name,
      version: map.version,
      source: request.source,
      // Named for the index (its id at the home) and the hash: a table partition's object
      // may hold the index's first partition (src/schema/table-def.ts newIndexPartitions).
      target: indexObject(def.tableId, index.gid ?? index.iid, at),
      low,
      at,
      high,
    };
    if (request.tenant !== undefined) plan.tenant = request.tenant;
    engine.sql.exec(
      "INSERT INTO index_splits (iid, state, plan) VALUES (?, 'copying', ?)",
      index.iid,
      JSON.stringify(plan),
    );
    forgetDisowned(engine.sql); // the fence starts now (src/storage/split-log.ts indexFence)
    return plan;
  });
}

/** The hash halving the partition's entries (its middle when it has none to go by). */
function medianHash(engine: Engine, iid: number, low: number, high: number): number {
  const range = withinRange("ipk", keyRangeOf(low, high));
  const count =
    engine.sql.first<{ n: number }>(
      `SELECT count(*) AS n FROM index_items WHERE iid = ? AND ${range.sql}`,
      iid,
      ...range.params,
    )?.n ?? 0;
  const median = engine.sql.first<{ ipk: ArrayBuffer }>(
    `SELECT ipk FROM index_items WHERE iid = ? AND ${range.sql} ORDER BY ipk LIMIT 1 OFFSET ?`,
    iid,
    ...range.params,
    Math.floor(count / 2),
  );
  const hash = median ? new DataView(median.ipk).getUint32(0) : Math.floor((low + high) / 2);
  return hash > low ? hash : Math.floor((low + high) / 2);
}

/**
 * The range of index `iid` this object no longer takes changes for: fenced by a split in
 * progress here (until the split's row goes). Undefined: none.
 */
export function fencedIndexRange(engine: Pick<Engine, "sql">, iid: number): { at: number; high: number } | undefined {
  const row = engine.sql.first<{ plan: string }>("SELECT plan FROM index_splits WHERE iid = ?", iid);
  if (!row) return undefined;
  const plan = JSON.parse(row.plan) as IndexSplitPlan;
  return { at: plan.at, high: plan.high };
}

/** The new object's side: the moving entries, upserted (a chunk sent twice changes nothing). */
export function receiveIndexRows(
  engine: Engine,
  name: string,
  def: TableDef,
  index: string,
  rows: readonly IndexRow[],
): void {
  let local = engine.catalogue.get(name);
  if (!local || local.tableId !== def.tableId) {
    engine.applyTable(name, def);
    local = engine.catalogue.get(name) as TableDef;
  }
  const mine = local.indexes?.find((i) => i.name === index);
  if (!mine) throw notFound(`Requested resource not found: Index: ${index} not found`);
  engine.sql.transaction(() => {
    for (const row of rows) engine.indexes.replace(mine.iid, row, row);
  });
}

/**
 * The catalogue home's side: the definition with the index's map split at `at`, under a
 * new version. Idempotent; null when the table, the index or that partition is no longer
 * there as planned.
 */
export function publishIndexSplit(engine: Engine, plan: IndexSplitPlan): TableDef | null {
  return engine.sql.transaction(() => {
    const def = engine.catalogue.get(plan.table);
    if (!def || def.tableId !== plan.tableId) return null;
    const index = def.indexes?.find((i) => i.name === plan.index);
    if (!index || !isPartitionedIndex(index)) return null;
    const map = index.partitions;
    if (map.partitions.some((p) => p.low === plan.at && p.object === plan.target)) return def;
    const k = map.partitions.findIndex((p) => p.low === plan.low && p.object === plan.source);
    if (k < 0 || partitionRange(map, k).high !== plan.high) return null;
    const next: TableDef = {
      ...def,
      indexes: (def.indexes ?? []).map((i): IndexDef =>
        i.name === plan.index ? { ...i, partitions: splitMap(map, k, plan.at, plan.target) } : i,
      ),
    };
    engine.catalogue.update(next);
    return next;
  });
}

export class IndexSplitSource {
  constructor(
    private readonly engine: Engine,
    private readonly shards: ShardDirectory,
    /** This object's name (with its tenant) as it knows it. */
    private readonly self: () => { tenant?: string; object: string } | null,
  ) {}

  /** Whether an index split is in progress here (the host's alarm keeps running while one is). */
  active(): boolean {
    return this.engine.sql.first("SELECT iid FROM index_splits LIMIT 1") !== undefined;
  }

  /** One step of the split in progress here, after any step already running. */
  readonly step = oneAtATime(() => this.stepAlone());

  private async stepAlone(): Promise<StepResult> {
    const row = this.engine.sql.first<SplitRow>("SELECT * FROM index_splits ORDER BY iid LIMIT 1");
    if (!row) return "done";
    const plan = JSON.parse(row.plan) as IndexSplitPlan;
    const def = this.engine.catalogue.get(plan.table);
    const index = def && def.tableId === plan.tableId ? def.indexes?.find((i) => i.name === plan.index) : undefined;
    if (!def || !index) return row.state === "aborting" ? this.abort(row, plan) : this.setState(row, "aborting");
    switch (row.state) {
      case "copying":
        return this.copy(row, plan, def, index);
      case "publishing":
        return this.publish(row, plan);
      case "cleaning":
        return this.clean(row, plan, index);
      case "aborting":
        return this.abort(row, plan);
    }
  }

  private async copy(row: SplitRow, plan: IndexSplitPlan, def: TableDef, index: IndexDef): Promise<StepResult> {
    const range = withinRange("ipk", keyRangeOf(plan.at, plan.high));
    const rows = this.engine.sql.all<{
      id: number;
      ipk: ArrayBuffer;
      isk: ArrayBuffer;
      tpk: ArrayBuffer;
      tsk: ArrayBuffer;
      doc: string;
      size: number;
    }>(
      `SELECT id, ipk, isk, tpk, tsk, doc, size FROM index_items WHERE iid = ? AND id > ? AND ${range.sql} ORDER BY id LIMIT ?`,
      index.iid,
      row.cursor,
      ...range.params,
      CHUNK_ROWS,
    );
    if (rows.length === 0) return this.setState(row, "publishing");
    const moving: IndexRow[] = rows.map((r) => ({
      ipk: new Uint8Array(r.ipk),
      isk: new Uint8Array(r.isk),
      tpk: new Uint8Array(r.tpk),
      tsk: new Uint8Array(r.tsk),
      doc: r.doc,
      size: r.size,
    }));
    await this.stub(plan, plan.target).indexReceive(plan.table, def, plan.index, moving);
    reach("index-split:after-copy-chunk");
    const last = rows[rows.length - 1] as { id: number };
    this.engine.sql.exec("UPDATE index_splits SET cursor = ? WHERE iid = ? AND state = 'copying'", last.id, row.iid);
    return "more";
  }

  private async publish(row: SplitRow, plan: IndexSplitPlan): Promise<StepResult> {
    const home = this.stub(plan, sharedObject(0));
    // The new object has the range's entries before any object learns it holds them.
    const published = await home.indexSplitPublish(plan);
    reach("index-split:after-publish");
    if (!published) return this.setState(row, "aborting");
    // The home's definition now: a table deleted since must not come back through this broadcast.
    const def = await home.tableInfo(plan.table);
    if (def && def.tableId === plan.tableId) {
      const others = new Set(layoutObjects(def));
      others.delete(plan.source);
      others.delete(sharedObject(0));
      await Promise.all([...others].map((object) => this.stub(plan, object).applyTable(plan.table, def)));
      this.engine.applyTable(plan.table, def);
    }
    forgetDisowned(this.engine.sql);
    return this.setState(row, "cleaning");
  }

  /** Deletes a chunk of the moved entries here (reads skip them until the split's row goes). */
  private clean(row: SplitRow, plan: IndexSplitPlan, index: IndexDef): StepResult {
    const range = withinRange("ipk", keyRangeOf(plan.at, plan.high));
    const more = this.engine.sql.transaction(() => {
      const rows = this.engine.sql.all<{ id: number; size: number }>(
        `SELECT id, size FROM index_items WHERE iid = ? AND ${range.sql} LIMIT ?`,
        index.iid,
        ...range.params,
        CHUNK_ROWS,
      );
      if (rows.length === 0) return false;
      this.engine.sql.exec(
        "DELETE FROM index_items WHERE id IN (SELECT value FROM json_each(?))",
        JSON.stringify(rows.map((r) => r.id)),
      );
      this.engine.indexes.adjustStats(index.iid, -rows.length, -rows.reduce((sum, r) => sum + r.size, 0));
      return true;
    });
    if (more) return "more";
    reach("index-split:before-cleaned");
    this.engine.sql.exec("DELETE FROM index_splits WHERE iid = ?", row.iid);
    forgetDisowned(this.engine.sql);
    return "done";
  }

  private async abort(row: SplitRow, plan: IndexSplitPlan): Promise<StepResult> {
    // The new object's copy of the table: dropped unless its map names it (a split published after all).
    const target = this.stub(plan, plan.target);
    const copy = await target.tableInfo(plan.table);
    const named = copy?.indexes?.some((i) => i.partitions?.partitions.some((p) => p.object === plan.target));
    if (copy && copy.tableId === plan.tableId && !named) await target.applyTable(plan.table, null);
    this.engine.sql.exec("DELETE FROM index_splits WHERE iid = ?", row.iid);
    forgetDisowned(this.engine.sql);
    return "done";
  }

  private setState(row: SplitRow, state: State): StepResult {
    this.engine.sql.exec("UPDATE index_splits SET state = ? WHERE iid = ?", state, row.iid);
    return "more";
  }

  private stub(plan: IndexSplitPlan, object: string): ShardStub {
    const self = this.self() ?? { object: plan.source, ...(plan.tenant === undefined ? {} : { tenant: plan.tenant }) };
    const binding = this.shards.ownBinding(objectName(self.tenant, self.object));
    const stub = binding === undefined ? undefined : this.shards.shard(binding, objectName(plan.tenant, object));
    if (!stub) throw new Error(`index split: no namespace holds ${objectName(plan.tenant, object)}`);
    return stub;
  }
}
