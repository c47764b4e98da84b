// DynamoDBStreamsClient for Workers: a real @aws-sdk/client-dynamodb-streams client (its
// commands, serialiser, typed exceptions and retries) whose request handler delivers to the
// shard Durable Objects through the streams router, like this package's DynamoDBClient
// (src/client/client.ts) does for DynamoDB. No network, no SigV4.
//
//   import { DynamoDBStreamsClient, GetRecordsCommand } from "durable-dynamodb";
//   const streams = new DynamoDBStreamsClient({}); // finds env.DYNAMODB
import {
  DynamoDBStreamsClient as SdkDynamoDBStreamsClient,
  type DynamoDBStreamsClientConfig as SdkDynamoDBStreamsClientConfig,
} from "@aws-sdk/client-dynamodb-streams";
import { env } from "cloudflare:workers";
import { StreamsRouter, type StreamsNamespace } from "../cluster/streams-router.js";
import type { CallMeta, WireReply } from "../engine.js";
import { DynamoError } from "../errors.js";
import { streamsOperationOf } from "./dispatch.js";

const DEFAULT_REGION = "us-east-1";
const PLACEHOLDER_CREDENTIALS = { accessKeyId: "durable-dynamodb", secretAccessKey: "durable-dynamodb" };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type AuthScheme = NonNullable<SdkDynamoDBStreamsClientConfig["httpAuthSchemes"]>[number];

/** The sigv4 scheme with a signer that leaves requests as they are (nothing is hashed). */
const UNSIGNED_SIGV4: AuthScheme = {
  schemeId: "aws.auth#sigv4",
  identityProvider: (config) => config.getIdentityProvider("aws.auth#sigv4"),
  signer: { sign: (request) => Promise.resolve(request) },
};

export interface DynamoDBStreamsClientConfig extends SdkDynamoDBStreamsClientConfig {
  /** Name of the Worker env binding of the DynamoShard namespace. Default "DYNAMODB". */
  binding?: string;
  /** The DynamoShard namespace itself; takes precedence over `binding`. */
  namespace?: StreamsNamespace | DurableObjectNamespace;
  /** The tenant whose tables' streams to read (as DynamoDBClient's `tenant`). */
  tenant?: string;
}

interface SerializedRequest {
  headers: Record<string, string>;
  hostname: string;
  body?: unknown;
}

/** The SDK RequestHandler contract, delivering to the streams router. */
class StreamsRequestHandler {
  readonly metadata = { handlerProtocol: "durable-object" };
  private namespace: StreamsNamespace | undefined;
  regionProvider: () => Promise<string> = () => Promise.resolve(DEFAULT_REGION);

  constructor(
    private readonly locate: () => StreamsNamespace,
    private readonly tenant: string | undefined,
  ) {}

  async handle(request: SerializedRequest): Promise<{ response: unknown }> {
    const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "x-amz-target")?.[1] ?? "";
    const operation = streamsOperationOf(target);
    let reply: WireReply;
    if (operation === undefined) {
      const err = new DynamoError("UnknownOperationException", "");
      reply = { status: err.status, body: JSON.stringify(err.toJSON()) };
    } else {
      const meta: CallMeta = { region: await this.regionProvider(), host: request.hostname };
      const router = new StreamsRouter(() => (this.namespace ??= this.locate()), this.tenant);
      reply = await router.deliver(operation, bodyText(request.body), meta);
    }
    return {
      response: {
        statusCode: reply.status,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": crypto.randomUUID() },
        body: encoder.encode(reply.body),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

export class DynamoDBStreamsClient extends SdkDynamoDBStreamsClient {
  constructor(configuration: DynamoDBStreamsClientConfig = {}) {
    const { binding, namespace, tenant, ...sdk } = configuration;
    const handler =
      sdk.requestHandler === undefined
        ? new StreamsRequestHandler(() => locate(namespace, binding ?? "DYNAMODB"), tenant)
        : undefined;
    super({
      region: DEFAULT_REGION,
      credentials: PLACEHOLDER_CREDENTIALS,
      ...sdk,
      ...(sdk.httpAuthSchemes !== undefined || sdk.signer !== undefined ? {} : { httpAuthSchemes: [UNSIGNED_SIGV4] }),
      ...(handler ? { requestHandler: handler } : {}),
    });
    // Stream ARNs name the client's region, as they would on AWS.
    if (handler) handler.regionProvider = this.config.region;
  }
}

function locate(given: StreamsNamespace | DurableObjectNamespace | undefined, binding: string): StreamsNamespace {
  const candidate = given ?? (env as unknown as Record<string, unknown>)[binding];
  if (typeof candidate !== "object" || candidate === null || !("idFromName" in candidate)) {
    throw new Error(`durable-dynamodb: no Durable Object namespace bound as env.${binding}`);
  }
  return candidate as StreamsNamespace;
}

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  return "";
}
