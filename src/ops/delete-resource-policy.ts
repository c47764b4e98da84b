// DeleteResourcePolicy: removes the policy of a table or its stream, answering the revision
// it removed.
import type { TableDef } from "../schema/table-def.js";
import { defineOp } from "./operation.js";
import { checkExpectedRevision, policyNotFound, policyShapes, policyTarget } from "./resource-policies.js";

export const deleteResourcePolicy = defineOp<{ ResourceArn: string; ExpectedRevisionId?: string }>({
  shape: policyShapes,
  execute(ctx, input) {
    const target = policyTarget(ctx, input.ResourceArn);
    const current = target.def[target.member];
    if (!current) throw policyNotFound(target.arn);
    checkExpectedRevision(target, current, input.ExpectedRevisionId);
    const def: TableDef = { ...target.def, [target.member]: undefined };
    ctx.catalogue.update(def);
    return { RevisionId: current.revisionId };
  },
});
