// DescribeExport: an export's progress and, once COMPLETED, its manifest and counts.
import { defineOp } from "./operation.js";
import { exportDescription, exportOf } from "./exports.js";

interface DescribeExportInput {
  ExportArn: string;
}

export const describeExport = defineOp<DescribeExportInput>({
  shape: { ExportArn: { kind: "string", notNull: true, minLength: 37, maxLength: 1024 } },
  execute(ctx, input) {
    return { ExportDescription: exportDescription(exportOf(ctx, input.ExportArn)) };
  },
});
