// DescribeTimeToLive: ENABLED with the attribute, or DISABLED (no attribute), as DynamoDB
// reports once a change has settled (changes here settle at once).
import { tableName } from "./common-shapes";
import { defineOp } from "./operation";
import { tableForControl } from "./tables";

export const describeTimeToLive = defineOp<{ TableName: string }>({
  shape: { TableName: tableName },
  execute(ctx, input) {
    const def = tableForControl(ctx, input.TableName);
    const ttl = def.ttl;
    return {
      TimeToLiveDescription: ttl?.enabled
        ? { TimeToLiveStatus: "ENABLED", AttributeName: ttl.attribute }
        : { TimeToLiveStatus: "DISABLED" },
    };
  },
});
