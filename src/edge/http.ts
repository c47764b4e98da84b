// The HTTP edge: DynamoDB's JSON wire protocol (POST / with X-Amz-Target). It parses
// nothing but the envelope; the shard does the rest and answers with JSON text, to which
// the edge adds the headers SDKs expect (x-amzn-RequestId, and x-amz-crc32, which boto3
// verifies).
// The CRC-32 is node:zlib's, native in workerd (nodejs_compat): a JavaScript one would cost
// real CPU on every large response.
import { crc32 } from "node:zlib";
import { Router } from "../cluster/router.js";
import { StreamsRouter } from "../cluster/streams-router.js";
import { streamsOperationOf } from "../engine/streams-dispatch.js";
import { isKnownOperation } from "../engine/dispatch.js";
import { DynamoError } from "../errors.js";
import type { Env } from "../env.js";
import { consoleResponse } from "./console/serve.js";
import { authenticate, authorize } from "./auth.js";
import { readRequestBody } from "./limits.js";
import { DYNAMODB_TARGET_PREFIX, errorReply, type WireReply } from "../protocol/reply.js";

const DEFAULT_REGION = "us-east-1";
const encoder = new TextEncoder();

export async function handleHttp(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/") {
    return new Response(`healthy: ${url.host}`, { headers: { "content-type": "text/plain" } });
  }
  // The web console's static page (src/edge/console) when DDB_CONSOLE is on; its data calls are signed requests below.
  const page = consoleResponse(request, env);
  if (page) return page;
  const body = await readRequestBody(request); // size and depth caps (./limits.ts)
  if (body instanceof DynamoError) return reply(errorReply(body));
  // Who may come in (SECURITY.md): SigV4 over the body, checked before the target is even
  // looked at, so an unsigned caller learns nothing (not even which operations exist).
  const auth = await authenticate(request, body, env, Date.now(), url);
  if (!auth.ok) return reply(auth.reply);
  if (request.method !== "POST" || url.pathname !== "/") {
    return reply(errorReply(new DynamoError("UnknownOperationException", "")));
  }
  const target = request.headers.get("x-amz-target") ?? "";
  const operation = target.startsWith(DYNAMODB_TARGET_PREFIX) ? target.slice(DYNAMODB_TARGET_PREFIX.length) : "";
  const streams = streamsOperationOf(target); // DynamoDB Streams (src/streams), same auth path
  if (!isKnownOperation(operation) && streams === undefined) {
    return reply(errorReply(new DynamoError("UnknownOperationException", "")));
  }
  const region = auth.principal.region ?? regionOf(request) ?? DEFAULT_REGION;
  const denied = authorize(auth.principal, streams ?? operation, body, env, region); // DDB_PERMISSIONS
  if (denied) return reply(denied);
  // The untenanted shards, through the same router as the SDK client.
  const router = new Router(() => env.DYNAMODB, undefined, defaultShards(env));
  const result =
    streams === undefined
      ? await router.deliver(operation, body, { region, host: url.host })
      : await new StreamsRouter(() => env.DYNAMODB, undefined).deliver(streams, body, { region, host: url.host });
  return reply(result);
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

function reply(result: WireReply): Response {
  const bytes = encoder.encode(result.body);
  return new Response(bytes, {
    status: result.status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": crypto.randomUUID(),
      "x-amz-crc32": String(crc32(bytes)),
    },
  });
}
