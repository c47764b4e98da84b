// PutResourcePolicy: attaches a resource-based policy to a table or its stream. Putting the
// same document again changes nothing and keeps its revision; a new one gets a new
// revision, a timestamp that only grows (DynamoDB's, moto's tests run against AWS).
import { parsePolicy } from "../schema/resource-policy.js";
import { defineOp } from "./operation.js";
import { checkExpectedRevision, policyShapes, policyTarget } from "./resource-policies.js";

interface PutResourcePolicyInput {
  ResourceArn: string;
  Policy: string;
  ExpectedRevisionId?: string;
  ConfirmRemoveSelfResourceAccess?: boolean;
}

export const putResourcePolicy = defineOp<PutResourcePolicyInput>({
  shape: {
    ...policyShapes,
    Policy: { kind: "string", notNull: true },
    ConfirmRemoveSelfResourceAccess: { kind: "boolean" },
  },
  validate(input) {
    parsePolicy(input.Policy);
  },
  execute(ctx, input) {
    const target = policyTarget(ctx, input.ResourceArn);
    const current = target.def[target.member];
    checkExpectedRevision(target, current, input.ExpectedRevisionId);
    if (current?.document === input.Policy) return { RevisionId: current.revisionId };
    const revisionId = String(Math.max(ctx.now, Number(current?.revisionId ?? 0) + 1));
    ctx.catalogue.update({ ...target.def, [target.member]: { document: input.Policy, revisionId } });
    return { RevisionId: revisionId };
  },
});
