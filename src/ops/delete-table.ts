// DeleteTable. The catalogue row goes at once (so the name is free again and every later
// request sees ResourceNotFoundException); the item rows are purged in bounded chunks by
// the shard's alarm, so deleting a large table never runs one long request.
import { DynamoError } from "../errors";
import { tableName } from "./common-shapes";
import { defineOp } from "./operation";
import { describeTable } from "./table-description";
import { tableForControl } from "./tables";

export const deleteTable = defineOp<{ TableName: string }>({
  shape: { TableName: tableName },
  execute(ctx, input) {
    const def = tableForControl(ctx, input.TableName);
    if (def.deletionProtection) {
      throw new DynamoError(
        "ValidationException",
        `Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`,
      );
    }
    const description = describeTable(ctx, def, "DELETING");
    ctx.sql.transaction(() => {
      ctx.catalogue.remove(def);
      ctx.items.markDropped(def.tid);
    });
    ctx.scheduleHousekeeping();
    return { TableDescription: description };
  },
});
