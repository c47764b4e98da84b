// `durable-dynamodb/local`: the HTTP endpoint for projects that are not Workers (a Node
// service's Jest or Vitest suite, scripts, other languages' SDKs). It runs the package's
// prebuilt Worker (dist/worker, the same Worker `wrangler deploy` would upload) on workerd
// through Miniflare's API, in this Node process, with no wrangler configuration of the user's.
//
//   import { startLocal } from "durable-dynamodb/local";
//   const local = await startLocal();          // in memory, on a free port
//   const client = new DynamoDBClient(local);  // endpoint, region and credentials
//   ...
//   await local.stop();
//
// Node-only: it is never part of a Worker bundle.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StartLocalOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Directory to keep tables in across restarts; unset keeps them in memory only. */
  persist?: string;
  /**
   * Key pairs the endpoint accepts (SigV4 is checked as DynamoDB does). Default: the one
   * well-known local pair, access key id "local" and secret "local".
   */
  credentials?: LocalCredentials[];
  /** false turns signature checking off (anyone reaching the port has full access). */
  auth?: boolean;
  /** Per-key permissions as JSON (SECURITY.md, DDB_PERMISSIONS). */
  permissions?: string;
  /** Serve the web console at /console (default false). */
  console?: boolean;
  /** Shard Durable Objects each new table is spread over (default 1). */
  shards?: number;
  /** Seconds between TTL sweeps of each shard (default 60). */
  ttlSweepSeconds?: number;
  /** Bytes of one table's rows in one partition past which it splits (DDB_SPLIT_BYTES; default 1 GiB). */
  splitBytes?: number;
  /** Sustained writes per second to one table in one partition past which it splits (default 500). */
  splitWritesPerSecond?: number;
}

export interface LocalEndpoint {
  /** Base URL, e.g. http://127.0.0.1:41234: the `endpoint` of any AWS SDK client. */
  endpoint: string;
  /** A region for clients (the endpoint accepts any). */
  region: string;
  /** The first accepted key pair (the signing identity for clients). */
  credentials: LocalCredentials;
  /** Stops workerd; the endpoint refuses connections afterwards. */
  stop(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: LocalCredentials = { accessKeyId: "local", secretAccessKey: "local" };
const REGION = "us-east-1";

/** What the package build recorded next to the Worker bundle (from wrangler.toml). */
interface WorkerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
}

const workerDir = fileURLToPath(new URL("../../worker/", import.meta.url));

/**
 * The Node.js versions Miniflare supports, as its package.json states them, or undefined
 * when this Node satisfies them. Checked before Miniflare is loaded: on an older Node it
 * fails in ways that do not say why.
 */
export function unsupportedNode(version: string = process.versions.node): string | undefined {
  const require = createRequire(import.meta.url);
  const engines = (require("miniflare/package.json") as { engines?: { node?: string } }).engines?.node;
  const minimum = engines === undefined ? undefined : /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(engines.trim());
  if (minimum === undefined || minimum === null) return undefined;
  const have = version.split(".").map(Number);
  const need = minimum.slice(1).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return undefined;
    if ((have[i] ?? 0) < (need[i] ?? 0)) return engines;
  }
  return undefined;
}

export async function startLocal(options: StartLocalOptions = {}): Promise<LocalEndpoint> {
  const needed = unsupportedNode();
  if (needed !== undefined) {
    throw new Error(
      `durable-dynamodb: the local endpoint runs workerd through Miniflare, which needs Node.js ${needed} (this is ${process.version})`,
    );
  }
  const credentials = options.credentials ?? [DEFAULT_CREDENTIALS];
  const first = credentials[0];
  if (first === undefined) throw new TypeError("durable-dynamodb: `credentials` needs at least one key pair");
  for (const pair of credentials) {
    if (!/^[^:,\s]+$/.test(pair.accessKeyId) || !/^[^,\s]+$/.test(pair.secretAccessKey)) {
      throw new TypeError("durable-dynamodb: access key ids and secrets may not contain spaces, ',' or (ids) ':'");
    }
  }
  const config = JSON.parse(readFileSync(resolve(workerDir, "config.json"), "utf8")) as WorkerConfig;
  const bindings: Record<string, string> = {
    DDB_CREDENTIALS: credentials.map((c) => `${c.accessKeyId}:${c.secretAccessKey}`).join(","),
  };
  if (options.auth === false) bindings.DDB_AUTH = "off";
  if (options.permissions) bindings.DDB_PERMISSIONS = options.permissions;
  if (options.shards !== undefined) bindings.DDB_DEFAULT_SHARDS = String(options.shards);
  if (options.ttlSweepSeconds !== undefined) bindings.DDB_TTL_SWEEP_SECONDS = String(options.ttlSweepSeconds);
  if (options.splitBytes !== undefined) bindings.DDB_SPLIT_BYTES = String(options.splitBytes);
  if (options.splitWritesPerSecond !== undefined) {
    bindings.DDB_SPLIT_WRITES_PER_SECOND = String(options.splitWritesPerSecond);
  }
  if (options.console) {
    bindings.DDB_CONSOLE = "on";
    // The sign-in form is prefilled only with the well-known pair, never a chosen secret.
    if (options.credentials === undefined) bindings.DDB_CONSOLE_PREFILL = "local:local";
  }

  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  // The endpoint is a socket of workerd's bound straight to the Worker (Miniflare's
  // `unsafeDirectSockets`): Miniflare's own entry socket would route every request
  // through its entry Worker (live reload, error pages, logging), a second hop this
  // endpoint has no use for. Miniflare still opens that one, on a free loopback port.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(options.persist === undefined ? {} : { resourcePersistencePath: resolve(options.persist) }),
      workers: [
        {
          name: "durable-dynamodb",
          modules: true,
          scriptPath: resolve(workerDir, "worker.js"),
          compatibilityDate: config.compatibilityDate,
          compatibilityFlags: config.compatibilityFlags,
          bindings,
          durableObjects: { DYNAMODB: { className: "DynamoShard", useSQLite: true } },
          // ExportTableToPointInTime and ImportTable's S3Bucket "exports": a local R2 bucket,
          // kept with the rest of the state.
          r2Buckets: ["exports"],
          unsafeDirectSockets: [{ host: options.host ?? "127.0.0.1", port: options.port ?? 0 }],
        },
      ],
    }),
  );
  try {
    await mf.ready;
    const url = await mf.unsafeGetDirectURL("durable-dynamodb");
    return {
      endpoint: url.href.replace(/\/$/, ""),
      region: REGION,
      credentials: { ...first },
      stop: () => mf.dispose(),
    };
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    throw err;
  }
}
