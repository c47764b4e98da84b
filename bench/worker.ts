// The in-object bench: a Durable Object class that *is* the engine's shard (it extends
// DynamoShard, so `this.handle(operation, body, meta)` is exactly what the wire calls), plus
// raw-SQLite equivalents run in the same object, on the same SQLite database, over a copy of
// the same rows in a table of the same layout as `items`. Every workload is a loop of N
// operations inside one RPC; bench/run.mjs times the RPC from Node (workerd's clocks do not
// advance during synchronous code) and sizes N to the sample duration it wants.
//
// Built by `wrangler deploy --dry-run` with bench/wrangler.toml, loaded by bench/run.mjs.
import { compileCondition } from "../src/expr/compile-condition";
import { compileProjection } from "../src/expr/compile-projection";
import { compileUpdate } from "../src/expr/compile-update";
import { ExpressionContext } from "../src/expr/context";
import { evaluateCondition } from "../src/expr/evaluate";
import { parseCache } from "../src/expr/parse";
import { keyOfItem } from "../src/keys/item-key";
import { itemSize } from "../src/values/size";
import { canonicalItemSize } from "../src/values/canonical";
import { pushDown } from "../src/query/push-down";
import { DynamoShard } from "../src/shard";
import type { AttributeValue, Item } from "../src/types";
import type { TableDef } from "../src/schema/table-def";
import { MATCH_CATEGORY, makeItem, partitionKey, rng, sortKey } from "./data.mjs";
import { clusterCall, type ClusterEnv } from "./cluster-worker";
import { gsiCall, type GsiEnv } from "./gsi-bench";
import { vectorFloorReady, vectorLoad, vectorRecall, vectorRun, vectorSetup, type VectorHost } from "./vector-bench";
import type { CallMeta, WireReply } from "../src/protocol/reply";

interface BenchEnv extends ClusterEnv, GsiEnv {
  BENCH: DurableObjectNamespace<BenchShard>;
}

/** Figures F, G and I run in the Worker (bench/cluster-worker.ts, bench/gsi-bench.ts), not in the bench object. */
const WORKER_METHODS = /^(client|doc|sdk|raw|shards|gsi)\./;

const META = { region: "us-east-1", host: "bench" };
/** Distinct requests per point workload, cycled through (built once, outside the timed loop). */
const POOL = 1024;

/** Filter of figure B: `category = :c` (1% of the items), exactly translatable to SQL. */
const FILTER_SQL = {
  FilterExpression: "category = :c",
  ExpressionAttributeValues: { ":c": { S: MATCH_CATEGORY } },
};
/**
 * The same filter made untranslatable: `#q` names an attribute no item has, and a name
 * containing `"` has no JSON path (src/query/filter-sql.ts refuses it), so the whole OR is
 * evaluated in TypeScript by readPage. The result set is the same as FILTER_SQL's.
 */
const FILTER_TS = {
  FilterExpression: "category = :c OR #q = :c",
  ExpressionAttributeNames: { "#q": 'no"such' },
  ExpressionAttributeValues: { ":c": { S: MATCH_CATEGORY } },
};

/** Expressions of figure E, one per kind, typical in size. */
const EXPRESSIONS = {
  condition: {
    text: "attribute_exists(#pk) AND #st IN (:a, :b) AND (price BETWEEN :lo AND :hi OR begins_with(title, :t)) AND size(tags) > :two",
    names: { "#pk": "pk", "#st": "status" },
    values: {
      ":a": { S: "open" },
      ":b": { S: "held" },
      ":lo": { N: "10" },
      ":hi": { N: "99" },
      ":t": { S: "Item" },
      ":two": { N: "2" },
    },
  },
  update: {
    text: "SET #t = :t, quantity = if_not_exists(quantity, :zero) + :one, history = list_append(history, :h) REMOVE obsolete ADD n :one",
    names: { "#t": "title" },
    values: { ":t": { S: "renamed" }, ":zero": { N: "0" }, ":one": { N: "1" }, ":h": { L: [{ S: "x" }] } },
  },
  projection: {
    text: "pk, sk, title, #o.#nm, history[0].what, tags, price",
    names: { "#o": "owner", "#nm": "name" },
    values: undefined,
  },
} as const;

type Layout = "grid" | "flat";

interface PoolEntry {
  pk: ArrayBuffer;
  sk: ArrayBuffer;
  item: Item;
  /** The item's size as DynamoDB counts it (the `size` column). */
  size: number;
  body: string;
}

