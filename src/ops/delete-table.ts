// DeleteTable. The catalogue row goes at once (so the name is free again and every later
// request sees ResourceNotFoundException); the item and index rows are purged in bounded
// chunks by the shard's alarm, so deleting a large table never runs one long request.
import { restoring } from "../schema/backup.js";
import { DynamoError } from "../errors.js";
import { tableName } from "./common-shapes.js";
import { defineOp } from "./operation.js";
import { describeTable } from "./table-description.js";
import { tableForControl } from "./tables.js";

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
    // A table a restore or an import is still filling is CREATING: DynamoDB refuses.
    if (restoring(def.restore)) {
      throw new DynamoError(
        "ResourceInUseException",
        `Attempt to change a resource which is still in use: Table is being created: ${def.name}`,
      );
    }
    // DynamoDB refuses while any index is being built (ack-api-quirks DDB-TABLE-150/376);
    // here that is the backfill of a GSI added by UpdateTable.
    if ([...(def.indexes ?? []), ...(def.vectorIndexes ?? [])].some((i) => i.status !== "ACTIVE")) {
      throw new DynamoError(
        "ResourceInUseException",
        "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.",
      );
    }
    const description = describeTable(ctx, def, "DELETING");
    ctx.sql.transaction(() => {
      ctx.catalogue.remove(def);
      ctx.items.markDropped(def.tid);
      ctx.outbox?.drop(def.tid);
      for (const index of def.indexes ?? []) ctx.indexes.markDropped(index.iid);
      for (const index of def.vectorIndexes ?? []) ctx.vectors.markDropped(index.vid);
    });
    ctx.scheduleHousekeeping();
    return { TableDescription: description };
  },
});
