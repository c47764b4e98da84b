// DescribeEndpoints: the endpoint SDKs should use for this account, for endpoint
// discovery. It is the host the request came to, cached for DynamoDB's 1440 minutes.
import { defineOp } from "./operation.js";

export const describeEndpoints = defineOp<Record<string, never>>({
  shape: {},
  execute(ctx) {
    return { Endpoints: [{ Address: ctx.host, CachePeriodInMinutes: 1440 }] };
  },
});
