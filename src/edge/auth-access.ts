// The access decision for one authenticated request, as IAM makes it within one account:
// for each (action, resource) the request touches, an explicit Deny in the resource's
// policy (the table's, or its stream's for stream resources) refuses the request; an
// Allow there grants the pair; otherwise the key's own permissions decide (DDB_PERMISSIONS,
// or everything when it is not set). Indexes have no policy of their own: the table's
// policy governs them through statements naming the index ARN.
import { evaluatePolicy, parsePolicy, type PolicyStatement, type StoredPolicy } from "../schema/resource-policy.js";
import type { WireReply } from "../protocol/reply.js";
import { accessDenied, explicitDeny } from "./auth-errors.js";
import { ACCOUNT_ID } from "../schema/table-def.js";
import { grantsAllow, type Grant, type Need } from "./auth-permissions.js";

/** A table's resource policies as the router knows them; undefined when there is no such table. */
export type PolicySource = (
  table: string,
) => Promise<{ policy?: StoredPolicy; streamPolicy?: StoredPolicy } | undefined>;

/** Statements of the policy documents seen lately (documents are immutable once stored). */
const PARSED = new Map<string, readonly PolicyStatement[]>();
const MAX_PARSED = 256;

export async function checkAccess(
  accessKeyId: string,
  grants: readonly Grant[] | undefined,
  needs: readonly Need[],
  policies: PolicySource | undefined,
): Promise<WireReply | undefined> {
  const principal = `arn:aws:iam::${ACCOUNT_ID}:user/${accessKeyId}`;
  const tables = new Map<string, ReturnType<PolicySource>>();
  for (const need of needs) {
    let verdict: "allow" | "deny" | undefined;
    if (need.table !== undefined && policies) {
      let lookup = tables.get(need.table);
      if (!lookup) tables.set(need.table, (lookup = policies(need.table)));
      const def = await lookup;
      const policy = need.resource.includes("/stream/") ? def?.streamPolicy : def?.policy;
      if (policy) {
        verdict = evaluatePolicy(statementsOf(policy), {
          principal,
          account: ACCOUNT_ID,
          action: `dynamodb:${need.action}`,
          resource: need.resource,
        });
      }
    }
    if (verdict === "deny") return explicitDeny(accessKeyId, need.action, need.resource);
    if (verdict === "allow" || grants === undefined) continue;
    if (!grantsAllow(grants, need)) return accessDenied(accessKeyId, need.action, need.resource);
  }
  return undefined;
}

function statementsOf(policy: StoredPolicy): readonly PolicyStatement[] {
  let statements = PARSED.get(policy.document);
  if (!statements) {
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    // Checked when it was put; should it fail now, it denies everything (fails closed).
    try {
      statements = parsePolicy(policy.document);
    } catch {
      statements = [DENY_ALL];
    }
    PARSED.set(policy.document, statements);
  }
  return statements;
}

const DENY_ALL: PolicyStatement = {
  effect: "Deny",
  principals: ["*"],
  actions: [/^/],
  resources: [/^/],
  conditional: false,
};
