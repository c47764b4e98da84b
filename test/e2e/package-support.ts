// Support for test/e2e/package.test.ts: the tarball `npm pack` makes, and user projects
// made of exactly the files README.md's "Use it in your project" shows.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface Run {
  code: number;
  output: string;
}

/**
 * Runs a command with this Node first on PATH (the Node 22 that runs the tests; the
 * Cloudflare tools need it) and without the npm_* variables of the `npm test` around us,
 * which would otherwise steer the user project's npm. Output is kept, not printed: the
 * user project's own Vitest summary must not reach CI's count of our tests.
 */
export function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
  env.CI = "true";
  env.NO_COLOR = "1";
  delete env.FORCE_COLOR;
  return new Promise((done) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Fails with the command's output when it did not exit 0. */
export async function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number): Promise<string> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.code}:\n${result.output.slice(-6000)}`);
  }
  return result.output;
}

export interface ReadmeProject {
  /** Path -> content of every block titled with a file name. */
  files: Map<string, string>;
  /** Package names of the section's `npm install` lines: [dependencies, devDependencies]. */
  installs: { dependencies: string[]; devDependencies: string[] };
}

/**
 * The files and installs of README sections (`### ` headings under "Use it in your
 * project"): fenced blocks whose info string carries `title="path"`, and `npm install` lines.
 */
export function readmeProject(...sections: string[]): ReadmeProject {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const part = readme.slice(readme.indexOf("## Use it in your project"));
  const chapter = part.slice(0, part.indexOf("\n## ", 1));
  const files = new Map<string, string>();
  const installs = { dependencies: [] as string[], devDependencies: [] as string[] };
  for (const section of sections) {
    const start = chapter.indexOf(`\n### ${section}\n`);
    if (start < 0) throw new Error(`README: no section "### ${section}" under "Use it in your project"`);
    const end = chapter.indexOf("\n### ", start + 1);
    const text = chapter.slice(start, end < 0 ? undefined : end);
    for (const block of text.matchAll(/```(\w+)([^\n]*)\n([\s\S]*?)```/g)) {
      const [, language, info = "", body = ""] = block;
      const title = /title="([^"]+)"/.exec(info)?.[1];
      if (title) files.set(title, body);
      if (language !== "sh") continue;
      for (const line of body.split("\n")) {
        const words = line.trim().split(/\s+/);
        if (words[0] !== "npm" || words[1] !== "install") continue;
        const dev = words.includes("-D") || words.includes("--save-dev");
        const names = words.slice(2).filter((w) => !w.startsWith("-"));
        (dev ? installs.devDependencies : installs.dependencies).push(...names);
      }
    }
  }
  return { files, installs };
}

/**
 * The version of `name` this repository has installed, so that the user project's install
 * is served from npm's cache (the registry is the source either way). `durable-dynamodb`
 * is the tarball.
 */
function spec(name: string, tarball: string): string {
  if (name === "durable-dynamodb") return `file:${tarball}`;
  const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Writes the project's files and a package.json of its installs; runs `npm install`. */
export async function createProject(dir: string, project: ReadmeProject, tarball: string): Promise<void> {
  for (const [path, content] of project.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, spec(n, tarball)]));
  const pkg = {
    name: "user-project",
    private: true,
    type: "module",
    dependencies: pick(project.installs.dependencies),
    devDependencies: pick(project.installs.devDependencies),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  await mustRun("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir);
}
