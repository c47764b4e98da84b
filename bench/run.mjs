// `npm run bench` (and `npm run bench -- --quick`): the benchmark of the issue, printed as a
// table (figure, ours, floor or peer, ratio, goal, met) and written to bench/results.json.
// Method (shared/perf-floor.md): one workerd process driven through Miniflare's API, never
// `wrangler dev`; in-object loops sized to a sample duration and timed from Node around one
// RPC; a keep-alive Node client; rounds interleaved (A B A B ...), every ratio taken between
// figures of the same round, medians reported.
//
//   A  engine vs raw SQLite inside one Durable Object: PutItem, GetItem, UpdateItem, Query
//   B  Scan with a 1% filter: pushed down to SQL vs evaluated in TypeScript
//   C  Query of 100 ~1 KB items vs the raw range select + JSON.parse (A's Query line)
//   D  the wire endpoint as `npm start` serves it vs a canned-response floor vs dynalite
//   E  expression parse + validate, parse cache cold vs warm
//   F  the SDK-compatible client inside a Worker vs a raw DO RPC (and, F/D, vs the wire)
//   G  shards: key balance over 16 shards, point-write throughput on 1, 4 and 16 shards
//   I  GSIs in partitions of their own: a GSI Query on 1, 16 and 64 partitions, what a GSI
//      adds to a PutItem, the index's lag behind writes that do not wait for it
//      (bench/gsi-phase.mjs; the Worker's side bench/gsi-bench.ts)
//   K  backups: backup and restore of 100,000 items through npm start, history bytes per change
//   M  memory: peak workerd memory while scanning figure B's table page by page
//   P  elastic partitions, simulated: splits of a 1,000-partition table under a skewed load
//      (bench/partition-sim.mjs; a model with Cloudflare's per-object limit, not a measurement)
//   S  size: what the package adds to a user's Worker (bench/size: the import swap vs the
//      same Worker on the plain SDK, each bundled by `wrangler deploy --dry-run`)
//   V  vector search in one partition (bench/vector-phase.mjs)
//   (F, G and M: bench/cluster-phases.mjs)
//
// Options: --quick (seconds: small data, short samples, one round), --no-peer (no dynalite),
// --out FILE (default bench/results.json; a run of group V alone: bench/results-vectors.json,
// of group I alone: bench/results-gsi.json), --only A,B,D,E,F,G,I,K,L,M,P,S,V (groups; C comes
// with A), --rounds N.
import { crc32 } from "@aws-crypto/crc32";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { Readable } from "node:stream";
import { createServer } from "node:net";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { figureInWorkerVsWire, phaseF, phaseG, phaseM } from "./cluster-phases.mjs";
import { phaseV } from "./vector-phase.mjs";
import { phaseI } from "./gsi-phase.mjs";
import { gridTable, makeItem, MATCH_CATEGORY, partitionKey, rng, sortKey } from "./data.mjs";
import { simulateSplits } from "./partition-sim.mjs";
import { wranglerBuild } from "./build-worker.mjs";
import { presign, rawDrive } from "./raw-load.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const QUICK = flag("--quick");
const PEER = !flag("--no-peer");
const ONLY = new Set((option("--only") ?? "A,B,D,E,F,G,I,K,L,M,P,S,V").split(",").map((s) => s.trim().toUpperCase()));
/** Groups whose figures, run alone, go to a results file of their own (not the full run's). */
const OWN_RESULTS = { V: "bench/results-vectors.json", I: "bench/results-gsi.json" };
const alone = ONLY.size === 1 ? OWN_RESULTS[[...ONLY][0]] : undefined;
const OUT = resolve(option("--out") ?? join(ROOT, alone ?? "bench/results.json"));

/** Sizes and durations per mode. Full: ~1 s samples, 5 interleaved rounds. */
const CONFIG = QUICK
  ? {
      rounds: 1,
      sampleSec: 0.1,
      gridPartitions: 10,
      scanItems: 10_000,
      wirePartitions: 1,
      wireSec: 0.1,
      wireWarmSec: 0.05,
    }
  : {
      rounds: 5,
      sampleSec: 1,
      gridPartitions: 200,
      scanItems: 100_000,
      wirePartitions: 10,
      wireSec: 1.5,
      wireWarmSec: 0.5,
    };
if (option("--rounds")) CONFIG.rounds = Number(option("--rounds"));
const SEED = "12345";
const COMPATIBILITY_DATE = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(ROOT, "wrangler.toml"), "utf8"),
)?.[1];

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`bench: Node ${process.version}; Miniflare needs Node 22. Run it as \`npm run bench\`.`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------
// Progress (stderr) and statistics
// ---------------------------------------------------------------------------------------

