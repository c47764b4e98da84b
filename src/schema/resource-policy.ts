// Resource-based policies of tables and streams (PutResourcePolicy): the document as the
// table keeps it, and what it says about one request. The subset of IAM evaluated here:
// statements with Effect, Principal (`*`, the account, or a user of the endpoint's keys,
// `arn:aws:iam::<account>:user/<access key id>`), Action and Resource with `*`/`?`
// wildcards. A Deny that matches wins over everything; an Allow that matches grants what
// the key's own permissions (DDB_PERMISSIONS) do not, as IAM joins identity and resource
// policies of one account. A statement with a Condition is not evaluated: as a Deny it
// applies, as an Allow it does not (fails closed). NotAction, NotResource and
// NotPrincipal are refused when the policy is put.
import { validation } from "../errors.js";

/** A policy as a table or its stream keeps it: the text as given and its revision. */
export interface StoredPolicy {
  document: string;
  revisionId: string;
}

export interface PolicyStatement {
  effect: "Allow" | "Deny";
  principals: readonly string[];
  actions: readonly RegExp[];
  resources: readonly RegExp[];
  conditional: boolean;
}

/** DynamoDB's limit on a policy document, whitespace included. */
export const MAX_POLICY_BYTES = 20 * 1024;

const INVALID_POLICY = "Invalid policy document";

/** The statements of a policy document, checked as far as this engine evaluates them. */
export function parsePolicy(document: string): PolicyStatement[] {
  if (new TextEncoder().encode(document).length > MAX_POLICY_BYTES) {
    throw validation(`Policy document exceeds the maximum size of ${MAX_POLICY_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw validation(`${INVALID_POLICY}: the document is not JSON`);
  }
  if (!isRecord(parsed)) throw validation(`${INVALID_POLICY}: the document is not a JSON object`);
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (parsed.Statement === undefined || statements.length === 0) {
    throw validation(`${INVALID_POLICY}: it has no Statement`);
  }
  return statements.map((statement, i) => parseStatement(statement, i));
}

function parseStatement(statement: unknown, i: number): PolicyStatement {
  const where = `${INVALID_POLICY}: Statement ${i + 1}`;
  if (!isRecord(statement)) throw validation(`${where} is not a JSON object`);
  for (const unsupported of ["NotAction", "NotResource", "NotPrincipal"]) {
    if (statement[unsupported] !== undefined) {
      throw validation(`${where} uses ${unsupported}, which durable-dynamodb does not evaluate`);
    }
  }
  const effect = statement.Effect;
  if (effect !== "Allow" && effect !== "Deny") throw validation(`${where} has no Effect Allow or Deny`);
  const principals = principalsOf(statement.Principal);
  if (principals === undefined) throw validation(`${where} has no Principal`);
  const actions = strings(statement.Action);
  if (actions === undefined) throw validation(`${where} has no Action`);
  const resources = strings(statement.Resource);
  if (resources === undefined) throw validation(`${where} has no Resource`);
  return {
    effect,
    principals,
    actions: actions.map((a) => wildcard(a, "i")),
    resources: resources.map((r) => wildcard(r, "")),
    conditional: statement.Condition !== undefined,
  };
}

/** `*`, {"AWS": x} or {"AWS": [x, ...]}: the principals named (`*` for everyone). */
function principalsOf(principal: unknown): string[] | undefined {
  if (principal === "*") return ["*"];
  if (!isRecord(principal)) return undefined;
  return strings(principal.AWS);
}

/**
 * What `statements` say about `principal` doing `action` on `resource`: "deny" when a Deny
 * applies, "allow" when an Allow does, undefined when they say nothing.
 */
export function evaluatePolicy(
  statements: readonly PolicyStatement[],
  request: { principal: string; account: string; action: string; resource: string },
): "allow" | "deny" | undefined {
  let allowed = false;
  for (const s of statements) {
    const applies =
      s.principals.some((p) => p === "*" || p === request.principal || isAccount(p, request.account)) &&
      s.actions.some((a) => a.test(request.action)) &&
      s.resources.some((r) => r.test(request.resource));
    if (!applies) continue;
    if (s.effect === "Deny") return "deny";
    if (!s.conditional) allowed = true;
  }
  return allowed ? "allow" : undefined;
}

function isAccount(principal: string, account: string): boolean {
  return principal === account || principal === `arn:aws:iam::${account}:root`;
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value;
  return undefined;
}

/** An IAM pattern (`*` any run of characters, `?` one character) as an anchored RegExp. */
export function wildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, flags);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
