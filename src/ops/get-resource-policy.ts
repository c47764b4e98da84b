// GetResourcePolicy: the policy of a table or its stream, with its revision.
import { defineOp } from "./operation.js";
import { policyNotFound, policyShapes, policyTarget } from "./resource-policies.js";

export const getResourcePolicy = defineOp<{ ResourceArn: string }>({
  shape: { ResourceArn: policyShapes.ResourceArn! },
  execute(ctx, input) {
    const target = policyTarget(ctx, input.ResourceArn);
    const policy = target.def[target.member];
    if (!policy) throw policyNotFound(target.arn);
    return { Policy: policy.document, RevisionId: policy.revisionId };
  },
});
