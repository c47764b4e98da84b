// `npm run soak`: the endpoint under a long mixed load, then crashed and restarted.
//
//   node scripts/soak.mjs [--seconds 300] [--clients 64] [--crashes 3] [--crash-seconds 20]
//
// 1. `npm start` (scripts/start.mjs) on fresh state; `--clients` AWS SDK clients, each
//    owning its own keys, run a mix of PutItem, conditional UpdateItem, GetItem, DeleteItem,
//    Query with paging, BatchWriteItem (unprocessed items retried) and TransactWriteItems
//    for `--seconds`. Reported: operations and p50/p99 latency per kind, every error by
//    type (conditional failures and transaction conflicts are expected: they are the
//    outcome the client asked for), workerd's memory after warm-up and at the end.
// 2. `--crashes` times: the same load for `--crash-seconds`, then the server's whole
//    process group (Node and workerd) killed with SIGKILL mid-load, and `npm start`
//    restarted on the same state. After each restart every key is read back: a write
//    acknowledged before the crash must be there with its value (a write still in flight
//    may or may not be), each transaction's two items agree, and DescribeTable's ItemCount
//    equals the items a Scan returns.
// Exit status 0 when nothing unexpected happened.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { startServer } from "./lib/npm-start.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "300" },
    clients: { type: "string", default: "64" },
    crashes: { type: "string", default: "3" },
    "crash-seconds": { type: "string", default: "20" },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const CRASHES = Number(values.crashes);
const CRASH_SECONDS = Number(values["crash-seconds"]);
const TABLE = "soak";
const KEYS_PER_CLIENT = 20;
/** Outcomes a client asks for, not failures of the server. */
const EXPECTED = new Set(["ConditionalCheckFailedException", "TransactionCanceledException"]);

const state = mkdtempSync(join(tmpdir(), "ddb-soak-"));
let server;
let endpoint;

/** `npm start` in its own process group, so a crash can take Node and workerd down together. */
async function start() {
  ({ endpoint, child: server } = await startServer({ persist: state, label: "soak" }));
}

function crash() {
  process.kill(-server.pid, "SIGKILL");
}

/** Resident memory of the server's workerd (MB), found among the processes of its group. */
function workerdMemoryMb() {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (group !== server.pid || !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (rss) return Number(rss[1]) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function client() {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

// ---- the model: what each key must hold

/** key -> { acked: value or null (deleted/absent), pending: values that may or may not have landed } */
const model = new Map();
const keyOf = (c, k) => `c${c}-k${k}`;
for (let c = 0; c < CLIENTS; c++) {
  for (let k = 0; k < KEYS_PER_CLIENT; k++) model.set(keyOf(c, k), { acked: null, pending: [] });
}
let stamp = 0;

const latencies = {};
/** Errors by type: during the long load, and during the crash rounds (requests cut by a crash fail). */
const errors = { load: {}, crashes: {} };
let phase = "load";
const counts = {};
/** Transactions sent and not yet answered: after a crash, both of their items or neither. */
const inflight = new Set();

async function timed(kind, run) {
  const t = performance.now();
  try {
    return await run();
  } finally {
    (latencies[kind] ??= []).push(performance.now() - t);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
}

/** A write of `values` (key -> value or null) to the model: pending until acknowledged. */
async function write(kind, values, send) {
  for (const [key, value] of values) model.get(key).pending.push(value);
  try {
    await timed(kind, send);
    for (const [key, value] of values) {
      const entry = model.get(key);
      entry.acked = value;
      entry.pending = [];
    }
  } catch (err) {
    // Refused for the reason asked (condition, conflict): nothing landed.
    if (EXPECTED.has(err.name)) for (const [key] of values) model.get(key).pending = [];
    count(err, kind);
  }
}

let stopping = false;
const S = (s) => ({ S: s });

async function clientLoop(c, until) {
  const db = client();
  let next = 0;
  while (Date.now() < until && !stopping) {
    const k = next++ % KEYS_PER_CLIENT;
    const key = keyOf(c, k);
    const value = `v${++stamp}`;
    const dice = (c * 7919 + next * 104729) % 100;
    if (dice < 25) {
      await write("PutItem", [[key, value]], () =>
        db.send(new PutItemCommand({ TableName: TABLE, Item: { pk: S(`c${c}`), sk: S(key), v: S(value) } })),
      );
    } else if (dice < 40) {
      // Conditional: only over the value this client last saw acknowledged.
      const seen = model.get(key).acked;
      await write("UpdateItem", [[key, value]], () =>
        db.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: S(`c${c}`), sk: S(key) },
            UpdateExpression: "SET v = :v",
            ConditionExpression: seen === null ? "attribute_not_exists(v)" : "v = :seen",
            ExpressionAttributeValues: { ":v": S(value), ...(seen === null ? {} : { ":seen": S(seen) }) },
          }),
        ),
      );
    } else if (dice < 60) {
      await timed("GetItem", () =>
        db.send(new GetItemCommand({ TableName: TABLE, Key: { pk: S(`c${c}`), sk: S(key) } })),
      ).catch((err) => count(err, "GetItem"));
    } else if (dice < 67) {
      await write("DeleteItem", [[key, null]], () =>
        db.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: S(`c${c}`), sk: S(key) } })),
      );
    } else if (dice < 80) {
      // Seven items a page, to the end.
      await timed("Query", async () => {
        for await (const page of paginateQuery({ client: db, pageSize: 7 }, ownKeys(c))) void page;
      }).catch((err) => count(err, "Query"));
    } else if (dice < 90) {
      const keys = [key, keyOf(c, (k + 1) % KEYS_PER_CLIENT), keyOf(c, (k + 2) % KEYS_PER_CLIENT)];
      const values = keys.map((kk, i) => [kk, `${value}.${i}`]);
      await write("BatchWriteItem", values, async () => {
        let requests = values.map(([kk, vv]) => ({ PutRequest: { Item: { pk: S(`c${c}`), sk: S(kk), v: S(vv) } } }));
        while (requests.length > 0) {
          const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = out.UnprocessedItems?.[TABLE] ?? [];
        }
      });
    } else {
      // Two items, one stamp: after any crash both or neither hold it.
      const other = keyOf(c, (k + KEYS_PER_CLIENT / 2) % KEYS_PER_CLIENT);
      const values = [key, other].map((kk) => [kk, `${value}.t`]);
      const txn = { keys: [key, other], value: `${value}.t` };
      inflight.add(txn);
      await write("TransactWriteItems", values, () =>
        db.send(
          new TransactWriteItemsCommand({
            TransactItems: values.map(([kk, vv]) => ({
              Put: { TableName: TABLE, Item: { pk: S(`c${c}`), sk: S(kk), v: S(vv) } },
            })),
          }),
        ),
      );
      // Answered (or refused as asked): the per-key model covers it from here.
      if (!stopping) inflight.delete(txn);
    }
  }
  db.destroy();
}

