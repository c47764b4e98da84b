// `npm start`: bundles the Worker with wrangler (same build as a deploy) and serves it with
// Miniflare's API in one workerd process, on 127.0.0.1:8787 (PORT and HOST override).
// Miniflare directly rather than `wrangler dev`: wrangler dev adds a proxy Worker and the
// inspector, several times slower per request (shared/perf-floor.md). State persists in
// .wrangler/state (override with PERSIST_DIR) across restarts.
//
// PORT is a socket of workerd's bound straight to our Worker (Miniflare's
// `unsafeDirectSockets`), not Miniflare's own entry socket: that one routes every request
// through Miniflare's entry Worker first (dev features this endpoint does not use: live
// reload, pretty error pages, request logging), which cost about 1.4x in requests per
// second for GetItem and PutItem through the AWS SDK (bench figure D). Miniflare still
// opens its entry socket, on a free loopback port, for its own use.
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

// Who may call the endpoint (SECURITY.md): DDB_CREDENTIALS from the environment
// ("id:secret,id:secret"), else one well-known local pair; DDB_PERMISSIONS passes through;
// DDB_AUTH=off turns verification off.
const DEFAULT_CREDENTIALS = "local:local";
const authOff = (process.env.DDB_AUTH ?? "").trim().toLowerCase() === "off";
const credentials = process.env.DDB_CREDENTIALS?.trim() || DEFAULT_CREDENTIALS;
const authBindings = {
  DDB_CREDENTIALS: credentials,
  ...(process.env.DDB_PERMISSIONS ? { DDB_PERMISSIONS: process.env.DDB_PERMISSIONS } : {}),
  ...(authOff ? { DDB_AUTH: "off" } : {}),
};

// The web console at /console (src/console) is on for `npm start` (DDB_CONSOLE=off turns it
// off); its sign-in form is prefilled only with the well-known default pair, never a real secret.
const consoleOn = (process.env.DDB_CONSOLE ?? "on").trim().toLowerCase() !== "off";
const consoleBindings = consoleOn
  ? { DDB_CONSOLE: "on", ...(credentials === DEFAULT_CREDENTIALS ? { DDB_CONSOLE_PREFILL: DEFAULT_CREDENTIALS } : {}) }
  : {};

// Seconds between TTL sweeps of each shard (default 60; src/ttl/sweeper.ts).
const ttlBindings = process.env.DDB_TTL_SWEEP_SECONDS
  ? { DDB_TTL_SWEEP_SECONDS: process.env.DDB_TTL_SWEEP_SECONDS }
  : {};

// Miniflare 5 takes a new option shape; the classic (v4) one is converted by its own helper.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    resourcePersistencePath: persist,
    workers: [
      {
        name: "durable-dynamodb",
        modules: true,
        scriptPath: resolve(outdir, "worker.js"),
        compatibilityDate,
        compatibilityFlags: ["nodejs_compat"],
        bindings: { ...authBindings, ...consoleBindings, ...ttlBindings },
        durableObjects: { DYNAMODB: { className: "DynamoShard", useSQLite: true } },
        unsafeDirectSockets: [{ host, port }],
      },
    ],
  }),
);
await mf.ready;
const url = await mf.unsafeGetDirectURL("durable-dynamodb");
console.log(`durable-dynamodb listening on ${url.href.replace(/\/$/, "")} (state: ${persist})`);
if (consoleOn) console.log(`console: ${url.href.replace(/\/$/, "")}/console`);
if (authOff) {
  console.warn("!!! DDB_AUTH=off: SIGNATURES ARE NOT CHECKED; anyone who can reach this port has full access !!!");
} else if (credentials === DEFAULT_CREDENTIALS) {
  console.log('auth: SigV4 required; default local credentials: access key id "local", secret access key "local"');
  console.log("      (set DDB_CREDENTIALS=id:secret[,id:secret...] to choose your own)");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    console.warn(
      `!!! HOST=${host} exposes the endpoint with the well-known default credentials: set DDB_CREDENTIALS !!!`,
    );
  }
} else {
  // Key ids only: secrets are never printed.
  const ids = credentials
    .split(",")
    .map((pair) => pair.split(":")[0].trim())
    .filter(Boolean);
  console.log(`auth: SigV4 required; credentials from DDB_CREDENTIALS (access key ids: ${ids.join(", ")})`);
}
if (process.env.DDB_PERMISSIONS && !authOff) console.log("auth: per-key permissions from DDB_PERMISSIONS");

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
