// The cluster router, shared by the SDK client's request handler and the HTTP edge: takes
// one wire request (operation name + JSON text) and delivers it to the Durable Object(s)
// that serve it, merging the replies of a fan-out.
//
// Layout. A tenant's shard 0, the Durable Object `shardName(tenant, 0)`, is the catalogue
// home: every table is defined there. A table's items live in its partitions, contiguous
// ranges of the 32-bit partition-key hash, each held by the object its partition map names
// (TableDef.partitions, src/schema/partition-map.ts; ./placement.ts). Every object holding
// a partition also holds a copy of the definition, so it validates and executes item
// operations alone. A table created through a router gets N equal ranges (N from the
// client's `shards` or DDB_DEFAULT_SHARDS, default 1) in objects of its own, named for the
// table as a split names them, so no other table's load or size lands on them; tables
// created before that keep their ranges in the tenant's shared objects shard-0..shard-N-1.
//
// Control plane. CreateTable, UpdateTable, DeleteTable, TagResource, UntagResource and
// Put/DeleteResourcePolicy run on shard 0; then the router reads shard 0's resulting definition and applies it to
// the table's other partition objects (`applyTable`, idempotent). This is not atomic: a shard that misses the
// broadcast (its RPC failed) keeps its old copy until repaired, which happens (a) on the
// next control-plane call naming the table, whatever its outcome (even a failing
// CreateTable re-broadcasts), and (b) when an item operation gets ResourceNotFound from a
// shard while shard 0 has the table: the router re-broadcasts and retries. A shard
// that missed a DeleteTable keeps a ghost copy that no router reaches once its cache is
// refreshed, and that the next CreateTable of the name replaces.
//
// Routing cache. The router needs a table's key schema and partition map to route item
// operations: a per-isolate cache of definitions, filled from shard 0 (`tableInfo`),
// dropped on every control-plane call naming the table and on ResourceNotFound; entries
// older than DEFINITION_MAX_AGE_MS are read again, so a resource policy put through
// another isolate applies within seconds (DynamoDB applies policies eventually too). Each
// routed request carries the TableId and partition map version the router placed it by
// (ClusterMeta.expect), so an object answers ResourceNotFound for a table deleted and
// recreated, or a map changed, behind the cache's back; the router then rereads the
// definition, repairs objects that missed a change, and retries.
//
// Splits (src/split). A partition's object splits its range online; the home publishes the
// new map, and a write reaching a range in hand-over is answered PartitionMovedException,
// which the router retries (withTables) by the new map; clients never see it.
// SplitPartition, our admin operation, starts one (`admin`).
//
// Across partitions (N > 1 only; a table of one partition gets every request at its object):
// - Scan of the table walks the partitions in hash order with one 1 MB / Limit budget for
//   the page (./scan.ts); LSI scans merge whole partition pages (scanFrom).
// - Query/Scan of a global secondary index read every partition and merge in index order,
//   with exact, stateless Limit and LastEvaluatedKey (./gsi.ts, src/engine/index-read.ts).
// - BatchGetItem/BatchWriteItem parts go to the objects holding them in parallel (one call
//   per object, whatever the tables); an object that fails leaves its part in
//   UnprocessedKeys/UnprocessedItems.
// - Transactions whose items lie in several objects (or that carry a ClientRequestToken on
//   a multi-partition table) run two-phase commit under a coordinator object of the shard
//   class, `txn:<tenant>:<id>` (src/txn/coordinator.ts).
import { DynamoError, notFound } from "../errors.js";
import { batchGetItem } from "../ops/batch-get-item.js";
import { batchWriteItem, planBatchWrite } from "../ops/batch-write-item.js";
import { query } from "../ops/query.js";
import { reach } from "../storage/faults.js";
import { transactGetItems } from "../ops/transact-get-items.js";
import { transactWriteItems } from "../ops/transact-write-items.js";
import { requestDigest } from "../storage/request-tokens.js";
import { scatterSearch, searchPartition } from "./vectors.js";
import { refusalWhileBuilding } from "./building.js";
import { indexPartitionOf, scatterIndexRead } from "./gsi.js";
import { keyValue, mergeBatchGet, mergeBatchWrite, splitGets, splitWrites, Unroutable } from "./batches.js";
import { mergeReadPage } from "./merge.js";
import { scanShards } from "./scan.js";
import { splitPartition } from "./split-admin.js";
import { backupOperation, type BackupHost } from "./backup-admin.js";
import { executePartiql } from "../partiql/execute.js";
import { leavesOfExpression } from "../query/key-condition.js";
import { isObject } from "../protocol/shape.js";
import { requestObject } from "../protocol/json-body.js";
import type { JsonObject } from "../types.js";
import {
  objectName,
  partitionCount,
  partitionObject,
  partitionOfKeyValue,
  partitionsOfSegment,
  shardName,
} from "./placement.js";
import { errorReply, type CallMeta, type WireReply, type ClusterMeta, type Expected } from "../protocol/reply.js";
import { partitionRange, sharedObject, type PartitionEntry, type PartitionMap } from "../schema/partition-map.js";
import { restoring } from "../schema/backup.js";
import {
  hashKeyOf,
  isPartitionedIndex,
  layoutObjects,
  layoutVersion,
  partitionMapOf,
  type IndexDef,
  type TableDef,
} from "../schema/table-def.js";
import { coordinatorName, type ShardNamespace, type ShardStub, type TxnPlan } from "../protocol/shard-rpc.js";
import { checkRequest } from "../ops/operation.js";

