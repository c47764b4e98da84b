// `npm run profile:workerd -- [workload] [iterations]`: one of the bench's in-object loops
// (bench/worker.ts: engine.put, engine.get, engine.update, engine.query, raw.put, ...) under
// workerd's own CPU profiler, driven through Miniflare's inspector proxy.
//
// `npm run profile` runs the engine in Node, which shows the JavaScript's proportions but not
// what only the Worker build pays: the bundle as wrangler makes it (keepNames turns every
// named closure into an Object.defineProperty call), node:* modules through workerd's
// polyfills, and the runtime's own calls (SQLite, TextEncoder). This is the profile of that
// build, in the runtime that serves it.
//
//   npm run profile:workerd                          # engine.put, 100,000 calls
//   npm run profile:workerd -- engine.update 50000
//
// Prints µs per operation (timed inside the object, under the profiler) and the functions
// with the most self and inclusive time; the whole profile goes to
// .wrangler/profile/<workload>.cpuprofile (loadable in Chrome's DevTools).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { wranglerBuild } from "./build-worker.mjs";
import { profileReport } from "./profile-report.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workload = process.argv[2] ?? "engine.put";
const iterations = Number(process.argv[3] ?? 100_000);
const ITEMS = 20_000;
const SEED = "12345";
const TOP = 25;

const scriptPath = wranglerBuild(join(ROOT, ".wrangler/profile-build"));
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(ROOT, "wrangler.toml"), "utf8"),
)?.[1];

const inspectorPort = await new Promise((done, fail) => {
  const server = createServer();
  server.on("error", fail);
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => done(port));
  });
});
const persist = mkdtempSync(join(tmpdir(), "ddb-profile-"));
const NAME = "durable-dynamodb-bench";
const mf = new Miniflare(
  convertV4MiniflareOptions({
    inspectorPort,
    resourcePersistencePath: persist,
    workers: [
      {
        name: NAME,
        modules: true,
        scriptPath,
        compatibilityDate,
        compatibilityFlags: ["nodejs_compat"],
        unsafeInspectorProxy: true,
        durableObjects: {
          BENCH: { className: "BenchShard", useSQLite: true },
          DYNAMODB: { className: "BenchShard", useSQLite: true },
        },
      },
    ],
  }),
);

try {
  await mf.ready;
  const rpc = async (method, ...args) => {
    const response = await mf.dispatchFetch("http://bench/", {
      method: "POST",
      body: JSON.stringify({ method, args }),
    });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`bench ${method}: ${reply.error}`);
    return reply.result;
  };
  await rpc("createTable", "grid", "grid");
  for (let from = 0; from < ITEMS; from += 2_000) await rpc("load", "grid", "grid", from, from + 2_000);
  await rpc("copyRaw", "grid");
  await rpc("run", workload, Math.min(iterations, 20_000), SEED); // warm up, unprofiled

  // The proxy accepts a DevTools client from a local origin (Miniflare's own check).
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/${NAME}`, { headers: { origin: "http://localhost" } });
  await new Promise((done, fail) => {
    ws.addEventListener("open", done, { once: true });
    ws.addEventListener("error", () => fail(new Error("the inspector refused the connection")), { once: true });
  });
  let lastId = 0;
  const waiting = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const post = (method, params = {}) =>
    new Promise((done, fail) => {
      const id = ++lastId;
      waiting.set(id, (message) => (message.error ? fail(new Error(message.error.message)) : done(message.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  const result = await rpc("run", workload, iterations, SEED);
  const { profile } = await post("Profiler.stop");
  ws.close();

  const file = join(ROOT, `.wrangler/profile/${workload}.cpuprofile`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  const micros = (result.ms * 1000) / iterations;
  console.log(`${workload}: ${micros.toFixed(1)} µs/op in workerd, profiled (${iterations} calls)`);
  console.log(profileReport(profile, TOP));
  console.log(`profile: ${file}`);
} finally {
  await mf.dispose();
  rmSync(persist, { recursive: true, force: true });
}
