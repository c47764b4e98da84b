// `npm run split-load`: a table grown through many partition splits while clients use it.
//
//   node scripts/split-load.mjs [--mb 24] [--split-kb 512] [--writers 8] [--readers 4] [--json FILE]
//   node scripts/split-load.mjs --move 50000 [--json FILE]
//
// 1. `npm start` (scripts/start.mjs) on fresh state with DDB_SPLIT_BYTES = --split-kb KiB,
//    so partitions split by size again and again as the table grows.
// 2. One table (pk S, sk N) with a NEW_IMAGE stream, created over one partition. Writers,
//    each owning its partition keys, write ~1 KB items until --mb MB are acknowledged:
//    PutItem, UpdateItem, BatchWriteItem (unprocessed items retried) and TransactWriteItems
//    of two items; every write raises the item's version `v`. Readers meanwhile page
//    through Query and Scan and check what they read against what had been acknowledged
//    when they began: each such item present exactly once, at that version or a later one.
// 3. Once the partition map has stopped changing: a Scan equals the acknowledged items
//    exactly, so does a Query of every partition key, DescribeTable's ItemCount agrees, and
//    the stream, read parents before children, holds every write once, in order per item.
// Prints partitions reached, time, rates and latencies; exit status 0 when nothing is wrong.
//
// --move N: one split measured alone. N items of ~1 KB in one partition (no split by size),
// then `partitions split` while one client keeps writing and reading: rows moved per
// second until the new map is published, the time until the moved rows are cleaned up,
// and that client's latency before and during the split; every write it made is read back.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  paginateQuery,
  paginateScan,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { listPartitions, splitPartition } from "../bin/lib/partitions.mjs";
import { startServer } from "./lib/npm-start.mjs";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "24" },
    "split-kb": { type: "string", default: "512" },
    writers: { type: "string", default: "8" },
    readers: { type: "string", default: "4" },
    json: { type: "string" },
    move: { type: "string" },
  },
});
const MOVE = values.move === undefined ? undefined : Number(values.move);
const TARGET_BYTES = Number(values.mb) * 1024 * 1024;
const SPLIT_BYTES = Number(values["split-kb"]) * 1024;
const WRITERS = Number(values.writers);
const READERS = Number(values.readers);
const TABLE = "growing";
const KEYS_PER_WRITER = 48;
const PAYLOAD = "x".repeat(1000);
const credentials = { accessKeyId: "local", secretAccessKey: "local" };

const state = mkdtempSync(join(tmpdir(), "ddb-split-load-"));
let server;
let endpoint;

