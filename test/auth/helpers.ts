// Shared bits of the auth tests: call the Worker (or handleHttp with a chosen Env) with
// requests signed, presigned or hand-made.
import { SignatureV4 } from "@smithy/signature-v4";
import { env as workerEnv, exports } from "cloudflare:workers";
import { Sha256 } from "../../src/edge/auth-hash";
import { handleHttp } from "../../src/edge/http";
import type { Env } from "../../src/worker";
import { TEST_CREDENTIALS, type Credentials } from "../support/wire";

export const worker = (exports as unknown as { default: Fetcher }).default;
export const env = workerEnv as unknown as Env;

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export async function replyOf(response: Response): Promise<Reply> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** handleHttp under an Env of the test's own (credentials, permissions, auth switch). */
export async function callWith(extra: Partial<Env>, request: Request): Promise<Reply> {
  return replyOf(await handleHttp(request, { DYNAMODB: env.DYNAMODB, ...extra }));
}

export const JSON_HEADERS = (operation: string, prefix = "DynamoDB_20120810"): Record<string, string> => ({
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": `${prefix}.${operation}`,
});

/** An unsigned request, as a client without credentials sends it. */
export function unsigned(operation: string, body = "{}", headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/", {
    method: "POST",
    headers: { ...JSON_HEADERS(operation), ...headers },
    body,
  });
}

/** A presigned (query-string form) request: X-Amz-* parameters in the URL, X-Amz-Target kept as a header. */
export async function presigned(
  operation: string,
  body: string,
  {
    expiresIn = 300,
    signingDate = new Date(),
    credentials = TEST_CREDENTIALS,
  }: { expiresIn?: number; signingDate?: Date; credentials?: Credentials } = {},
): Promise<Request> {
  const signer = new SignatureV4({ service: "dynamodb", region: "us-east-1", credentials, sha256: Sha256 });
  const headers = { ...JSON_HEADERS(operation), host: "localhost" };
  const signed = await signer.presign(
    { method: "POST", protocol: "http:", hostname: "localhost", path: "/", headers, body },
    { expiresIn, signingDate, unhoistableHeaders: new Set(["x-amz-target", "content-type"]) },
  );
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return new Request(`http://localhost/?${query}`, { method: "POST", headers: signed.headers, body });
}

/** The __type's short name and the message (under `message` or, for AccessDenied, `Message`). */
export function errorOf(reply: Reply): [number, string, unknown] {
  const message = reply.body.message ?? reply.body.Message;
  return [reply.status, String(reply.body.__type), message];
}

/** ISO 8601 basic form, as SigV4 writes dates. */
export function basic(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** CreateTable input for the auth suites' tables: key pk (S), a GSI byG on g (S), on demand. */
export function indexedTable(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
    ],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}
