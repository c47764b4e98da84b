// `npm test`: every check CI runs, in as little wall time as two cores allow.
//
//   build                       first: the generated parsers the rest compile and import
//   then, side by side:
//     typecheck, then test:e2e  Node clients against `npm start` (vitest.e2e.config.ts); after
//                               the typecheck, which reads dist/'s declarations, because the
//                               suite builds dist/ again (npm start, npm pack)
//     test:workers              every suite inside workerd, through every door (vitest.config.ts)
//     lint, format:check        (neither reads dist/)
//
// The Workers pool keeps both cores busy only part of the time (a group's last slow file runs
// alone), and the end-to-end suite mostly waits on its server, the AWS CLI and Python: run
// together they finish well before they would one after another. Each step's output is
// printed whole when it ends (CI counts the "Tests" lines), then the time of every step.
//
// `npm test -- --serial` runs the steps one after another (for reading a failure's output
// as it happens).
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";

const SERIAL = process.argv.includes("--serial");

// Temporary files on tmpfs where the machine has one: the Workers pool keeps every Durable
// Object's SQLite database under the temporary directory (Miniflare's), the end-to-end
// suite its servers' state, and every test creates tables, so objects and their files.
// On a disk, those files' synced writes are a large share of the suites' time. A TMPDIR of
// the caller's own is kept.
function writableDir(path) {
  try {
    accessSync(path, constants.W_OK);
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
const env = { ...process.env };
if (env.TMPDIR === undefined && writableDir("/dev/shm")) env.TMPDIR = "/dev/shm";

/** A step is an npm script; a lane is steps run one after another. */
const LANES = [["typecheck", "test:e2e"], ["test:workers"], ["lint", "format:check"]];

const started = Date.now();
const timings = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(script) {
  const begin = Date.now();
  console.log(`npm test: ${script} started`);
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], {
      stdio: SERIAL ? "inherit" : ["ignore", "pipe", "pipe"],
      env,
    });
    const chunks = [];
    child.stdout?.on("data", (chunk) => chunks.push(chunk));
    child.stderr?.on("data", (chunk) => chunks.push(chunk));
    child.on("close", (code, signal) => {
      const ms = Date.now() - begin;
      const ok = code === 0;
      timings.push({ script, ms, ok });
      if (!SERIAL) {
        console.log(`\n----- npm run ${script} (${ok ? "passed" : "FAILED"}, ${seconds(ms)}) -----`);
        process.stdout.write(Buffer.concat(chunks));
      }
      console.log(`npm test: ${script} ${ok ? "passed" : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds(ms)}`);
      resolve(ok);
    });
  });
}

async function lane(scripts) {
  let ok = true;
  for (const script of scripts) ok = (await run(script)) && ok;
  return ok;
}

let ok = await run("build");
if (ok) {
  if (SERIAL) {
    for (const scripts of LANES) ok = (await lane(scripts)) && ok;
  } else {
    const results = await Promise.all(LANES.map(lane));
    ok = results.every(Boolean);
  }
}

console.log("\nnpm test: time per step");
for (const { script, ms, ok: passed } of timings) {
  console.log(`  ${script.padEnd(14)} ${seconds(ms).padStart(8)}${passed ? "" : "  FAILED"}`);
}
console.log(`npm test: ${ok ? "passed" : "FAILED"} in ${seconds(Date.now() - started)} (wall clock)`);
// Not process.exit: writes to a pipe (CI's tee) are asynchronous, and exiting at once cut
// off the end of a long step's output, its "Tests" line with it.
process.exitCode = ok ? 0 : 1;