const tty = process.stderr.isTTY;
let progressShown = false;
function progress(text) {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${text}`);
    progressShown = true;
  } else process.stderr.write(`${text}\n`);
}
function progressDone() {
  if (tty && progressShown) process.stderr.write("\r\x1b[2K");
  progressShown = false;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Figures, in table order. Each: samples per round of ours and the reference, and the ratio rule. */
const figures = [];
const skipped = [];

/**
 * A figure compares `ours` with a reference (floor or peer) round by round.
 * ratio: "ref/ours" (a slowdown: how many times the reference's rate ours is below) or
 * "ours/ref" (a speedup or share). goal: { op: "<=" | ">=", value } or null (information).
 */
function figure(spec) {
  const entry = { ...spec, rounds: [] };
  figures.push(entry);
  return entry;
}
function record(entry, ours, ref) {
  const ratio = entry.ratio === "ref/ours" ? ref / ours : entry.ratio === "ours-ref" ? ours - ref : ours / ref;
  entry.rounds.push({ ours, ref, ratio });
}

// ---------------------------------------------------------------------------------------
// Helpers: free ports, child processes, temporary directories
// ---------------------------------------------------------------------------------------

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (err) {
      console.error(`bench: cleanup: ${err.message}`);
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a child process and waits until `ready(output)` is true; stops it at cleanup. */
async function startChild(name, args, env, ready, timeoutMs) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  cleanups.push(
    () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(timer);
          done();
        });
        child.kill("SIGTERM");
      }),
  );
  const deadline = Date.now() + timeoutMs;
  while (!(await ready(output))) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  return child;
}

async function healthy(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// A, B, C, E: in-object loops in the bench Durable Object
// ---------------------------------------------------------------------------------------

function buildBenchWorker() {
  const outdir = join(ROOT, ".wrangler/bench-build");
  if (!existsGrammar()) buildGrammar(); // `npm run bench` builds it first; a direct run may not have
  return wranglerBuild(outdir);
}

function existsGrammar() {
  try {
    readFileSync(join(ROOT, "grammar/generated/expressions.js"));
    return true;
  } catch {
    return false;
  }
}

function buildGrammar() {
  execFileSync(process.execPath, [join(ROOT, "scripts/build-grammar.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The second copy of the bench Worker (group I): its writes do not wait for their GSI changes. */
const NO_WAIT_WORKER = "durable-dynamodb-bench-nowait";

async function inObjectPhases() {
  progress("bench: building the bench worker (wrangler deploy --dry-run)");
  const scriptPath = buildBenchWorker();
  const persist = tempDir("ddb-bench-");
  const worker = (name, bindings) => ({
    name,
    modules: true,
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    ...(bindings ? { bindings } : {}),
    durableObjects: {
      BENCH: { className: "BenchShard", useSQLite: true },
      DYNAMODB: { className: "BenchShard", useSQLite: true },
    },
  });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      resourcePersistencePath: persist,
      workers: [
        // Default settings: a write waits for its GSI changes (DDB_GSI_WAIT_MS unset: 2 s).
        worker("durable-dynamodb-bench"),
        // Group I's lag figure: the same Worker with its own objects, writes not waiting.
        ...(ONLY.has("I") ? [worker(NO_WAIT_WORKER, { DDB_GSI_WAIT_MS: "0" })] : []),
      ],
    }),
  );
  cleanups.push(() => mf.dispose());
  await mf.ready;

  const call = async (fetcher, method, args) => {
    const response = await fetcher.fetch("http://bench/", {
      method: "POST",
      body: JSON.stringify({ method, args }),
    });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`bench ${method}(${JSON.stringify(args)}): ${reply.error}`);
    return reply.result;
  };
  const rpc = (method, ...args) => call({ fetch: (url, init) => mf.dispatchFetch(url, init) }, method, args);
  const rpcNoWait = async (method, ...args) => call(await mf.getWorker(NO_WAIT_WORKER), method, args);
  const sample = async (workload, n) => {
    const result = await rpc("run", workload, n, SEED);
    const seconds = result.ms / 1000; // timed inside the object (loop + storage.sync())
    return { n, seconds, rate: n / seconds, check: result.check };
  };
  /** N such that one sample lasts about CONFIG.sampleSec (also warms the code up). */
  const calibrate = async (workload) => {
    let n = 4;
    for (;;) {
      const s = await sample(workload, n);
      if (s.seconds >= CONFIG.sampleSec / 4 || n >= 10_000_000)
        return Math.max(1, Math.round((n * CONFIG.sampleSec) / s.seconds));
      n *= 4;
    }
  };
  const load = async (table, layout, count) => {
    await rpc("createTable", table, layout);
    const chunk = 2_000;
    for (let from = 0; from < count; from += chunk) {
      progress(`bench: loading ${table}: ${from}/${count} items`);
      await rpc("load", table, layout, from, Math.min(count, from + chunk));
    }
  };

  if (ONLY.has("A") || ONLY.has("C")) await phaseA(rpc, sample, calibrate, load);
  if (ONLY.has("B")) await phaseB(rpc, sample, load);
  if (ONLY.has("E")) await phaseE(sample, calibrate);
  if (ONLY.has("V"))
    await phaseV({ rpc, sample, calibrate, figure, record, progress, skipped, config: { ...CONFIG, quick: QUICK } });
  const ctx = {
    rpc,
    figure,
    progress,
    median,
    config: { ...CONFIG, quick: QUICK },
    skip: (id, name, reason) => skipped.push({ id, figure: name, reason }),
  };
  if (ONLY.has("F")) clientRates.push(...(await phaseF(ctx)));
  if (ONLY.has("G")) await phaseG(ctx);
  if (ONLY.has("I")) await phaseI({ ...ctx, rpcNoWait, record });
  if (ONLY.has("M")) {
    if (!ONLY.has("B")) await load("flat", "flat", CONFIG.scanItems);
    await phaseM(ctx, "flat", CONFIG.scanItems);
  }
  progressDone();
}

/** Figure F's in-Worker client rates, compared with figure D's wire rates at the end. */
const clientRates = [];

async function phaseA(rpc, sample, calibrate, load) {
  const items = CONFIG.gridPartitions * 100;
  await load("grid", "grid", items);
  const copied = await rpc("copyRaw", "grid");
  if (copied !== items) throw new Error(`raw copy holds ${copied} rows, expected ${items}`);
  // Each figure is a pair of workloads sampled side by side: `ours` and `raw` (its reference).
  const ops = [
    {
      id: "A.put",
      ours: "engine.put",
      raw: "raw.put",
      label: "PutItem (engine) vs INSERT OR REPLACE + JSON.stringify (raw)",
      stoppedBy: "A.put.floor.checked",
    },
    { id: "A.get", ours: "engine.get", raw: "raw.get", label: "GetItem (engine) vs point SELECT + JSON.parse (raw)" },
    {
      id: "A.update",
      ours: "engine.update",
      raw: "raw.update",
      label: "UpdateItem ADD n :one (engine) vs SELECT + parse + stringify + INSERT OR REPLACE (raw)",
    },
    {
      id: "A/C.query",
      ours: "engine.query",
      raw: "raw.query",
      label: "Query 100 items ~1 KB (engine) vs range SELECT 100 rows + JSON.parse (raw)",
    },
    {
      id: "A.put.floor",
      ours: "raw.parsed",
      raw: "raw.put",
      label:
        "  information: PutItem's storage floor (the request parsed, the key hashed, the engine's own statement: JSONB document, counters by trigger; no validation) vs raw",
      info: true,
    },
    {
      id: "A.put.floor.checked",
      ours: "raw.checked",
      raw: "raw.put",
      label:
        "  information: PutItem's conformance floor (the request parsed, the item checked and sized as DynamoDB's rules require, the key encoded; raw's own statement, no JSONB, no counters, no dispatch) vs raw",
      info: true,
    },
    {
      id: "A.put.vsfloor",
      ours: "engine.put",
      raw: "raw.parsed",
      label: "  information: PutItem (engine) vs its storage floor",
      info: true,
    },
    {
      id: "A.put.upsert",
      ours: "engine.put",
      raw: "raw.upsert",
      label: "  information: PutItem (engine) vs the engine's own upsert statement + JSON.stringify (raw)",
      info: true,
    },
  ];
  for (const o of ops) {
    o.figure = figure({
      id: o.id,
      group: o.id.startsWith("A/C") ? "A/C" : "A",
      name: o.label,
      unit: "ops/s",
      refLabel: "raw SQLite",
      ratio: "ref/ours",
      ratioMeaning: "raw rate / engine rate (engine slowdown)",
      goal: o.info ? null : { op: "<=", value: 2 },
      ...(o.stoppedBy ? { stoppedBy: o.stoppedBy } : {}),
    });
  }
  progress("bench: A calibrating");
  const sizes = {};
  for (const o of ops) {
    sizes[o.ours] ??= await calibrate(o.ours);
    sizes[o.raw] ??= await calibrate(o.raw);
  }
  for (let round = 0; round < CONFIG.rounds; round++) {
    for (const o of ops) {
      progress(`bench: A round ${round + 1}/${CONFIG.rounds}: ${o.ours} vs ${o.raw}`);
      const pair = [o.ours, o.raw];
      if (round % 2) pair.reverse();
      const rates = {};
      for (const workload of pair) {
        const s = await sample(workload, sizes[workload]);
        if (workload.endsWith("query") && s.check === 0) throw new Error(`${workload} returned nothing`);
        rates[workload] = s.rate;
      }
      record(o.figure, rates[o.ours], rates[o.raw]);
    }
  }
}

async function phaseB(rpc, sample, load) {
  const count = CONFIG.scanItems;
  await load("flat", "flat", count);
  const checks = await rpc("checks");
  if (!checks.sqlFilterFullyPushedDown || !checks.tsFilterNotPushedDown) {
    throw new Error(`figure B's filters no longer take the intended paths: ${JSON.stringify(checks)}`);
  }
  const n = count / 100; // matches expected: 1%
  const rawSql = figure({
    id: "B.scan.rawsql",
    group: "B",
    name: `Scan ${count.toLocaleString("en")} items, filter category = :c (1%), in key order: the engine's SQL path vs raw SELECT ... WHERE json_extract(doc) = ? ORDER BY pk, sk`,
    unit: "items/s",
    refLabel: "raw SQL filter",
    ratio: "ref/ours",
    ratioMeaning: "raw SQL-filter rate / engine SQL-path rate (engine slowdown)",
    goal: { op: "<=", value: 1.25 },
  });
  const main = figure({
    id: "B.scan",
    group: "B",
    name: "  information: same, pushed down to SQL vs evaluated in TypeScript (engine both ways)",
    unit: "items/s",
    refLabel: "engine, TS filter",
    ratio: "ours/ref",
    ratioMeaning: "SQL-path scan rate / TypeScript-path scan rate (speedup)",
    // Information since issue 24: a free engine stops near 4.5x on this layout (bench/README.md).
    goal: null,
    note: 'TypeScript path: the same filter as `category = :c OR #q = :c` with #q = `no"such` (no item has it; a name with `"` has no JSON path, so filter-sql refuses the OR and readPage evaluates it)',
  });
  const rawEval = figure({
    id: "B.scan.rawts",
    group: "B",
    name: "  information: same, engine SQL path vs raw read of every doc + JSON.parse + evaluateCondition",
    unit: "items/s",
    refLabel: "raw + evaluateCondition",
    ratio: "ours/ref",
    ratioMeaning: "engine SQL-path rate / raw TypeScript-evaluation rate",
    goal: null,
  });
  const workloads = ["scan.engine.sql", "scan.engine.ts", "scan.raw.ts", "scan.raw.sql"];
  progress("bench: B warming up");
  for (const w of workloads) await sample(w, 1);
  for (let round = 0; round < CONFIG.rounds; round++) {
    const order = round % 2 ? [...workloads].reverse() : workloads;
    const rates = {};
    for (const w of order) {
      progress(`bench: B round ${round + 1}/${CONFIG.rounds}: ${w}`);
      // Three scans a sample (one in quick mode): about a second, as the method asks.
      const s = await sample(w, QUICK ? 1 : 3);
      if (s.check !== n) throw new Error(`${w} found ${s.check} items, expected ${n}`);
      rates[w] = (count * s.n) / s.seconds;
    }
    record(main, rates["scan.engine.sql"], rates["scan.engine.ts"]);
    record(rawEval, rates["scan.engine.sql"], rates["scan.raw.ts"]);
    record(rawSql, rates["scan.engine.sql"], rates["scan.raw.sql"]);
  }
}

