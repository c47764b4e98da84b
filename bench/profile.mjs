// `npm run profile -- [ops] [iterations]`: the engine's hot paths under a CPU profiler.
//
// This runs the engine's code (src/engine/engine.ts, bundled by esbuild) in Node over
// node:sqlite, behind a small stand-in for ctx.storage (sql.exec cursors, transactionSync as
// savepoints): quick, and the JavaScript's proportions are the same code's. Absolute times
// differ from workerd's (its SQLite calls cost more per statement), and what only the Worker
// build pays (wrangler's keepNames, node:* polyfills, the runtime's own calls) shows only in
// `npm run profile:workerd` (bench/profile-workerd.mjs), the same loops profiled in workerd.
//
//   npm run profile                      # put,get,update,query, 20,000 each (scan: on request)
//   npm run profile -- update 50000      # one operation, more samples
//
// Prints µs per operation and, per operation, the functions with the most self and
// inclusive time (percent of the profile). Items are bench/data.mjs's ~1 KB items.
import { build } from "esbuild";
import { Session } from "node:inspector/promises";
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MATCH_CATEGORY, gridTable, makeItem, partitionKey, sortKey } from "./data.mjs";
import { profileReport } from "./profile-report.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = resolve(root, ".wrangler/profile/engine.mjs");
mkdirSync(dirname(outfile), { recursive: true });
await build({
  entryPoints: [resolve(root, "src/engine/engine.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile,
  logLevel: "warning",
});
const { Engine } = await import(pathToFileURL(outfile).href);

const OPS = { put: "PutItem", get: "GetItem", update: "UpdateItem", query: "Query", scan: "Scan" };
const ops = (process.argv[2] ?? "put,get,update,query").split(",").filter((op) => op in OPS);
const iterations = Number(process.argv[3] ?? 20_000);
const TOP = 20;

// ---- ctx.storage over node:sqlite (what the engine uses of it, no more)

const db = new DatabaseSync(":memory:");
const statements = new Map();

function bind(value) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** Rows as workerd gives them: blobs as ArrayBuffer. */
function fromRow(row) {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array)
      row[key] = value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  }
  return row;
}

function cursor(rows) {
  let at = 0;
  const self = {
    next: () => (at < rows.length ? { done: false, value: rows[at++] } : { done: true, value: undefined }),
    toArray: () => rows.slice(at),
    one() {
      if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
      return rows[0];
    },
    raw: () => rows.map((row) => Object.values(row))[Symbol.iterator](),
    [Symbol.iterator]: () => self,
    rowsRead: rows.length,
    rowsWritten: 0,
  };
  return self;
}

function exec(query, ...bindings) {
  // Migrations send several statements in one text, without bindings.
  if (bindings.length === 0 && query.split(";").filter((part) => part.trim() !== "").length > 1) {
    db.exec(query);
    return cursor([]);
  }
  let statement = statements.get(query);
  if (!statement) statements.set(query, (statement = db.prepare(query)));
  const values = bindings.map(bind);
  if (/^\s*(SELECT|WITH|PRAGMA)|RETURNING/i.test(query)) return cursor(statement.all(...values).map(fromRow));
  statement.run(...values);
  return cursor([]);
}

let depth = 0;
const storage = {
  sql: { exec, databaseSize: 0 },
  transactionSync(fn) {
    const savepoint = `sp${depth++}`;
    db.exec(`SAVEPOINT ${savepoint}`);
    try {
      const result = fn();
      db.exec(`RELEASE ${savepoint}`);
      return result;
    } catch (err) {
      db.exec(`ROLLBACK TO ${savepoint}`);
      db.exec(`RELEASE ${savepoint}`);
      throw err;
    } finally {
      depth--;
    }
  },
  setAlarm() {},
  getAlarm: () => null,
};

// ---- the workload

const engine = new Engine({ storage }, { scheduleHousekeeping() {} });
const META = { region: "us-east-1", host: "profile" };

function call(operation, input) {
  const reply = engine.handle(operation, typeof input === "string" ? input : JSON.stringify(input), META);
  if (reply.status !== 200) throw new Error(`${operation}: ${reply.body}`);
  return reply.body;
}

call("CreateTable", gridTable("grid"));

const POOL = 1000;
const bodies = { put: [], get: [], update: [], query: [], scan: [] };
for (let i = 0; i < POOL; i++) {
  const item = makeItem(i, partitionKey(i % 10), sortKey(i));
  const Key = { pk: item.pk, sk: item.sk };
  bodies.put.push(JSON.stringify({ TableName: "grid", Item: item }));
  bodies.get.push(JSON.stringify({ TableName: "grid", Key }));
  bodies.update.push(
    JSON.stringify({
      TableName: "grid",
      Key,
      UpdateExpression: "ADD n :one",
      ExpressionAttributeValues: { ":one": { N: "1" } },
    }),
  );
  bodies.query.push(
    JSON.stringify({
      TableName: "grid",
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": item.pk },
      Limit: 100,
    }),
  );
  // A page of the whole table (1,000 items of ~1 KB) with a filter pushed down to SQL.
  bodies.scan.push(
    JSON.stringify({
      TableName: "grid",
      FilterExpression: "category = :c",
      ExpressionAttributeValues: { ":c": { S: MATCH_CATEGORY } },
    }),
  );
}
for (const body of bodies.put) call("PutItem", body);

function loop(op, n) {
  const list = bodies[op];
  for (let k = 0; k < n; k++) call(OPS[op], list[k % POOL]);
}

// ---- profile

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });

for (const op of ops) {
  loop(op, Math.min(iterations, 2000)); // warm up the JIT and the caches, unprofiled
  await session.post("Profiler.start");
  const start = performance.now();
  loop(op, iterations);
  const micros = ((performance.now() - start) * 1000) / iterations;
  const { profile } = await session.post("Profiler.stop");
  console.log(`\n${OPS[op]}: ${micros.toFixed(1)} µs/op in Node over node:sqlite (${iterations} calls)`);
  console.log(profileReport(profile, TOP));
}
session.disconnect();
