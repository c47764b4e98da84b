// Figures F, G and M of `npm run bench`, run in the same workerd as the in-object phases
// (bench/worker.ts + bench/cluster-worker.ts). `ctx` carries run.mjs's plumbing:
// { rpc, figure, record, progress, config, median }.
//
//   F   the SDK-compatible client inside a Worker vs a raw Durable Object RPC round trip
//       with the same bytes, the SDK's own per-call cost measured alongside
//   G   shards: key balance over 16 shards; point-write throughput on 1, 4 and 16 shards
//   M   memory: peak resident memory of workerd while scanning a table page by page
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const OPS = ["get", "put", "query", "batch", "txn"];
const WIRE = { get: "GetItem", put: "PutItem", query: "Query", batch: "BatchWriteItem", txn: "TransactWriteItems" };
const LABEL = { batch: "BatchWriteItem (25 items)", txn: "TransactWriteItems (4 items)", query: "Query (100 items)" };
const METHODS = [
  "client.loop",
  "doc.loop",
  "sdk.loop",
  "sdk.echo",
  "sdk.echo.same",
  "sdk.rawop",
  "raw.loop",
  "raw.engine",
];
/** The DocumentClient comparison is made for the point operations and Query only. */
const methodsOf = (op) => (op === "batch" || op === "txn" ? METHODS.filter((m) => m !== "doc.loop") : METHODS);

/** Seconds taken by `rpc(method, ...args)` as seen from Node, minus the RPC's own cost. */
export async function timed(ctx, base, method, ...args) {
  const start = performance.now();
  const check = await ctx.rpc(method, ...args);
  const total = (performance.now() - start) / 1000;
  // The empty call's cost is noisy on a loaded machine: never let it eat most of a sample.
  return { seconds: Math.max(total / 2, total - base), check };
}

/** The cost of one empty dispatchFetch round trip (median of 5), subtracted from samples. */
export async function baseline(ctx) {
  const times = [];
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    await ctx.rpc("client.loop", "get", 0);
    times.push((performance.now() - start) / 1000);
  }
  return ctx.median(times);
}

/** N such that `method(op, N)` lasts about the sample duration. */
export async function calibrate(ctx, base, method, op) {
  // At least half a second per sample in a full run: each sample pays one dispatchFetch. A
  // quick run only checks that the figures are produced.
  const sampleSec = ctx.config.quick ? ctx.config.sampleSec : Math.max(ctx.config.sampleSec, 0.5);
  for (let n = 16; ; n *= 4) {
    const { seconds } = await timed(ctx, base, method, op, n);
    if (seconds >= sampleSec / 4 || n >= 1_000_000) return Math.max(32, Math.round((n * sampleSec) / seconds));
  }
}

/**
 * F: per operation, what the client adds beyond the SDK's own cost (the same client with an
 * in-process handler), against what an SDK client whose handler makes one raw RPC adds: the
 * echo (goal 1 of issue 24) and the storage floor (the RPC doing the operation's SQLite work
 * raw). When the storage floor itself is past the goal, the goal is out of reach for any
 * client storing its items in a Durable Object, and the run says so (`stoppedBy`).
 */
