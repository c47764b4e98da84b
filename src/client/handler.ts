// Request handlers that let a real @aws-sdk/client-dynamodb client talk to the engine
// without a network. The SDK serialises each command exactly as for AWS (JSON body,
// X-Amz-Target header); the handler takes that HttpRequest, hands the operation name and
// JSON text to the engine's `handle` — over Durable Object RPC to a shard, or by a direct
// call to an embedded engine — and gives the SDK back an HttpResponse (status, headers,
// body bytes) for its own deserialiser, error parsing, retries and $metadata.
import type { CallMeta, Engine, WireReply } from "../engine.js";
import { DynamoError } from "../errors.js";
import { Router, type ShardNamespace } from "../cluster/router.js";
import type { Route } from "./routing.js";
import { executePartiql, isPartiqlOperation } from "../partiql/execute.js";

const TARGET_PREFIX = "DynamoDB_20120810.";
const CONTENT_TYPE = "application/x-amz-json-1.0";
export const DEFAULT_REGION = "us-east-1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the handlers read of the SDK's serialised HttpRequest. */
export interface SerializedRequest {
  headers: Record<string, string>;
  hostname: string;
  body?: unknown;
}

/** An HttpResponse as the SDK expects one (`HttpResponse.isInstance` is structural). */
export interface DeliveredResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

interface HandlerOptions {
  abortSignal?: { aborted: boolean; reason?: unknown };
}

export type { ShardNamespace };

/**
 * The SDK RequestHandler contract: `handle(request, options) -> { response }`, plus the
 * optional hooks the SDK calls on HTTP handlers (client config, destroy).
 */
export abstract class EngineWireHandler {
  readonly metadata = { handlerProtocol: "durable-object" };
  private region: string | undefined;
  private regionProvider: () => Promise<string> = () => Promise.resolve(DEFAULT_REGION);

  /** The client's region, named in ARNs; set by the client once its config is resolved. */
  useRegion(provider: () => Promise<string>): void {
    this.regionProvider = provider;
    this.region = undefined;
  }

  async handle(request: SerializedRequest, options: HandlerOptions = {}): Promise<{ response: DeliveredResponse }> {
    const signal = options.abortSignal;
    if (signal?.aborted) throw abortError(signal.reason);
    const operation = operationOf(request.headers);
    if (operation === undefined) {
      return { response: toResponse(errorReply(new DynamoError("UnknownOperationException", ""))) };
    }
    this.region ??= await this.regionProvider();
    const meta: CallMeta = { region: this.region, host: request.hostname };
    const reply = await this.deliver(operation, bodyText(request.body), meta);
    return { response: toResponse(reply) };
  }

  protected abstract deliver(operation: string, body: string, meta: CallMeta): WireReply | Promise<WireReply>;

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/**
 * Delivers to the shard Durable Objects over RPC, through the cluster router (shared with
 * the HTTP edge). The namespace is looked up on first use, so a client may be constructed
 * at module scope before `env` is usable. Stubs are made per request: a stub belongs to
 * the request that created it.
 */
export class ShardRequestHandler extends EngineWireHandler {
  private namespace: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly route: Route,
  ) {
    super();
  }

  protected async deliver(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    const router = new Router(() => (this.namespace ??= this.locate()), this.route.tenant, this.route.shards ?? 1);
    try {
      return await router.deliver(operation, body, meta);
    } catch (err) {
      throw markRetryable(err);
    }
  }
}

/** Delivers to an engine embedded in the calling Durable Object: a direct call, no RPC. */
export class EmbeddedRequestHandler extends EngineWireHandler {
  constructor(private readonly engine: Engine) {
    super();
  }

  protected deliver(operation: string, body: string, meta: CallMeta): WireReply | Promise<WireReply> {
    if (isPartiqlOperation(operation)) {
      // PartiQL is planned onto the engine's own operations (src/partiql/execute.ts).
      return executePartiql(operation, body, {
        describe: (name) => this.engine.tableInfo(name),
        call: (op, json) => this.engine.handle(op, JSON.stringify(json), meta),
      });
    }
    return this.engine.handle(operation, body, meta);
  }
}

function operationOf(headers: Record<string, string>): string | undefined {
  let target = headers["x-amz-target"];
  if (target === undefined) {
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === "x-amz-target") target = value;
    }
  }
  return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
}

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body));
  if (body === undefined || body === null) return "";
  throw new TypeError("durable-dynamodb: request body must be JSON text");
}

function toResponse(reply: WireReply): DeliveredResponse {
  return {
    statusCode: reply.status,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": crypto.randomUUID() },
    body: encoder.encode(reply.body),
  };
}

function errorReply(err: DynamoError): WireReply {
  return { status: err.status, body: JSON.stringify(err.toJSON()) };
}

function abortError(reason: unknown): Error {
  const err = new Error(reason instanceof Error ? reason.message : "Request aborted");
  err.name = "AbortError";
  return err;
}

/**
 * A Durable Object exception flagged `retryable` (and not `overloaded`) is safe to retry
 * per Cloudflare; the `$retryable` trait makes the SDK's retry strategy do so.
 */
function markRetryable(err: unknown): unknown {
  if (typeof err === "object" && err !== null) {
    const flags = err as { retryable?: unknown; overloaded?: unknown; $retryable?: unknown };
    if (flags.retryable === true && flags.overloaded !== true && flags.$retryable === undefined) {
      try {
        flags.$retryable = {};
      } catch {
        // A frozen error object stays non-retryable.
      }
    }
  }
  return err;
}