/** Per-isolate Durable Object ids by shard name (bounded: tenants x shards can be many). */
const IDS = new WeakMap<object, Map<string, DurableObjectId>>();
const MAX_IDS = 4096;

/** Per-isolate definitions cache: namespace -> `${tenant}\0${table}` -> definition. */
const CACHE = new WeakMap<object, Map<string, Cached>>();

interface Cached {
  def: TableDef;
  /** Date.now() when read from shard 0. */
  at: number;
}

const DEFINITION_MAX_AGE_MS = 5_000;

/** Retries of a request refused by a partition range in hand-over, and their waits (doubling). */
const MOVED_RETRIES = 12;
const MOVED_FIRST_WAIT_MS = 5;
const MOVED_MAX_WAIT_MS = 200;

type Json = Record<string, unknown>;

export class Router {
  private ns: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly tenant: string | undefined,
    /** Partition count of tables created through this router. */
    private readonly createShards: number = 1,
  ) {}

  /** `input` is `body` read as JSON (`requestObject`), when the caller has already read it. */
  async deliver(
    operation: string,
    body: string,
    meta: CallMeta,
    input: JsonObject | undefined = requestObject(body),
  ): Promise<WireReply> {
    // Not a JSON object: shard 0's engine answers with DynamoDB's error.
    if (!input) return this.sendHome(operation, body, meta);
    switch (operation) {
      case "CreateTable":
      case "UpdateTable":
      case "DeleteTable":
      case "UpdateTimeToLive": // the TTL setting reaches every shard (src/ttl)
      case "UpdateContinuousBackups": // so does point-in-time recovery (src/backup/pitr.ts)
        return this.control(operation, body, meta, stringOf(input.TableName), input);
      case "TagResource":
      case "UntagResource":
      case "PutResourcePolicy":
      case "DeleteResourcePolicy":
        return this.control(operation, body, meta, tableOfArn(input.ResourceArn), input);
      case "DescribeTable":
        return this.describeTable(body, meta, stringOf(input.TableName));
      // Backups, restores, exports and imports (./backup-admin.ts).
      case "CreateBackup":
      case "DeleteBackup":
      case "ExportTableToPointInTime":
      case "ImportTable":
      case "RestoreTableFromBackup":
      case "RestoreTableToPointInTime":
        return backupOperation(this.backupHost(), operation, body, meta, input);
      case "GetItem":
      case "DeleteItem":
      case "UpdateItem":
        return this.single(operation, body, meta, input, (def) => partitionOfKeyValue(def, keyValue(def, input.Key)));
      case "PutItem":
        return this.single(operation, body, meta, input, (def) => partitionOfKeyValue(def, keyValue(def, input.Item)));
      case "Query":
        if (typeof input.IndexName === "string") return this.indexQuery(body, meta, input);
        return this.single(operation, body, meta, input, (def) => queryPartition(def, input));
      case "Scan":
        return this.scan(body, meta, input);
      case "SearchVectors":
        return this.searchVectors(body, meta, input);
      case "BatchGetItem":
      case "BatchWriteItem":
        return this.batch(operation, body, meta, input);
      case "TransactGetItems":
      case "TransactWriteItems":
        return this.transact(operation, body, meta, input);
      // PartiQL: planned here onto the operations above (src/partiql/execute.ts).
      case "ExecuteStatement":
      case "BatchExecuteStatement":
      case "ExecuteTransaction":
        return executePartiql(operation, body, {
          describe: (name) => this.table(name),
          call: (op, json) => this.deliver(op, JSON.stringify(json), meta),
        });
      default:
        return this.sendHome(operation, body, meta);
    }
  }

  /**
   * Our administrative operations (ADMIN_TARGET_PREFIX), signed like DynamoDB's:
   * SplitPartition starts splitting one of a table's partitions (./split-admin.ts).
   */
  admin(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    if (operation !== "SplitPartition")
      return Promise.resolve(errorReply(new DynamoError("UnknownOperationException", "")));
    return splitPartition(body, {
      tenant: this.tenant,
      table: (name) => {
        this.forget(name); // the layout as the home has it now
        return this.table(name);
      },
      describe: (def, k) => this.send(def, k, "DescribeTable", JSON.stringify({ TableName: def.name }), meta),
      start: (def, k, request) => this.part(def, k).splitStart(request),
      repair: (def) => this.broadcast(def.name, def, [def]),
      startIndex: (object, request) => this.stub(objectName(this.tenant, object)).indexSplitStart(request),
    });
  }

  private backupHost(): BackupHost {
    return {
      tenant: this.tenant,
      createShards: this.createShards,
      sendHome: (operation, body, meta, cluster) =>
        this.sendHome(operation, body, cluster ? withCluster(meta, cluster) : meta),
      home: () => this.home(),
      object: (object) => this.stub(objectName(this.tenant, object)),
      forget: (name) => this.forget(name),
      broadcast: (def) => this.broadcast(def.name, def, [def]),
    };
  }

  /** A table's definition as the router sees it (cached): the edge reads resource policies from it. */
  definition(name: string): Promise<TableDef | undefined> {
    return this.table(name);
  }

  // ---- shards and the definitions cache

  /** Partition `k` of a GSI kept in partitions of its own (the tenant's prefix included). */
  private indexObject(index: IndexDef & { partitions: PartitionMap }, k: number): string {
    return objectName(this.tenant, (index.partitions.partitions[k] as PartitionEntry).object);
  }

  /** The catalogue's home, the tenant's shard 0: every table is defined there. */
  private home(): ShardStub {
    return this.stub(shardName(this.tenant, 0));
  }

  /** Partition `index` of the table. */
  private part(def: TableDef, index: number): ShardStub {
    return this.stub(objectName(this.tenant, partitionObject(def, index)));
  }

  private stub(name: string): ShardStub {
    const ns = (this.ns ??= this.locate());
    // Ids are plain values (not I/O objects), so they are kept across requests; a stub
    // belongs to the request that makes it, so stubs are not.
    let ids = IDS.get(ns);
    if (!ids) IDS.set(ns, (ids = new Map()));
    let id = ids.get(name);
    if (!id) {
      if (ids.size >= MAX_IDS) ids.clear();
      ids.set(name, (id = ns.idFromName(name)));
    }
    return ns.get(id);
  }

  /** A request the catalogue's home answers (or reports as invalid). */
  private sendHome(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    return this.sendTo(shardName(this.tenant, 0), operation, body, meta);
  }

  private send(def: TableDef, index: number, operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    return this.sendTo(objectName(this.tenant, partitionObject(def, index)), operation, body, meta);
  }

  /**
   * A request to the object `name` (the tenant's prefix included), its meta naming that
   * object (ClusterMeta.self: an object splits itself by it).
   */
  private sendTo(name: string, operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    const object = this.tenant === undefined ? name : name.slice(this.tenant.length + 1);
    const self = this.tenant === undefined ? { object } : { tenant: this.tenant, object };
    return this.stub(name).handle(operation, body, { ...meta, cluster: { ...meta.cluster, self } });
  }

  private cache(): Map<string, Cached> {
    const ns = (this.ns ??= this.locate());
    let map = CACHE.get(ns);
    if (!map) CACHE.set(ns, (map = new Map()));
    return map;
  }

  private cacheKey(name: string): string {
    return `${this.tenant ?? ""}\u0000${name}`;
  }

  private forget(name: string): void {
    this.cache().delete(this.cacheKey(name));
  }

  /** The table's definition from the cache, or from shard 0; undefined if there is no such table. */
  private async table(name: string): Promise<TableDef | undefined> {
    const key = this.cacheKey(name);
    const cached = this.cache().get(key);
    if (cached && Date.now() - cached.at < DEFINITION_MAX_AGE_MS) return cached.def;
    const def = (await this.home().tableInfo(name)) ?? undefined;
    if (def) this.cache().set(key, { def, at: Date.now() });
    return def;
  }

  /**
   * Applies the home's definition (or its absence) to the other objects holding partitions
   * of `layouts` (the table's definitions before and after a change); failures are logged,
   * not thrown.
   */
  private async broadcast(name: string, def: TableDef | null, layouts: (TableDef | null)[]): Promise<void> {
    const home = shardName(this.tenant, 0);
    // Table partitions get the definition; index partitions too, while their index is in it
    // (those of an index or table gone drop their copy, their rows with it).
    const kept = new Set(def ? layoutObjects(def).map((object) => objectName(this.tenant, object)) : []);
    const objects = new Map<string, TableDef | null>();
    for (const layout of layouts) {
      if (!layout) continue;
      for (const entry of partitionMapOf(layout).partitions) objects.set(objectName(this.tenant, entry.object), def);
      for (const object of layoutObjects(layout)) {
        const named = objectName(this.tenant, object);
        if (!objects.has(named)) objects.set(named, kept.has(named) ? def : null);
      }
    }
    objects.delete(home);
    const results = await Promise.allSettled(
      [...objects].map(([object, copy]) => this.stub(object).applyTable(name, copy)),
    );
    for (const result of results) {
      if (result.status === "rejected")
        console.error(`durable-dynamodb: broadcast of table ${name} failed`, result.reason);
    }
  }

  /**
   * Runs a data-plane request against the current definitions of `names`; on a
   * ResourceNotFound reply, refreshes them from shard 0 and runs again: placed anew when a
   * map changed meanwhile (splits publish while a request, or a Scan's pages, are under
   * way), or, when the map is the one it ran with, after telling the objects that missed it
   * (twice at most); on PartitionMovedException (a range in hand-over), waits a little,
   * rereads and runs again. Either retry is bounded.
   */
  private async withTables(
    names: string[],
    meta: CallMeta,
    run: (defs: TableDef[], meta: CallMeta) => Promise<WireReply>,
  ): Promise<WireReply> {
    // Objects told a definition they missed, at most twice a request.
    let repairs = 0;
    for (let attempt = 0; ; attempt++) {
      const defs: TableDef[] = [];
      for (const name of names) {
        let def = await this.table(name);
        if (!def) return { status: -1, body: "" }; // caller's fallback: shard 0 unchanged
        // A table being restored serves nothing until every partition is filled.
        if (restoring(def.restore)) {
          this.forget(name);
          def = await this.table(name);
          if (!def) return { status: -1, body: "" };
          if (restoring(def.restore)) return errorReply(notFound());
        }
        defs.push(def);
      }
      const expect: Record<string, Expected> = {};
      for (const def of defs) expect[def.name] = { tableId: def.tableId, mapVersion: layoutVersion(def) };
      const reply = await run(defs, withCluster(meta, { expect }));
      // A range being handed to a new object by a split (src/split): its map is about to
      // change; read it again shortly and place the request by it.
      if (isMoved(reply)) {
        for (const def of defs) this.forget(def.name);
        if (attempt >= MOVED_RETRIES) {
          return errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
        }
        await sleep(Math.min(MOVED_FIRST_WAIT_MS * 2 ** attempt, MOVED_MAX_WAIT_MS));
        continue;
      }
      if (!isNotFound(reply)) return reply;
      const missed: TableDef[] = [];
      let changed = false;
      for (const def of defs) {
        this.forget(def.name);
        const fresh = await this.table(def.name);
        // Same table and map, yet some object did not know them: it missed a broadcast.
        if (fresh && fresh.tableId === def.tableId && layoutVersion(fresh) === layoutVersion(def)) missed.push(fresh);
        // Gone, replaced or split since: the next attempt places the request by what is there now.
        else changed = true;
      }
      if (changed) {
        if (attempt >= MOVED_RETRIES) return reply;
        continue;
      }
      if (repairs === 2) return reply;
      repairs++;
      for (const fresh of missed) await this.broadcast(fresh.name, fresh, [fresh]);
    }
  }

  // ---- control plane

  private async control(
    operation: string,
    body: string,
    meta: CallMeta,
    name: string | undefined,
    input: Json,
  ): Promise<WireReply> {
    if (name === undefined) return this.sendHome(operation, body, meta);
    this.forget(name);
    const shards = operation === "CreateTable" ? this.createShards : 1;
    const before = operation === "CreateTable" ? null : await this.home().tableInfo(name);
    // DeleteTable and UpdateTable describe the table: its counts are those of every
    // partition the home does not hold, read before the home drops or changes the definition.
    const others =
      (operation === "DeleteTable" || operation === "UpdateTable") && before
        ? await Promise.all(
            Array.from({ length: partitionCount(before) }, (_, k) => k)
              .filter((k) => partitionObject(before, k) !== sharedObject(0))
              .map((k) => this.send(before, k, "DescribeTable", JSON.stringify({ TableName: name }), meta)),
          )
        : [];
    const refusal = refusalWhileBuilding(operation, input, others);
    if (refusal) return errorReply(refusal);
    const create = operation === "CreateTable" ? withCluster(meta, { createShards: shards, ownObjects: true }) : meta;
    let reply = await this.sendHome(operation, body, create);
    if (reply.status === 200 && others.length > 0) {
      const out = JSON.parse(reply.body) as { TableDescription: Json };
      for (const other of others) {
        if (other.status === 200) addPartition(out.TableDescription, (JSON.parse(other.body) as { Table: Json }).Table);
      }
      reply = { status: 200, body: JSON.stringify(out) };
    }
    const after = await this.home().tableInfo(name);
    await this.broadcast(name, after, [before, after]);
    this.forget(name);
    return reply;
  }

  private async describeTable(body: string, meta: CallMeta, name: string | undefined): Promise<WireReply> {
    if (name === undefined) return this.sendHome("DescribeTable", body, meta);
    // The layout as the home has it now (a split may have changed it since it was cached).
    this.forget(name);
    const def = await this.table(name);
    // A table in the home alone (created before tables had objects of their own) is described there.
    if (!def || (partitionCount(def) === 1 && partitionObject(def, 0) === sharedObject(0))) {
      if (!def) this.forget(name);
      return this.sendHome("DescribeTable", body, meta);
    }
    const replies = await Promise.all(
      Array.from({ length: partitionCount(def) }, (_, k) => this.send(def, k, "DescribeTable", body, meta)),
    );
    const first = replies[0] as WireReply;
    if (first.status !== 200) {
      this.forget(name);
      return first;
    }
    // Each partition's description, read once; a partition missing the table counts as empty.
    const tables = replies.map((reply) =>
      reply.status === 200 ? (JSON.parse(reply.body) as { Table: Json }).Table : undefined,
    );
    const out = { Table: tables[0] as Json };
    // A restore the home has seen end, which a partition's copy still shows (its object
    // missed the final definition): the copies are told again.
    if (out.Table.RestoreSummary !== undefined && !restoring(def.restore)) {
      await this.broadcast(name, def, [def]);
      delete out.Table.RestoreSummary;
      out.Table.TableStatus = "ACTIVE";
    }
    // Our extension lists the partitions with their hash ranges and what each holds (read
    // before partition 0's description becomes the sum).
    const map = partitionMapOf(def);
    const partitions = tables.map((stats, k) => {
      const { low, high } = partitionRange(map, k);
      return {
        HashStart: low,
        HashEnd: high,
        ItemCount: stats?.ItemCount ?? 0,
        TableSizeBytes: stats?.TableSizeBytes ?? 0,
      };
    });
    // Each partition's own GSI counts, for an index partition held in a table partition's object.
    const gsis = new Map(
      map.partitions.map((entry, k) => [entry.object, structuredClone(tables[k]?.GlobalSecondaryIndexes as Json[])]),
    );
    for (const other of tables.slice(1)) if (other) addPartition(out.Table, other);
    if (isObject(out.Table.DurableDynamoDB)) {
      out.Table.DurableDynamoDB.Partitions = partitions;
      mergePropagation(out.Table.DurableDynamoDB, tables);
    }
    await this.addIndexPartitions(def, out.Table, gsis, body, meta);
    return { status: 200, body: JSON.stringify(out) };
  }

  /**
   * The counts of GSIs kept in partitions of their own, from those partitions (the table's
   * partitions hold none of their entries).
   */
  private async addIndexPartitions(
    def: TableDef,
    into: Json,
    /** The table partitions' own GSI counts (before the sum), by object: not asked again. */
    gsis: Map<string, Json[] | undefined>,
    body: string,
    meta: CallMeta,
  ): Promise<void> {
    const indexes = (def.indexes ?? []).filter(isPartitionedIndex);
    const listed = into.GlobalSecondaryIndexes as Json[] | undefined;
    await Promise.all(
      indexes.map(async (index) => {
        const lists = await Promise.all(
          index.partitions.partitions.map(async (entry, k) => {
            if (gsis.has(entry.object)) return gsis.get(entry.object);
            const reply = await this.sendTo(this.indexObject(index, k), "DescribeTable", body, meta);
            if (reply.status !== 200) return undefined;
            return (JSON.parse(reply.body) as { Table: Json }).Table.GlobalSecondaryIndexes as Json[] | undefined;
          }),
        );
        const mine = listed?.find((i) => i.IndexName === index.name);
        if (!mine) return;
        // Its entries are counted where its partitions are (one may be a table partition's object).
        mine.ItemCount = 0;
        mine.IndexSizeBytes = 0;
        for (const list of lists) {
          const theirs = list?.find((i) => i.IndexName === index.name);
          if (theirs) addPartition({ GlobalSecondaryIndexes: [mine] }, { GlobalSecondaryIndexes: [theirs] });
        }
      }),
    );
  }

  // ---- one shard

  private async single(
    operation: string,
    body: string,
    meta: CallMeta,
    input: Json,
    pick: (def: TableDef) => number,
  ): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.sendHome(operation, body, meta);
    const reply = await this.withTables([name], meta, async ([def], routed) => {
      let partition: number;
      try {
        partition = pick(def as TableDef);
      } catch (err) {
        if (err instanceof DynamoError) return errorReply(err);
        return this.sendHome(operation, body, routed); // unroutable (invalid key): the home reports it
      }
      return this.send(def as TableDef, partition, operation, body, routed);
    });
    return reply.status === -1 ? this.sendHome(operation, body, meta) : reply;
  }

  // ---- Query of an index: a GSI of a multi-shard table is read from every shard (./gsi.ts)

  private async indexQuery(body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.sendHome("Query", body, meta);
    const reply = await this.withTables([name], meta, async ([table], routed) => {
      const def = table as TableDef;
      const partitioned = partitionedIndex(def, input.IndexName);
      if (partitioned) {
        // A GSI in partitions of its own: the one holding the key condition's partition key.
        const k = indexPartitionOf(def, partitioned, input);
        if (k === undefined) return this.sendHome("Query", body, routed); // invalid: the home reports it
        return this.sendTo(this.indexObject(partitioned, k), "Query", body, routed);
      }
      if (partitionCount(def) > 1 && isGlobalIndex(def, input.IndexName)) {
        return scatterIndexRead("Query", input, def, partitionCount(def), (k) =>
          this.part(def, k).indexRead("Query", body, routed),
        );
      }
      let partition: number;
      try {
        partition = queryPartition(def, input);
      } catch (err) {
        if (err instanceof DynamoError) return errorReply(err);
        return this.sendHome("Query", body, routed);
      }
      return this.send(def, partition, "Query", body, routed);
    });
    return reply.status === -1 ? this.sendHome("Query", body, meta) : reply;
  }

  // ---- SearchVectors: every partition holds its own items' vector rows (./vectors.ts)

  private async searchVectors(body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.sendHome("SearchVectors", body, meta);
    const reply = await this.withTables([name], meta, async ([table], routed) => {
      const def = table as TableDef;
      const partitions = partitionCount(def);
      if (partitions === 1) return this.send(def, 0, "SearchVectors", body, routed);
      const one = searchPartition(def, input);
      if (one !== undefined) return this.send(def, one, "SearchVectors", body, routed);
      return scatterSearch(input, def, partitions, (k) => this.send(def, k, "SearchVectors", body, routed));
    });
    return reply.status === -1 ? this.sendHome("SearchVectors", body, meta) : reply;
  }

  // ---- Scan

  private async scan(body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const name = stringOf(input.TableName);
    if (name === undefined) return this.sendHome("Scan", body, meta);
    const reply = await this.withTables([name], meta, async ([table], routed) => {
      const def = table as TableDef;
      const partitions = partitionCount(def);
      const partitioned = partitionedIndex(def, input.IndexName);
      if (partitioned) {
        const count = partitioned.partitions.partitions.length;
        if (count === 1) return this.sendTo(this.indexObject(partitioned, 0), "Scan", body, routed);
        return scatterIndexRead("Scan", input, def, count, (k) =>
          this.stub(this.indexObject(partitioned, k)).indexRead("Scan", body, routed),
        );
      }
      if (partitions === 1) return this.send(def, 0, "Scan", body, routed);
      if (isGlobalIndex(def, input.IndexName)) {
        return scatterIndexRead("Scan", input, def, partitions, (k) =>
          this.part(def, k).indexRead("Scan", body, routed),
        );
      }
      let first = 0;
      let last = partitions - 1;
      const { Segment: segment, TotalSegments: total } = input;
      if (segment !== undefined || total !== undefined) {
        if (!validSegment(segment, total)) return this.sendHome("Scan", body, routed); // the home reports it
        [first, last] = partitionsOfSegment(def, segment, total as number);
      }
      let start = first;
      if (input.ExclusiveStartKey !== undefined) {
        try {
          start = partitionOfKeyValue(def, keyValue(def, input.ExclusiveStartKey));
        } catch {
          return this.send(def, first, "Scan", body, routed); // the partition reports the bad key
        }
        // A key outside the segment: the partition reports it (or, out of range, its own answer).
        if (start < first || start > last) return this.send(def, start, "Scan", body, routed);
      }
      if (input.IndexName === undefined) {
        return scanShards(def, start, last, input, routed, (k, request, m) =>
          this.part(def, k).indexRead("Scan", request, m),
        );
      }
      return this.scanFrom(def, start, last, body, routed, input);
    });
    return reply.status === -1 ? this.sendHome("Scan", body, meta) : reply;
  }

  /**
   * One Scan page from shards start..last in order: a shard's page that ends with a
   * LastEvaluatedKey (Limit or the 1 MB size reached) ends the call; a shard exhausted
   * without one leaves Limit room (a page stopped by Limit always has a key), so the scan
   * goes on into the next shard from its start, with the remaining Limit. Used for LSI
   * scans, whose filter may need table attributes only the shard fetches: their merged
   * pages may exceed 1 MB (up to one page per shard). The table's own Scan: ./scan.ts.
   */
  private async scanFrom(
    def: TableDef,
    start: number,
    last: number,
    body: string,
    meta: CallMeta,
    input: Json,
  ): Promise<WireReply> {
    let merged: Json | undefined;
    let request = body;
    let limit = typeof input.Limit === "number" ? input.Limit : undefined;
    for (let k = start; k <= last; k++) {
      const reply = await this.send(def, k, "Scan", request, meta);
      if (reply.status !== 200) return reply;
      const page = JSON.parse(reply.body) as Json;
      merged = merged ? mergeReadPage(merged, page) : page;
      if (page.LastEvaluatedKey !== undefined) break;
      if (limit !== undefined) {
        limit -= typeof page.ScannedCount === "number" ? page.ScannedCount : 0;
        if (limit <= 0) break;
      }
      const next: Json = { ...input };
      delete next.ExclusiveStartKey;
      if (limit !== undefined) next.Limit = limit;
      request = JSON.stringify(next);
    }
    return { status: 200, body: JSON.stringify(merged ?? {}) };
  }

  // ---- batches

  private async batch(operation: string, body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const requestItems = input.RequestItems;
    if (!isObject(requestItems)) return this.sendHome(operation, body, meta);
    const names = Object.keys(requestItems);
    const isWrite = operation === "BatchWriteItem";
    const reply = await this.withTables(names, meta, async (defs, routed) => {
      let groups: Map<string, Json>;
      try {
        groups = isWrite ? splitWrites(defs, requestItems, this.tenant) : splitGets(defs, requestItems, this.tenant);
      } catch (err) {
        if (!(err instanceof Unroutable) && !(err instanceof TypeError)) throw err;
        return this.sendHome(operation, body, routed);
      }
      if (groups.size === 0) return this.sendHome(operation, body, routed);
      if (groups.size === 1) return this.sendTo(groups.keys().next().value as string, operation, body, routed);
      try {
        // The request's own checks before any shard applies its part.
        // A write batch is checked whole against the tables (keys, index keys, duplicates),
        // as one shard would check it: DynamoDB refuses a batch with one bad request whole.
        if (isWrite) {
          const byName = new Map(defs.map((def) => [def.name, def]));
          planBatchWrite((table) => byName.get(table) as TableDef, checkRequest(batchWriteItem, input));
        } else checkRequest(batchGetItem, input);
      } catch (err) {
        if (err instanceof DynamoError) return errorReply(err);
        throw err;
      }
      const entries = [...groups.entries()].sort(byName);
      const settled = await Promise.allSettled(
        entries.map(async ([k, items]) => {
          reach("router:batch-shard");
          return this.sendTo(k, operation, JSON.stringify({ ...input, RequestItems: items }), routed);
        }),
      );
      // A shard that failed (unreachable, or a server error) leaves its part unprocessed
      // while the others' parts stand, as DynamoDB answers a batch partly done; a client
      // error (its checks against the table) is the answer, as on one shard.
      const pages: Json[] = [];
      let lost: WireReply | undefined;
      for (const [i, result] of settled.entries()) {
        const reply: WireReply =
          result.status === "fulfilled"
            ? result.value
            : errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
        if (result.status === "rejected") console.error(`durable-dynamodb: ${operation} shard failed`, result.reason);
        if (reply.status === 200) pages.push(JSON.parse(reply.body) as Json);
        else if (reply.status < 500) return reply;
        else {
          lost ??= reply;
          const items = (entries[i] as [string, Json])[1];
          pages.push(isWrite ? { UnprocessedItems: items } : { UnprocessedKeys: items });
        }
      }
      // Nothing done at all: the failure itself is the answer.
      if (lost && settled.every((r) => r.status === "rejected" || r.value.status >= 500)) return lost;
      const merged = isWrite ? mergeBatchWrite(pages, defs, requestItems) : mergeBatchGet(pages, requestItems);
      return { status: 200, body: JSON.stringify(merged) };
    });
    return reply.status === -1 ? this.sendHome(operation, body, meta) : reply;
  }

  // ---- transactions

  private async transact(operation: string, body: string, meta: CallMeta, input: Json): Promise<WireReply> {
    const items = Array.isArray(input.TransactItems) ? (input.TransactItems as unknown[]) : undefined;
    if (!items) return this.sendHome(operation, body, meta);
    const actions: Json[] = [];
    for (const item of items) {
      const action = isObject(item) ? Object.values(item)[0] : undefined;
      if (!isObject(action) || stringOf(action.TableName) === undefined) return this.sendHome(operation, body, meta);
      actions.push(action);
    }
    const names = [...new Set(actions.map((a) => a.TableName as string))];
    const token = operation === "TransactWriteItems" ? stringOf(input.ClientRequestToken) : undefined;
    const reply = await this.withTables(names, meta, async (defs, routed) => {
      const byName = new Map(defs.map((d) => [d.name, d]));
      const owners: string[] = [];
      try {
        for (const action of actions) {
          const def = byName.get(action.TableName as string) as TableDef;
          const partition = partitionOfKeyValue(def, keyValue(def, action.Key ?? action.Item));
          owners.push(objectName(this.tenant, partitionObject(def, partition)));
        }
      } catch {
        return this.sendHome(operation, body, routed); // an invalid key: the home reports it
      }
      const distinct = new Set(owners);
      // One object runs it alone, unless a token must be remembered where every retry of
      // it meets it (a coordinator named after the token).
      const spread = defs.some((d) => partitionCount(d) > 1);
      if (distinct.size <= 1 && !(token !== undefined && spread)) {
        return owners[0] === undefined
          ? this.sendHome(operation, body, routed)
          : this.sendTo(owners[0], operation, body, routed);
      }
      return this.twoPhase(operation, input, owners, token, routed);
    });
    return reply.status === -1 ? this.sendHome(operation, body, meta) : reply;
  }

  /** A transaction over several shards, handed to its coordinator object (src/txn/coordinator.ts). */
  private async twoPhase(
    operation: string,
    input: Json,
    owners: string[],
    token: string | undefined,
    meta: CallMeta,
  ): Promise<WireReply> {
    const kind = operation === "TransactWriteItems" ? "write" : "read";
    try {
      // The request's own checks first, as the shard makes them before touching a table.
      if (kind === "write") checkRequest(transactWriteItems, input);
      else checkRequest(transactGetItems, input);
    } catch (err) {
      if (err instanceof DynamoError) return errorReply(err);
      throw err;
    }
    const items = input.TransactItems as unknown[];
    const rest: Json = { ...input };
    delete rest.ClientRequestToken;
    const byObject = new Map<string, number[]>();
    owners.forEach((object, index) => {
      const list = byObject.get(object);
      if (list) list.push(index);
      else byObject.set(object, [index]);
    });
    const shares = [...byObject.entries()].sort(byName).map(([shard, indices]) => ({
      shard,
      indices,
      body: JSON.stringify({ ...rest, TransactItems: indices.map((i) => items[i]) }),
    }));
    const id = crypto.randomUUID();
    const name = coordinatorName(this.tenant, id, token);
    const plan: TxnPlan = { id, name, kind, shares, count: items.length, meta };
    if (token !== undefined) plan.digest = requestDigest(input.TransactItems);
    const ns = (this.ns ??= this.locate());
    try {
      return await ns.get(ns.idFromName(name)).coordinate(plan);
    } catch (err) {
      // The coordinator crashed or was evicted mid-call: its alarm finishes the transaction.
      console.error(`durable-dynamodb: transaction ${id}: coordinator failed`, err);
      return errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
    }
  }
}

