// The floor of figure D, as its own process like `npm start` (scripts/start.mjs): Miniflare
// with one workerd, its direct socket serving a Worker that reads each request and answers
// the recorded response of our server for its operation (same bytes and headers; no
// DynamoDB logic). Started by bench/run.mjs with PORT, and CANNED_FILE naming a JSON file
// of { operation: { body, crc } }. With HOP=1 the Worker first makes one Durable Object RPC
// carrying the request (operation, body, a meta object, as our edge calls a shard) that
// does nothing but return the recorded reply: the least any server that keeps its data in
// a Durable Object pays per request. With HOP=engine the Worker is bench/floor-engine.ts
// (bundled here by esbuild): SigV4 verified, then the same one RPC to an object whose
// engine runs the request; it is then loaded with the bench's table like our server,
// DDB_CREDENTIALS is the signing pair and PERSIST_DIR where its data is kept.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const root = resolve(import.meta.dirname, "..");
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(
  readFileSync(resolve(root, "wrangler.toml"), "utf8"),
)?.[1];

const FLOOR_WORKER = `
import { DurableObject } from "cloudflare:workers";
export class Echo extends DurableObject {
  echo(operation, body, meta) {
    return { status: 200, body: this.env.CANNED[operation].body };
  }
}
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("healthy", { headers: { "content-type": "text/plain" } });
    const body = await request.text();
    const target = request.headers.get("x-amz-target") ?? "";
    const operation = target.slice(target.indexOf(".") + 1);
    const reply = env.CANNED[operation];
    if (!reply) return new Response('{"__type":"com.amazon.coral.service#UnknownOperationException"}', { status: 400 });
    if (env.HOP === "1") {
      const echoed = await env.ECHO.get(env.ECHO.idFromName("echo")).echo(operation, body, { region: "us-east-1", host: "bench" });
      if (echoed.body !== reply.body) throw new Error("echo answered other bytes");
    }
    return new Response(reply.body, {
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": crypto.randomUUID(),
        "x-amz-crc32": reply.crc,
      },
    });
  },
};
`;

const ENGINE = process.env.HOP === "engine";
const buildDir = ENGINE ? mkdtempSync(join(tmpdir(), "ddb-bench-floor-engine-")) : undefined;
if (buildDir) {
  await build({
    entryPoints: [resolve(root, "bench/floor-engine.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["node:*", "cloudflare:*"],
    outfile: join(buildDir, "floor-engine.js"),
    logLevel: "warning",
  });
}
const worker = buildDir
  ? {
      modules: true,
      scriptPath: join(buildDir, "floor-engine.js"),
      modulesRoot: buildDir,
      bindings: { DDB_CREDENTIALS: process.env.DDB_CREDENTIALS ?? "" },
    }
  : {
      modules: true,
      script: FLOOR_WORKER,
      bindings: { HOP: process.env.HOP ?? "0", CANNED: JSON.parse(readFileSync(process.env.CANNED_FILE, "utf8")) },
    };

const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    // The engine's floor keeps its data where npm start does (PERSIST_DIR: on disk).
    ...(ENGINE && process.env.PERSIST_DIR ? { resourcePersistencePath: process.env.PERSIST_DIR } : {}),
    workers: [
      {
        name: "bench-floor",
        ...worker,
        compatibilityDate,
        compatibilityFlags: ["nodejs_compat"],
        // Served like `npm start`: PORT is a workerd socket bound straight to this Worker.
        unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(process.env.PORT) }],
        durableObjects: { ECHO: { className: "Echo", useSQLite: true } },
      },
    ],
  }),
);
await mf.ready;
const url = await mf.unsafeGetDirectURL("bench-floor");
console.log(`bench floor listening on ${url.href}`);

const stop = async () => {
  await mf.dispose();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
