// Helpers of import-export.test.ts: running the CLI, generating items of every type, and
// comparing exported lines and files.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint } from "./support";

const CLI = resolve(import.meta.dirname, "../../bin/durable-dynamodb.mjs");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with the e2e credentials in the environment, as the AWS CLI would take them. */
export function cli(...args: string[]): Promise<Run> {
  return cliAt(endpoint, ...args);
}

export function cliAt(url: string, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DUMMY_SECRET_ACCESS_KEY,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args, "--endpoint-url", url], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Items with every attribute type, 38-digit numbers, binaries and nesting; keys pk (S) + sk (N). */
export function generate(count: number): string[] {
  const rand = random(12);
  const digits = (n: number) =>
    Array.from({ length: n }, (_, i) => String(i === 0 ? 1 + Math.floor(rand() * 9) : Math.floor(rand() * 10))).join(
      "",
    );
  const bytes = (n: number) =>
    Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256))).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    // Attribute order deliberately not sorted: export writes a canonical order.
    const item: Record<string, unknown> = {
      pk: { S: `user#${i % 97}` },
      sk: { N: String(i) },
      big: { N: `${rand() < 0.5 ? "-" : ""}${digits(38)}` },
      // Normalised as DynamoDB returns numbers (no trailing zeros), so lines compare as text.
      tiny: { N: `0.${"0".repeat(Math.floor(rand() * 20))}${digits(4)}${1 + Math.floor(rand() * 9)}` },
      text: { S: `héllo ✓ "${i}"\n\t${"x".repeat(Math.floor(rand() * 40))}` },
      bin: { B: bytes(1 + Math.floor(rand() * 32)) },
      flag: { BOOL: rand() < 0.5 },
      nothing: { NULL: true },
      tags: { SS: [`t${i}`, `u${i}`] },
      scores: { NS: [String(i), `${i}.5`] },
      blobs: { BS: [bytes(3), bytes(4)] },
      nested: {
        M: {
          z: { L: [{ S: "deep" }, { N: digits(38) }, { M: { inner: { B: bytes(8) } } }] },
          a: { M: { level2: { M: { level3: { SS: ["x", "y"] } } } } },
        },
      },
      empty: { L: [] },
    };
    lines.push(JSON.stringify(item));
  }
  return lines;
}

/** A line in a comparable form: keys sorted at every level, set elements sorted (sets are unordered). */
export function canonical(line: string): string {
  const walk = (value: unknown, parentTag?: string): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((v) => walk(v));
      return parentTag === "SS" || parentTag === "NS" || parentTag === "BS" ? items.sort() : items;
    }
    if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(obj)
          .sort()
          .map((k) => [k, walk(obj[k], k)]),
      );
    }
    return value;
  };
  return JSON.stringify(walk(JSON.parse(line)));
}

/**
 * A file's bytes as a latin1 string: compared with toBe, byte for byte and fast (toEqual on
 * Buffers of a megabyte walks every element), with a readable diff on failure.
 */
export const bytesOf = (path: string) => readFileSync(path).toString("latin1");
export const lines = (text: string) => text.split("\n").filter((l) => l !== "");