export interface RunResult {
  n: number;
  /** Workload-specific: items returned, matches found... checked by run.mjs. */
  check: number;
  /** Time taken inside the object, milliseconds. */
  ms?: number;
}

export class BenchShard extends DynamoShard {
  private readonly benchPools = new Map<string, PoolEntry[]>();
  private readonly echoes = new Map<string, string>();
  private rawOpReady = false;
  /** Figure V: the alarm (which builds a large vector index's lists) waits while exact searches are timed. */
  private benchHoldAlarms = false;

  override async alarm(): Promise<void> {
    if (!this.benchHoldAlarms) await super.alarm();
  }

  /** Figure V: runs the housekeeping alarm until the large vector index's lists are built. */
  private async benchBuildLists(): Promise<{ steps: number; ms: number }> {
    this.benchHoldAlarms = false;
    const start = Date.now();
    for (let steps = 0; steps < 100_000; steps++) {
      const built = this.ctx.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM vector_lists WHERE assigned_after IS NULL")
        .one().n;
      if (built > 0) return { steps, ms: Date.now() - start };
      await super.alarm();
    }
    throw new Error("the vector index's lists were never built");
  }

  /** Figure F's raw RPC: records the reply `benchEcho` answers for an operation. */
  benchPrimeEcho(operation: string, reply: string): void {
    this.echoes.set(operation, reply);
  }

  /** Figure F's raw RPC: the signature of `handle`, answering the recorded reply (no engine). */
  benchEcho(operation: string, body: string, meta: CallMeta): WireReply {
    void body;
    void meta;
    return { status: 200, body: this.echoes.get(operation) ?? "{}" };
  }

  /**
   * Figure F's storage floor: the signature of `handle`, doing the least storage work the
   * operation needs in raw SQLite and answering the recorded reply: the request's JSON
   * parsed; writes as `JSON.stringify` text upserted in place (the layout of `raw_items`:
   * rowid table + unique key index), one transaction per call; reads select the stored
   * text (a server storing wire JSON returns it as it is). No validation, no engine.
   */
  benchRawOp(operation: string, body: string, meta: CallMeta): WireReply {
    void meta;
    const sql = this.ctx.storage.sql;
    if (!this.rawOpReady) {
      sql.exec(
        "CREATE TABLE IF NOT EXISTS raw_op (pk TEXT NOT NULL, sk TEXT NOT NULL, doc TEXT NOT NULL); " +
          "CREATE UNIQUE INDEX IF NOT EXISTS raw_op_key ON raw_op (pk, sk)",
      );
      this.rawOpReady = true;
    }
    type Wire = Record<string, { S: string }>;
    const put = (item: Wire) =>
      sql.exec(
        "INSERT INTO raw_op (pk, sk, doc) VALUES (?, ?, ?) ON CONFLICT (pk, sk) DO UPDATE SET doc = excluded.doc",
        item.pk!.S,
        item.sk!.S,
        JSON.stringify(item),
      );
    const input = JSON.parse(body) as {
      Item?: Wire;
      Key?: Wire;
      ExpressionAttributeValues?: Wire;
      RequestItems?: Record<string, { PutRequest: { Item: Wire } }[]>;
      TransactItems?: { Put: { Item: Wire } }[];
    };
    let read = 0;
    switch (operation) {
      case "PutItem":
        put(input.Item!);
        break;
      case "GetItem":
        for (const row of sql.exec<{ doc: string }>(
          "SELECT doc FROM raw_op WHERE pk = ? AND sk = ?",
          input.Key!.pk!.S,
          input.Key!.sk!.S,
        ))
          read += row.doc.length;
        break;
      case "Query":
        for (const row of sql.exec<{ doc: string }>(
          "SELECT doc FROM raw_op WHERE pk = ? ORDER BY sk LIMIT 100",
          input.ExpressionAttributeValues![":p"]!.S,
        ))
          read += row.doc.length;
        break;
      case "BatchWriteItem":
        this.ctx.storage.transactionSync(() => {
          for (const requests of Object.values(input.RequestItems!)) for (const r of requests) put(r.PutRequest.Item);
        });
        break;
      case "TransactWriteItems":
        this.ctx.storage.transactionSync(() => {
          for (const t of input.TransactItems!) put(t.Put.Item);
        });
        break;
      default:
        throw new Error(`benchRawOp: ${operation}`);
    }
    if (operation === "GetItem" && read === 0) throw new Error("benchRawOp: GetItem found nothing");
    return { status: 200, body: this.echoes.get(operation) ?? "{}" };
  }

