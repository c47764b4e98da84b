// The bench Worker (bench/worker.ts) as wrangler bundles it for a deploy, so what the bench
// and the workerd profiler run is what a user's Worker gets: `wrangler deploy --dry-run` with
// bench/wrangler.toml into `outdir`. Returns the bundle's path.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function wranglerBuild(outdir) {
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
      "deploy",
      "--dry-run",
      "--config",
      join(ROOT, "bench/wrangler.toml"),
      "--outdir",
      outdir,
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  return join(outdir, "worker.js");
}
