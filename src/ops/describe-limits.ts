// DescribeLimits: DynamoDB's default provisioned-capacity quotas for an account and for
// one table. They are reported as DynamoDB reports them (quotas, not headroom); this
// engine does not enforce them.
import { defineOp } from "./operation.js";

export const describeLimits = defineOp<Record<string, never>>({
  shape: {},
  execute() {
    return {
      AccountMaxReadCapacityUnits: 80000,
      AccountMaxWriteCapacityUnits: 80000,
      TableMaxReadCapacityUnits: 40000,
      TableMaxWriteCapacityUnits: 40000,
    };
  },
});
