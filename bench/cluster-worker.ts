// Worker-side workloads of the bench (figures F and G): they run in the bench Worker, not in
// a Durable Object, because what they measure is the path a Worker takes to its shards:
//
//   F  the SDK-compatible client (durable-dynamodb's DynamoDBClient -> router -> shard RPC)
//      against a raw Durable Object RPC round trip carrying the same request and reply bytes
//      (an echo of a recorded reply, no engine), and against the SDK's own per-call cost (the
//      same client with an in-process handler answering the recorded bytes).
//   G  shards: how evenly 1,000,000 random partition keys spread over 16 shards, and point
//      writes under concurrent load against tables of 1, 4 and 16 shards.
//
// bench/run.mjs times each call from Node (the clock inside workerd only advances at I/O).
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue as SdkValue,
} from "../src/index";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand as DocQueryCommand } from "../src/lib";
import { partitionObject, partitionOfKeyValue } from "../src/cluster/placement";
import { equalPartitions } from "../src/schema/partition-map";
import type { Item } from "../src/types";
import type { BenchShard } from "./worker";
import { gridTable, makeItem, partitionKey, rng, sortKey } from "./data.mjs";
import type { TableDef } from "../src/schema/table-def";

export interface ClusterEnv {
  DYNAMODB: DurableObjectNamespace<BenchShard>;
}

type PointOp = "get" | "put" | "query" | "batch" | "txn";
/** Items a BatchWriteItem (the most DynamoDB takes) and a TransactWriteItems of figure F write. */
const BATCH = 25;
const TXN = 4;
const META = { region: "us-east-1", host: "bench" };
const TABLE = "client";
const TARGET = "DynamoDB_20120810.";

/** The low-level SDK wants B as bytes; the shared items carry base64 (the wire form). */
function sdkItem(item: Item): Record<string, SdkValue> {
  const out: Record<string, SdkValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = sdkValue(value as unknown as Record<string, unknown>);
  return out;
}
function sdkValue(value: Record<string, unknown>): SdkValue {
  if ("B" in value) return { B: Uint8Array.from(atob(value.B as string), (c) => c.charCodeAt(0)) };
  if ("M" in value) return { M: sdkItem(value.M as Item) };
  if ("L" in value) return { L: (value.L as Record<string, unknown>[]).map(sdkValue) };
  return value as unknown as SdkValue;
}

function tableInput(name: string): CreateTableCommand {
  return new CreateTableCommand(gridTable(name));
}

/** Sends figure F's command for `op` (partition p000000, 100 items); returns items seen. */
async function send(c: DynamoDBClient, op: PointOp, i: number): Promise<number> {
  const pk = partitionKey(0);
  if (op === "put") {
    await c.send(new PutItemCommand({ TableName: TABLE, Item: sdkItem(makeItem(i, pk, sortKey(i % 100))) }));
    return 1;
  }
  if (op === "batch" || op === "txn") {
    const items = Array.from({ length: op === "batch" ? BATCH : TXN }, (_, k) =>
      sdkItem(makeItem(i + k, pk, sortKey((i + k) % 100))),
    );
    if (op === "batch")
      await c.send(
        new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }),
      );
    else
      await c.send(
        new TransactWriteItemsCommand({ TransactItems: items.map((Item) => ({ Put: { TableName: TABLE, Item } })) }),
      );
    return items.length;
  }
  if (op === "get") {
    const out = await c.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: sortKey(i % 100) } } }),
    );
    return out.Item ? 1 : 0;
  }
  const out = await c.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: pk } },
      Limit: 100,
    }),
  );
  return out.Count ?? 0;
}

const WIRE_NAME: Record<PointOp, string> = {
  get: "GetItem",
  put: "PutItem",
  query: "Query",
  batch: "BatchWriteItem",
  txn: "TransactWriteItems",
};

/** Request bodies as the SDK serialises them, and the shard's replies: recorded by `setup`. */
const recorded = new Map<PointOp, { request: string; reply: string }>();

