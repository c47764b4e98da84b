// Who may come in: the endpoint's SigV4 verification and optional per-key permissions,
// run before any operation is dispatched (see SECURITY.md). Two calls, so other routes
// (the console) can reuse them:
//   authenticate(request, body, env) -> the principal, or DynamoDB's refusal
//   authorize(principal, operation, input, env, region, policies) -> undefined, or AccessDeniedException
import { authConfig, type AuthEnv } from "./auth-config.js";
import { unrecognizedClient } from "./auth-errors.js";
import { parseClaim } from "./auth-parse.js";
import { checkAccess, type PolicySource } from "./auth-access.js";
import { needsOf } from "./auth-permissions.js";
import { verifySignature } from "./auth-verify.js";
import type { WireReply } from "../protocol/reply.js";

export type { AuthEnv } from "./auth-config.js";

/** A request that passed authentication. */
export interface Principal {
  /** The verified access key id; undefined when auth is off (DDB_AUTH=off). */
  accessKeyId: string | undefined;
  /** The region of the credential scope (undefined when auth is off). */
  region: string | undefined;
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reply: WireReply };

const encoder = new TextEncoder();

/**
 * Verifies the request's SigV4 signature (header or query-string form) over `body`: the
 * bytes received, or their UTF-8 text (re-encoded: identical for any valid UTF-8 body
 * without a byte-order mark, which is every body DynamoDB accepts). `now` is for tests.
 */
export async function authenticate(
  request: Request,
  body: Uint8Array | string,
  env: AuthEnv,
  now = Date.now(),
  url?: URL,
): Promise<AuthOutcome> {
  const config = authConfig(env);
  if (!config.enabled) return { ok: true, principal: { accessKeyId: undefined, region: undefined } };
  url ??= new URL(request.url);
  const parsed = parseClaim(request, url, now);
  if ("reply" in parsed) return { ok: false, reply: parsed.reply };
  const { claim } = parsed;
  const secret = config.secrets.get(claim.accessKeyId);
  if (secret === undefined) return { ok: false, reply: unrecognizedClient() };
  const cf = (request as { cf?: { clientAcceptEncoding?: unknown } }).cf;
  const wrong = await verifySignature(
    {
      method: request.method,
      url,
      headers: request.headers,
      body: typeof body === "string" ? encoder.encode(body) : body,
      clientAcceptEncoding: typeof cf?.clientAcceptEncoding === "string" ? cf.clientAcceptEncoding : undefined,
    },
    claim,
    secret,
  );
  if (wrong) return { ok: false, reply: wrong };
  return { ok: true, principal: { accessKeyId: claim.accessKeyId, region: claim.region } };
}

/**
 * Checks an authenticated request to `operation` (the name after the target prefix), its
 * body read as JSON (`input`; undefined when it is not a JSON object, which the engine
 * refuses with SerializationException before touching any data, as DynamoDB checks the
 * body first), against the tables' resource-based policies (read through `policies`) and
 * DDB_PERMISSIONS (./auth-access.ts). With auth off there is no principal to judge, and
 * everything is allowed.
 */
export async function authorize(
  principal: Principal,
  operation: string,
  input: Record<string, unknown> | undefined,
  env: AuthEnv,
  region = principal.region ?? "us-east-1",
  policies?: PolicySource,
): Promise<WireReply | undefined> {
  if (principal.accessKeyId === undefined || input === undefined) return undefined;
  const { grants } = authConfig(env);
  const needs = needsOf(operation, input, region);
  return checkAccess(principal.accessKeyId, grants && (grants.get(principal.accessKeyId) ?? []), needs, policies);
}