async function phaseE(sample, calibrate) {
  const kinds = ["condition", "update", "projection"];
  const entries = {};
  for (const kind of kinds) {
    entries[kind] = figure({
      id: `E.${kind}`,
      group: "E",
      name: `${kind[0].toUpperCase()}${kind.slice(1)} expression parse + validate: parse cache cold vs warm`,
      unit: "µs/op",
      refLabel: "cached µs/op",
      ratio: "ours/ref",
      ratioMeaning: "uncached cost / cached cost",
      goal: null,
      lowerIsBetter: true,
    });
  }
  progress("bench: E calibrating");
  const sizes = {};
  for (const kind of kinds)
    for (const c of ["uncached", "cached"]) sizes[`${kind}.${c}`] = await calibrate(`expr.${kind}.${c}`);
  for (let round = 0; round < CONFIG.rounds; round++) {
    for (const kind of kinds) {
      progress(`bench: E round ${round + 1}/${CONFIG.rounds}: ${kind}`);
      const pair = round % 2 ? ["cached", "uncached"] : ["uncached", "cached"];
      const cost = {};
      for (const c of pair) {
        const s = await sample(`expr.${kind}.${c}`, sizes[`${kind}.${c}`]);
        cost[c] = (s.seconds * 1e6) / s.n;
      }
      record(entries[kind], cost.uncached, cost.cached);
    }
  }
}

// ---------------------------------------------------------------------------------------
// D: the wire endpoint (npm start) vs a canned-response floor vs dynalite, AWS SDK from Node
// ---------------------------------------------------------------------------------------

/** The low-level SDK wants B as bytes; the shared items carry base64 (the wire form). */
function sdkItem(item) {
  const out = {};
  for (const [name, value] of Object.entries(item)) out[name] = sdkValue(value);
  return out;
}
function sdkValue(value) {
  if ("B" in value) return { B: Buffer.from(value.B, "base64") };
  if ("M" in value) return { M: sdkItem(value.M) };
  if ("L" in value) return { L: value.L.map(sdkValue) };
  return value;
}

function sdkClient(endpoint, agent, handler) {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: handler ?? { httpAgent: agent },
    maxAttempts: 1,
  });
}