async function start() {
  ({ endpoint, child: server } = await startServer({
    persist: state,
    label: "split-load",
    stdio: process.env.SPLIT_LOAD_SERVER_LOG ? "inherit" : "ignore",
    // --move: no split by size or by write rate (loading the items can pass the rate for
    // 10 s on a slow machine, and a split of its own makes the one asked for be refused);
    // the one measured is asked for.
    env: {
      DDB_DEFAULT_SHARDS: "1",
      DDB_SPLIT_BYTES: String(MOVE === undefined ? SPLIT_BYTES : 2 ** 40),
      ...(MOVE === undefined ? {} : { DDB_SPLIT_WRITES_PER_SECOND: String(2 ** 40) }),
    },
  }));
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const config = () => ({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });

// ---- the model: every acknowledged write, in order per item

/** `${pk}|${sk}` -> versions acknowledged, in write order (each write raises v by one). */
const written = new Map();
let bytes = 0;
const problems = [];
const latencies = { write: [], query: [], scan: [] };

function problem(text) {
  if (problems.length < 20) console.error(`split-load: ${text}`);
  problems.push(text);
}

function ack(pk, sk, version) {
  const key = `${pk}|${sk}`;
  const list = written.get(key) ?? [];
  list.push(version);
  written.set(key, list);
  bytes += PAYLOAD.length + 40;
}

async function timed(list, run) {
  const begun = performance.now();
  const result = await run();
  list.push(performance.now() - begun);
  return result;
}

const item = (pk, sk, v) => ({ pk: { S: pk }, sk: { N: String(sk) }, v: { N: String(v) }, body: { S: PAYLOAD } });

async function writer(w) {
  const ddb = new DynamoDBClient(config());
  const next = new Map(); // pk -> next sk
  const versions = new Map(); // key -> current version
  const pkOf = (n) => `w${w}-p${n}`;
  for (let round = 0; bytes < TARGET_BYTES; round++) {
    const pk = pkOf(round % KEYS_PER_WRITER);
    const roll = round % 10;
    if (roll < 4) {
      const sk = next.get(pk) ?? 0;
      next.set(pk, sk + 1);
      await timed(latencies.write, () => ddb.send(new PutItemCommand({ TableName: TABLE, Item: item(pk, sk, 1) })));
      versions.set(`${pk}|${sk}`, 1);
      ack(pk, sk, 1);
    } else if (roll < 6 && (next.get(pk) ?? 0) > 0) {
      const sk = round % (next.get(pk) ?? 1);
      const key = `${pk}|${sk}`;
      const v = (versions.get(key) ?? 0) + 1;
      await timed(latencies.write, () =>
        ddb.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: { S: pk }, sk: { N: String(sk) } },
            UpdateExpression: "SET v = :v",
            ExpressionAttributeValues: { ":v": { N: String(v) } },
          }),
        ),
      );
      versions.set(key, v);
      ack(pk, sk, v);
    } else if (roll < 8) {
      const batch = Array.from({ length: 10 }, (_, i) => {
        const p = pkOf((round + i * 7) % KEYS_PER_WRITER);
        const sk = next.get(p) ?? 0;
        next.set(p, sk + 1);
        return { pk: p, sk };
      });
      let pending = batch.map(({ pk: p, sk }) => ({ PutRequest: { Item: item(p, sk, 1) } }));
      for (let tries = 0; pending.length > 0; tries++) {
        if (tries > 50) throw new Error("split-load: BatchWriteItem kept items unprocessed");
        const out = await timed(latencies.write, () =>
          ddb.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: pending } })),
        );
        pending = out.UnprocessedItems?.[TABLE] ?? [];
        if (pending.length > 0) await sleep(20);
      }
      for (const { pk: p, sk } of batch) {
        versions.set(`${p}|${sk}`, 1);
        ack(p, sk, 1);
      }
    } else {
      const pair = [pkOf(round % KEYS_PER_WRITER), pkOf((round + 11) % KEYS_PER_WRITER)].map((p) => {
        const sk = next.get(p) ?? 0;
        next.set(p, sk + 1);
        return { pk: p, sk };
      });
      await timed(latencies.write, () =>
        ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: pair.map(({ pk: p, sk }) => ({ Put: { TableName: TABLE, Item: item(p, sk, 1) } })),
          }),
        ),
      );
      for (const { pk: p, sk } of pair) {
        versions.set(`${p}|${sk}`, 1);
        ack(p, sk, 1);
      }
    }
  }
}

/** What was acknowledged now: key -> latest version. */
function snapshot(filter) {
  const out = new Map();
  for (const [key, list] of written) if (!filter || filter(key)) out.set(key, list[list.length - 1]);
  return out;
}

/** Each item acknowledged before the read began is there once, at its version or a later one. */
function checkRead(kind, items, before) {
  const seen = new Map();
  for (const i of items) {
    const key = `${i.pk.S}|${i.sk.N}`;
    if (seen.has(key)) problem(`${kind}: ${key} read twice`);
    seen.set(key, Number(i.v.N));
  }
  for (const [key, version] of before) {
    const got = seen.get(key);
    if (got === undefined) problem(`${kind}: ${key} (acknowledged at version ${version}) missing`);
    else if (got < version) problem(`${kind}: ${key} at version ${got}, acknowledged at ${version}`);
  }
}

async function reader(r, done) {
  const ddb = new DynamoDBClient(config());
  for (let round = 0; !done.value; round++) {
    if ((round + r) % 4 === 0) {
      const before = snapshot();
      const items = [];
      const begun = performance.now();
      for await (const page of paginateScan({ client: ddb, pageSize: 200 }, { TableName: TABLE, Limit: 200 })) {
        items.push(...(page.Items ?? []));
      }
      latencies.scan.push(performance.now() - begun);
      checkRead("Scan", items, before);
    } else {
      const pk = `w${round % WRITERS}-p${(round * 5 + r) % KEYS_PER_WRITER}`;
      const before = snapshot((key) => key.startsWith(`${pk}|`));
      const items = [];
      const begun = performance.now();
      const input = {
        TableName: TABLE,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: pk } },
        Limit: 25,
      };
      for await (const page of paginateQuery({ client: ddb }, input)) items.push(...(page.Items ?? []));
      latencies.query.push(performance.now() - begun);
      checkRead(`Query ${pk}`, items, before);
    }
  }
}

