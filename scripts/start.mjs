// `npm start`: bundles the Worker with wrangler (same build as a deploy) and serves it with
// Miniflare's API in one workerd process, on 127.0.0.1:8787 (PORT and HOST override).
// Miniflare directly rather than `wrangler dev`: wrangler dev adds a proxy Worker and the
// inspector, several times slower per request (shared/perf-floor.md). State persists in
// .wrangler/state (override with PERSIST_DIR) across restarts.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const root = resolve(new URL("..", import.meta.url).pathname);
const outdir = resolve(root, ".wrangler/build");
const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? "127.0.0.1";
const persist = resolve(root, process.env.PERSIST_DIR ?? ".wrangler/state");
// One source of truth for the runtime version: wrangler.toml.
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(resolve(root, "wrangler.toml"), "utf8"),
)?.[1];

execFileSync(
  process.execPath,
  [resolve(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
  { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
);

// Miniflare 5 takes a new option shape; the classic (v4) one is converted by its own helper.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host,
    port,
    resourcePersistencePath: persist,
    workers: [
      {
        name: "durable-dynamodb",
        modules: true,
        scriptPath: resolve(outdir, "worker.js"),
        compatibilityDate,
        compatibilityFlags: ["nodejs_compat"],
        durableObjects: { DYNAMODB: { className: "DynamoShard", useSQLite: true } },
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`durable-dynamodb listening on ${url.href.replace(/\/$/, "")} (state: ${persist})`);

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
