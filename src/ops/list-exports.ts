// ListExports: the tenant's exports oldest first, optionally of one table, paged by NextToken.
import { allExports } from "../backup/exports.js";
import { validation } from "../errors.js";
import { nameOfTable } from "./backups.js";
import { defineOp } from "./operation.js";

interface ListExportsInput {
  TableArn?: string;
  MaxResults?: number;
  NextToken?: string;
}

export const listExports = defineOp<ListExportsInput>({
  shape: {
    TableArn: { kind: "string", minLength: 1, maxLength: 1024 },
    MaxResults: { kind: "long", min: 1, max: 25 },
    NextToken: { kind: "string" },
  },
  execute(ctx, input) {
    let records = allExports(ctx.sql);
    if (input.TableArn !== undefined) {
      const table = nameOfTable(input.TableArn);
      records = records.filter((r) => r.table === table);
    }
    if (input.NextToken !== undefined) {
      const at = records.findIndex((r) => r.arn === input.NextToken);
      if (at < 0) throw validation("Invalid NextToken");
      records = records.slice(at);
    }
    const limit = input.MaxResults ?? 25;
    const page = records.slice(0, limit);
    const out: Record<string, unknown> = {
      ExportSummaries: page.map((r) => ({ ExportArn: r.arn, ExportStatus: r.status, ExportType: "FULL_EXPORT" })),
    };
    const next = records[limit];
    if (next) out.NextToken = next.arn;
    return out;
  },
});
