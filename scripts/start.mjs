// `npm start` in a clone: builds the package (scripts/build.mjs, without declarations) and
// serves it exactly as `npx durable-dynamodb serve` does from an installed package
// (bin/lib/serve.mjs, durable-dynamodb/local), keeping state in .wrangler/state unless
// PERSIST_DIR says otherwise. Miniflare's API rather than `wrangler dev`: wrangler dev adds
// a proxy Worker and the inspector, several times slower per request (bench/README.md).
//
// DDB_START_BUILT=1 serves dist/ as it is, unbuilt: the end-to-end suite (vitest.e2e.config.ts)
// builds once, when its global set-up starts the first server, and the servers its tests and
// scripts start after that (benchmark, soak, restarts after a crash) serve that build.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
if (process.env.DDB_START_BUILT !== "1") {
  execFileSync(process.execPath, [resolve(root, "scripts/build.mjs"), "--no-types"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
const { serve } = await import("../bin/lib/serve.mjs");
await serve(process.argv.slice(2), {
  ...process.env,
  PERSIST_DIR: process.env.PERSIST_DIR || resolve(root, ".wrangler/state"),
});
