// The request handler both SDK clients of this package use (DynamoDBClient and
// DynamoDBStreamsClient): a real AWS SDK client serialises each command exactly as for AWS
// (JSON body, X-Amz-Target header); the handler takes that HttpRequest, hands the operation
// name and JSON text to the engine — over Durable Object RPC through a router, or by a
// direct call to an engine embedded in the calling object — and gives the SDK back an
// HttpResponse (status, headers, body bytes) for its own deserialiser, error parsing,
// retries and $metadata. No network, no signing.
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { env } from "cloudflare:workers";
import type { Route } from "../cluster/placement.js";
import { Router } from "../cluster/router.js";
import { StreamsRouter } from "../cluster/streams-router.js";
import type { Engine } from "../engine/engine.js";
import { streamsOperationOf } from "../engine/streams-dispatch.js";
import { DynamoError } from "../errors.js";
import { executePartiql, isPartiqlOperation } from "../partiql/execute.js";
import { DYNAMODB_TARGET_PREFIX, errorReply, type CallMeta, type WireReply } from "../protocol/reply.js";
import type { ShardNamespace } from "../protocol/shard-rpc.js";

const CONTENT_TYPE = "application/x-amz-json-1.0";
export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_BINDING = "DYNAMODB";
/** Credentials the clients resolve but never sign with (the SDK insists on some). */
export const PLACEHOLDER_CREDENTIALS = { accessKeyId: "durable-dynamodb", secretAccessKey: "durable-dynamodb" };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type AuthScheme = NonNullable<DynamoDBClientConfig["httpAuthSchemes"]>[number];

/**
 * The sigv4 scheme the SDKs' auth resolution selects, with a signer that leaves the request
 * as it is: the identity (the placeholder credentials) still resolves, nothing is hashed
 * or signed.
 */
export const UNSIGNED_SIGV4: AuthScheme = {
  schemeId: "aws.auth#sigv4",
  identityProvider: (config) => config.getIdentityProvider("aws.auth#sigv4"),
  signer: { sign: (request) => Promise.resolve(request) },
};

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

/**
 * The SDK RequestHandler contract: `handle(request, options) -> { response }`, plus the
 * optional hooks the SDK calls on HTTP handlers (client config, destroy). Subclasses say
 * which operation an X-Amz-Target names and where requests go.
 */
export abstract class SdkRequestHandler {
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
    const operation = this.operationOf(targetOf(request.headers));
    if (operation === undefined) {
      return { response: toResponse(errorReply(new DynamoError("UnknownOperationException", ""))) };
    }
    this.region ??= await this.regionProvider();
    const meta: CallMeta = { region: this.region, host: request.hostname };
    const reply = await this.deliver(operation, bodyText(request.body), meta);
    return { response: toResponse(reply) };
  }

  /** One request as the wire has it (operation and JSON text), without the SDK around it. */
  async call(operation: string, body: string): Promise<WireReply> {
    return this.deliver(operation, body, await this.localMeta());
  }

  /** What a call made without a request carries: the client's region, host localhost. */
  protected async localMeta(): Promise<CallMeta> {
    this.region ??= await this.regionProvider();
    return { region: this.region, host: "localhost" };
  }

  /** The operation an X-Amz-Target names, or undefined when it names none this handler serves. */
  protected abstract operationOf(target: string): string | undefined;

  protected abstract deliver(operation: string, body: string, meta: CallMeta): WireReply | Promise<WireReply>;

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** DynamoDB's operations: anything after the prefix (the engine answers unknown names). */
abstract class DynamoDBRequestHandler extends SdkRequestHandler {
  protected operationOf(target: string): string | undefined {
    return target.startsWith(DYNAMODB_TARGET_PREFIX) ? target.slice(DYNAMODB_TARGET_PREFIX.length) : undefined;
  }
}

/**
 * Delivers to the shard Durable Objects over RPC, through the cluster router (shared with
 * the HTTP edge). The namespace is looked up on first use, so a client may be constructed
 * at module scope before `env` is usable. Stubs are made per request: a stub belongs to
 * the request that created it.
 */
export class ShardRequestHandler extends DynamoDBRequestHandler {
  private namespace: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly route: Route,
  ) {
    super();
  }

  protected async deliver(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    try {
      return await this.router().deliver(operation, body, meta);
    } catch (err) {
      throw markRetryable(err);
    }
  }

  /** One of our administrative operations (Router.admin), as the endpoint's admin target serves them. */
  async admin(operation: string, body: string): Promise<WireReply> {
    return this.router().admin(operation, body, await this.localMeta());
  }

  private router(): Router {
    return new Router(() => (this.namespace ??= this.locate()), this.route.tenant, this.route.shards ?? 1);
  }
}

/** Delivers to an engine embedded in the calling Durable Object: a direct call, no RPC. */
export class EmbeddedRequestHandler extends DynamoDBRequestHandler {
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

/**
 * DynamoDB Streams' public operations, delivered through the streams router. Only the
 * public names pass: the shards' internal streams calls are the router's alone.
 */
export class StreamsRequestHandler extends SdkRequestHandler {
  private namespace: ShardNamespace | undefined;

  constructor(
    private readonly locate: () => ShardNamespace,
    private readonly tenant: string | undefined,
  ) {
    super();
  }

  protected operationOf(target: string): string | undefined {
    return streamsOperationOf(target);
  }

  protected deliver(operation: string, body: string, meta: CallMeta): Promise<WireReply> {
    return new StreamsRouter(() => (this.namespace ??= this.locate()), this.tenant).deliver(operation, body, meta);
  }
}

/** The shard namespace a client was given, or the one bound in the Worker's env as `binding`. */
export function locateNamespace(
  given: ShardNamespace | DurableObjectNamespace | undefined,
  binding: string,
): ShardNamespace {
  const candidate = given ?? (env as unknown as Record<string, unknown>)[binding];
  if (!isNamespace(candidate)) {
    throw new Error(
      given === undefined
        ? `durable-dynamodb: no Durable Object namespace bound as env.${binding}; ` +
            "bind the DynamoShard class there, or pass `binding` or `namespace`"
        : "durable-dynamodb: `namespace` is not a Durable Object namespace",
    );
  }
  return candidate as ShardNamespace;
}

function isNamespace(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { idFromName?: unknown }).idFromName === "function" &&
    typeof (value as { get?: unknown }).get === "function"
  );
}

function targetOf(headers: Record<string, string>): string {
  const target = headers["x-amz-target"];
  if (target !== undefined) return target;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "x-amz-target") return value;
  }
  return "";
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