export async function phaseF(ctx) {
  ctx.progress("bench: F setting up the client table");
  await ctx.rpc("client.setup");
  const base = await baseline(ctx);
  const entries = {};
  const info = (op, key, name, refLabel, ratioMeaning, extra = {}) =>
    (entries[`${op}.${key}`] = ctx.figure({
      id: `F.${op}.${key}`,
      group: "F",
      name: `  information (${LABEL[op] ?? WIRE[op]}): ${name}`,
      unit: "µs/op",
      refLabel,
      ratio: "ours/ref",
      ratioMeaning,
      goal: null,
      ...extra,
    }));
  for (const op of OPS) {
    entries[`${op}.floor`] = ctx.figure({
      id: `F.${op}.floor`,
      group: "F",
      name: `${LABEL[op] ?? WIRE[op]} via the client in a Worker: what it adds beyond the SDK vs what an SDK handler doing only the echo RPC adds`,
      unit: "µs/op",
      refLabel: "SDK + echo RPC",
      ratio: "ours/ref",
      ratioMeaning: "(client µs - SDK-alone µs) / (SDK-with-echo-RPC µs - SDK-alone µs)",
      // Query: the SDK's own parse of 100 items (2-3 ms) varies between samples by more than
      // the whole difference measured, which comes out negative as often as not: information.
      goal: op === "query" ? null : { op: "<=", value: 1.5 },
      stoppedBy: `F.${op}.storage`,
      note: "client = durable-dynamodb's DynamoDBClient -> router -> shard RPC -> engine; SDK alone = the same client with an in-process handler answering the recorded reply; SDK + echo RPC = the same client whose handler only gets a stub and sends the SDK's body to an RPC answering the recorded reply (no router, no engine, no storage): in workerd SDK and RPC costs are not additive, and a handler serving more than one request needs a stub per call (workerd refuses a stub made in another request's context)",
    });
    info(
      op,
      "storage",
      "the storage floor (an SDK handler whose RPC does the operation's SQLite work raw) vs the echo floor",
      "SDK + echo RPC",
      "(SDK-with-storage-RPC µs - SDK-alone µs) / (SDK-with-echo-RPC µs - SDK-alone µs): above the goal, the goal is out of reach",
      {
        note: "storage RPC = benchRawOp in bench/worker.ts: the request's JSON parsed, the item(s) written as JSON.stringify text with INSERT OR REPLACE (one transaction per call) or read with a point/range SELECT and JSON.parse, the recorded reply answered",
      },
    );
    info(
      op,
      "stub",
      "the echo floor with a stub per call (as a client serving many requests must) vs one stub for the whole loop",
      "SDK + echo, one stub",
      "(SDK-with-echo µs - SDK-alone µs) / (same with one stub µs - SDK-alone µs)",
    );
    info(
      op,
      "vsstorage",
      "what the client adds beyond the SDK vs what the storage floor adds",
      "SDK + storage RPC",
      "(client µs - SDK-alone µs) / (SDK-with-storage-RPC µs - SDK-alone µs)",
    );
    info(
      op,
      "rawrpc",
      "what the client adds beyond the SDK vs a raw DO RPC with the same bytes (no SDK)",
      "raw RPC",
      "(client µs - SDK-alone µs) / raw RPC µs",
    );
    info(
      op,
      "engine",
      "client total vs the engine over raw RPC (handle, what the router calls)",
      "RPC + engine",
      "client µs / raw RPC to the engine µs",
    );
    if (methodsOf(op).includes("doc.loop"))
      info(
        op,
        "doc",
        "through lib-dynamodb's DocumentClient (native values) vs the low-level client",
        "low-level client",
        "DocumentClient µs / low-level client µs",
      );
    info(op, "sdk", "client total vs the SDK alone (no transport, no engine)", "SDK alone", "client µs / SDK-alone µs");
  }
  const n = {};
  for (const op of OPS) {
    for (const method of methodsOf(op)) {
      ctx.progress(`bench: F calibrating ${method} ${op}`);
      n[`${method}/${op}`] = await calibrate(ctx, base, method, op);
    }
  }
  const clientRates = [];
  const push = (key, ours, ref) => entries[key]?.rounds.push({ ours, ref, ratio: ours / ref });
  for (let round = 0; round < ctx.config.rounds; round++) {
    for (const op of OPS) {
      const us = {};
      const methods = methodsOf(op);
      for (const method of round % 2 ? [...methods].reverse() : methods) {
        ctx.progress(`bench: F round ${round + 1}/${ctx.config.rounds}: ${method} ${op}`);
        const count = n[`${method}/${op}`];
        const { seconds } = await timed(ctx, base, method, op, count);
        us[method] = (seconds * 1e6) / count;
      }
      const sdk = us["sdk.loop"];
      // A difference below a microsecond is noise; never divide by it.
      const added = (total) => Math.max(1, total - sdk);
      push(`${op}.floor`, added(us["client.loop"]), added(us["sdk.echo"]));
      push(`${op}.storage`, added(us["sdk.rawop"]), added(us["sdk.echo"]));
      push(`${op}.stub`, added(us["sdk.echo"]), added(us["sdk.echo.same"]));
      push(`${op}.vsstorage`, added(us["client.loop"]), added(us["sdk.rawop"]));
      push(`${op}.rawrpc`, added(us["client.loop"]), us["raw.loop"]);
      push(`${op}.engine`, us["client.loop"], us["raw.engine"]);
      if (us["doc.loop"] !== undefined) push(`${op}.doc`, us["doc.loop"], us["client.loop"]);
      push(`${op}.sdk`, us["client.loop"], sdk);
      clientRates.push({ op: WIRE[op], rate: 1e6 / us["client.loop"] });
    }
  }
  return clientRates;
}

/**
 * 3b: the same operations through the client inside a Worker vs through the wire endpoint
 * (figure D's "ours", 1 client, AWS SDK from Node). Different phases, so medians of each side.
 */
export function figureInWorkerVsWire(ctx, clientRates, figures) {
  for (const op of ["GetItem", "PutItem", "Query"]) {
    const wire = figures.find((f) => f.id === `D.${op}.1.floor`);
    const inWorker = clientRates.filter((r) => r.op === op).map((r) => r.rate);
    if (!wire || wire.rounds.length === 0 || inWorker.length === 0) continue;
    const wireRate = ctx.median(wire.rounds.map((r) => r.ours));
    const rate = ctx.median(inWorker);
    ctx
      .figure({
        id: `F.${op}.inworker-vs-wire`,
        group: "F/D",
        name: `${op} through the client inside a Worker vs through the wire endpoint (AWS SDK from Node, 1 client)`,
        unit: "ops/s",
        refLabel: "wire endpoint",
        ratio: "ours/ref",
        ratioMeaning: "in-Worker rate / wire rate (medians of phases F and D)",
        goal: null,
      })
      .rounds.push({ ours: rate, ref: wireRate, ratio: rate / wireRate });
  }
}

