// `npm start` (scripts/start.mjs) as the load scripts run it (soak, split-load): on a free
// loopback port, state in `persist`, in its own process group so that a crash (SIGKILL of
// the group) takes Node and workerd down together; resolves once `GET /` answers.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export async function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

/**
 * @param {{ persist: string, env?: Record<string, string>, stdio?: "ignore" | "inherit", label: string }} options
 * @returns {Promise<{ endpoint: string, child: import("node:child_process").ChildProcess }>}
 */
export async function startServer({ persist, env = {}, stdio = "ignore", label }) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PERSIST_DIR: persist,
      DDB_CREDENTIALS: "local:local",
      ...env,
    },
    stdio,
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${endpoint}/`)).ok) return { endpoint, child };
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${label}: npm start did not answer within 180 s`);
}