async function settle() {
  const ddb = new DynamoDBClient(config());
  let last = "";
  let stableSince = Date.now();
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const list = await listPartitions(ddb, TABLE);
    const shape = `${list.version}/${list.partitions.map((p) => p.ItemCount).join(",")}`;
    if (shape !== last) {
      last = shape;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 3000 && list.itemCount === written.size) return list;
    await sleep(500);
  }
  throw new Error("split-load: the partition map did not settle within 300 s");
}

async function verifyTable() {
  const ddb = new DynamoDBClient(config());
  const final = snapshot();
  const items = [];
  for await (const page of paginateScan({ client: ddb }, { TableName: TABLE })) items.push(...(page.Items ?? []));
  checkRead("final Scan", items, final);
  if (items.length !== final.size) problem(`final Scan: ${items.length} items, ${final.size} acknowledged`);
  for (let w = 0; w < WRITERS; w++) {
    for (let n = 0; n < KEYS_PER_WRITER; n++) {
      const pk = `w${w}-p${n}`;
      const expected = snapshot((key) => key.startsWith(`${pk}|`));
      const got = [];
      const input = {
        TableName: TABLE,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: pk } },
      };
      for await (const page of paginateQuery({ client: ddb }, input)) got.push(...(page.Items ?? []));
      checkRead(`final Query ${pk}`, got, expected);
      if (got.length !== expected.size)
        problem(`final Query ${pk}: ${got.length} items, ${expected.size} acknowledged`);
    }
  }
  const described = await ddb.send(new DescribeTableCommand({ TableName: TABLE }));
  if (described.Table?.ItemCount !== final.size) {
    problem(`DescribeTable: ItemCount ${described.Table?.ItemCount}, ${final.size} acknowledged`);
  }
  return described.Table?.LatestStreamArn;
}

/** Every shard from TRIM_HORIZON, in DescribeStream's order (parents before children). */
async function verifyStream(arn) {
  const streams = new DynamoDBStreamsClient(config());
  const shards = [];
  let start;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  const read = new Map();
  let records = 0;
  const done = new Set();
  for (const shard of shards) {
    if (shard.ParentShardId && !done.has(shard.ParentShardId))
      problem(`stream: ${shard.ShardId} listed before its parent`);
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const record of page.Records ?? []) {
        const image = record.dynamodb?.NewImage;
        const key = `${image?.pk?.S}|${image?.sk?.N}`;
        const list = read.get(key) ?? [];
        list.push(Number(image?.v?.N));
        read.set(key, list);
        records++;
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    done.add(shard.ShardId);
  }
  for (const [key, versions] of written) {
    const got = read.get(key) ?? [];
    if (got.join(",") !== versions.join(","))
      problem(`stream: ${key} read ${got.join(",")}, written ${versions.join(",")}`);
  }
  for (const key of read.keys()) if (!written.has(key)) problem(`stream: a record of ${key}, never written`);
  return { shards: shards.length, records };
}

const percentile = (list, p) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};

/** --move: one split of a loaded partition, measured while a client keeps using the table. */
async function moveOne(ddb) {
  const keys = Array.from({ length: MOVE }, (_, i) => ({ pk: `k${i}`, sk: 0 }));
  let cursor = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let at = (cursor += 25) - 25; at < MOVE; at = (cursor += 25) - 25) {
        let pending = keys.slice(at, at + 25).map(({ pk, sk }) => ({ PutRequest: { Item: item(pk, sk, 1) } }));
        while (pending.length > 0) {
          const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: pending } }));
          pending = out.UnprocessedItems?.[TABLE] ?? [];
        }
      }
    }),
  );
  for (const { pk, sk } of keys) ack(pk, sk, 1);
  const probe = { phase: "before", before: [], during: [], stop: false };
  const versions = new Map();
  const prober = (async () => {
    for (let n = 0; !probe.stop; n++) {
      const { pk, sk } = keys[(n * 7919) % MOVE];
      const key = `${pk}|${sk}`;
      const v = (versions.get(key) ?? 1) + 1;
      const begun = performance.now();
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: item(pk, sk, v) }));
      if (probe.phase !== "after") probe[probe.phase].push(performance.now() - begun);
      versions.set(key, v);
      ack(pk, sk, v);
    }
  })();
  // Awaited below; handled here too, so that when the split's side fails first (and the
  // server is stopped under the prober), that failure is the one reported.
  prober.catch(() => undefined);
  await sleep(3000);
  probe.phase = "during";
  const begun = performance.now();
  await splitPartition(ddb, TABLE, { partition: 0 });
  let list = await listPartitions(ddb, TABLE);
  while (list.version < 2) {
    await sleep(50);
    list = await listPartitions(ddb, TABLE);
  }
  const publishSeconds = (performance.now() - begun) / 1000;
  probe.phase = "after";
  while (list.itemCount !== written.size) {
    await sleep(100);
    list = await listPartitions(ddb, TABLE);
  }
  const cleanSeconds = (performance.now() - begun) / 1000;
  probe.stop = true;
  await prober;
  const moved = list.partitions[1]?.ItemCount ?? 0;
  return {
    items: MOVE,
    moved,
    publishSeconds,
    cleanSeconds,
    rowsPerSecond: moved / publishSeconds,
    putP50Before: percentile(probe.before, 50),
    putP99Before: percentile(probe.before, 99),
    putP50During: percentile(probe.during, 50),
    putP99During: percentile(probe.during, 99),
    putsDuring: probe.during.length,
  };
}

