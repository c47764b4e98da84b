// ListExports: the tenant's exports oldest first, optionally of one table, paged by NextToken.
import { allExports } from "../backup/exports.js";
import { pageOf } from "./backups.js";
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
    const { page, next } = pageOf(allExports(ctx.sql), input, input.MaxResults ?? 25);
    const out: Record<string, unknown> = {
      ExportSummaries: page.map((r) => ({ ExportArn: r.arn, ExportStatus: r.status, ExportType: "FULL_EXPORT" })),
    };
    if (next) out.NextToken = next;
    return out;
  },
});