/** A request handler answering recorded response bodies in-process (SDK client CPU alone). */
function cannedHandler(canned) {
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request) {
      const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1];
      const reply = canned[operation];
      const body = Buffer.from(reply.body);
      return {
        response: {
          statusCode: 200,
          reason: "OK",
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "content-length": String(body.length),
            "x-amzn-requestid": "canned",
            "x-amz-crc32": reply.crc,
          },
          body: Readable.from([body]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

const WIRE_TABLE = "wire";

async function createWireTable(client) {
  await client.send(new CreateTableCommand(gridTable(WIRE_TABLE)));
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: WIRE_TABLE }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error("table did not become ACTIVE");
}

function wireItem(i) {
  return makeItem(i, partitionKey(Math.floor(i / 100)), sortKey(i % 100));
}

/** `concurrency` loops sending commands from `next()` for `seconds`; ops/s. */
async function drive(client, next, concurrency, seconds) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await client.send(next());
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

async function phaseD() {
  const items = CONFIG.wirePartitions * 100;
  // workerd closes a keep-alive connection idle for 15 s; a request sent on it just then
  // fails with "socket hang up" (the SDK runs with maxAttempts 1 here, so nothing retries).
  // Idle sockets are dropped on the client's side first (Agent `timeout` on free sockets).
  const agentOptions = { keepAlive: true, maxSockets: 64, timeout: 5_000 };

  // Ours: exactly `npm start` (scripts/start.mjs: wrangler bundle + Miniflare), fresh state.
  progress("bench: D starting the endpoint (scripts/start.mjs)");
  const oursPort = await freePort();
  const ours = `http://127.0.0.1:${oursPort}`;
  await startChild(
    "scripts/start.mjs",
    [join(ROOT, "scripts/start.mjs")],
    // The bench's clients sign with the local pair, whatever the calling shell has set.
    {
      PORT: String(oursPort),
      HOST: "127.0.0.1",
      PERSIST_DIR: tempDir("ddb-bench-wire-"),
      DDB_CREDENTIALS: "local:local",
      DDB_AUTH: "",
      DDB_PERMISSIONS: "",
    },
    () => healthy(`${ours}/`),
    180_000,
  );

  const targets = [{ name: "ours", endpoint: ours }];
  // The floor plus what a server of ours cannot leave out (bench/floor-engine.ts: SigV4
  // verified, one DO RPC, the engine running the request there), loaded like ours.
  progress("bench: D starting the engine's floor (SigV4, one DO RPC, the engine)");
  const enginePort = await freePort();
  await startChild(
    "bench/floor-server.mjs (HOP=engine)",
    [join(ROOT, "bench/floor-server.mjs")],
    {
      PORT: String(enginePort),
      HOP: "engine",
      DDB_CREDENTIALS: "local:local",
      PERSIST_DIR: tempDir("ddb-bench-floor-engine-state-"),
    },
    () => healthy(`http://127.0.0.1:${enginePort}/`),
    120_000,
  );
  targets.push({ name: "engine", endpoint: `http://127.0.0.1:${enginePort}` });
  if (PEER) {
    progress("bench: D starting dynalite (in-memory)");
    const port = await freePort();
    await startChild(
      "dynalite",
      [
        join(ROOT, "node_modules/dynalite/cli.js"),
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--createTableMs",
        "0",
        "--deleteTableMs",
        "0",
        "--updateTableMs",
        "0",
      ],
      {},
      (output) => output.includes("listening"),
      60_000,
    );
    targets.push({ name: "dynalite", endpoint: `http://127.0.0.1:${port}` });
  }
  for (const t of targets) {
    t.agent = new http.Agent(agentOptions);
    t.client = sdkClient(t.endpoint, t.agent);
    progress(`bench: D loading ${items} items into ${t.name}`);
    await createWireTable(t.client);
    const queue = Array.from({ length: items }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
          await t.client.send(new PutItemCommand({ TableName: WIRE_TABLE, Item: sdkItem(wireItem(i)) }));
        }
      }),
    );
  }

  // The floor: bench/floor-server.mjs, the same set-up as npm start (its own Node process,
  // Miniflare, one workerd) serving a Worker that reads the request and answers our
  // server's own recorded response for the operation (same bytes and headers), without a
  // Durable Object or any DynamoDB logic.
  progress("bench: D starting the floor (canned responses)");
  const canned = {};
  // Signed like the SDK clients (the endpoint requires SigV4; npm start's default pair).
  const signer = new SignatureV4({
    service: "dynamodb",
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    sha256: Hash.bind(null, "sha256"),
  });
  const record1 = async (operation, body) => {
    const [request] = await presign(signer, ours, operation, [JSON.stringify(body)]);
    const response = await fetch(`${ours}/`, { method: "POST", headers: request.headers, body: request.body });
    const text = await response.text();
    if (!response.ok) throw new Error(`${operation}: ${text}`);
    canned[operation] = { body: text, crc: String(crc32(new TextEncoder().encode(text))) };
  };
  await record1("PutItem", { TableName: WIRE_TABLE, Item: wireItem(0) });
  await record1("GetItem", { TableName: WIRE_TABLE, Key: { pk: { S: partitionKey(0) }, sk: { S: sortKey(1) } } });
  await record1("Query", {
    TableName: WIRE_TABLE,
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": { S: partitionKey(0) } },
    Limit: 100,
  });
  const cannedFile = join(tempDir("ddb-bench-floor-"), "canned.json");
  writeFileSync(cannedFile, JSON.stringify(canned));
  /** bench/floor-server.mjs in its own process (`hop`: HOP=1), as an SDK target. */
  const floorTarget = async (name, hop) => {
    const port = await freePort();
    await startChild(
      `bench/floor-server.mjs${hop ? " (HOP=1)" : ""}`,
      [join(ROOT, "bench/floor-server.mjs")],
      { PORT: String(port), CANNED_FILE: cannedFile, HOP: hop ? "1" : "0" },
      () => healthy(`http://127.0.0.1:${port}/`),
      60_000,
    );
    const endpoint = `http://127.0.0.1:${port}`;
    const agent = new http.Agent(agentOptions);
    return { name, endpoint, agent, client: sdkClient(endpoint, agent) };
  };
  targets.unshift(await floorTarget("floor", false));
  // The same floor plus one no-op Durable Object RPC per request (HOP=1): what any server
  // keeping its data in a Durable Object pays before doing anything (information lines).
  targets.push(await floorTarget("hop", true));

  // Client CPU alone: the same SDK calls answered in-process by a request handler that
  // returns the same recorded bytes (no socket, no server): the client's own ceiling.
  targets.push({ name: "sdk", client: sdkClient(ours, undefined, cannedHandler(canned)) });

  const random = rng(Number(SEED));
  const putPool = Array.from({ length: 256 }, () => sdkItem(wireItem(random(items))));
  const ops = {
    PutItem: () => new PutItemCommand({ TableName: WIRE_TABLE, Item: putPool[random(putPool.length)] }),
    GetItem: () => {
      const i = random(items);
      return new GetItemCommand({
        TableName: WIRE_TABLE,
        Key: { pk: { S: partitionKey(Math.floor(i / 100)) }, sk: { S: sortKey(i % 100) } },
      });
    },
    Query: () =>
      new QueryCommand({
        TableName: WIRE_TABLE,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: partitionKey(random(CONFIG.wirePartitions)) } },
        Limit: 100,
      }),
  };
  // Sanity: every target answers each operation with the expected shape.
  for (const t of targets) {
    const got = await t.client.send(ops.GetItem());
    const queried = await t.client.send(ops.Query());
    if (!got.Item || queried.Count !== 100) throw new Error(`${t.name}: GetItem/Query answered unexpectedly`);
  }

  const concurrencies = [1, 16];
  const entries = {};
  for (const op of Object.keys(ops)) {
    for (const c of concurrencies) {
      const clients = `${c} client${c > 1 ? "s" : ""}`;
      entries[`${op}/${c}/vshop`] = figure({
        id: `D.${op}.${c}.vshop`,
        group: "D",
        name: `${op}${op === "Query" ? " (Limit 100, ~1 KB items)" : ""}, ${clients}, AWS SDK: ours vs the floor plus one no-op Durable Object RPC`,
        unit: "ops/s",
        refLabel: "floor + DO hop",
        ratio: "ours/ref",
        ratioMeaning: "ours / (floor + DO hop)",
        // The least any server keeping its data in a Durable Object pays (issue 24, goal 2).
        goal: op === "Query" ? null : { op: ">=", value: 0.9 },
        stoppedBy: `D.${op}.${c}.engine`,
      });
      entries[`${op}/${c}/engine`] = figure({
        id: `D.${op}.${c}.engine`,
        group: "D",
        name: `  information: the floor plus SigV4 verification, one Durable Object RPC and the engine running the request (no router, no edge checks) vs the floor plus one no-op DO RPC`,
        unit: "ops/s",
        refLabel: "floor + DO hop",
        ratio: "ours/ref",
        ratioMeaning: "(floor + SigV4 + DO hop + engine) / (floor + DO hop)",
        goal: null,
      });
      entries[`${op}/${c}/vsengine`] = figure({
        id: `D.${op}.${c}.vsengine`,
        group: "D",
        name: `  information: same, ours vs that floor (what the edge's checks and the router cost)`,
        unit: "ops/s",
        refLabel: "SigV4 + hop + engine",
        ratio: "ours/ref",
        ratioMeaning: "ours / (floor + SigV4 + DO hop + engine)",
        goal: null,
      });
      entries[`${op}/${c}/floor`] = figure({
        id: `D.${op}.${c}.floor`,
        group: "D",
        name: `  information: ${op}${op === "Query" ? " (Limit 100)" : ""}, ${clients}, ours vs the floor (canned response, no DO)`,
        unit: "ops/s",
        refLabel: "floor",
        ratio: "ours/ref",
        ratioMeaning: "ours / floor",
        goal: null,
      });
      entries[`${op}/${c}/dynalite`] = figure({
        id: `D.${op}.${c}.dynalite`,
        group: "D",
        name: `  information: ${op}${op === "Query" ? " (Limit 100)" : ""}, ${clients}, AWS SDK: ours vs dynalite`,
        unit: "ops/s",
        refLabel: "dynalite",
        ratio: "ours/ref",
        ratioMeaning: "ours / dynalite",
        // Through the SDK from Node the client's own CPU bounds every server (the "SDK alone"
        // lines): the goals against dynalite are the raw generator's (rawRounds).
        goal: null,
        peer: true,
      });
      entries[`${op}/${c}/hop`] = figure({
        id: `D.${op}.${c}.hop`,
        group: "D",
        name: `  information: the floor plus one no-op Durable Object RPC vs the floor (canned response, no DO)`,
        unit: "ops/s",
        refLabel: "floor",
        ratio: "ours/ref",
        ratioMeaning: "floor+DO hop / floor",
        goal: null,
      });
      entries[`${op}/${c}/sdk`] = figure({
        id: `D.${op}.${c}.sdk`,
        group: "D",
        name: `  information: same, ours vs the SDK client alone (in-process canned response)`,
        unit: "ops/s",
        refLabel: "SDK alone",
        ratio: "ours/ref",
        ratioMeaning: "ours / client-only ceiling",
        goal: null,
      });
      if (!PEER)
        skipped.push({ id: `D.${op}.${c}.dynalite`, figure: entries[`${op}/${c}/dynalite`].name, reason: "--no-peer" });
    }
  }
  const health = figure({
    id: "D.health",
    group: "D",
    name: "  information: GET / health line of our server, raw Node http keep-alive client, 1 client",
    unit: "req/s",
    refLabel: "",
    ratio: "none",
    goal: null,
  });

  const total = CONFIG.rounds + 1;
  for (let round = 0; round < total; round++) {
    const warm = round === 0;
    const seconds = warm ? CONFIG.wireWarmSec : CONFIG.wireSec;
    for (const op of Object.keys(ops)) {
      for (const c of concurrencies) {
        const order = targets.map((_, k) => targets[(k + round) % targets.length]);
        const rates = {};
        for (const t of order) {
          progress(
            `bench: D ${warm ? "warm-up" : `round ${round}/${CONFIG.rounds}`}: ${op}, ${c} client(s), ${t.name}`,
          );
          rates[t.name] = await drive(t.client, ops[op], c, seconds);
        }
        if (warm) continue;
        record(entries[`${op}/${c}/floor`], rates.ours, rates.floor);
        if (PEER) record(entries[`${op}/${c}/dynalite`], rates.ours, rates.dynalite);
        record(entries[`${op}/${c}/hop`], rates.hop, rates.floor);
        record(entries[`${op}/${c}/vshop`], rates.ours, rates.hop);
        record(entries[`${op}/${c}/engine`], rates.engine, rates.hop);
        record(entries[`${op}/${c}/vsengine`], rates.ours, rates.engine);
        record(entries[`${op}/${c}/sdk`], rates.ours, rates.sdk);
      }
    }
    if (!warm) health.rounds.push({ ours: await healthRate(ours, seconds), ref: null, ratio: null });
  }
  await rawRounds(targets, signer, items);
  if (!PEER) figures.splice(0, figures.length, ...figures.filter((f) => !f.peer));
  for (const t of targets) t.agent?.destroy();
}