async function main() {
  await start();
  try {
    const ddb = new DynamoDBClient(config());
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
      }),
    );
    if (MOVE !== undefined) {
      const figures = await moveOne(ddb);
      const arn = await verifyTable();
      const stream = await verifyStream(arn);
      console.log(
        `split-load --move: ${figures.items} items; ${figures.moved} moved in ${figures.publishSeconds.toFixed(1)} s to publication ` +
          `(${figures.rowsPerSecond.toFixed(0)} rows/s), cleaned up after ${figures.cleanSeconds.toFixed(1)} s`,
      );
      console.log(
        `split-load --move: PutItem p50/p99 ${figures.putP50Before.toFixed(1)}/${figures.putP99Before.toFixed(1)} ms before, ` +
          `${figures.putP50During.toFixed(1)}/${figures.putP99During.toFixed(1)} ms during (${figures.putsDuring} writes)`,
      );
      console.log(`split-load: stream of ${stream.shards} shards, ${stream.records} records`);
      console.log(`split-load: ${problems.length} problems`);
      if (values.json)
        writeFileSync(values.json, `${JSON.stringify({ ...figures, problems: problems.length }, null, 2)}\n`);
      return problems.length === 0 ? 0 : 1;
    }
    const begun = performance.now();
    const done = { value: false };
    const readers = Array.from({ length: READERS }, (_, r) => reader(r, done));
    // Awaited below; handled here too, so that when a writer fails first (and the server
    // is stopped under the readers), that failure is the one reported.
    for (const read of readers) read.catch(() => undefined);
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const loadSeconds = (performance.now() - begun) / 1000;
    done.value = true;
    await Promise.all(readers);
    const list = await settle();
    const settledSeconds = (performance.now() - begun) / 1000;
    const arn = await verifyTable();
    const stream = await verifyStream(arn);
    const writes = [...written.values()].reduce((n, l) => n + l.length, 0);
    const figures = {
      mb: bytes / 1024 / 1024,
      splitKb: SPLIT_BYTES / 1024,
      items: written.size,
      writes,
      partitions: list.partitions.length,
      mapVersion: list.version,
      loadSeconds,
      settledSeconds,
      writesPerSecond: writes / loadSeconds,
      writeP50: percentile(latencies.write, 50),
      writeP99: percentile(latencies.write, 99),
      queryP50: percentile(latencies.query, 50),
      queryP99: percentile(latencies.query, 99),
      scans: latencies.scan.length,
      streamShards: stream.shards,
      streamRecords: stream.records,
      problems: problems.length,
    };
    console.log(
      `split-load: ${figures.mb.toFixed(1)} MB in ${figures.items} items (${writes} writes) with DDB_SPLIT_BYTES ${figures.splitKb} KiB: ` +
        `${figures.partitions} partitions (map version ${figures.mapVersion}); load ${loadSeconds.toFixed(1)} s, settled after ${settledSeconds.toFixed(1)} s`,
    );
    console.log(
      `split-load: writes ${figures.writesPerSecond.toFixed(0)}/s, p50 ${figures.writeP50.toFixed(1)} ms, p99 ${figures.writeP99.toFixed(1)} ms; ` +
        `paged Query p50 ${figures.queryP50.toFixed(1)} ms, p99 ${figures.queryP99.toFixed(1)} ms; ${figures.scans} full Scans during the load`,
    );
    console.log(`split-load: stream of ${stream.shards} shards, ${stream.records} records`);
    console.log(`split-load: ${problems.length} problems`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    process.kill(-server.pid, "SIGTERM");
    await sleep(500);
    rmSync(state, { recursive: true, force: true });
  }
}

process.exitCode = await main();
