#!/usr/bin/env node
// @ts-check
// `npx durable-dynamodb serve`: the local endpoint (bin/lib/serve.mjs).
// `npx durable-dynamodb import|export`: load and dump tables through any DynamoDB endpoint
// (`serve`'s, a deployed Worker's, or AWS's). `partitions list|split`: a table's partitions,
// and splitting one. Plain ES modules with JSDoc types (checked by `tsc -p bin`) rather than TypeScript: Node refuses to strip types from files under
// node_modules, which is where this script lives once the package is installed.
import { parseArgs } from "node:util";
import { makeClient, describeError } from "./lib/client.mjs";
import { runExport } from "./lib/export.mjs";
import { runImport } from "./lib/import.mjs";
import { exportToBucket, importFromBucket } from "./lib/buckets.mjs";
import { listPartitions, partitionsText, splitPartition, waitForMap } from "./lib/partitions.mjs";
import { serve, serveOptions, SERVE_USAGE } from "./lib/serve.mjs";
import { createTable } from "./lib/table.mjs";

const USAGE = `${SERVE_USAGE}

  durable-dynamodb import --table-name T --file items.jsonl [--format auto|jsonl|s3]
                          [--create-table --key-schema pk:S[,sk:N]] [--concurrency 4]
  durable-dynamodb export --table-name T [--file out.jsonl|-] [--format jsonl|s3]
                          [--page-size N] [--max-items N] [--state-file F]
  durable-dynamodb export --resume out.jsonl.export-state.json
  durable-dynamodb export --table-name T --file out.jsonl --starting-token TOKEN
  durable-dynamodb export --table-name T --to-bucket exports [--prefix P] [--no-wait]
                          (ExportTableToPointInTime; needs point-in-time recovery on)
  durable-dynamodb import --table-name T --from-bucket exports --prefix P/AWSDynamoDB/ID/data/
                          --key-schema pk:S[,sk:N] [--gzip] [--no-wait]   (ImportTable)
  durable-dynamodb partitions list --table-name T [--output text|json]
  durable-dynamodb partitions split --table-name T [--partition N] [--at HASH] [--wait]

Options of import, export and partitions (as the AWS CLI takes them):
  --endpoint-url URL     e.g. http://127.0.0.1:8787 (npm start)
  --region R             else AWS_REGION / AWS_DEFAULT_REGION / the profile's region
  --profile P            else AWS_PROFILE; credentials from AWS_ACCESS_KEY_ID /
                         AWS_SECRET_ACCESS_KEY or ~/.aws, like the AWS CLI
  --no-progress          no progress bar on stderr

Formats: jsonl = one DynamoDB JSON item per line ({"pk":{"S":"a"}}); s3 = DynamoDB's
export-to-S3 format ({"Item":{"pk":{"S":"a"}}}). Import detects the format from the first line.
Exit status: 0 when every line was imported / the export completed, 1 when lines were
skipped or the export stopped early, 2 on usage errors.`;

/**
 * @param {string} message
 * @returns {never}
 */
function usage(message) {
  process.stderr.write(`durable-dynamodb: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/**
 * @param {string | undefined} text
 * @param {string} flag
 */
function positiveInt(text, flag) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer`);
  return n;
}

/**
 * A whole number (0 allowed; hex with 0x), for --partition and --at.
 * @param {string} text
 * @param {string} flag
 */
function wholeNumber(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) usage(`${flag} must be a whole number`);
  return n;
}

/**
 * @param {string | undefined} text
 * @param {readonly string[]} allowed
 * @param {string} [flag]
 */