/**
 * D, second load generator (./raw-load.mjs): pre-signed requests from 16 raw keep-alive
 * connections, no SDK on the client's side, so the figure is the server's capacity: ours
 * vs dynalite (the goals) and vs the canned floor (information).
 */
async function rawRounds(targets, signer, items) {
  const CONNECTIONS = 16;
  const random = rng(Number(SEED) + 1);
  const key = (i) => ({ pk: { S: partitionKey(Math.floor(i / 100)) }, sk: { S: sortKey(i % 100) } });
  const bodies = {
    GetItem: Array.from({ length: 256 }, () => JSON.stringify({ TableName: WIRE_TABLE, Key: key(random(items)) })),
    PutItem: Array.from({ length: 256 }, () =>
      JSON.stringify({ TableName: WIRE_TABLE, Item: wireItem(random(items)) }),
    ),
    Query: Array.from({ length: 64 }, () =>
      JSON.stringify({
        TableName: WIRE_TABLE,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: partitionKey(random(CONFIG.wirePartitions)) } },
        Limit: 100,
      }),
    ),
  };
  const raw = targets.filter((t) => ["ours", "floor", "hop", "engine", "dynalite"].includes(t.name));
  const entries = {};
  for (const op of Object.keys(bodies)) {
    const what = `${op}${op === "Query" ? " (Limit 100)" : ""}, ${CONNECTIONS} raw connections, pre-signed requests`;
    entries[`${op}/dynalite`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.dynalite`,
      group: "D",
      name: `${what}: ours vs dynalite`,
      unit: "ops/s",
      refLabel: "dynalite",
      ratio: "ours/ref",
      ratioMeaning: "ours / dynalite",
      goal: { op: ">=", value: op === "Query" ? 2 : 1 },
      // The stricter of the two floors below: what a server of ours cannot leave out.
      stoppedBy: `D.raw.${op}.${CONNECTIONS}.enginevsdynalite`,
      peer: true,
    });
    entries[`${op}/enginevsdynalite`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.enginevsdynalite`,
      group: "D",
      name: `  information: same, the floor plus SigV4 verification, one DO RPC and the engine running the request vs dynalite`,
      unit: "ops/s",
      refLabel: "dynalite",
      ratio: "ours/ref",
      ratioMeaning: "(floor + SigV4 + DO hop + engine) / dynalite",
      goal: null,
      peer: true,
    });
    entries[`${op}/hopvsdynalite`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.hopvsdynalite`,
      group: "D",
      name: `  information: same, the floor plus one no-op Durable Object RPC vs dynalite (above the goal, no server keeping its data in a Durable Object can meet it)`,
      unit: "ops/s",
      refLabel: "dynalite",
      ratio: "ours/ref",
      ratioMeaning: "(floor + DO hop) / dynalite",
      goal: null,
      peer: true,
    });
    entries[`${op}/vshop`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.vshop`,
      group: "D",
      name: `  information: same, ours vs the floor plus one no-op Durable Object RPC`,
      unit: "ops/s",
      refLabel: "floor + DO hop",
      ratio: "ours/ref",
      ratioMeaning: "ours / (floor + DO hop)",
      goal: null,
    });
    entries[`${op}/engine`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.engine`,
      group: "D",
      name: `  information: same, ours vs the floor plus SigV4, one DO RPC and the engine (what the edge's checks and the router cost)`,
      unit: "ops/s",
      refLabel: "SigV4 + hop + engine",
      ratio: "ours/ref",
      ratioMeaning: "ours / (floor + SigV4 + DO hop + engine)",
      goal: null,
    });
    entries[`${op}/floor`] = figure({
      id: `D.raw.${op}.${CONNECTIONS}.floor`,
      group: "D",
      name: `  information: same, ours vs the floor (canned response)`,
      unit: "ops/s",
      refLabel: "floor",
      ratio: "ours/ref",
      ratioMeaning: "ours / floor",
      goal: null,
    });
    if (!PEER)
      skipped.push({ id: entries[`${op}/dynalite`].id, figure: entries[`${op}/dynalite`].name, reason: "--no-peer" });
  }
  const total = CONFIG.rounds + 1;
  for (let round = 0; round < total; round++) {
    const warm = round === 0;
    const seconds = warm ? CONFIG.wireWarmSec : CONFIG.wireSec;
    for (const op of Object.keys(bodies)) {
      const rates = {};
      for (const t of raw.map((_, k) => raw[(k + round) % raw.length])) {
        progress(`bench: D raw ${warm ? "warm-up" : `round ${round}/${CONFIG.rounds}`}: ${op}, ${t.name}`);
        const requests = await presign(signer, t.endpoint, op, bodies[op]);
        rates[t.name] = await rawDrive(t.endpoint, t.agent, requests, CONNECTIONS, seconds);
      }
      if (warm) continue;
      if (PEER) record(entries[`${op}/dynalite`], rates.ours, rates.dynalite);
      if (PEER) record(entries[`${op}/hopvsdynalite`], rates.hop, rates.dynalite);
      if (PEER) record(entries[`${op}/enginevsdynalite`], rates.engine, rates.dynalite);
      record(entries[`${op}/floor`], rates.ours, rates.floor);
      record(entries[`${op}/vshop`], rates.ours, rates.hop);
      record(entries[`${op}/engine`], rates.ours, rates.engine);
    }
  }
}

