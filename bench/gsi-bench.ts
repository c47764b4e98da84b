// Figure I of `npm run bench` (issue 26): global secondary indexes kept in partitions of
// their own, measured in the bench Worker through durable-dynamodb's DynamoDBClient, each
// table in a tenant of its own (its objects are its alone):
//
//   query  a GSI Query (about 20 items, ProjectionType ALL) on tables of 1, 16 and 64
//          partitions holding the same items: one object answers it whatever the count
//   put    PutItem on a table of 4 partitions with 0, 1 and 2 GSIs, the write waiting for
//          its index changes as it does by default (DDB_GSI_WAIT_MS)
//   lag    a steady stream of PutItems on a table of 16 partitions whose writes do not
//          wait (the "nowait" Worker, DDB_GSI_WAIT_MS "0"), and, for sampled writes, the
//          time from the acknowledgement until a Query of the index returns the entry
//
// bench/run.mjs times `query` and `put` loops from Node (bench/gsi-phase.mjs); `lag` times
// itself: its samples are milliseconds, and workerd's clock advances at every I/O.
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type GlobalSecondaryIndex,
  type WriteRequest,
} from "../src/index";
import { Router } from "../src/cluster/router";
import type { ClusterEnv } from "./cluster-worker";

const TABLE = "gsi";
const META = { region: "us-east-1", host: "bench" };
/** Distinct values of the index's partition key: a Query of one returns items / GROUPS items. */
const GROUPS = 100;
/** Keys the PutItem loops overwrite, round and round (the table stays the same size): the loaded items. */
const putTables = new Map<number, { shards: number; items: number }>();

type Item = Record<string, AttributeValue>;

/** The tenant of each of the figure's tables: nothing else lives in its objects. */
const tenantOf = (kind: "query" | "put" | "lag", n: number) => `bench-gsi-${kind}-${n}`;

function client(env: ClusterEnv, tenant: string, shards: number): DynamoDBClient {
  return new DynamoDBClient({ namespace: env.DYNAMODB, tenant, shards, maxAttempts: 1 });
}

/** The index `name`: partition key `g${k}` (string), sort key `t${k}`, every attribute projected. */
function gsi(k: number): GlobalSecondaryIndex {
  return {
    IndexName: `byG${k}`,
    KeySchema: [
      { AttributeName: `g${k}`, KeyType: "HASH" },
      { AttributeName: `t${k}`, KeyType: "RANGE" },
    ],
    Projection: { ProjectionType: "ALL" },
  };
}

