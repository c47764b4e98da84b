// DescribeTimeToLive: ENABLED with the attribute, or DISABLED (no attribute), as DynamoDB
// reports once a change has settled (changes here settle at once).
import { tableName } from "./common-shapes.js";
import { defineOp } from "./operation.js";
import { tableForControl } from "./tables.js";

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
