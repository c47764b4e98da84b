// DescribeImport: an import's progress and counts.
import { defineOp } from "./operation.js";
import { importDescription, importOf } from "./imports.js";

interface DescribeImportInput {
  ImportArn: string;
}

export const describeImport = defineOp<DescribeImportInput>({
  shape: { ImportArn: { kind: "string", notNull: true, minLength: 37, maxLength: 1024 } },
  execute(ctx, input) {
    return { ImportTableDescription: importDescription(importOf(ctx, input.ImportArn)) };
  },
});