/** Table `gsi`: string key `pk`, with `indexes` GSIs (byG0, byG1, ...). */
async function createTable(c: DynamoDBClient, indexes: number): Promise<void> {
  const attributes = [{ AttributeName: "pk", AttributeType: "S" as const }];
  for (let k = 0; k < indexes; k++)
    attributes.push({ AttributeName: `g${k}`, AttributeType: "S" }, { AttributeName: `t${k}`, AttributeType: "S" });
  await c.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: attributes,
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      ...(indexes > 0 ? { GlobalSecondaryIndexes: Array.from({ length: indexes }, (_, k) => gsi(k)) } : {}),
    }),
  );
  for (let tries = 0; ; tries++) {
    const { Table } = await c.send(new DescribeTableCommand({ TableName: TABLE }));
    const ready =
      Table?.TableStatus === "ACTIVE" && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE");
    if (ready) return;
    if (tries >= 300) throw new Error(`table ${TABLE} not ACTIVE after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Item `i` (about 200 bytes): key `u${i}`; every index's partition key `g${i % GROUPS}`,
 * sort key `t${i}` (zero-padded), and a counter `n` the writes change.
 */
function item(i: number, indexes: number, n = 0, prefix = "u"): Item {
  const id = String(i).padStart(6, "0");
  const out: Item = {
    pk: { S: `${prefix}${id}` },
    n: { N: String(n) },
    title: { S: `item ${id} of the GSI bench` },
    body: { S: "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(2) },
  };
  for (let k = 0; k < indexes; k++) {
    out[`g${k}`] = { S: `g${String(i % GROUPS).padStart(3, "0")}` };
    out[`t${k}`] = { S: `${prefix}${id}` };
  }
  return out;
}

/** Items [0, count) through BatchWriteItem, 8 batches of 25 in flight, unprocessed ones again. */
async function load(c: DynamoDBClient, count: number, indexes: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let from = (next += 25) - 25; from < count; from = (next += 25) - 25) {
        let requests: WriteRequest[] = [];
        for (let i = from; i < Math.min(count, from + 25); i++)
          requests.push({ PutRequest: { Item: item(i, indexes) } });
        for (let tries = 0; requests.length > 0; tries++) {
          if (tries > 20) throw new Error("BatchWriteItem kept items unprocessed");
          const out = await c.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = out.UnprocessedItems?.[TABLE] ?? [];
        }
      }
    }),
  );
}

export async function gsiCall(method: string, args: unknown[], env: ClusterEnv & GsiEnv): Promise<unknown> {
  switch (method) {
    case "gsi.query.setup":
      return querySetup(env, args[0] as number, args[1] as number);
    case "gsi.query":
      return queryLoop(env, args[0] as number, args[1] as number);
    case "gsi.put.setup":
      return putSetup(env, args[0] as number, args[1] as number, args[2] as number);
    case "gsi.put":
      return putLoop(env, args[0] as number, args[1] as number);
    case "gsi.lag":
      return lagRun(env, args[0] as LagPlan);
    default:
      throw new Error(`unknown GSI bench method ${method}`);
  }
}

/** The Worker's DDB_GSI_WAIT_MS (the "nowait" Worker of run.mjs sets "0"). */
export interface GsiEnv {
  DDB_GSI_WAIT_MS?: string;
}

/** Figure I's query table on `shards` partitions: `items` items, index byG0 (g0 HASH, t0 RANGE). */
async function querySetup(env: ClusterEnv, shards: number, items: number): Promise<number> {
  const c = client(env, tenantOf("query", shards), shards);
  await createTable(c, 1);
  await load(c, items, 1);
  // Every group answers with its items (the writes waited for their changes).
  let seen = 0;
  for (let g = 0; g < GROUPS; g++) seen += await query(c, g);
  if (seen !== items) throw new Error(`GSI of ${shards} partitions holds ${seen} of ${items} items`);
  return seen;
}

/** One Query of the index: the items of group `g`, every attribute. */
async function query(c: DynamoDBClient, g: number): Promise<number> {
  const out = await c.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: "byG0",
      KeyConditionExpression: "g0 = :g",
      ExpressionAttributeValues: { ":g": { S: `g${String(g % GROUPS).padStart(3, "0")}` } },
    }),
  );
  return out.Count ?? 0;
}

/** `n` Queries of the index of the `shards`-partition table, groups in turn; items returned. */
async function queryLoop(env: ClusterEnv, shards: number, n: number): Promise<number> {
  const c = client(env, tenantOf("query", shards), shards);
  let check = 0;
  for (let i = 0; i < n; i++) check += await query(c, i);
  if (n > 0 && check === 0) throw new Error("GSI Query returned nothing");
  return check;
}

/** Figure I's write table: `shards` partitions, `indexes` GSIs, `items` items. */
async function putSetup(env: ClusterEnv, indexes: number, shards: number, items: number): Promise<number> {
  const c = client(env, tenantOf("put", indexes), shards);
  await createTable(c, indexes);
  await load(c, items, indexes);
  putTables.set(indexes, { shards, items });
  return items;
}

/** Sequence of the put loops (a fresh `n` for every write, so every write changes its item). */
let putSeq = 0;

/** `n` PutItems, one at a time, over the table with `indexes` GSIs: each overwrites an item (new `n`). */
async function putLoop(env: ClusterEnv, indexes: number, n: number): Promise<number> {
  const table = putTables.get(indexes);
  if (!table) throw new Error("gsi.put.setup first");
  const c = client(env, tenantOf("put", indexes), table.shards);
  for (let k = 0; k < n; k++) {
    const seq = ++putSeq;
    await c.send(new PutItemCommand({ TableName: TABLE, Item: item(seq % table.items, indexes, seq) }));
  }
  return n;
}

export interface LagPlan {
  shards: number;
  /** Writers, one PutItem in flight each, for `seconds`. */
  writers: number;
  seconds: number;
  /** Probes (each a writer too): PutItem, then Query the index until it returns the entry. */
  probes: number;
  /** A probe gives up after this long (counted as not seen). */
  timeoutMs: number;
  /**
   * DescribeTable's extension is read again after this many more writes (paced by the writes,
   * not by a timer: in a Worker this busy a 50 ms setTimeout fired after seconds).
   */
  describeEveryWrites: number;
}

export interface LagResult {
  /** The Worker's DDB_GSI_WAIT_MS. */
  waitMs: string | null;
  writes: number;
  /** From the start until the last write was acknowledged. */
  seconds: number;
  /** Per sampled write: ms from its acknowledgement until a Query returned its entry. */
  lags: number[];
  /** Probes whose entry no Query returned within timeoutMs. */
  unseen: number;
  /** Queries the probes made in all. */
  polls: number;
  /** Largest PendingChanges and LagMillis DescribeTable's extension showed during the load. */
  maxPending: number;
  maxLagMillis: number;
  describes: number;
}

/**
 * The steady load: `writers` loops of PutItem (new items, a random group each) on the
 * `shards`-partition table of one GSI for `seconds`, and `probes` loops that each write an
 * item and Query the index for exactly that entry (g0 and t0 equal) until it is returned,
 * back to back. Meanwhile DescribeTable's extension (raw, through the router: the SDK drops
 * the member) is read and its largest PendingChanges and LagMillis kept. The table is
 * created on the first call (a tenant per `shards`); a later call adds to it.
 */
async function lagRun(env: ClusterEnv & GsiEnv, plan: LagPlan): Promise<LagResult> {
  const tenant = tenantOf("lag", plan.shards);
  const c = client(env, tenant, plan.shards);
  if (!lagReady.has(tenant)) {
    await createTable(c, 1);
    lagReady.add(tenant);
  }
  const router = new Router(() => env.DYNAMODB, tenant, plan.shards);
  const result: LagResult = {
    waitMs: env.DDB_GSI_WAIT_MS ?? null,
    writes: 0,
    seconds: 0,
    lags: [],
    unseen: 0,
    polls: 0,
    maxPending: 0,
    maxLagMillis: 0,
    describes: 0,
  };
  const start = Date.now();
  const end = start + plan.seconds * 1000;
  const run = ++lagRuns;
  // The describer waits for the writes (`wrote` wakes it once `wakeAt` writes are done, or
  // a loop ends: `last`).
  let wake: (() => void) | undefined;
  let wakeAt = 0;
  let loops = plan.writers + plan.probes;
  let lastWrite = start;
  const wrote = (last = false) => {
    if (last) loops--;
    else {
      result.writes++;
      lastWrite = Date.now();
    }
    if (wake && (last || result.writes >= wakeAt)) {
      const resolve = wake;
      wake = undefined;
      resolve();
    }
  };
  const writer = async (w: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const k = (run * 1_000 + w) * 1_000_000 + i;
      await c.send(new PutItemCommand({ TableName: TABLE, Item: item(k, 1, i, "w") }));
      wrote();
    }
    wrote(true);
  };
  const prober = async (p: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const k = (run * 1_000 + 900 + p) * 1_000_000 + i;
      const written = item(k, 1, i, "p");
      await c.send(new PutItemCommand({ TableName: TABLE, Item: written }));
      wrote();
      const acked = Date.now();
      for (;;) {
        const out = await c.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: "byG0",
            KeyConditionExpression: "g0 = :g AND t0 = :t",
            ExpressionAttributeValues: { ":g": written.g0 as AttributeValue, ":t": written.t0 as AttributeValue },
          }),
        );
        result.polls++;
        const now = Date.now();
        if ((out.Count ?? 0) > 0) {
          result.lags.push(now - acked);
          break;
        }
        if (now - acked > plan.timeoutMs) {
          result.unseen++;
          break;
        }
      }
    }
    wrote(true);
  };
  const describer = async () => {
    while (Date.now() < end) {
      const reply = await router.deliver("DescribeTable", JSON.stringify({ TableName: TABLE }), META);
      if (reply.status !== 200) throw new Error(`DescribeTable: ${reply.body}`);
      const ext = (
        JSON.parse(reply.body) as {
          Table: { DurableDynamoDB?: { GlobalSecondaryIndexes?: { PendingChanges: number; LagMillis: number }[] } };
        }
      ).Table.DurableDynamoDB;
      for (const index of ext?.GlobalSecondaryIndexes ?? []) {
        result.maxPending = Math.max(result.maxPending, index.PendingChanges);
        result.maxLagMillis = Math.max(result.maxLagMillis, index.LagMillis);
      }
      result.describes++;
      await new Promise<void>((resolve) => {
        if (loops === 0) return resolve();
        wakeAt = result.writes + plan.describeEveryWrites;
        wake = resolve;
      });
    }
  };
  await Promise.all([
    ...Array.from({ length: plan.writers }, (_, w) => writer(w)),
    ...Array.from({ length: plan.probes }, (_, p) => prober(p)),
    describer(),
  ]);
  result.seconds = (lastWrite - start) / 1000;
  return result;
}

const lagReady = new Set<string>();
let lagRuns = 0;