/** Query of client c's own items. */
function ownKeys(c) {
  return { TableName: TABLE, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S(`c${c}`) } };
}

function count(err, kind) {
  const type = err.name ?? "Error";
  errors[phase][type] = (errors[phase][type] ?? 0) + 1;
  if (!EXPECTED.has(type) && !stopping) console.error(`soak: ${kind}: ${type}: ${err.message}`);
}

/** Every key read back against the model; returns the problems found. */
async function verify() {
  const db = client();
  const problems = [];
  const stored = new Map();
  for (let c = 0; c < CLIENTS; c++) {
    for await (const page of paginateQuery({ client: db }, { ...ownKeys(c), ConsistentRead: true })) {
      for (const item of page.Items ?? []) stored.set(item.sk.S, item.v?.S ?? null);
    }
  }
  for (const [key, entry] of model) {
    const got = stored.has(key) ? stored.get(key) : null;
    const allowed = [entry.acked, ...entry.pending];
    if (!allowed.includes(got)) problems.push(`${key}: holds ${got}, expected one of ${JSON.stringify(allowed)}`);
    // What is there now is what later writes build on.
    entry.acked = got;
    entry.pending = [];
  }
  // A transaction cut by a crash: both of its items hold its stamp, or neither does.
  for (const txn of inflight) {
    const applied = txn.keys.map((key) => stored.get(key) === txn.value);
    if (applied[0] !== applied[1]) problems.push(`transaction ${txn.value}: on one of its two items`);
  }
  inflight.clear();
  let scanCount = 0;
  for await (const page of paginateScan({ client: db }, { TableName: TABLE, Select: "COUNT" })) {
    scanCount += page.Count ?? 0;
  }
  const described = await db.send(new DescribeTableCommand({ TableName: TABLE }));
  if (described.Table?.ItemCount !== scanCount || scanCount !== stored.size) {
    problems.push(`ItemCount ${described.Table?.ItemCount}, Scan ${scanCount}, Query ${stored.size}`);
  }
  db.destroy();
  return problems;
}

function percentile(list, p) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(seconds) {
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => clientLoop(c, until)));
}

async function main() {
  await start();
  const db = client();
  await db.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  db.destroy();

  console.log(`soak: ${CLIENTS} clients for ${SECONDS} s against ${endpoint}`);
  const memory = [];
  const sampler = setInterval(() => memory.push(workerdMemoryMb()), 5_000);
  await run(SECONDS);
  clearInterval(sampler);
  const problems = await verify();
  const warm = memory.filter((m) => m !== undefined).slice(Math.ceil(memory.length / 5));
  console.log("operation            count      p50 ms    p99 ms");
  for (const [kind, list] of Object.entries(latencies).sort()) {
    console.log(
      `${kind.padEnd(20)} ${String(counts[kind]).padStart(6)} ${percentile(list, 50).toFixed(1).padStart(10)} ${percentile(list, 99).toFixed(1).padStart(9)}`,
    );
  }
  if (warm.length > 1) {
    console.log(`workerd memory after warm-up: ${warm[0].toFixed(0)} MB, at the end: ${warm.at(-1).toFixed(0)} MB`);
  }

  phase = "crashes";
  for (let n = 1; n <= CRASHES; n++) {
    const load = run(CRASH_SECONDS);
    await new Promise((done) => setTimeout(done, (CRASH_SECONDS * 1000) / 2));
    stopping = true;
    crash();
    await load;
    stopping = false;
    await start();
    const found = await verify();
    console.log(`crash ${n}: SIGKILL mid-load, restarted; ${found.length} problems`);
    problems.push(...found.map((p) => `after crash ${n}: ${p}`));
  }

  const unexpected = Object.entries(errors.load).filter(([type]) => !EXPECTED.has(type));
  const failedDuringLoad = unexpected.reduce((sum, [, n]) => sum + n, 0);
  console.log(`errors during the load: ${JSON.stringify(errors.load)}`);
  console.log(`errors during the crash rounds (requests cut by a crash): ${JSON.stringify(errors.crashes)}`);
  for (const p of problems.slice(0, 20)) console.log(`PROBLEM ${p}`);
  console.log(
    `soak: ${problems.length} lost or inconsistent writes; ${failedDuringLoad} unexpected errors during the load`,
  );
  crash();
  rmSync(state, { recursive: true, force: true });
  return problems.length === 0 && failedDuringLoad === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    try {
      crash();
    } catch {
      // not started
    }
    process.exit(1);
  },
);
