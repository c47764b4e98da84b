// ListImports: the tenant's imports oldest first, optionally into one table, paged by NextToken.
import { allImports } from "../backup/imports.js";
import { pageOf } from "./backups.js";
import { defineOp } from "./operation.js";

interface ListImportsInput {
  TableArn?: string;
  PageSize?: number;
  NextToken?: string;
}

export const listImports = defineOp<ListImportsInput>({
  shape: {
    TableArn: { kind: "string", minLength: 1, maxLength: 1024 },
    PageSize: { kind: "long", min: 1, max: 25 },
    NextToken: { kind: "string" },
  },
  execute(ctx, input) {
    const { page, next } = pageOf(allImports(ctx.sql), input, input.PageSize ?? 25);
    const out: Record<string, unknown> = {
      ImportSummaryList: page.map((r) => ({
        ImportArn: r.arn,
        ImportStatus: r.status,
        TableArn: r.tableArn,
        S3BucketSource: { S3Bucket: r.bucket, ...(r.prefix === "" ? {} : { S3KeyPrefix: r.prefix }) },
        InputFormat: "DYNAMODB_JSON",
        StartTime: r.startTime / 1000,
        ...(r.endTime === undefined ? {} : { EndTime: r.endTime / 1000 }),
      })),
    };
    if (next) out.NextToken = next;
    return out;
  },
});
