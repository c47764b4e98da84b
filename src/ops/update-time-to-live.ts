// UpdateTimeToLive: enables or disables TTL on a table (src/ttl). The change is complete
// when the response is written: DescribeTimeToLive then says ENABLED or DISABLED, never
// the ENABLING/DISABLING DynamoDB shows for up to an hour. DynamoDB also refuses a second
// change within about 30 minutes ("Time to live has been modified multiple times within a
// fixed interval"); this engine does not, so tests need not wait.
import { validation } from "../errors.js";
import { tableName } from "./common-shapes.js";
import { defineOp } from "./operation.js";
import { tableForControl } from "./tables.js";

interface UpdateTimeToLiveInput {
  TableName: string;
  TimeToLiveSpecification: { Enabled: boolean; AttributeName: string };
}

export const updateTimeToLive = defineOp<UpdateTimeToLiveInput>({
  shape: {
    TableName: tableName,
    TimeToLiveSpecification: {
      kind: "structure",
      name: "TimeToLiveSpecification",
      notNull: true,
      members: {
        Enabled: { kind: "boolean", notNull: true },
        AttributeName: { kind: "string", notNull: true, minLength: 1, maxLength: 255 },
      },
    },
  },
  execute(ctx, input) {
    const def = tableForControl(ctx, input.TableName);
    const { Enabled: enabled, AttributeName: attribute } = input.TimeToLiveSpecification;
    const current = def.ttl;
    if (current?.enabled && current.attribute !== attribute) {
      throw validation(
        `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attribute}`,
      );
    }
    if (enabled && current?.enabled) throw validation("TimeToLive is already enabled");
    if (!enabled && !current?.enabled) throw validation("TimeToLive is already disabled");
    ctx.sql.transaction(() => ctx.catalogue.update({ ...def, ttl: { enabled, attribute } }));
    // The shard's alarm builds the expiry index and sweeps (or drops the index).
    ctx.scheduleHousekeeping();
    return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attribute } };
  },
});
