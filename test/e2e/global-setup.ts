// Starts the real endpoint once for the whole end-to-end run: `node scripts/start.mjs` on a
// free port with state in a fresh temporary directory, waits until `GET /` answers, hands
// the URL to the tests (`inject("endpoint")`) and stops the server afterwards.
//
// E2E_ENDPOINT=http://host:port skips the start-up and tests an already running server.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from "./credentials";
import { SERVER_SHARDS } from "./settings";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the DynamoDB-compatible endpoint under test, e.g. http://127.0.0.1:41234 */
    endpoint: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");
/** Bundling with wrangler plus starting workerd: slow on a loaded two-core machine. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.E2E_ENDPOINT;
  if (external) {
    await waitUntilHealthy(external, START_TIMEOUT_MS, () => undefined);
    project.provide("endpoint", external.replace(/\/$/, ""));
    return undefined;
  }

  const port = await freePort();
  const persistDir = mkdtempSync(join(tmpdir(), "ddb-e2e-"));
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DDB_START_BUILT: "", // this first server builds dist/ (vitest.e2e.config.ts)
      PORT: String(port),
      HOST: "127.0.0.1",
      PERSIST_DIR: persistDir,
      // SigV4 on, with the pair every e2e client signs with; no permissions, auth not off.
      DDB_CREDENTIALS: `${DUMMY_ACCESS_KEY_ID}:${DUMMY_SECRET_ACCESS_KEY}`,
      DDB_PERMISSIONS: "",
      DDB_AUTH: "",
      // A TTL sweep every second, so test/e2e/streams.test.ts sees expiry without waiting a minute.
      DDB_TTL_SWEEP_SECONDS: "1",
      DDB_DEFAULT_SHARDS: String(SERVER_SHARDS), // ./settings.ts
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));

  try {
    await waitUntilHealthy(endpoint, START_TIMEOUT_MS, () => exited);
  } catch (err) {
    await stop(child);
    rmSync(persistDir, { recursive: true, force: true });
    throw new Error(
      `e2e: could not start scripts/start.mjs: ${(err as Error).message}\n--- server output ---\n${output}`,
      {
        cause: err,
      },
    );
  }
  project.provide("endpoint", endpoint);

  return async () => {
    await stop(child);
    rmSync(persistDir, { recursive: true, force: true });
  };
}

/** Polls `GET /` until it answers 200; fails early when `failure()` reports a reason. */
async function waitUntilHealthy(endpoint: string, timeoutMs: number, failure: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const reason = failure();
    if (reason) throw new Error(`server ${reason} before answering GET ${endpoint}/`);
    try {
      const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(5_000) });
      await response.text();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`GET ${endpoint}/ did not answer within ${timeoutMs} ms (last: ${last})`);
}

/** SIGTERM (start.mjs disposes Miniflare and its workerd), then SIGKILL if it hangs. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** A port the OS considers free right now (asked for by binding port 0). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