  /** One RPC entry point for run.mjs (through the bench worker's fetch). */
  benchCall(method: string, args: unknown[]): unknown {
    switch (method) {
      case "createTable":
        return this.benchCreateTable(args[0] as string, args[1] as Layout);
      case "load":
        return this.benchLoad(args[0] as string, args[1] as Layout, args[2] as number, args[3] as number);
      case "copyRaw":
        return this.benchCopyRaw(args[0] as string);
      case "checks":
        return this.benchChecks();
      case "run":
        return this.benchTimed(args[0] as string, args[1] as number, args[2] as string);
      case "scanPage":
        return this.benchScanPage(args[0] as string, args[1] as string | undefined);
      case "vecSetup":
        return vectorSetup(this.vectorHost(), args[0] as number, args[1] as boolean);
      case "vecLoad":
        return vectorLoad(
          this.vectorHost(),
          args[0] as string,
          args[1] as number,
          args[2] as number,
          args[3] as number,
        );
      case "vecFloor":
        return vectorFloorReady(this.vectorHost(), args[0] as string);
      case "vecHold":
        this.benchHoldAlarms = true;
        return true;
      case "vecBuildLists":
        return this.benchBuildLists();
      case "vecRecall":
        return vectorRecall(this.vectorHost(), args[0] as string, args[1] as number);
      default:
        throw new Error(`unknown bench method ${method}`);
    }
  }

  private vectorHost(): VectorHost {
    return { handle: (operation, body, meta) => this.handleNow(operation, body, meta), sql: this.ctx.storage.sql };
  }

  /** `handle` of a table held here alone: answered synchronously (no GSI in partitions of its own). */
  private handleNow(operation: string, body: string, meta: CallMeta): WireReply {
    const reply = this.handle(operation, body, meta);
    if (reply instanceof Promise) throw new Error(`${operation} waited for index propagation`);
    return reply;
  }

  private benchEngine(operation: string, request: unknown): string {
    const reply = this.handleNow(operation, JSON.stringify(request), META);
    if (reply.status !== 200) throw new Error(`${operation} failed: ${reply.body}`);
    return reply.body;
  }

  /** Figure M: one Scan page (1 MB) of a table; the caller keeps only the count and the LEK. */
  private benchScanPage(table: string, after: string | undefined): { count: number; after?: string } {
    const request = { TableName: table, ...(after ? { ExclusiveStartKey: JSON.parse(after) as unknown } : {}) };
    const out = JSON.parse(this.benchEngine("Scan", request)) as { Count: number; LastEvaluatedKey?: unknown };
    return { count: out.Count, ...(out.LastEvaluatedKey ? { after: JSON.stringify(out.LastEvaluatedKey) } : {}) };
  }

