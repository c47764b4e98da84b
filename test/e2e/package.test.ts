// The package as a new user gets it: `npm pack`'s tarball, checked by publint and attw,
// installed into fresh projects made of exactly the files README.md shows (a Worker with
// its tests in the Workers Vitest pool; a Node project whose tests use startLocal), each
// typechecked (no @types/node in the Worker's) and tested; the Worker deployed with
// `wrangler deploy --dry-run`; `npx durable-dynamodb serve` started from the install.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, mustRun, readmeProject, ROOT, run } from "./package-support";

let work: string;
let tarball: string;
let unpacked: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ddb-package-"));
  // `npm pack` runs the prepack build, as a publish would.
  const output = await mustRun("npm", ["pack", "--pack-destination", work, "--loglevel=error"], ROOT);
  const name = output.trim().split("\n").pop() ?? "";
  tarball = join(work, name);
  unpacked = join(work, "unpacked");
  await mustRun("mkdir", ["-p", unpacked], work);
  await mustRun("tar", ["-xzf", tarball, "-C", unpacked], work);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

describe("npm pack", () => {
  it("ships the built package (dist, parsers, declarations, the endpoint's Worker) and nothing of the repository's own", () => {
    const files = filesUnder(join(unpacked, "package"));
    for (const entry of ["index", "lib", "do", "testing", "local/index"]) {
      expect(files).toContain(`dist/src/${entry}.js`);
      expect(files).toContain(`dist/src/${entry}.d.ts`);
      expect(files).toContain(`dist/src/${entry}.d.ts.map`);
    }
    expect(files).toContain("dist/grammar/generated/expressions.js");
    expect(files).toContain("dist/grammar/generated/partiql.js");
    expect(files).toContain("dist/worker/worker.js");
    expect(files).toContain("bin/durable-dynamodb.mjs");
    const outside = files.filter((f) => !/^(dist|src|bin)\//.test(f));
    expect(outside.sort()).toEqual(["README.md", "SECURITY.md", "package.json"]);
    const pkg = JSON.parse(readFileSync(join(unpacked, "package/package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
  });

  it("ships exactly the sources its source and declaration maps name", () => {
    const dir = join(unpacked, "package");
    const files = filesUnder(dir);
    const named = new Set<string>();
    for (const map of files.filter((f) => f.endsWith(".map"))) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), "utf8")) as { sources: string[] };
      for (const source of sources) named.add(relative(dir, resolve(dirname(join(dir, map)), source)));
    }
    const missing = [...named].filter((f) => !files.includes(f));
    expect(missing).toEqual([]);
    const unnamed = files.filter((f) => f.startsWith("src/") && !named.has(f));
    expect(unnamed).toEqual([]);
  });

  it("publint and attw (ES modules only: the node16 resolution from ESM and bundlers) report nothing", async () => {
    const bin = (name: string) => join(ROOT, "node_modules/.bin", name);
    const publint = await mustRun(bin("publint"), ["run", tarball, "--strict"], work);
    expect(publint).toContain("All good!");
    // attw exits 1 on any problem its profile does not ignore.
    const attw = await run(bin("attw"), [tarball, "--profile", "esm-only"], work);
    expect({ code: attw.code, output: attw.code === 0 ? "" : attw.output }).toEqual({ code: 0, output: "" });
  });
});

describe("a user's projects, made of README's files", () => {
  it("a Worker: installs the tarball, typechecks without @types/node, passes its tests in the Workers pool, deploys (dry run)", async () => {
    const dir = join(work, "worker-app");
    const project = readmeProject("A Worker", "A Worker's tests");
    expect([...project.files.keys()].sort()).toEqual([
      "src/cart.ts",
      "src/index.ts",
      "src/tables.ts",
      "test/index.test.ts",
      "tsconfig.json",
      "vitest.config.ts",
      "wrangler.toml",
    ]);
    await mustRun("mkdir", ["-p", dir], work);
    await createProject(dir, project, tarball);
    expect(readdirSync(join(dir, "node_modules/@types"), { withFileTypes: true }).map((d) => d.name)).not.toContain(
      "node",
    );
    await mustRun("npx", ["tsc", "-p", "."], dir);
    const tests = await mustRun("npx", ["vitest", "run"], dir);
    expect(tests).toMatch(/Tests\s+3 passed \(3\)/);
    const deploy = await mustRun("npx", ["wrangler", "deploy", "--dry-run", "--outdir", join(work, "out")], dir);
    expect(deploy).toMatch(/Total Upload: [\d.]+ KiB/);
    expect(deploy).toContain("env.DYNAMODB (DynamoShard)");
  });

  it("a Node project: its tests run against startLocal; `npx durable-dynamodb serve` starts and answers", async () => {
    const dir = join(work, "node-app");
    const project = readmeProject("A Node project's tests");
    expect([...project.files.keys()].sort()).toEqual([
      "test/dynamodb.ts",
      "test/users.test.ts",
      "tsconfig.json",
      "vitest.config.ts",
    ]);
    await mustRun("mkdir", ["-p", dir], work);
    await createProject(dir, project, tarball);
    await mustRun("npx", ["tsc", "-p", "."], dir);
    const tests = await mustRun("npx", ["vitest", "run"], dir);
    expect(tests).toMatch(/Tests\s+1 passed \(1\)/);

    // serve: the URL and credentials it prints, and an answer from that URL.
    const serve = await startServe(dir);
    try {
      expect(serve.lines[0]).toMatch(/^durable-dynamodb listening on http:\/\/127\.0\.0\.1:\d+ \(in memory\)$/);
      expect(serve.lines).toContain(
        'auth: SigV4 required; default local credentials: access key id "local", secret access key "local"',
      );
      const url = /listening on (\S+)/.exec(serve.lines[0] ?? "")?.[1] ?? "";
      const health = await fetch(`${url}/`);
      expect(health.status).toBe(200);
      await health.text();
    } finally {
      serve.stop();
    }
  });
});

/** `npx durable-dynamodb serve --in-memory --port 0` in `dir`, once it has printed its lines. */
async function startServe(dir: string): Promise<{ lines: string[]; stop: () => void }> {
  const { spawn } = await import("node:child_process");
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
  // Its own process group: npx does not pass SIGTERM on, so the group (npx, serve and its
  // workerd) is stopped together.
  const child = spawn("npx", ["durable-dynamodb", "serve", "--in-memory", "--port", "0"], {
    cwd: dir,
    env,
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes("auth:") && Date.now() < deadline && child.exitCode === null) {
    await new Promise((done) => setTimeout(done, 100));
  }
  return { lines: output.trim().split("\n"), stop: () => process.kill(-child.pid!, "SIGTERM") };
}
