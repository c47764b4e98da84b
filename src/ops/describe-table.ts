// DescribeTable.
import { tableName } from "./common-shapes.js";
import { defineOp } from "./operation.js";
import { describeTable as description } from "./table-description.js";
import { tableForControl } from "./tables.js";

export const describeTable = defineOp<{ TableName: string }>({
  shape: { TableName: tableName },
  execute(ctx, input) {
    return { Table: description(ctx, tableForControl(ctx, input.TableName), "ACTIVE") };
  },
});
