// @ts-check
// `durable-dynamodb import`: streams a JSON Lines file into a table with BatchWriteItem,
// 25 puts per request (DynamoDB's limit), a few requests in flight, UnprocessedItems retried
// with backoff. A line that cannot be imported (bad JSON, bad DynamoDB JSON, an item the
// server rejects) is reported with its line number and skipped; the summary counts them.
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { BatchWriteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { backoff, describeError, sleep } from "./client.mjs";
import { LineError, detectFormat, keyText, parseLine } from "./ddb-json.mjs";
import { Progress, clock, grouped } from "./progress.mjs";
import { tableKeyNames } from "./table.mjs";

const BATCH = 25;
/** Attempts at a batch's UnprocessedItems before its lines are reported as failed. */
const MAX_UNPROCESSED_ATTEMPTS = 12;

/**
 * @typedef {object} ImportOptions
 * @property {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @property {string} table
 * @property {string} file
 * @property {"auto" | import("./ddb-json.mjs").Format} format
 * @property {number} concurrency
 * @property {boolean} progress
 */

/** @typedef {{ line: number; item: import("./ddb-json.mjs").SdkItem; key: string }} Entry */

/**
 * @param {ImportOptions} options
 * @returns {Promise<{ written: number; bad: number; lines: number }>}
 */
export async function runImport(options) {
  const { client, table } = options;
  const keyNames = await tableKeyNames(client, table);
  const size = statSync(options.file).size;
  const input = createReadStream(options.file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const bar = new Progress({ label: `import ${table}`, total: size, enabled: options.progress });
  /** @type {import("./ddb-json.mjs").Format | undefined} */
  let format = options.format === "auto" ? undefined : options.format;
  let lineNo = 0;
  let written = 0;
  let bad = 0;

  /** @param {number} line @param {string} why */
  const reject = (line, why) => {
    bad += 1;
    bar.note(`line ${line}: ${why} (skipped)`);
  };

  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  /** Keys of items in requests now in flight: a later line with the same key must wait for them. */
  const inFlightKeys = new Set();
  /** @type {Entry[]} */
  let batch = [];
  /** @type {Set<string>} */
  let batchKeys = new Set();

  const send = async () => {
    const entries = batch;
    batch = [];
    batchKeys = new Set();
    for (const e of entries) inFlightKeys.add(e.key);
    const job = writeBatch(client, table, entries, keyNames, reject).then((n) => {
      written += n;
      for (const e of entries) inFlightKeys.delete(e.key);
      bar.update(input.bytesRead, written);
    });
    inFlight.add(job);
    // Failures surface through Promise.race/all below; this only does the bookkeeping.
    const forget = () => inFlight.delete(job);
    job.then(forget, forget);
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };

  for await (const text of lines) {
    lineNo += 1;
    if (text.trim() === "") continue;
    /** @type {import("./ddb-json.mjs").SdkItem} */
    let item;
    try {
      // The first line that is JSON decides the format (a bad first line must not).
      if (format === undefined) {
        const parsed = safeParse(text);
        if (parsed !== undefined) format = detectFormat(parsed);
      }
      item = parseLine(text, format ?? "jsonl");
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      reject(lineNo, err.message);
      continue;
    }
    const missing = keyNames.find((k) => item[k] === undefined);
    if (missing) {
      reject(lineNo, `the item has no key attribute ${missing}`);
      continue;
    }
    const key = keyText(item, keyNames);
    // Same key twice in one BatchWriteItem is a ValidationException, and two in-flight
    // requests with the same key could land in either order: keep "the last line wins".
    if (batchKeys.has(key)) await send();
    if (inFlightKeys.has(key)) await Promise.all(inFlight);
    batch.push({ line: lineNo, item, key });
    batchKeys.add(key);
    if (batch.length === BATCH) await send();
  }
  if (batch.length > 0) await send();
  await Promise.all(inFlight);
  bar.update(size, written);
  bar.finish();
  const seconds = Math.max(bar.elapsed(), 0.001);
  process.stderr.write(
    `Imported ${grouped(written)} items into ${table} from ${options.file} (${format ?? "empty file"}) in ${clock(seconds)}` +
      ` (${grouped(written / seconds)} items/s); ${lineNo} lines read, ${bad} skipped${bad > 0 ? " (reported above)" : ""}.\n`,
  );
  return { written, bad, lines: lineNo };
}

/** @param {string} text */
function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // parseLine reports it
  }
}

/**
 * Writes one batch; returns how many items were written. A ValidationException fails the
 * whole request, so the batch is then retried item by item to name the offending lines.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @param {Entry[]} entries
 * @param {string[]} keyNames
 * @param {(line: number, why: string) => void} reject
 */
async function writeBatch(client, table, entries, keyNames, reject) {
  let pending = entries;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) await sleep(backoff(attempt));
    if (attempt > MAX_UNPROCESSED_ATTEMPTS) {
      for (const e of pending) reject(e.line, `still unprocessed after ${MAX_UNPROCESSED_ATTEMPTS} retries`);
      return entries.length - pending.length;
    }
    let unprocessed;
    try {
      const out = await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: pending.map((e) => ({ PutRequest: { Item: e.item } })) },
        }),
      );
      unprocessed = out.UnprocessedItems?.[table] ?? [];
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "ValidationException") throw err;
      return writeOneByOne(client, table, pending, reject).then((n) => n + entries.length - pending.length);
    }
    const left = new Set(unprocessed.map((r) => keyText(r.PutRequest?.Item ?? {}, keyNames)));
    pending = pending.filter((e) => left.has(e.key));
  }
  return entries.length;
}

/**
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @param {Entry[]} entries
 * @param {(line: number, why: string) => void} reject
 */
async function writeOneByOne(client, table, entries, reject) {
  let written = 0;
  for (const e of entries) {
    try {
      await client.send(new PutItemCommand({ TableName: table, Item: e.item }));
      written += 1;
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "ValidationException") throw err;
      reject(e.line, describeError(err));
    }
  }
  return written;
}