  private benchCreateTable(name: string, layout: Layout): void {
    const keys = layout === "grid" ? ["pk", "sk"] : ["pk"];
    this.benchEngine("CreateTable", {
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: "S" })),
      KeySchema: keys.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? "HASH" : "RANGE" })),
    });
  }

  /** Items [from, to) through the engine's PutItem. grid: 100 items per partition; flat: hash-only. */
  private benchLoad(table: string, layout: Layout, from: number, to: number): number {
    for (let i = from; i < to; i++) {
      const item =
        layout === "grid"
          ? makeItem(i, partitionKey(Math.floor(i / 100)), sortKey(i % 100))
          : makeItem(i, partitionKey(i), undefined);
      this.benchEngine("PutItem", { TableName: table, Item: item });
    }
    return to - from;
  }

  private benchTableDef(table: string): TableDef {
    const def = this.tableInfo(table);
    if (!def) throw new Error(`no table ${table}`);
    return def;
  }

  private benchTid(table: string): number {
    const row = this.ctx.storage.sql.exec<{ tid: number }>("SELECT tid FROM tables WHERE name = ?", table).one();
    return row.tid;
  }

  /**
   * raw_items: the layout of `items` (rowid table + unique key index), holding a copy of a
   * table's rows with their documents as JSON text, the raw comparators' natural form.
   */
  private benchCopyRaw(table: string): number {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS raw_items (id INTEGER PRIMARY KEY, tid INTEGER NOT NULL, pk BLOB NOT NULL, " +
        "sk BLOB NOT NULL, doc TEXT NOT NULL, size INTEGER NOT NULL)",
    );
    sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS raw_items_key ON raw_items (tid, pk, sk)");
    sql.exec("DELETE FROM raw_items");
    sql.exec(
      "INSERT INTO raw_items (id, tid, pk, sk, doc, size) SELECT NULL, tid, pk, sk, json(doc), size FROM items " +
        "WHERE tid = ? ORDER BY id",
      this.benchTid(table),
    );
    return sql.exec<{ n: number }>("SELECT count(*) AS n FROM raw_items").one().n;
  }

  /** What run.mjs asserts before trusting figure B: each filter takes the path it is meant to. */
  private benchChecks(): Record<string, boolean> {
    const sqlPath = pushDown(compileFilter(FILTER_SQL));
    const tsPath = pushDown(compileFilter(FILTER_TS));
    return {
      sqlFilterFullyPushedDown: sqlPath.sql !== undefined && sqlPath.residual === undefined,
      tsFilterNotPushedDown: tsPath.sql === undefined && tsPath.residual !== undefined,
    };
  }

  /** Random rows of raw_items (the same rows for engine and raw variants), with requests built. */
  private benchPool(table: string, kind: string, seed: string): PoolEntry[] {
    const key = `${table}/${kind}/${seed}`;
    const cached = this.benchPools.get(key);
    if (cached) return cached;
    const sql = this.ctx.storage.sql;
    const count = sql.exec<{ n: number }>("SELECT max(id) AS n FROM raw_items").one().n;
    const random = rng(Number(seed) || 1);
    const entries: PoolEntry[] = [];
    for (let k = 0; k < POOL; k++) {
      // `id >= ?`: INSERT OR REPLACE (raw.put) moves rows to new ids, leaving gaps.
      const row = sql
        .exec<{ pk: ArrayBuffer; sk: ArrayBuffer; doc: string }>(
          "SELECT pk, sk, doc FROM raw_items WHERE id >= ? ORDER BY id LIMIT 1",
          1 + random(count),
        )
        .one();
      const item = JSON.parse(row.doc) as Item;
      const keyMap = { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
      const request =
        kind === "put"
          ? { TableName: table, Item: item }
          : kind === "get"
            ? { TableName: table, Key: keyMap }
            : kind === "update"
              ? {
                  TableName: table,
                  Key: keyMap,
                  UpdateExpression: "ADD n :one",
                  ExpressionAttributeValues: { ":one": { N: "1" } },
                }
              : {
                  TableName: table,
                  KeyConditionExpression: "pk = :p",
                  ExpressionAttributeValues: { ":p": item.pk },
                  Limit: 100,
                };
      entries.push({ pk: row.pk, sk: row.sk, item, size: itemSize(item), body: JSON.stringify(request) });
    }
    this.benchPools.set(key, entries);
    return entries;
  }

  /**
   * Runs a workload and times it here (workerd's clock advances during synchronous code
   * under Miniflare): the loop plus storage.sync(), so writes include their commit, and
   * the RPC's own cost (~10 ms through dispatchFetch) is left out.
   */
  private async benchTimed(workload: string, n: number, seed: string): Promise<RunResult> {
    const [family, op] = workload.split(".");
    if (family === "engine" || family === "raw") this.benchPool("grid", poolKind(op as string), seed); // built untimed
    const start = performance.now();
    const result = this.benchRun(workload, n, seed);
    await this.ctx.storage.sync();
    return { ...result, ms: performance.now() - start };
  }

  private benchRun(workload: string, n: number, seed: string): RunResult {
    const [family, op, variant] = workload.split(".") as [string, string, string | undefined];
    if (family === "expr") return expressionLoop(op, variant === "cached", n);
    if (family === "scan") return this.benchScan(op, variant ?? "", n);
    if (family === "vec") return vectorRun(this.vectorHost(), op, n, Number(variant));
    const table = "grid";
    const pool = this.benchPool(table, poolKind(op), seed);
    const sql = this.ctx.storage.sql;
    const tid = this.benchTid(table);
    let check = 0;
    if (family === "engine") {
      const operation = { put: "PutItem", get: "GetItem", update: "UpdateItem", query: "Query" }[op];
      if (!operation) throw new Error(`unknown workload ${workload}`);
      for (let k = 0; k < n; k++) {
        const reply = this.handleNow(operation, (pool[k % POOL] as PoolEntry).body, META);
        if (reply.status !== 200) throw new Error(`${operation} failed: ${reply.body}`);
        check += reply.body.length;
      }
      return { n, check };
    }
    switch (workload) {
      // INSERT OR REPLACE of the JSON doc (on this layout: delete + insert of a new rowid).
      case "raw.put":
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const doc = JSON.stringify(e.item);
          sql.exec(
            "INSERT OR REPLACE INTO raw_items (tid, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?)",
            tid,
            e.pk,
            e.sk,
            doc,
            doc.length,
          );
          check += doc.length;
        }
        return { n, check };
      // The least the engine's PutItem stores by: the request's JSON parsed, the key hashed
      // and encoded (keyOfItem), the item's JSON.stringify written by the engine's own
      // statement (JSONB document; the table's counters kept by trigger). No validation.
      case "raw.parsed": {
        const def = this.benchTableDef(table);
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const item = (JSON.parse(e.body) as { Item: Item }).Item;
          const { pk, sk } = keyOfItem(def, item);
          const doc = JSON.stringify(item);
          sql.exec(
            "INSERT INTO items (tid, pk, sk, doc, size) VALUES (?, ?, ?, jsonb(?), ?) " +
              "ON CONFLICT (tid, pk, sk) DO UPDATE SET doc = excluded.doc, size = excluded.size",
            tid,
            pk,
            sk,
            doc,
            e.size,
          );
          check += doc.length;
        }
        return { n, check };
      }
      // What any PutItem that keeps DynamoDB's contract does before raw's own write: the
      // request's JSON parsed, every value checked and the item sized (types, canonical
      // numbers, non-empty sets without duplicates, the 400 KB limit; canonicalItemSize, the
      // engine's allocation-free path for such items) and the key encoded; then written by
      // raw.put's statement into raw_items. None of the engine's storage choices (JSONB,
      // counters by trigger) and no request dispatch.
      case "raw.checked": {
        const def = this.benchTableDef(table);
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const item = (JSON.parse(e.body) as { Item: Item }).Item;
          const size = canonicalItemSize(item);
          if (size === undefined) throw new Error("raw.checked: a bench item is not canonical");
          const { pk, sk } = keyOfItem(def, item);
          const doc = JSON.stringify(item);
          sql.exec(
            "INSERT OR REPLACE INTO raw_items (tid, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?)",
            tid,
            pk,
            sk,
            doc,
            size,
          );
          check += doc.length;
        }
        return { n, check };
      }
      // The engine's own statement (ItemStore.put): upsert in place.
      case "raw.upsert":
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const doc = JSON.stringify(e.item);
          sql.exec(
            "INSERT INTO raw_items (tid, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?) " +
              "ON CONFLICT (tid, pk, sk) DO UPDATE SET doc = excluded.doc, size = excluded.size",
            tid,
            e.pk,
            e.sk,
            doc,
            doc.length,
          );
          check += doc.length;
        }
        return { n, check };
      case "raw.get":
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const row = sql
            .exec<{ doc: string; size: number }>(
              "SELECT doc, size FROM raw_items WHERE tid = ? AND pk = ? AND sk = ?",
              tid,
              e.pk,
              e.sk,
            )
            .one();
          const item = JSON.parse(row.doc) as Item;
          check += item.pk ? row.size : 0;
        }
        return { n, check };
      // Read, parse, increment the counter, serialise, write back (INSERT OR REPLACE).
      case "raw.update":
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const row = sql
            .exec<{ doc: string }>("SELECT doc FROM raw_items WHERE tid = ? AND pk = ? AND sk = ?", tid, e.pk, e.sk)
            .one();
          const item = JSON.parse(row.doc) as Item;
          item.n = { N: String(Number((item.n as { N: string }).N) + 1) };
          const doc = JSON.stringify(item);
          sql.exec(
            "INSERT OR REPLACE INTO raw_items (tid, pk, sk, doc, size) VALUES (?, ?, ?, ?, ?)",
            tid,
            e.pk,
            e.sk,
            doc,
            doc.length,
          );
          check += doc.length;
        }
        return { n, check };
      // The range read Query does (ItemStore.partitionRange's SQL), plus JSON.parse of each row.
      case "raw.query":
        for (let k = 0; k < n; k++) {
          const e = pool[k % POOL] as PoolEntry;
          const cursor = sql.exec<{ pk: ArrayBuffer; sk: ArrayBuffer; size: number; doc: string }>(
            "SELECT pk, sk, size, doc FROM raw_items WHERE tid = ? AND pk = ? ORDER BY sk ASC LIMIT ?",
            tid,
            e.pk,
            100,
          );
          for (const row of cursor) {
            const item = JSON.parse(row.doc) as Item;
            if (item.pk) check++;
          }
        }
        return { n, check };
      default:
        throw new Error(`unknown workload ${workload}`);
    }
  }

  /** n full scans of the `flat` table; check = matching items found (per scan). */
  private benchScan(path: string, variant: string, n: number): RunResult {
    const table = "flat";
    let matches = 0;
    for (let k = 0; k < n; k++) {
      matches = 0;
      if (path === "engine") {
        const filter = variant === "sql" ? FILTER_SQL : FILTER_TS;
        let start: unknown;
        do {
          const page = JSON.parse(
            this.benchEngine("Scan", { TableName: table, ...filter, ...(start ? { ExclusiveStartKey: start } : {}) }),
          ) as { Count: number; LastEvaluatedKey?: unknown };
          matches += page.Count;
          start = page.LastEvaluatedKey;
        } while (start);
      } else if (path === "raw" && variant === "sql") {
        // The filter in SQL over the stored document, only matching rows come back.
        const rows = this.ctx.storage.sql.exec<{ doc: string }>(
          `SELECT json(doc) AS doc FROM items WHERE tid = ? AND json_extract(doc, '$."category".S') IS ? ORDER BY pk, sk`,
          this.benchTid(table),
          MATCH_CATEGORY,
        );
        for (const row of rows) if (JSON.parse(row.doc)) matches++;
      } else if (path === "raw" && variant === "ts") {
        // What readPage does with a filter that is not translatable: every row's document
        // read and parsed, the compiled filter evaluated by evaluateCondition.
        const filter = compileFilter(FILTER_SQL);
        const rows = this.ctx.storage.sql.exec<{ doc: string }>(
          "SELECT json(doc) AS doc FROM items WHERE tid = ? ORDER BY pk, sk",
          this.benchTid(table),
        );
        for (const row of rows) {
          if (evaluateCondition(filter, JSON.parse(row.doc) as Item, "FilterExpression")) matches++;
        }
      } else {
        throw new Error(`unknown scan workload ${path}.${variant}`);
      }
    }
    return { n, check: matches };
  }
}

