// `npm run build` (and `prepack`): the package as `npm pack` ships it, in dist/.
//
//   dist/src/**/*.js          the library: one minified ES module per source file reachable
//                             from the package's entry points, with source maps into src/
//   dist/src/**/*.d.ts        declarations, with declaration maps into src/
//   dist/grammar/generated/   the generated parsers, minified
//   dist/worker/              the HTTP endpoint's Worker as `wrangler deploy` bundles it, and
//                             the runtime settings it needs (durable-dynamodb/local, `serve`)
//
// Per-file modules rather than one bundle: the user's bundler (wrangler's esbuild) keeps
// only what the Worker imports, and a stack trace names the file it came from. Minified:
// wrangler does not minify unless told to, and a Worker's size is limited.
//
// `--no-types` skips the declarations (`npm start` runs only the JavaScript).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");
const types = !process.argv.includes("--no-types");

/** The package's Worker entry points (durable-dynamodb, /lib, /do, /testing) and Node's (/local). */
const WORKER_ENTRIES = ["src/index.ts", "src/lib.ts", "src/do.ts", "src/testing.ts"];
const NODE_ENTRIES = ["src/local/index.ts"];

await import("./build-grammar.mjs");
await import("./build-console.mjs");
rmSync(dist, { recursive: true, force: true });

// Which source files the entry points reach: a bundling pass that writes nothing.
const reach = await build({
  entryPoints: [...WORKER_ENTRIES, ...NODE_ENTRIES].map((e) => join(root, e)),
  bundle: true,
  write: false,
  metafile: true,
  format: "esm",
  platform: "neutral",
  packages: "external",
  external: ["cloudflare:*", "node:*"],
  outdir: join(root, ".build-reach"),
  logLevel: "error",
});
const reached = Object.keys(reach.metafile.inputs).map((p) => relative(root, join(root, p)));
const sources = reached.filter((p) => p.startsWith("src/") && p.endsWith(".ts"));
const parsers = reached.filter((p) => p.startsWith("grammar/generated/"));

const common = { format: "esm", target: "es2022", minify: true, legalComments: "none", logLevel: "error" };
await build({
  ...common,
  entryPoints: sources.map((p) => join(root, p)),
  outbase: root,
  outdir: dist,
  sourcemap: "linked",
  platform: "neutral",
});
// The parsers are generated code: no source map (the grammar is what a reader wants).
await build({ ...common, entryPoints: parsers.map((p) => join(root, p)), outbase: root, outdir: dist });
for (const parser of parsers) {
  copyFileSync(join(root, parser.replace(/\.js$/, ".d.ts")), join(dist, parser.replace(/\.js$/, ".d.ts")));
}

// The endpoint's Worker, bundled by wrangler exactly as a deploy would, and the runtime
// settings from wrangler.toml that Miniflare needs to run it.
const workerDir = join(dist, "worker");
execFileSync(
  process.execPath,
  [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--minify", "--outdir", workerDir],
  { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
);
for (const file of readdirSync(workerDir)) if (file !== "worker.js") rmSync(join(workerDir, file));
const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
const compatibilityFlags = [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
if (!compatibilityDate) throw new Error("build: wrangler.toml has no compatibility_date");
writeFileSync(
  join(workerDir, "config.json"),
  `${JSON.stringify({ compatibilityDate, compatibilityFlags }, null, 2)}\n`,
);

if (types) {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  for (const project of ["tsconfig.build.json", "src/local/tsconfig.build.json"]) {
    execFileSync(process.execPath, [tsc, "-p", join(root, project)], { cwd: root, stdio: "inherit" });
  }
  // The Worker entry points' declarations must stand alone in a Workers project, which has
  // no Node types: no declaration the Worker side ships may name a Node module.
  const leaks = [];
  for (const file of readdirSync(join(dist, "src"), { recursive: true })) {
    if (!file.endsWith(".d.ts") || file.startsWith("local/")) continue;
    const text = readFileSync(join(dist, "src", file), "utf8");
    if (/from "node:|import\("node:|\bNodeJS\.|\bBuffer\b/.test(text)) leaks.push(file);
  }
  if (leaks.length > 0) throw new Error(`build: declarations name Node's types: ${leaks.join(", ")}`);
}
mkdirSync(dist, { recursive: true });
console.log(
  `build: dist/ (${sources.length} modules, ${parsers.length} parsers${types ? ", declarations" : ""}, worker)`,
);
