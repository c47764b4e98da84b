// ListTables: names in ascending order, paged by ExclusiveStartTableName.
import { tableName } from "./common-shapes.js";
import { defineOp } from "./operation.js";

interface ListTablesInput {
  ExclusiveStartTableName?: string;
  Limit?: number;
}

export const listTables = defineOp<ListTablesInput>({
  shape: {
    ExclusiveStartTableName: { ...tableName, notNull: false },
    Limit: { kind: "long", min: 1, max: 100 },
  },
  execute(ctx, input) {
    const limit = input.Limit ?? 100;
    const start = input.ExclusiveStartTableName;
    const names = ctx.catalogue.names().filter((n) => start === undefined || n > start);
    const page = names.slice(0, limit);
    const output: Record<string, unknown> = { TableNames: page };
    if (names.length > limit) output.LastEvaluatedTableName = page[page.length - 1];
    return output;
  },
});