/** raw.upsert, raw.parsed and raw.checked replay PutItem's requests. */
function poolKind(op: string): string {
  return op === "upsert" || op === "parsed" || op === "checked" ? "put" : op;
}

function compileFilter(filter: {
  FilterExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
}) {
  return compileCondition(
    filter.FilterExpression,
    "FilterExpression",
    new ExpressionContext(filter.ExpressionAttributeNames, filter.ExpressionAttributeValues),
  );
}

/** Parse + validate (compile) of one expression, n times, with the parse cache cold or warm. */
function expressionLoop(kind: string, cached: boolean, n: number): RunResult {
  const spec = EXPRESSIONS[kind as keyof typeof EXPRESSIONS];
  if (!spec) throw new Error(`unknown expression kind ${kind}`);
  let check = 0;
  for (let k = 0; k < n; k++) {
    if (!cached) parseCache.clear();
    const ctx = new ExpressionContext(spec.names, spec.values as Record<string, AttributeValue> | undefined);
    if (kind === "condition") check += compileCondition(spec.text, "ConditionExpression", ctx).kind.length;
    else if (kind === "update") check += compileUpdate(spec.text, ctx).set.length;
    else check += compileProjection(spec.text, ctx).length;
  }
  return { n, check };
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const { method, args } = (await request.json()) as { method: string; args: unknown[] };
    if (WORKER_METHODS.test(method)) {
      try {
        const result = method.startsWith("gsi.")
          ? await gsiCall(method, args, env)
          : await clusterCall(method, args, env);
        return Response.json({ ok: true, result });
      } catch (err) {
        return Response.json({ ok: false, error: String((err as Error).stack ?? err) }, { status: 500 });
      }
    }
    const stub = env.BENCH.get(env.BENCH.idFromName("bench"));
    try {
      const result = await stub.benchCall(method, args);
      return Response.json({ ok: true, result });
    } catch (err) {
      return Response.json({ ok: false, error: String((err as Error).stack ?? err) }, { status: 500 });
    }
  },
} satisfies ExportedHandler<BenchEnv>;
