// @ts-check
// `durable-dynamodb export`: a consistent Scan of the base table, page by page, written in
// Scan order (deterministic for the same data) in a canonical form, so exporting the same
// table twice, or re-importing an export and exporting it again, gives identical bytes.
//
// Resumable: after every page the state file records the output's length, the items
// written and the key of the last item written (LastEvaluatedKey semantics). --resume
// truncates the output to that length (dropping a page written after the last state save)
// and continues the Scan from that key. Interrupted (Ctrl-C or --max-items), the command
// prints both the state file and a --starting-token that continues the Scan elsewhere.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { formatLine, itemToFile, parseLine } from "./ddb-json.mjs";
import { Progress, clock, grouped } from "./progress.mjs";
import { tableItemCount, tableKeyNames } from "./table.mjs";

/**
 * @typedef {object} ExportOptions
 * @property {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @property {string | undefined} table
 * @property {string | undefined} file  output path; undefined or "-" is stdout
 * @property {import("./ddb-json.mjs").Format | undefined} format
 * @property {string | undefined} resume  a state file to continue from
 * @property {string | undefined} startingToken  a token printed by an interrupted export
 * @property {string | undefined} stateFile
 * @property {number | undefined} pageSize
 * @property {number | undefined} maxItems
 * @property {boolean} progress
 */

/**
 * @typedef {object} ExportState
 * @property {1} version
 * @property {string} table
 * @property {string} file
 * @property {import("./ddb-json.mjs").Format} format
 * @property {number} bytes
 * @property {number} items
 * @property {Record<string, unknown> | null} lastKey  in file form; null before the first item
 */

/**
 * @param {ExportOptions} options
 * @returns {Promise<{ items: number; complete: boolean }>}
 */
export async function runExport(options) {
  const state = options.resume ? readState(options.resume) : undefined;
  const table = state?.table ?? options.table;
  if (!table) throw new Error("export: --table-name is required");
  if (state && options.table && options.table !== state.table) {
    throw new Error(`export: the state file is for table ${state.table}, not ${options.table}`);
  }
  const format = state?.format ?? options.format ?? "jsonl";
  const file = state?.file ?? (options.file === "-" ? undefined : options.file);
  const toStdout = file === undefined;
  const stateFile = options.resume ?? options.stateFile ?? (file ? `${file}.export-state.json` : undefined);
  const { client } = options;
  const keyNames = await tableKeyNames(client, table);
  const total = await tableItemCount(client, table);

  let items = state?.items ?? 0;
  let lastKey = state?.lastKey ?? (options.startingToken ? decodeToken(options.startingToken) : null);
  const fd = toStdout ? 1 : openSync(file, state || options.startingToken ? "a" : "w");
  if (state && !toStdout) ftruncateSync(fd, state.bytes);
  // A fresh export replaces the file: a state file left by an earlier one no longer applies.
  if (!state && stateFile && existsSync(stateFile)) rmSync(stateFile);
  // Where the output ends: --starting-token appends to what an earlier run wrote.
  let bytes = state ? state.bytes : toStdout ? 0 : fstatSync(fd).size;

  const bar = new Progress({ label: `export ${table}`, total, enabled: options.progress });
  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.on("SIGINT", onSigint);
  const limit = options.maxItems === undefined ? Infinity : items + options.maxItems;
  let complete = false;
  try {
    for (;;) {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          ...(options.pageSize ? { Limit: options.pageSize } : {}),
          ...(lastKey ? { ExclusiveStartKey: parseLine(JSON.stringify(lastKey), "jsonl") } : {}),
        }),
      );
      const chunk = [];
      let stopped = false;
      for (const item of page.Items ?? []) {
        if (items >= limit) {
          stopped = true;
          break;
        }
        chunk.push(`${formatLine(item, format)}\n`);
        items += 1;
        lastKey = itemToFile(Object.fromEntries(keyNames.map((k) => [k, item[k] ?? { NULL: true }])));
      }
      const text = chunk.join("");
      bytes += writeAll(fd, text);
      if (!stopped && !page.LastEvaluatedKey) {
        complete = true;
        break;
      }
      // Continue from the last item written (also right when a page was cut short).
      if (!stopped && page.LastEvaluatedKey && chunk.length === (page.Items ?? []).length) {
        lastKey = itemToFile(page.LastEvaluatedKey);
      }
      if (stateFile && !toStdout) saveState(stateFile, { version: 1, table, file, format, bytes, items, lastKey });
      bar.update(items, items);
      if (stopped || interrupted || items >= limit) break;
    }
  } catch (err) {
    // The pages written so far are recorded: say how to go on once the cause is fixed.
    if (stateFile && !toStdout && existsSync(stateFile)) {
      process.stderr.write(
        `\nExport of ${table} failed after ${grouped(items)} items; resume with: durable-dynamodb export --resume ${stateFile}\n`,
      );
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    if (!toStdout) closeSync(fd);
  }
  bar.update(items, items);
  bar.finish();
  const seconds = Math.max(bar.elapsed(), 0.001);
  const where = toStdout ? "stdout" : file;
  if (complete) {
    if (stateFile && existsSync(stateFile)) rmSync(stateFile);
    process.stderr.write(
      `Exported ${grouped(items)} items from ${table} to ${where} (${format}) in ${clock(seconds)} (${grouped(items / seconds)} items/s).\n`,
    );
  } else {
    const token = lastKey ? encodeToken(lastKey) : "";
    process.stderr.write(
      `Export of ${table} stopped after ${grouped(items)} items (${where}).\n` +
        (stateFile && !toStdout ? `Resume with: durable-dynamodb export --resume ${stateFile}\n` : "") +
        `Or continue the scan with: --starting-token ${token}\n`,
    );
  }
  return { items, complete };
}

/**
 * @param {number} fd
 * @param {string} text
 */
function writeAll(fd, text) {
  const data = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (err) {
      // stdout may be a non-blocking pipe: wait for the reader instead of failing.
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  return data.length;
}

/** @param {string} path @returns {ExportState} */
function readState(path) {
  const state = JSON.parse(readFileSync(path, "utf8"));
  if (state?.version !== 1 || typeof state.table !== "string" || typeof state.file !== "string") {
    throw new Error(`export: ${path} is not an export state file`);
  }
  return state;
}

/** @param {string} path @param {ExportState} state */
function saveState(path, state) {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  // Rename is atomic: a crash leaves the old state or the new one, never half of one.
  renameSync(`${path}.tmp`, path);
}

/** @param {Record<string, unknown>} key */
function encodeToken(key) {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** @param {string} token @returns {Record<string, unknown>} */
function decodeToken(token) {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new Error("export: --starting-token is not a token printed by an interrupted export");
  }
}
