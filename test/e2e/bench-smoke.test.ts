// The benchmark (bench/run.mjs) in quick mode, so it cannot rot: it must build its worker,
// run every figure group (in-object A/B/C/E, the in-Worker client and shard figures F/G,
// memory M, the wire phase D against its own `npm start` server, the canned-response floor
// and the engine's floor, through the SDK and from raw pre-signed connections, the
// package's size in a Worker S, the split simulation P, real splits under load L, GSIs in
// partitions of their own I, vector search V; no dynalite, to keep CI short) and write a
// results file with a boolean `met` for every goal it measured. Speeds are not checked:
// quick-mode numbers on a loaded two-core machine mean nothing; counts are (problems found,
// the partitions and stream shards of group L's table grown through splits).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScript } from "./run-script";

const ROOT = resolve(import.meta.dirname, "../..");
const BENCH_TIMEOUT_MS = 200_000;

interface Results {
  mode: string;
  machine: { nproc: number; cpu: string };
  figures: { id: string; ours: number | null; ratio: number | null; goal: string | null; met: boolean | null }[];
  goals: { id: string; goal: string; ratio: number; met: boolean }[];
  skipped: { id: string; reason: string }[];
}

describe("bench (quick mode)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ddb-bench-smoke-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "runs every figure group and writes results.json",
    async () => {
      const out = join(dir, "results.json");
      const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
        const child = spawn(process.execPath, [join(ROOT, "bench/run.mjs"), "--quick", "--no-peer", "--out", out], {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), BENCH_TIMEOUT_MS - 10_000);
        child.on("exit", (exitCode) => {
          clearTimeout(timer);
          done({ code: exitCode, output: text });
        });
      });
      expect(code, output).toBe(0);
      expect(output).toContain("figure");

      const results = JSON.parse(readFileSync(out, "utf8")) as Results;
      expect(results.mode).toBe("quick");
      expect(results.machine.nproc).toBeGreaterThan(0);
      const ids = results.figures.map((f) => f.id);
      for (const id of [
        "A.put",
        "A.get",
        "A.update",
        "A/C.query",
        "B.scan",
        "E.condition",
        "E.update",
        "E.projection",
        "D.PutItem.1.floor",
        "D.GetItem.16.floor",
        "D.Query.1.floor",
        "D.raw.GetItem.16.floor",
        "D.raw.PutItem.16.floor",
        "D.raw.Query.16.floor",
        "D.GetItem.16.engine",
        "D.PutItem.1.vsengine",
        "D.raw.Query.16.engine",
        "B.scan.rawsql",
        "D.GetItem.16.vshop",
        "F.get.rawrpc",
        "F.put.storage",
        "F.get.floor",
        "F.batch.floor",
        "F.txn.vsstorage",
        "F.GetItem.inworker-vs-wire",
        "G.balance",
        "G.writes.16",
        "M.scan",
        "S.added",
        "S.added.gzip",
        "P.median.splits",
        "P.median.settle",
        "P.halve.splits",
        "L.move.rows",
        "L.grow.partitions",
        "L.problems",
        "K.backup.rate",
        "K.restore.rate",
        "K.history.bytes",
        "K.problems",
        "V.exact",
        "V.recall",
        "V.put",
        "I.query.64",
        "I.query.16",
        "I.put.1",
        "I.put.added",
        "I.lag.p50",
        "I.lag.p99",
        "I.lag.problems",
      ]) {
        expect(ids).toContain(id);
      }
      // Group L is also the suite's split-load check (scripts/split-load.mjs): a table grown to
      // 2 MB, splitting past 128 KiB under 4 writers and 2 readers, ends over many partitions
      // with every acknowledged write there once, every read exact (L.problems, below) and
      // its stream of one closed parent and two children per split.
      const figureOf = (id: string) => results.figures.find((f) => f.id === id)?.ours ?? NaN;
      const partitions = figureOf("L.grow.partitions");
      expect(partitions).toBeGreaterThanOrEqual(8);
      expect(figureOf("L.grow.shards")).toBe(2 * partitions - 1);
      for (const f of results.figures) {
        // Counts of problems found must be nothing; every other figure, something measured.
        if (f.id.endsWith(".problems")) expect(f.ours, f.id).toBe(0);
        else expect(f.ours, f.id).toBeGreaterThan(0);
      }
      // Every measured goal carries a boolean verdict; the peer's goals are listed as skipped.
      expect(results.goals.length).toBeGreaterThanOrEqual(9);
      for (const goal of results.goals) {
        expect(typeof goal.met, goal.id).toBe("boolean");
        expect(Number.isFinite(goal.ratio), goal.id).toBe(true);
      }
      const skipped = results.skipped.map((s) => s.id);
      expect(skipped).toContain("D.GetItem.1.dynalite");
    },
    BENCH_TIMEOUT_MS,
  );

  it("npm run profile: profiles the engine in Node and names the hot functions", async () => {
    const { code, output } = await runScript("bench/profile.mjs", ["get,put", "2000"]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/GetItem: \d+\.\d µs\/op in Node over node:sqlite \(2000 calls\)/);
    expect(output).toMatch(/PutItem: \d+\.\d µs\/op/);
    // The engine's entry point is on every sampled stack of the loop.
    expect(output).toMatch(/inclusive time:\n(?:.*\n)*\s+\d+\.\d%\s+handle engine\.mjs:\d+/);
  }, 60_000);

  it("npm run profile:workerd: profiles a bench loop in workerd through the inspector and names the hot functions", async () => {
    const { code, output } = await runScript("bench/profile-workerd.mjs", ["engine.get", "2000"]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/engine\.get: \d+\.\d µs\/op in workerd, profiled \(2000 calls\)/);
    // The shard's entry point, in the Worker's bundle, is on the sampled stacks of the loop.
    expect(output).toMatch(/inclusive time:\n(?:.*\n)*\s+\d+\.\d%\s+handle worker\.js:\d+/);
  }, 120_000);
});
