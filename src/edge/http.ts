// The HTTP edge: DynamoDB's JSON wire protocol (POST / with X-Amz-Target). It parses
// nothing but the envelope; the shard does the rest and answers with JSON text, to which
// the edge adds what DynamoDB's HTTP layer adds: x-amzn-RequestId, x-amz-crc32 (which
// boto3 and the Go SDK verify), Date and Server on every answer, compression of large
// answers (./encoding.ts) and CORS, so that a page in a browser can call the endpoint with
// the SDK.
// The CRC-32 is node:zlib's, native in workerd (nodejs_compat): a JavaScript one would cost
// real CPU on every large response.
import { crc32 } from "node:zlib";
import { Router } from "../cluster/router.js";
import { StreamsRouter } from "../cluster/streams-router.js";
import { isKnownOperation } from "../engine/dispatch.js";
import { streamsOperationOf } from "../engine/streams-dispatch.js";
import type { Env } from "../env.js";
import { DynamoError } from "../errors.js";
import { requestObject } from "../protocol/json-body.js";
import { ADMIN_TARGET_PREFIX, DYNAMODB_TARGET_PREFIX, errorReply, type WireReply } from "../protocol/reply.js";
import { authenticate, authorize } from "./auth.js";
import { consoleResponse } from "./console/serve.js";
import { chooseCoding, COMPRESS_ABOVE_BYTES, compress, decodeRequestBody } from "./encoding.js";
import { checkJsonDepth, readRequestBytes } from "./limits.js";

const DEFAULT_REGION = "us-east-1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Operations whose success DynamoDB answers with an empty body, not `{}`. */
const EMPTY_SUCCESS = new Set(["TagResource", "UntagResource"]);

/**
 * Response headers a page's script may read (CORS): those the SDKs read of DynamoDB's
 * answers. DynamoDB sends the header on every answer to a request with an Origin
 * (Alternator's test_cors.py, run against DynamoDB); the list is ours.
 */
const EXPOSED_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-crc32, Date";
/** Seconds a browser may cache a preflight's answer (ours; DynamoDB sends one, value unrecorded). */
const PREFLIGHT_MAX_AGE = "86400";

export async function handleHttp(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  // A CORS preflight is answered before any signature check: browsers send it unsigned.
  if (request.method === "OPTIONS") return finish(request, preflight(request));
  if (request.method === "GET" && url.pathname === "/") {
    return finish(request, new Response(`healthy: ${url.host}`, { headers: { "content-type": "text/plain" } }));
  }
  // The web console's static page (src/edge/console) when DDB_CONSOLE is on; its data calls are signed requests below.
  const page = consoleResponse(request, env);
  if (page) return finish(request, page);
  const bytes = await readRequestBytes(request); // the size cap (./limits.ts)
  if (bytes instanceof DynamoError) return reply(request, errorReply(bytes));
  // Who may come in (SECURITY.md): SigV4 over the body as sent, checked before the target
  // is even looked at, so an unsigned caller learns nothing (not even which operations exist).
  const auth = await authenticate(request, bytes, env, Date.now(), url);
  if (!auth.ok) return reply(request, auth.reply);
  if (request.method !== "POST" || url.pathname !== "/") {
    return reply(request, errorReply(new DynamoError("UnknownOperationException", "")));
  }
  const decoded = decodeRequestBody(bytes, request.headers.get("content-encoding"));
  if (decoded instanceof DynamoError) return reply(request, errorReply(decoded));
  const body = checkJsonDepth(decoder.decode(decoded)); // the depth cap (./limits.ts)
  if (body instanceof DynamoError) return reply(request, errorReply(body));
  const target = request.headers.get("x-amz-target") ?? "";
  const operation = target.startsWith(DYNAMODB_TARGET_PREFIX) ? target.slice(DYNAMODB_TARGET_PREFIX.length) : "";
  const streams = streamsOperationOf(target); // DynamoDB Streams (src/streams), same auth path
  // Our administrative operations (partition splits), same auth path.
  const admin = target.startsWith(ADMIN_TARGET_PREFIX) ? target.slice(ADMIN_TARGET_PREFIX.length) : undefined;
  if (!isKnownOperation(operation) && streams === undefined && admin !== "SplitPartition") {
    return reply(request, errorReply(new DynamoError("UnknownOperationException", "")));
  }
  const region = auth.principal.region ?? regionOf(request) ?? DEFAULT_REGION;
  // The untenanted shards, through the same router as the SDK client.
  const router = new Router(() => env.DYNAMODB, undefined, defaultShards(env));
  // Read once, for the access check and for routing.
  const input = requestObject(body);
  // Resource-based policies and DDB_PERMISSIONS (SECURITY.md).
  const denied = await authorize(auth.principal, streams ?? admin ?? operation, input, env, region, (table) =>
    router.definition(table),
  );
  if (denied) return reply(request, denied);
  const meta = { region, host: url.host };
  const result =
    admin !== undefined
      ? await router.admin(admin, body, meta)
      : streams === undefined
        ? await router.deliver(operation, body, meta, input)
        : await new StreamsRouter(() => env.DYNAMODB, undefined).deliver(streams, body, meta, input);
  if (result.status === 200 && EMPTY_SUCCESS.has(operation)) return reply(request, { status: 200, body: "" });
  return reply(request, result);
}