export async function phaseG(ctx) {
  const keys = ctx.config.quick ? 100_000 : 1_000_000;
  ctx.progress(`bench: G hashing ${keys.toLocaleString("en")} random keys over 16 shards`);
  const { maxOverMean } = await ctx.rpc("shards.balance", keys, 16);
  ctx
    .figure({
      id: "G.balance",
      group: "G",
      name: `${keys.toLocaleString("en")} random partition keys over 16 shards: largest shard / mean`,
      unit: "ratio",
      refLabel: "",
      ratio: "ours/ref",
      ratioMeaning: "max shard population / mean shard population",
      goal: { op: "<=", value: 1.05 },
    })
    .rounds.push({ ours: maxOverMean, ref: 1, ratio: maxOverMean });

  const counts = [1, 4, 16];
  const concurrency = 32;
  const entries = {};
  for (const shards of counts) {
    await ctx.rpc("shards.setup", shards);
    entries[shards] = ctx.figure({
      id: `G.writes.${shards}`,
      group: "G",
      name: `PutItem, ${concurrency} in flight from a Worker via the client: ${shards} shard${shards > 1 ? "s" : ""} vs 1 shard`,
      unit: "ops/s",
      refLabel: "1 shard",
      ratio: "ours/ref",
      ratioMeaning: "rate on N shards / rate on 1 shard (one workerd process: shards share its thread)",
      goal: null,
    });
  }
  const n = ctx.config.quick ? 200 : 3_000;
  for (let round = 0; round < ctx.config.rounds; round++) {
    const rates = {};
    for (const shards of round % 2 ? [...counts].reverse() : counts) {
      ctx.progress(`bench: G round ${round + 1}/${ctx.config.rounds}: ${n} writes on ${shards} shard(s)`);
      const start = performance.now();
      const done = await ctx.rpc("shards.writes", shards, n, concurrency, round + 1);
      if (done !== n) throw new Error(`G: ${done} of ${n} writes done`);
      rates[shards] = n / ((performance.now() - start) / 1000);
    }
    for (const shards of counts)
      entries[shards].rounds.push({ ours: rates[shards], ref: rates[1], ratio: rates[shards] / rates[1] });
  }
}

/** Resident set of the workerd process Miniflare started (a child of this Node process). */
function workerdPid() {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  const line = out.split("\n").find((l) => l.includes("workerd"));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}
function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Scans `table` (`items` items of ~1 KB, loaded by phase B) page by page, sampling RSS. */
export async function phaseM(ctx, table, items) {
  const pid = workerdPid();
  if (!pid) return ctx.skip("M.scan", "memory while scanning", "workerd process not found");
  const tableBytes = items * 1024;
  const entry = ctx.figure({
    id: "M.scan",
    group: "M",
    name: `Scan ${items.toLocaleString("en")} items (~${Math.round(tableBytes / 2 ** 20)} MB) page by page: peak workerd memory growth vs table size`,
    unit: "MB",
    refLabel: "table MB",
    ratio: "ours/ref",
    ratioMeaning: "peak RSS growth during the scan / table bytes (flat = far below 1)",
    goal: { op: "<=", value: 0.25 },
  });
  // One unmeasured scan first: SQLite's page cache and the JIT settle, so what is left is
  // what a scan holds on to (a scan that buffered the table would grow by its size again).
  for (let after, first = true; first || after; first = false) {
    after = (await ctx.rpc("scanPage", table, after)).after;
    ctx.progress("bench: M warm-up scan");
  }
  for (let round = 0; round < ctx.config.rounds; round++) {
    const before = rssBytes(pid);
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
    let after;
    let seen = 0;
    let pages = 0;
    do {
      const page = await ctx.rpc("scanPage", table, after);
      seen += page.count;
      pages++;
      after = page.after;
      peak = Math.max(peak, rssBytes(pid));
      ctx.progress(`bench: M round ${round + 1}/${ctx.config.rounds}: ${seen} items, ${pages} pages`);
    } while (after);
    clearInterval(timer);
    if (seen !== items) throw new Error(`M: scanned ${seen} items, expected ${items}`);
    const growth = Math.max(0, peak - before);
    entry.rounds.push({ ours: growth / 2 ** 20, ref: tableBytes / 2 ** 20, ratio: growth / tableBytes });
  }
}