/**
 * S: the package's size in a user's Worker. Both Workers in bench/size are bundled by
 * wrangler as `wrangler deploy` would (no minification unless the user asks for it), and
 * the upload totals it prints are compared. `durable-dynamodb` resolves to the built dist/
 * (bench/size/tsconfig.json has no `paths`), as in a user's project. Deterministic: one round.
 */
/**
 * P: elastic partitions simulated (./partition-sim.mjs): a table of 1,000 partitions under a
 * Zipf-skewed write load (exponent 1, half of Cloudflare's ~1,000 requests/s per object on
 * average), splitting objects over 80% of it for 10 s; 1,000 rows of 1 KB per key (1 GB per
 * partition), moved at an assumed 5,000 rows/s. Each split point policy: splits, and seconds
 * until no object is over its limit.
 */
function phaseP() {
  const base = {
    partitions: QUICK ? 100 : 1000,
    keys: QUICK ? 100_000 : 1_000_000,
    zipf: 1,
    meanLoad: 0.5,
    limit: 1000,
    keyLimit: 1000,
    splitAt: 0.8,
    sustain: 10,
    rowsPerKey: 1000,
    moveRate: 5000,
    maxSeconds: 24 * 3600,
    seed: 20261207,
  };
  for (const policy of ["median", "halve"]) {
    progress(`bench: P simulating ${base.partitions} partitions, split point ${policy}`);
    const result = simulateSplits({ ...base, policy });
    const info = (id, name, unit, value) =>
      figure({ id, group: "P", name, unit, refLabel: "", ratio: "none", goal: null }).rounds.push({
        ours: value,
        ref: null,
        ratio: null,
      });
    const where = policy === "median" ? "at the load's median" : "in the hash range's middle";
    info(
      `P.${policy}.splits`,
      `simulated ${base.partitions} partitions, Zipf 1, split ${where}: splits`,
      "count",
      result.splits,
    );
    info(`P.${policy}.settle`, `  same: seconds until no object is over its limit`, "s", result.settledSeconds);
    if (policy === "median") {
      info(
        "P.throttled",
        "  same: share of the load over DynamoDB's per-key limit (throttled, no split helps)",
        "ratio",
        result.throttledShare,
      );
    }
  }
}

/**
 * L: elastic partitions for real (scripts/split-load.mjs through npm start). One split of a
 * loaded partition while a client writes (rows moved per second, the writes' latency
 * before and during), and a table grown through many splits by size under concurrent
 * writers, readers and a stream reader, every result checked (problems: goal 0).
 */
