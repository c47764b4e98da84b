// `durable-dynamodb import` / `export` (bin/durable-dynamodb.mjs) against the real endpoint:
// a round trip of generated items of every type, byte-identical re-exports, the S3 export
// format, bad lines reported by number, and resumable exports. The tests share tables and
// files and run in order. (The README's 100,000-item walkthrough is the same commands.)
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesOf, canonical, cli, cliAt, generate, lines } from "./import-export-support";
import { SERVER_SHARDS } from "./settings";
import { UpdateContinuousBackupsCommand } from "@aws-sdk/client-dynamodb";
import { sdkClient, uniqueName } from "./support";

const ITEMS = 2_000;
const dir = mkdtempSync(join(tmpdir(), "ddb-import-export-"));
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const table = uniqueName("import");
const copy = uniqueName("import-copy");
const fromS3 = uniqueName("import-s3");

describe("durable-dynamodb import/export", () => {
  const generated = generate(ITEMS);

  it("import: loads generated items into a new table (--create-table) and prints a summary", async () => {
    writeFileSync(file("generated.jsonl"), `${generated.join("\n")}\n`);
    const run = await cli(
      "import",
      "--table-name",
      table,
      "--file",
      file("generated.jsonl"),
      "--create-table",
      "--key-schema",
      "pk:S,sk:N",
    );
    expect(run.stderr).toContain(`Created table ${table}.`);
    expect(run.stderr).toMatch(
      new RegExp(
        `Imported 2,000 items into ${table} from .*generated\\.jsonl \\(jsonl\\) in .*; 2000 lines read, 0 skipped\\.`,
      ),
    );
    expect(run.code).toBe(0);
  });

  it("partitions list: the table's partitions over the whole hash space, their items adding up", async () => {
    const json = await cli("partitions", "list", "--table-name", table, "--output", "json");
    expect(json.code, json.stderr).toBe(0);
    const list = JSON.parse(json.stdout) as {
      table: string;
      version: number;
      itemCount: number;
      partitions: { HashStart: number; HashEnd: number; ItemCount: number; TableSizeBytes: number }[];
    };
    expect([list.table, list.version, list.itemCount, list.partitions.length]).toEqual([table, 1, 2000, SERVER_SHARDS]);
    expect(list.partitions[0]?.HashStart).toBe(0);
    expect(list.partitions.at(-1)?.HashEnd).toBe(2 ** 32);
    list.partitions.slice(1).forEach((p, i) => expect(p.HashStart).toBe(list.partitions[i]?.HashEnd));
    expect(list.partitions.reduce((sum, p) => sum + p.ItemCount, 0)).toBe(2000);
    for (const p of list.partitions) expect(p.ItemCount).toBeGreaterThan(0);

    const text = await cli("partitions", "list", "--table-name", table);
    expect(text.stdout.split("\n")[0]).toMatch(
      new RegExp(`^${table}: ${SERVER_SHARDS} partitions, map version 1, 2000 items, \\d+ bytes$`),
    );
    expect(text.stdout.split("\n")[2]).toMatch(/^0 {2}00000000-[0-9a-f]{8} +\d+ +\d+$/);

    const absent = uniqueName("no-such");
    const missing = await cli("partitions", "list", "--table-name", absent);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      `durable-dynamodb: ResourceNotFoundException: Requested resource not found: Table: ${absent} not found\n`,
    ]);
  });

  it("partitions split: splits a partition online; the table keeps every item (the exports below read it split)", async () => {
    const run = await cli(
      "partitions",
      "split",
      "--table-name",
      table,
      "--partition",
      "0",
      "--wait",
      "--output",
      "json",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^Splitting partition 0 of ${table} at hash [0-9a-f]{8}\\.\n$`));
    const list = JSON.parse(run.stdout) as { version: number; itemCount: number; partitions: { ItemCount: number }[] };
    expect([list.version, list.partitions.length]).toEqual([2, SERVER_SHARDS + 1]);
    expect(list.partitions.reduce((sum, p) => sum + p.ItemCount, 0)).toBe(2000);
    for (const p of list.partitions) expect(p.ItemCount).toBeGreaterThan(0);

    const outOfRange = await cli(
      "partitions",
      "split",
      "--table-name",
      table,
      "--partition",
      String(SERVER_SHARDS + 1),
    );
    expect([outOfRange.code, outOfRange.stderr]).toEqual([
      1,
      `durable-dynamodb: ValidationException: Partition must be an integer from 0 to ${SERVER_SHARDS}\n`,
    ]);
  });

  it("export: writes every item back, equal to the generated ones", async () => {
    const run = await cli("export", "--table-name", table, "--file", file("a.jsonl"));
    expect(run.stderr).toMatch(new RegExp(`Exported 2,000 items from ${table} to .*a\\.jsonl \\(jsonl\\)`));
    expect(run.code).toBe(0);
    const exported = lines(readFileSync(file("a.jsonl"), "utf8"));
    // Compared as sets of canonical lines, showing at most a few differences on failure.
    const want = new Set(generated.map(canonical));
    expect(
      exported
        .map(canonical)
        .filter((l) => !want.has(l))
        .slice(0, 3),
    ).toEqual([]);
    expect(new Set(exported.map(canonical)).size).toBe(ITEMS);
    // Canonical output: attributes in sorted order.
    expect(Object.keys(JSON.parse(exported[0]!))).toEqual([
      "big",
      "bin",
      "blobs",
      "empty",
      "flag",
      "nested",
      "nothing",
      "pk",
      "scores",
      "sk",
      "tags",
      "text",
      "tiny",
    ]);
    expect(existsSync(file("a.jsonl.export-state.json"))).toBe(false);
  });

  it("export --to-bucket, import --from-bucket: DynamoDB's own export to the local R2 bucket, and a table from it", async () => {
    await sdkClient().send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const prefix = uniqueName("cli");
    const exported = await cli("export", "--table-name", table, "--to-bucket", "exports", "--prefix", prefix);
    expect(exported.code, exported.stderr).toBe(0);
    const description = JSON.parse(exported.stdout) as { ExportArn: string; ExportStatus: string; ItemCount: number };
    expect([description.ExportStatus, description.ItemCount]).toEqual(["COMPLETED", ITEMS]);
    const id = description.ExportArn.split("/").pop() as string;
    const target = uniqueName("import-bucket");
    const imported = await cli(
      "import",
      "--table-name",
      target,
      "--from-bucket",
      "exports",
      "--prefix",
      `${prefix}/AWSDynamoDB/${id}/data/`,
      "--gzip",
      "--key-schema",
      "pk:S,sk:N",
    );
    expect(imported.code, imported.stderr).toBe(0);
    const done = JSON.parse(imported.stdout) as { ImportStatus: string; ImportedItemCount: number; ErrorCount: number };
    expect([done.ImportStatus, done.ImportedItemCount, done.ErrorCount]).toEqual(["COMPLETED", ITEMS, 0]);
    const back = await cli("export", "--table-name", target, "--file", file("bucket.jsonl"));
    expect(back.code).toBe(0);
    expect(new Set(lines(readFileSync(file("bucket.jsonl"), "utf8")).map(canonical))).toEqual(
      new Set(generated.map(canonical)),
    );
  });

  it("export: importing an export and exporting again gives the identical file", async () => {
    const load = await cli(
      "import",
      "--table-name",
      copy,
      "--file",
      file("a.jsonl"),
      "--create-table",
      "--key-schema",
      "pk:S,sk:N",
    );
    expect(load.code).toBe(0);
    const run = await cli("export", "--table-name", copy, "--file", file("b.jsonl"));
    expect(run.code).toBe(0);
    expect(bytesOf(file("b.jsonl"))).toBe(bytesOf(file("a.jsonl")));
  });

  it('export --format s3: writes {"Item":...} lines, and import detects that format', async () => {
    const run = await cli("export", "--table-name", table, "--file", file("a.s3.jsonl"), "--format", "s3");
    expect(run.code).toBe(0);
    const expected = lines(readFileSync(file("a.jsonl"), "utf8")).map((l) => `{"Item":${l}}`);
    expect(lines(readFileSync(file("a.s3.jsonl"), "utf8"))).toEqual(expected);

    const load = await cli(
      "import",
      "--table-name",
      fromS3,
      "--file",
      file("a.s3.jsonl"),
      "--create-table",
      "--key-schema",
      "pk:S,sk:N",
    );
    expect(load.stderr).toContain("(s3)");
    expect(load.code).toBe(0);
    const again = await cli("export", "--table-name", fromS3, "--file", file("c.jsonl"));
    expect(again.code).toBe(0);
    expect(bytesOf(file("c.jsonl"))).toBe(bytesOf(file("a.jsonl")));
  });

  it("import: reports bad lines with their numbers, skips them and imports the rest", async () => {
    const bad = uniqueName("import-bad");
    writeFileSync(
      file("bad.jsonl"),
      [
        '{"pk":{"S":"ok1"},"sk":{"N":"1"}}',
        "{not json",
        "",
        '{"pk":{"S":"ok2"},"sk":{"N":"2"},"x":{"Q":"1"}}',
        '{"pk":{"S":"ok3"}}',
        '{"pk":{"S":"ok4"},"sk":{"N":"1e500"}}',
        '{"pk":{"S":"ok5"},"sk":{"N":"5"},"b":{"B":"not base64!"}}',
        '{"pk":{"S":"ok6"},"sk":{"N":"6"}}',
      ].join("\n"),
    );
    const run = await cli(
      "import",
      "--table-name",
      bad,
      "--file",
      file("bad.jsonl"),
      "--create-table",
      "--key-schema",
      "pk:S,sk:N",
    );
    const reports = run.stderr.split("\n").filter((l) => l.startsWith("line "));
    expect(reports).toEqual([
      `line 2: not JSON: Expected property name or '}' in JSON at position 1 (line 1 column 2) (skipped)`,
      'line 4: x: unknown type "Q" (skipped)',
      "line 5: the item has no key attribute sk (skipped)",
      "line 7: b: invalid base64 binary (skipped)",
      "line 6: ValidationException: Number overflow. Attempting to store a number with magnitude larger than supported range (skipped)",
    ]);
    expect(run.stderr).toContain("Imported 2 items into");
    expect(run.stderr).toContain("8 lines read, 5 skipped (reported above).");
    expect(run.code).toBe(1);
    const out = await cli("export", "--table-name", bad, "--file", "-", "--no-progress");
    expect(lines(out.stdout).sort()).toEqual([
      '{"pk":{"S":"ok1"},"sk":{"N":"1"}}',
      '{"pk":{"S":"ok6"},"sk":{"N":"6"}}',
    ]);
  });

  it("import: a bad first line does not decide the file's format", async () => {
    const target = uniqueName("import-s3-bad");
    writeFileSync(file("s3-bad.jsonl"), ["garbage", '{"Item":{"pk":{"S":"s1"},"sk":{"N":"1"}}}', ""].join("\n"));
    const run = await cli(
      "import",
      "--table-name",
      target,
      "--file",
      file("s3-bad.jsonl"),
      "--create-table",
      "--key-schema",
      "pk:S,sk:N",
    );
    expect(run.stderr.split("\n").filter((l) => l.startsWith("line "))).toEqual([
      `line 1: not JSON: Unexpected token 'g', "garbage" is not valid JSON (skipped)`,
    ]);
    expect(run.stderr).toContain(`Imported 1 items into ${target} from ${file("s3-bad.jsonl")} (s3)`);
    expect(run.code).toBe(1);
  });

  it("import: retries UnprocessedItems until every item is written", async () => {
    // DynamoDB answers a throttled BatchWriteItem with UnprocessedItems; this stand-in
    // endpoint does so once (the last 5 puts of the first request), then accepts everything.
    const batches: string[][] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"]);
        const input = JSON.parse(body) as {
          RequestItems?: Record<string, { PutRequest: { Item: { pk: { S: string } } } }[]>;
        };
        let out: unknown = {};
        if (target.endsWith(".DescribeTable")) {
          out = { Table: { TableName: "t", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], ItemCount: 0 } };
        } else if (target.endsWith(".BatchWriteItem")) {
          const puts = input.RequestItems?.t ?? [];
          batches.push(puts.map((p) => p.PutRequest.Item.pk.S));
          out = batches.length === 1 ? { UnprocessedItems: { t: puts.slice(20) } } : { UnprocessedItems: {} };
        }
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      writeFileSync(file("unprocessed.jsonl"), keys.map((k) => JSON.stringify({ pk: { S: k } })).join("\n"));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const run = await cliAt(
        url,
        "import",
        "--table-name",
        "t",
        "--file",
        file("unprocessed.jsonl"),
        "--concurrency",
        "1",
      );
      expect(run.stderr).toContain("Imported 30 items into t");
      expect(run.code).toBe(0);
      expect(batches).toEqual([keys.slice(0, 25), keys.slice(20, 25), keys.slice(25)]);
    } finally {
      server.close();
    }
  });

  it("export --resume: continues an interrupted export from its state file to the identical file", async () => {
    const target = file("resumed.jsonl");
    const state = `${target}.export-state.json`;
    const first = await cli(
      "export",
      "--table-name",
      table,
      "--file",
      target,
      "--page-size",
      "100",
      "--max-items",
      "750",
    );
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`Export of ${table} stopped after 750 items`);
    expect(first.stderr).toContain(`Resume with: durable-dynamodb export --resume ${state}`);
    expect(lines(readFileSync(target, "utf8"))).toHaveLength(750);
    // A crash after the last state save leaves a partial page behind: resume drops it.
    appendFileSync(target, '{"pk":{"S":"half a pa');
    const rest = await cli("export", "--resume", state);
    expect(rest.code).toBe(0);
    expect(bytesOf(target)).toBe(bytesOf(file("a.jsonl")));
    expect(existsSync(state)).toBe(false);
  });

  it("export --starting-token: continues the scan from the token an interrupted export printed", async () => {
    const first = await cli("export", "--table-name", table, "--file", "-", "--max-items", "1234", "--no-progress");
    expect(first.code).toBe(1);
    const token = /--starting-token (\S+)/.exec(first.stderr)?.[1];
    expect(token).toBeDefined();
    const rest = await cli("export", "--table-name", table, "--file", "-", "--starting-token", token!, "--no-progress");
    expect(rest.code).toBe(0);
    expect(first.stdout + rest.stdout).toBe(readFileSync(file("a.jsonl"), "utf8"));

    // Into a file: the continuation appends, and its own state file counts the earlier bytes.
    const target = file("token.jsonl");
    const head = await cli("export", "--table-name", table, "--file", target, "--max-items", "300", "--no-progress");
    const headToken = /--starting-token (\S+)/.exec(head.stderr)?.[1];
    const middle = await cli(
      "export",
      "--table-name",
      table,
      "--file",
      target,
      "--starting-token",
      headToken!,
      "--max-items",
      "900",
      "--no-progress",
    );
    expect(middle.code).toBe(1);
    const tail = await cli("export", "--resume", `${target}.export-state.json`, "--no-progress");
    expect(tail.code).toBe(0);
    expect(bytesOf(target)).toBe(bytesOf(file("a.jsonl")));
  });
});
