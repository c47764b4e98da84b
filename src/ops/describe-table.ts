// DescribeTable.
import { tableName } from "./common-shapes";
import { defineOp } from "./operation";
import { describeTable as description } from "./table-description";
import { tableForControl } from "./tables";

export const describeTable = defineOp<{ TableName: string }>({
  shape: { TableName: tableName },
  execute(ctx, input) {
    return { Table: description(ctx, tableForControl(ctx, input.TableName), "ACTIVE") };
  },
});
