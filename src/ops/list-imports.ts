// ListImports: the tenant's imports oldest first, optionally into one table, paged by NextToken.
import { allImports } from "../backup/imports.js";
import { validation } from "../errors.js";
import { nameOfTable } from "./backups.js";
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
    let records = allImports(ctx.sql);
    if (input.TableArn !== undefined) {
      const table = nameOfTable(input.TableArn);
      records = records.filter((r) => r.table === table);
    }
    if (input.NextToken !== undefined) {
      const at = records.findIndex((r) => r.arn === input.NextToken);
      if (at < 0) throw validation("Invalid NextToken");
      records = records.slice(at);
    }
    const limit = input.PageSize ?? 25;
    const out: Record<string, unknown> = {
      ImportSummaryList: records.slice(0, limit).map((r) => ({
        ImportArn: r.arn,
        ImportStatus: r.status,
        TableArn: r.tableArn,
        S3BucketSource: { S3Bucket: r.bucket, ...(r.prefix === "" ? {} : { S3KeyPrefix: r.prefix }) },
        InputFormat: "DYNAMODB_JSON",
        StartTime: r.startTime / 1000,
        ...(r.endTime === undefined ? {} : { EndTime: r.endTime / 1000 }),
      })),
    };
    const next = records[limit];
    if (next) out.NextToken = next.arn;
    return out;
  },
});
