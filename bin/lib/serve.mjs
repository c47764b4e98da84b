// @ts-check
// `durable-dynamodb serve`: the HTTP endpoint from the installed package (and `npm start` in
// a clone), on workerd through Miniflare (durable-dynamodb/local). Flags override the
// environment variables `npm start` has always read.
import { parseArgs } from "node:util";

export const SERVE_USAGE = `Usage:
  durable-dynamodb serve [--port N] [--host H] [--persist DIR | --in-memory] [--no-console]

  --port N       TCP port (default PORT or 8787; 0 picks a free one)
  --host H       address to listen on (default HOST or 127.0.0.1)
  --persist DIR  keep tables in DIR across restarts (default PERSIST_DIR or .durable-dynamodb)
  --in-memory    keep nothing: every start is empty
  --no-console   do not serve the web console at /console

Environment: DDB_CREDENTIALS=id:secret[,id:secret...] (default: the pair local / local),
DDB_AUTH=off (no signature checks), DDB_PERMISSIONS (JSON, SECURITY.md), DDB_CONSOLE=off,
DDB_DEFAULT_SHARDS, DDB_TTL_SWEEP_SECONDS, DDB_SPLIT_BYTES, DDB_SPLIT_WRITES_PER_SECOND.`;

const OPTIONS = /** @type {const} */ ({
  port: { type: "string" },
  host: { type: "string" },
  persist: { type: "string" },
  "in-memory": { type: "boolean" },
  "no-console": { type: "boolean" },
});

/**
 * Parses `serve`'s arguments and environment into startLocal's options; throws an Error
 * whose message is the usage problem.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {import("../../dist/src/local/index.js").StartLocalOptions & { port: number, host: string }}
 */
export function serveOptions(args, env) {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  const portText = values.port ?? env.PORT ?? "8787";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`--port must be a port number, not ${portText}`);
  if (values.persist !== undefined && values["in-memory"])
    throw new Error("--persist and --in-memory exclude each other");
  const persist = values["in-memory"] ? undefined : (values.persist ?? (env.PERSIST_DIR || ".durable-dynamodb"));
  const credentialText = env.DDB_CREDENTIALS?.trim();
  const credentials = credentialText
    ? credentialText.split(",").map((pair) => {
        const at = pair.indexOf(":");
        if (at <= 0 || at === pair.length - 1) throw new Error("DDB_CREDENTIALS must be id:secret[,id:secret...]");
        return { accessKeyId: pair.slice(0, at).trim(), secretAccessKey: pair.slice(at + 1).trim() };
      })
    : undefined;
  const shards = env.DDB_DEFAULT_SHARDS ? Number(env.DDB_DEFAULT_SHARDS) : undefined;
  const ttl = env.DDB_TTL_SWEEP_SECONDS ? Number(env.DDB_TTL_SWEEP_SECONDS) : undefined;
  const splitBytes = env.DDB_SPLIT_BYTES ? Number(env.DDB_SPLIT_BYTES) : undefined;
  const splitWrites = env.DDB_SPLIT_WRITES_PER_SECOND ? Number(env.DDB_SPLIT_WRITES_PER_SECOND) : undefined;
  return {
    port,
    host: values.host ?? (env.HOST || "127.0.0.1"),
    ...(persist === undefined ? {} : { persist }),
    ...(credentials ? { credentials } : {}),
    auth: (env.DDB_AUTH ?? "").trim().toLowerCase() !== "off",
    ...(env.DDB_PERMISSIONS ? { permissions: env.DDB_PERMISSIONS } : {}),
    console: !values["no-console"] && (env.DDB_CONSOLE ?? "on").trim().toLowerCase() !== "off",
    ...(shards !== undefined ? { shards } : {}),
    ...(ttl !== undefined ? { ttlSweepSeconds: ttl } : {}),
    ...(splitBytes !== undefined ? { splitBytes } : {}),
    ...(splitWrites !== undefined ? { splitWritesPerSecond: splitWrites } : {}),
  };
}

/**
 * Starts the endpoint, prints where it is and who may call it, and stops it on SIGINT or
 * SIGTERM. Resolves once it is serving.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
export async function serve(args, env) {
  const options = serveOptions(args, env);
  const { startLocal } = await import("../../dist/src/local/index.js");
  const local = await startLocal(options);
  const where = options.persist === undefined ? "in memory" : `state: ${options.persist}`;
  console.log(`durable-dynamodb listening on ${local.endpoint} (${where})`);
  if (options.console) console.log(`console: ${local.endpoint}/console`);
  if (options.auth === false) {
    console.warn("!!! DDB_AUTH=off: SIGNATURES ARE NOT CHECKED; anyone who can reach this port has full access !!!");
  } else if (options.credentials === undefined) {
    console.log('auth: SigV4 required; default local credentials: access key id "local", secret access key "local"');
    console.log("      (set DDB_CREDENTIALS=id:secret[,id:secret...] to choose your own)");
    if (!["127.0.0.1", "localhost", "::1"].includes(options.host)) {
      console.warn(
        `!!! --host ${options.host} exposes the endpoint with the well-known default credentials: set DDB_CREDENTIALS !!!`,
      );
    }
  } else {
    // Key ids only: secrets are never printed.
    const ids = options.credentials.map((c) => c.accessKeyId).join(", ");
    console.log(`auth: SigV4 required; credentials from DDB_CREDENTIALS (access key ids: ${ids})`);
  }
  if (options.permissions && options.auth !== false) console.log("auth: per-key permissions from DDB_PERMISSIONS");
  const stop = async () => {
    await local.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