/** A request handler answering the recorded reply in-process: the SDK's own per-call cost. */
const cannedHandler = {
  metadata: { handlerProtocol: "canned" },
  handle(request: { headers: Record<string, string> }) {
    const target = request.headers["x-amz-target"] ?? "";
    const op = (Object.keys(WIRE_NAME) as PointOp[]).find((k) => `${TARGET}${WIRE_NAME[k]}` === target);
    const reply = op && recorded.get(op);
    if (!reply) throw new Error(`nothing recorded for ${target}`);
    return Promise.resolve(sdkResponse(200, reply.reply));
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
};

/** An HttpResponse as the SDK's handlers return it, carrying JSON text. */
function sdkResponse(statusCode: number, body: string) {
  return {
    response: {
      statusCode,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: new TextEncoder().encode(body),
    },
  };
}

/** The JSON text of a request the SDK serialised. */
function requestText(request: { body?: unknown }): string {
  return typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
}

/** Records the request body the SDK sends for `op`, by a handler that captures it. */
async function captureRequest(op: PointOp): Promise<string> {
  let body = "";
  const capture = {
    ...cannedHandler,
    handle(request: { headers: Record<string, string>; body?: unknown }) {
      body = requestText(request);
      return Promise.reject(new Error("captured"));
    },
  };
  const client = new DynamoDBClient({ requestHandler: capture, maxAttempts: 1 });
  await send(client, op, 1).catch(() => undefined);
  return body;
}

export async function clusterCall(method: string, args: unknown[], env: ClusterEnv): Promise<unknown> {
  switch (method) {
    case "client.setup":
      return setup(env);
    case "client.loop":
      return clientLoop(env, args[0] as PointOp, args[1] as number);
    case "doc.loop":
      return docLoop(env, args[0] as PointOp, args[1] as number);
    case "sdk.loop":
      return sdkLoop(args[0] as PointOp, args[1] as number);
    case "sdk.echo":
      return sdkRpcLoop(env, args[0] as PointOp, args[1] as number, "benchEcho", true);
    case "sdk.echo.same":
      return sdkRpcLoop(env, args[0] as PointOp, args[1] as number, "benchEcho", false);
    case "sdk.rawop":
      return sdkRpcLoop(env, args[0] as PointOp, args[1] as number, "benchRawOp", true);
    case "raw.loop":
      return rawLoop(env, args[0] as PointOp, args[1] as number, false);
    case "raw.engine":
      return rawLoop(env, args[0] as PointOp, args[1] as number, true);
    case "shards.setup":
      return shardsSetup(env, args[0] as number);
    case "shards.writes":
      return shardsWrites(env, args[0] as number, args[1] as number, args[2] as number, args[3] as number);
    case "shards.balance":
      return balance(args[0] as number, args[1] as number);
    default:
      throw new Error(`unknown cluster bench method ${method}`);
  }
}

function client(env: ClusterEnv, shards?: number): DynamoDBClient {
  return new DynamoDBClient({ namespace: env.DYNAMODB, maxAttempts: 1, ...(shards ? { shards } : {}) });
}

/** The object holding the one-partition table (its own, named in the catalogue's map). */
async function tableObject(env: ClusterEnv) {
  const def = await env.DYNAMODB.get(env.DYNAMODB.idFromName("shard-0")).tableInfo(TABLE);
  if (!def) throw new Error(`no table ${TABLE}`);
  return env.DYNAMODB.get(env.DYNAMODB.idFromName(partitionObject(def, 0)));
}

/** Creates the one-shard table with 100 items in partition p000000 and records F's payloads. */
async function setup(env: ClusterEnv): Promise<number> {
  const c = client(env);
  await c.send(tableInput(TABLE));
  for (let i = 0; i < 100; i++) await send(c, "put", i);
  const shard = await tableObject(env);
  for (const op of Object.keys(WIRE_NAME) as PointOp[]) {
    const request = await captureRequest(op);
    const reply = await shard.handle(WIRE_NAME[op], request, META);
    if (reply.status !== 200) throw new Error(`${op}: ${reply.body}`);
    recorded.set(op, { request, reply: reply.body });
    await shard.benchPrimeEcho(WIRE_NAME[op], reply.body);
  }
  // The storage floor's own copy of the partition (benchRawOp), for its reads.
  const pk = partitionKey(0);
  for (let i = 0; i < 100; i++)
    await shard.benchRawOp("PutItem", JSON.stringify({ TableName: TABLE, Item: makeItem(i, pk, sortKey(i)) }), META);
  return recorded.size;
}

async function clientLoop(env: ClusterEnv, op: PointOp, n: number): Promise<number> {
  const c = client(env);
  let check = 0;
  for (let i = 0; i < n; i++) check += await send(c, op, i);
  return check;
}

/** The same operations through lib-dynamodb's DocumentClient (native JS values) over the client. */
async function docLoop(env: ClusterEnv, op: PointOp, n: number): Promise<number> {
  const doc = DynamoDBDocumentClient.from(client(env));
  const pk = partitionKey(0);
  const plain = (i: number) => ({ pk, sk: sortKey(i % 100), n: i, title: `Item ${i}`, tags: new Set(["a", "b"]) });
  let check = 0;
  for (let i = 0; i < n; i++) {
    if (op === "put") {
      await doc.send(new PutCommand({ TableName: TABLE, Item: { ...plain(i), body: "x".repeat(800) } }));
      check++;
    } else if (op === "get") {
      const out = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: sortKey(i % 100) } }));
      check += out.Item ? 1 : 0;
    } else {
      const out = await doc.send(
        new DocQueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": pk },
          Limit: 100,
        }),
      );
      check += out.Count ?? 0;
    }
  }
  return check;
}