function oneOf(text, allowed, flag = "--format") {
  if (text !== undefined && !allowed.includes(text)) usage(`${flag} must be one of ${allowed.join(", ")}`);
  return text;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "serve") {
    try {
      serveOptions(rest, process.env);
    } catch (err) {
      return usage(/** @type {Error} */ (err).message);
    }
    await serve(rest, process.env);
    return undefined; // serving until SIGINT or SIGTERM
  }
  if (command !== "import" && command !== "export" && command !== "partitions") {
    usage(`unknown command ${JSON.stringify(command)}`);
  }
  const subcommand = command === "partitions" ? rest.shift() : undefined;
  if (command === "partitions" && subcommand !== "list" && subcommand !== "split") {
    usage("partitions: the subcommand is list or split");
  }
  /** @type {ReturnType<typeof parseArgs<{ options: typeof OPTIONS, args: string[], strict: true }>>} */
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, strict: true });
  } catch (err) {
    return usage(/** @type {Error} */ (err).message);
  }
  const v = parsed.values;
  const client = makeClient({ endpointUrl: v["endpoint-url"], region: v.region, profile: v.profile });
  const progress = !v["no-progress"];
  try {
    if (command === "partitions") {
      if (!v["table-name"]) usage(`partitions ${subcommand}: --table-name is required`);
      const table = /** @type {string} */ (v["table-name"]);
      const output = oneOf(v.output, ["text", "json"], "--output") ?? "text";
      if (subcommand === "split") {
        const partition = v.partition === undefined ? undefined : wholeNumber(v.partition, "--partition");
        const at = v.at === undefined ? undefined : wholeNumber(v.at, "--at");
        const started = await splitPartition(client, table, { partition, at });
        process.stderr.write(
          `Splitting partition ${started.Partition} of ${table} at hash ${started.SplitAt.toString(16).padStart(8, "0")}.\n`,
        );
        if (!v.wait) {
          if (output === "json") process.stdout.write(`${JSON.stringify(started, null, 2)}\n`);
          return 0;
        }
        const list = await waitForMap(client, table, started.PartitionMapVersion);
        process.stdout.write(`${output === "json" ? JSON.stringify(list, null, 2) : partitionsText(list)}\n`);
        return 0;
      }
      const list = await listPartitions(client, table);
      process.stdout.write(`${output === "json" ? JSON.stringify(list, null, 2) : partitionsText(list)}\n`);
      return 0;
    }
    const bucket = command === "import" ? v["from-bucket"] : v["to-bucket"];
    if (bucket !== undefined) {
      if (!v["table-name"]) usage(`${command}: --table-name is required`);
      const table = /** @type {string} */ (v["table-name"]);
      const wait = !v["no-wait"];
      if (command === "export") {
        const done = await exportToBucket(client, { table, bucket, prefix: v.prefix, wait });
        process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
        return done.ExportStatus === "FAILED" ? 1 : 0;
      }
      if (!v["key-schema"]) usage("import: --from-bucket needs --key-schema, e.g. pk:S or pk:S,sk:N");
      const done = await importFromBucket(client, {
        table,
        bucket,
        prefix: v.prefix,
        keySchema: /** @type {string} */ (v["key-schema"]),
        gzip: Boolean(v.gzip),
        wait,
      });
      process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
      return done.ImportStatus === "FAILED" || (done.ErrorCount ?? 0) > 0 ? 1 : 0;
    }
    if (command === "import") {
      if (!v["table-name"]) usage("import: --table-name is required");
      if (!v.file) usage("import: --file is required");
      const table = /** @type {string} */ (v["table-name"]);
      if (v["create-table"]) {
        if (!v["key-schema"]) usage("import: --create-table needs --key-schema, e.g. pk:S or pk:S,sk:N");
        const created = await createTable(client, table, /** @type {string} */ (v["key-schema"]));
        process.stderr.write(created ? `Created table ${table}.\n` : `Table ${table} exists; importing into it.\n`);
      }
      const format = /** @type {"auto" | "jsonl" | "s3"} */ (oneOf(v.format, ["auto", "jsonl", "s3"]) ?? "auto");
      const concurrency = positiveInt(v.concurrency, "--concurrency") ?? 4;
      const result = await runImport({
        client,
        table,
        file: /** @type {string} */ (v.file),
        format,
        concurrency,
        progress,
      });
      return result.bad > 0 ? 1 : 0;
    }
    const format = /** @type {"jsonl" | "s3" | undefined} */ (oneOf(v.format, ["jsonl", "s3"]));
    if (!v.resume && !v["table-name"]) usage("export: --table-name (or --resume STATE_FILE) is required");
    if (v["starting-token"] && v.resume) usage("export: --resume and --starting-token exclude each other");
    const result = await runExport({
      client,
      table: v["table-name"],
      file: v.file,
      format,
      resume: v.resume,
      startingToken: v["starting-token"],
      stateFile: v["state-file"],
      pageSize: positiveInt(v["page-size"], "--page-size"),
      maxItems: positiveInt(v["max-items"], "--max-items"),
      progress,
    });
    return result.complete ? 0 : 1;
  } finally {
    client.destroy();
  }
}

const OPTIONS = /** @type {const} */ ({
  "endpoint-url": { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "table-name": { type: "string" },
  file: { type: "string" },
  format: { type: "string" },
  output: { type: "string" },
  "create-table": { type: "boolean" },
  "key-schema": { type: "string" },
  concurrency: { type: "string" },
  resume: { type: "string" },
  "starting-token": { type: "string" },
  "state-file": { type: "string" },
  "page-size": { type: "string" },
  "max-items": { type: "string" },
  "no-progress": { type: "boolean" },
  partition: { type: "string" },
  at: { type: "string" },
  wait: { type: "boolean" },
  "to-bucket": { type: "string" },
  "from-bucket": { type: "string" },
  prefix: { type: "string" },
  gzip: { type: "boolean" },
  "no-wait": { type: "boolean" },
});

/**
 * What to do about the usual first-run failures (no credentials, no region).
 * @param {unknown} err
 */
function hint(err) {
  const text = err instanceof Error ? `${err.name} ${err.message}` : "";
  if (/CredentialsProviderError|Could not load credentials/.test(text)) {
    return "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (npm start's default pair is local / local) or use --profile.\n";
  }
  if (/Region is missing/.test(text))
    return "Set --region or AWS_REGION (any region works with npm start, e.g. us-east-1).\n";
  return "";
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err) => {
    // Our own errors already say who is speaking, in one line.
    const own = err instanceof Error && err.message.startsWith("durable-dynamodb: ");
    process.stderr.write(own ? `${err.message}\n` : `durable-dynamodb: ${describeError(err)}\n${hint(err)}`);
    process.exit(1);
  },
);