function phaseL() {
  const run = (args) => {
    const out = join(tempDir("ddb-split-load-"), "figures.json");
    execFileSync(process.execPath, [join(ROOT, "scripts/split-load.mjs"), ...args, "--json", out], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    return JSON.parse(readFileSync(out, "utf8"));
  };
  const info = (id, name, unit, value, goal = null) =>
    figure({ id, group: "L", name, unit, refLabel: "", ratio: "none", goal }).rounds.push({
      ours: value,
      ref: null,
      ratio: null,
    });
  const items = QUICK ? 2_000 : 50_000;
  progress(`bench: L one split of a partition of ${items} items under writes`);
  const move = run(["--move", String(items)]);
  info(
    "L.move.rows",
    `one split of ${items} items of 1 KB: rows moved per second until published`,
    "rows/s",
    move.rowsPerSecond,
  );
  info("L.move.publish", "  same: seconds to publication", "s", move.publishSeconds);
  info("L.move.clean", "  same: seconds until the moved rows are deleted at the source", "s", move.cleanSeconds);
  info("L.move.p99.before", "  same: PutItem p99 before the split", "ms", move.putP99Before);
  info("L.move.p99.during", "  same: PutItem p99 during the split", "ms", move.putP99During);
  // Quick mode is also npm test's split-load check (test/e2e/bench-smoke.test.ts): about 16
  // partitions, each split under 4 writers and 2 readers.
  const mb = QUICK ? 2 : 24;
  const splitKb = QUICK ? 128 : 512;
  const clients = QUICK ? ["--writers", "4", "--readers", "2"] : ["--writers", "8", "--readers", "4"];
  progress(`bench: L a table grown to ${mb} MB with DDB_SPLIT_BYTES ${splitKb} KiB under load`);
  const grow = run(["--mb", String(mb), "--split-kb", String(splitKb), ...clients]);
  info(
    "L.grow.partitions",
    `a table grown to ${mb} MB, splitting past ${splitKb} KiB: partitions`,
    "count",
    grow.partitions,
  );
  info("L.grow.settled", "  same: seconds from the first write until the map settles", "s", grow.settledSeconds);
  info(
    "L.grow.writes",
    `  same: writes per second (${clients[1]} writers, ${clients[3]} readers)`,
    "ops/s",
    grow.writesPerSecond,
  );
  info("L.grow.p99", "  same: write p99", "ms", grow.writeP99);
  info("L.grow.shards", "  same: stream shards (each split closes one, opens two)", "count", grow.streamShards);
  record(
    figure({
      id: "L.problems",
      group: "L",
      name: "  both: lost, duplicated or stale results",
      unit: "count",
      refLabel: "none",
      ratio: "ours-ref",
      goal: { op: "<=", value: 0 },
    }),
    grow.problems + move.problems,
    0,
  );
}

/**
 * K: backups and point-in-time recovery through npm start (scripts/backup-load.mjs): a
 * table of 100,000 items of 1 KB over 4 partitions backed up and restored (items per
 * second, every restored item checked), and the history's storage per change.
 */
function phaseK() {
  const items = QUICK ? 2_000 : 100_000;
  progress(`bench: K backup and restore of ${items} items`);
  const out = join(tempDir("ddb-backup-load-"), "figures.json");
  execFileSync(
    process.execPath,
    ["--no-warnings", join(ROOT, "scripts/backup-load.mjs"), "--items", String(items), "--json", out],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const k = JSON.parse(readFileSync(out, "utf8"));
  const info = (id, name, unit, value) =>
    figure({ id, group: "K", name, unit, refLabel: "", ratio: "none", goal: null }).rounds.push({
      ours: value,
      ref: null,
      ratio: null,
    });
  info(
    "K.backup.rate",
    `CreateBackup of ${items} items of 1 KB (4 partitions): items per second until AVAILABLE`,
    "items/s",
    k.backupItemsPerSecond,
  );
  info(
    "K.restore.rate",
    "  same: RestoreTableFromBackup, items per second until ACTIVE",
    "items/s",
    k.restoreItemsPerSecond,
  );
  info(
    "K.history.bytes",
    "  point-in-time history: bytes stored per change of a 1 KB item",
    "B",
    k.historyBytesPerChange,
  );
  record(
    figure({
      id: "K.problems",
      group: "K",
      name: "  restored items missing or wrong",
      unit: "count",
      refLabel: "none",
      ratio: "ours-ref",
      goal: { op: "<=", value: 0 },
    }),
    k.problems,
    0,
  );
}

function phaseS() {
  progress("bench: S bundling bench/size with wrangler");
  const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  const total = (name) => {
    const out = tempDir(`ddb-size-${name}-`);
    const text = execFileSync(
      process.execPath,
      [wrangler, "deploy", "--dry-run", "--outdir", out, "-c", join(ROOT, `bench/size/${name}.toml`)],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(text);
    if (!match) throw new Error(`bench S: no upload total in wrangler's output:\n${text}`);
    return { raw: Number(match[1]), gzip: Number(match[2]) };
  };
  const swap = total("swap");
  const sdk = total("sdk");
  const spec = (id, name, goal) =>
    figure({ id, group: "S", name, unit: "KiB", refLabel: "plain SDK", ratio: "ours-ref", goal });
  record(
    spec("S.added", "added to a Worker by the import swap (wrangler bundle, KiB)", { op: "<=", value: 200 }),
    swap.raw,
    sdk.raw,
  );
  record(spec("S.added.gzip", "  same, gzip (KiB)", { op: "<=", value: 50 }), swap.gzip, sdk.gzip);
}

/** GET / of a server in a loop with one keep-alive connection; req/s. */
async function healthRate(base, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 5_000 });
  const get = () =>
    new Promise((done, fail) => {
      http
        .get(`${base}/`, { agent }, (response) => {
          response.resume();
          response.on("end", done);
        })
        .on("error", fail);
    });
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  while (performance.now() < deadline) {
    await get();
    count++;
  }
  agent.destroy();
  return count / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

function summarize(f) {
  if (f.rounds.length === 0) return { ...f, ours: null, ref: null, ratioValue: null, met: null };
  const ours = median(f.rounds.map((r) => r.ours));
  const ref = f.ratio === "none" ? null : median(f.rounds.map((r) => r.ref));
  const ratios = f.ratio === "none" ? [] : f.rounds.map((r) => r.ratio);
  const ratioValue = ratios.length ? median(ratios) : null;
  let met = null;
  if (f.goal && ratioValue !== null) met = f.goal.op === "<=" ? ratioValue <= f.goal.value : ratioValue >= f.goal.value;
  return {
    ...f,
    ours,
    ref,
    ratioValue,
    ratioMin: ratios.length ? Math.min(...ratios) : null,
    ratioMax: ratios.length ? Math.max(...ratios) : null,
    met,
  };
}

function formatValue(value, unit) {
  if (value === null || value === undefined) return "";
  if (unit === "µs/op") return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} µs`;
  if (unit === "ratio") return value.toFixed(3);
  if (unit === "MB") return `${value.toFixed(1)} MB`;
  if (unit === "KiB") return `${value.toFixed(1)} KiB`;
  if (unit === "count") return Math.round(value).toLocaleString("en");
  if (unit === "s") return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en")} s`;
  if (unit === "ms") return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en")} ms`;
  if (unit === "B") return `${Math.round(value).toLocaleString("en")} B`;
  return `${Math.round(value).toLocaleString("en")}/s`;
}

function printTable(rows) {
  const header = ["figure", "ours", "floor or peer", "ratio", "goal", "met"];
  const lines = rows.map((r) => {
    if (r.skip) return [r.name, r.skip, "", "", "", ""];
    // "ours-ref" figures compare a difference (in the figure's unit) with the goal.
    const difference = r.ratio === "ours-ref";
    const goalUnit = difference ? ` ${r.unit}` : "x";
    const goal = r.goal ? `${r.goal.op === "<=" ? "≤" : "≥"} ${r.goal.value}${goalUnit}` : "info";
    const ref = r.ref === null ? "" : `${formatValue(r.ref, r.unit)} ${r.refLabel}`;
    const ratio =
      r.ratioValue === null ? "" : difference ? `+${formatValue(r.ratioValue, r.unit)}` : `${r.ratioValue.toFixed(2)}x`;
    return [
      `${r.group.padEnd(3)} ${r.name}`,
      formatValue(r.ours, r.unit),
      ref,
      ratio,
      goal,
      r.met === null ? "" : r.met ? "yes" : r.outOfReach ? `NO: floor ${r.outOfReach.floorRatio.toFixed(2)}x` : "NO",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) =>
    cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const l of lines) console.log(fmt(l));
}

async function main() {
  const started = Date.now();
  const loadAtStart = loadavg();
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const source = { commit: git("rev-parse", "HEAD"), dirty: (git("status", "--porcelain") ?? "") !== "" };
  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    miniflare: JSON.parse(readFileSync(join(ROOT, "node_modules/miniflare/package.json"), "utf8")).version,
    workerd: JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")).version,
    dynalite: JSON.parse(readFileSync(join(ROOT, "node_modules/dynalite/package.json"), "utf8")).version,
  };
  try {
    if (["A", "B", "C", "E", "F", "G", "I", "M", "V"].some((g) => ONLY.has(g))) {
      await inObjectPhases();
      await cleanup(); // one workerd at a time: stop the bench object before the wire phase
    }
    if (ONLY.has("D")) await phaseD();
    if (ONLY.has("S")) phaseS();
    if (ONLY.has("P")) phaseP();
    if (ONLY.has("L")) phaseL();
    if (ONLY.has("K")) phaseK();
  } finally {
    progressDone();
    await cleanup();
  }
  figureInWorkerVsWire({ figure, median }, clientRates, figures);

  const rows = figures.map(summarize);
  // A goal whose own floor (measured in this run) is already past it is out of reach.
  for (const r of rows) {
    const floor = r.stoppedBy && rows.find((f) => f.id === r.stoppedBy);
    if (!floor || floor.ratioValue === null || !r.goal) continue;
    const floorMeets = r.goal.op === "<=" ? floor.ratioValue <= r.goal.value : floor.ratioValue >= r.goal.value;
    if (!floorMeets) r.outOfReach = { by: floor.id, floorRatio: floor.ratioValue };
  }
  printTable([...rows, ...skipped.map((s) => ({ name: `    ${s.figure}`, skip: s.reason }))]);
  const goals = rows
    .filter((r) => r.goal && r.met !== null)
    .map((r) => ({
      id: r.id,
      figure: r.name.trim(),
      ratio: r.ratioValue,
      goal: `${r.goal.op} ${r.goal.value}`,
      met: r.met,
      ...(r.outOfReach && !r.met ? { outOfReach: r.outOfReach } : {}),
    }));
  const outOfReach = goals.filter((g) => g.outOfReach).length;
  console.log(
    `\n${goals.filter((g) => g.met).length}/${goals.length} goals met${outOfReach ? ` (${outOfReach} more out of reach: their floor, measured in this run, is past the goal)` : ""}; ${QUICK ? "QUICK mode (smoke figures, not for quoting)" : `${CONFIG.rounds} interleaved rounds, medians`}; ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart[0].toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end (${availableParallelism()} CPUs)`,
  );

  const results = {
    mode: QUICK ? "quick" : "full",
    date: new Date().toISOString(),
    machine,
    source,
    loadAverage: { start: loadAtStart, end: loadavg() },
    config: { ...CONFIG, peer: PEER, only: [...ONLY] },
    method:
      "One workerd process via Miniflare's API. A/B/C/E: loops of N operations inside one Durable Object (the engine's DynamoShard subclassed; raw SQLite on a copy of the rows in a table of the same layout), N sized to the sample duration, timed inside the object (the loop plus storage.sync(), so writes pay their commit). D: @aws-sdk/client-dynamodb from Node with a keep-alive http.Agent; ours = scripts/start.mjs (npm start); floor = bench/floor-server.mjs, a Worker in the same set-up as npm start answering our server's recorded response for the operation (no Durable Object); dynalite 4 in-memory in its own Node process. F/G: loops in the bench Worker through durable-dynamodb's DynamoDBClient (F: vs a raw RPC to the same object echoing the recorded reply, and the same client with an in-process handler), timed from Node minus the empty-call cost. I: loops in the bench Worker through DynamoDBClient on tables in tenants of their own (a GSI Query on tables of 1, 16 and 64 partitions; PutItem on 4 partitions with 0, 1 and 2 GSIs, waiting for the index changes as by default), timed from Node minus the empty-call cost; the index's lag in a second copy of the Worker with DDB_GSI_WAIT_MS 0, timed inside the Worker (ms from a PutItem's acknowledgement until a Query of the GSI returns the entry). M: VmRSS of the workerd process sampled every 10 ms while Node pulls Scan pages. S: wrangler deploy --dry-run upload totals of bench/size (the import swap vs the same Worker on the plain SDK), their difference. Rounds interleaved, ratios taken within a round, medians reported.",
    figures: rows.map((r) => ({
      id: r.id,
      group: r.group,
      figure: r.name.trim(),
      unit: r.unit,
      ours: r.ours,
      reference: r.ref === null ? null : { label: r.refLabel, value: r.ref },
      ratio: r.ratioValue,
      ratioMeaning: r.ratioMeaning ?? null,
      ratioRange: r.ratioMin === null ? null : [r.ratioMin, r.ratioMax],
      goal: r.goal ? `${r.goal.op} ${r.goal.value}` : null,
      met: r.met,
      ...(r.outOfReach && !r.met ? { outOfReach: r.outOfReach } : {}),
      ...(r.note ? { note: r.note } : {}),
      rounds: r.rounds,
    })),
    goals,
    skipped,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  let text = JSON.stringify(results, null, 2);
  try {
    const prettier = await import("prettier");
    text = await prettier.format(text, { ...(await prettier.resolveConfig(OUT)), parser: "json" });
  } catch {
    text += "\n";
  }
  writeFileSync(OUT, text);
  console.log(`results: ${OUT}`);
}

await main();
// Miniflare or an agent may keep handles open: the report is written, so leave.
process.exit(0);