async function sdkLoop(op: PointOp, n: number): Promise<number> {
  const c = new DynamoDBClient({ requestHandler: cannedHandler, maxAttempts: 1 });
  let check = 0;
  for (let i = 0; i < n; i++) check += await send(c, op, i);
  return check;
}

/**
 * The floors of any client built on the SDK: the same SDK client whose request handler does
 * nothing but one raw RPC with the SDK's body, answered with the recorded reply: `benchEcho`
 * (no router, no engine, no storage) or `benchRawOp` (the operation's least storage work in
 * raw SQLite, bench/worker.ts). In workerd the SDK's and the RPC's costs are not additive
 * (each roughly doubles when interleaved), so these, not SDK-alone + raw RPC, are what the
 * client can at best reach. `fresh`: a stub made for each call, as a handler serving more
 * than one request must (workerd refuses a stub made in another request's context:
 * "Cannot perform I/O on behalf of a different request", I/O type OutgoingFactory).
 */
async function sdkRpcLoop(
  env: ClusterEnv,
  op: PointOp,
  n: number,
  method: "benchEcho" | "benchRawOp",
  fresh: boolean,
): Promise<number> {
  const def = await env.DYNAMODB.get(env.DYNAMODB.idFromName("shard-0")).tableInfo(TABLE);
  if (!def) throw new Error(`no table ${TABLE}`);
  const id = env.DYNAMODB.idFromName(partitionObject(def, 0));
  const same = env.DYNAMODB.get(id);
  const handler = {
    ...cannedHandler,
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const target = (request.headers["x-amz-target"] ?? "").slice(TARGET.length);
      const shard = fresh ? env.DYNAMODB.get(id) : same;
      const reply = await shard[method](target, requestText(request), META);
      return sdkResponse(reply.status, reply.body);
    },
  };
  const c = new DynamoDBClient({ requestHandler: handler, maxAttempts: 1 });
  let check = 0;
  for (let i = 0; i < n; i++) check += await send(c, op, i);
  return check;
}

/**
 * Raw RPC: the same request bytes to the same shard object, answered with the recorded reply
 * (`engine` false) or by the engine itself (`engine` true: `handle`, what the router calls).
 */
async function rawLoop(env: ClusterEnv, op: PointOp, n: number, engine: boolean): Promise<number> {
  const shard = await tableObject(env);
  const payload = recorded.get(op);
  if (!payload) throw new Error("client.setup first");
  let check = 0;
  for (let i = 0; i < n; i++) {
    const reply = engine
      ? await shard.handle(WIRE_NAME[op], payload.request, META)
      : await shard.benchEcho(WIRE_NAME[op], payload.request, META);
    check += reply.body.length > 0 ? 1 : 0;
  }
  return check;
}

async function shardsSetup(env: ClusterEnv, shards: number): Promise<string> {
  const name = `writes-${shards}`;
  await client(env, shards).send(tableInput(name));
  return name;
}

/** `n` PutItems with `concurrency` in flight, keys spread by hash; returns items written. */
async function shardsWrites(env: ClusterEnv, shards: number, n: number, concurrency: number, seed: number) {
  const c = client(env, shards);
  const random = rng(seed);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const pk = `k${random(1_000_000_000)}`;
        await c.send(new PutItemCommand({ TableName: `writes-${shards}`, Item: sdkItem(makeItem(i, pk, sortKey(0))) }));
        done++;
      }
    }),
  );
  return done;
}

/** max/mean of the shard populations of `keys` random string partition keys. */
function balance(keys: number, shards: number): { maxOverMean: number; counts: number[] } {
  const def = {
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    attributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    partitions: equalPartitions(shards),
  } as TableDef;
  const counts = new Array<number>(shards).fill(0);
  const random = rng(987654321);
  for (let i = 0; i < keys; i++) {
    const key = `user#${random(2 ** 31).toString(36)}${random(2 ** 31).toString(36)}`;
    counts[partitionOfKeyValue(def, { S: key })]! += 1;
  }
  return { maxOverMean: Math.max(...counts) / (keys / shards), counts };
}