/** An OPTIONS request: with an Origin, the CORS preflight's answer, allowing what it asks. */
function preflight(request: Request): Response {
  const headers = new Headers();
  if (request.headers.has("origin")) {
    const method = request.headers.get("access-control-request-method");
    const asked = request.headers.get("access-control-request-headers");
    if (method !== null) headers.set("access-control-allow-methods", method);
    if (asked !== null) headers.set("access-control-allow-headers", asked);
    headers.set("access-control-max-age", PREFLIGHT_MAX_AGE);
  }
  return new Response(null, { status: 200, headers });
}

/**
 * What every answer carries: Date and Server as DynamoDB's do, and CORS headers for a
 * request with an Origin. `reply` writes them with its other headers; `finish` adds them
 * to the few answers made elsewhere (health line, preflight, console page).
 */
function commonHeaders(request: Request, headers: Record<string, string>): Record<string, string> {
  headers.date = new Date().toUTCString();
  headers.server = "Server";
  if (request.headers.has("origin")) {
    headers["access-control-allow-origin"] = "*";
    headers["access-control-expose-headers"] = EXPOSED_HEADERS;
  }
  return headers;
}

function finish(request: Request, response: Response): Response {
  for (const [name, value] of Object.entries(commonHeaders(request, {}))) response.headers.set(name, value);
  return response;
}

/** Shard count for tables created over HTTP: env DDB_DEFAULT_SHARDS, a positive integer; default 1. */
function defaultShards(env: Env): number {
  const n = Number(env.DDB_DEFAULT_SHARDS ?? "1");
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The region of the SigV4 credential scope: Credential=AKID/date/REGION/service/aws4_request. */
function regionOf(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  const match = auth?.match(/Credential=[^/]+\/\d{8}\/([^/]+)\//);
  return match?.[1];
}

function reply(request: Request, result: WireReply): Response {
  let bytes = encoder.encode(result.body);
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-requestid": crypto.randomUUID(),
  };
  const coding =
    bytes.byteLength > COMPRESS_ABOVE_BYTES ? chooseCoding(request.headers.get("accept-encoding")) : undefined;
  if (coding) {
    bytes = compress(bytes, coding);
    headers["content-encoding"] = coding;
  }
  // The CRC of the bytes sent (compressed when they are), as DynamoDB's.
  headers["x-amz-crc32"] = String(crc32(bytes));
  // encodeBody "manual": the bytes are already encoded; the runtime must not encode them again.
  return new Response(bytes, {
    status: result.status,
    headers: commonHeaders(request, headers),
    encodeBody: coding ? "manual" : "automatic",
  });
}