// ---- helpers

function withCluster(meta: CallMeta, cluster: ClusterMeta): CallMeta {
  return { ...meta, cluster: { ...meta.cluster, ...cluster } };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The table name of a table (or index) ARN: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/...]. */
function tableOfArn(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  return /:table\/([^/]+)/.exec(arn)?.[1];
}

function isNotFound(reply: WireReply): boolean {
  return reply.status === 400 && reply.body.includes("#ResourceNotFoundException");
}

/** Entries in the order of their names (object names: shares and batch parts go in one order). */
function byName(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function isMoved(reply: WireReply): boolean {
  return reply.status === 503 && reply.body.includes("#PartitionMovedException");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The GSI `indexName` of `def` when it is kept in partitions of its own. */
function partitionedIndex(def: TableDef, indexName: unknown): (IndexDef & { partitions: PartitionMap }) | undefined {
  const index = typeof indexName === "string" ? def.indexes?.find((i) => i.name === indexName) : undefined;
  return index && index.kind === "GSI" && isPartitionedIndex(index) ? index : undefined;
}

/**
 * Sums the table partitions' pending index changes (DescribeTable's extension, from
 * src/ops/table-description.ts) into the first's: counts added, the largest lag kept.
 */
function mergePropagation(into: Json, tables: (Json | undefined)[]): void {
  const list = into.GlobalSecondaryIndexes as Json[] | undefined;
  for (const entry of list ?? []) {
    let pending = 0;
    let lag = 0;
    for (const table of tables) {
      const ext = table?.DurableDynamoDB as Json | undefined;
      const theirs = (ext?.GlobalSecondaryIndexes as Json[] | undefined)?.find((i) => i.IndexName === entry.IndexName);
      pending += Number(theirs?.PendingChanges ?? 0);
      lag = Math.max(lag, Number(theirs?.LagMillis ?? 0));
    }
    entry.PendingChanges = pending;
    entry.LagMillis = lag;
  }
}

function isGlobalIndex(def: TableDef, indexName: unknown): boolean {
  return typeof indexName === "string" && def.indexes?.find((i) => i.name === indexName)?.kind === "GSI";
}

function validSegment(segment: unknown, total: unknown): segment is number {
  return (
    typeof segment === "number" &&
    typeof total === "number" &&
    Number.isInteger(segment) &&
    Number.isInteger(total) &&
    total >= 1 &&
    total <= 1_000_000 &&
    segment >= 0 &&
    segment < total
  );
}

/**
 * A Query's partition: that of the partition key value its key condition fixes (LSIs share
 * the table's partition key; GSI queries of a multi-partition table go to indexQuery instead).
 */
function queryPartition(def: TableDef, input: Json): number {
  if (partitionCount(def) === 1) return 0;
  let leaves: ReturnType<typeof leavesOfExpression> | undefined;
  try {
    // The Query operation's own checks compile the key condition; an invalid request
    // goes to shard 0 unchanged, which reports it.
    leaves = checkRequest(query, input).keyLeaves;
  } catch {
    throw new Unroutable();
  }
  const hash = hashKeyOf(def).name;
  const leaf = leaves?.find((l) => l.name === hash && l.condition.op === "=");
  if (!leaf || !("value" in leaf.condition)) throw new Unroutable();
  return partitionOfKeyValue(def, leaf.condition.value);
}

/**
 * Adds one partition's description to the table's: its counts and sizes, and its index
 * builds (an index is still CREATING, and backfilling, while any partition builds it).
 */
function addPartition(into: Json, from: Json): void {
  sumStats(into, from);
  for (const kind of ["LocalSecondaryIndexes", "GlobalSecondaryIndexes", "VectorIndexes"]) {
    const mine = into[kind] as Json[] | undefined;
    const theirs = from[kind] as Json[] | undefined;
    for (const index of mine ?? []) {
      const match = theirs?.find((i) => i.IndexName === index.IndexName);
      if (!match) continue;
      sumStats(index, match, "IndexSizeBytes");
      if (match.IndexStatus === "CREATING" && index.IndexStatus === "ACTIVE") {
        index.IndexStatus = "CREATING";
        index.Backfilling = match.Backfilling;
      } else if (match.Backfilling === true && index.IndexStatus === "CREATING") index.Backfilling = true;
    }
  }
}

function sumStats(into: Json, from: Json, sizeField = "TableSizeBytes"): void {
  for (const field of ["ItemCount", sizeField]) {
    if (typeof into[field] === "number" && typeof from[field] === "number") {
      into[field] = (into[field] as number) + (from[field] as number);
    }
  }
}
