// ImportTable: a new table filled from an R2 bucket (src/backup/imports.ts): every object
// under S3KeyPrefix, DynamoDB JSON lines ({"Item": ...}, as exports write them), gzipped
// or not. The table is created as CreateTable creates it from TableCreationParameters, and
// serves nothing until the import has read every object. ION, CSV and ZSTD are refused.
import { validation } from "../errors.js";
import { insertImport, type ImportRecord } from "../backup/imports.js";
import { newBackupId } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import type { Shape } from "../protocol/shape.js";
import type { JsonObject } from "../types.js";
import { createTable } from "./create-table.js";
import { importDescription } from "./imports.js";
import { checkRequest, defineOp } from "./operation.js";
import { tableArn } from "./tables.js";

interface ImportTableInput {
  ClientToken?: string;
  S3BucketSource: { S3Bucket: string; S3BucketOwner?: string; S3KeyPrefix?: string };
  InputFormat: "DYNAMODB_JSON" | "ION" | "CSV";
  InputFormatOptions?: Record<string, unknown>;
  InputCompressionType?: "GZIP" | "ZSTD" | "NONE";
  TableCreationParameters: JsonObject & { TableName: string };
}

export const importTable = defineOp<ImportTableInput>({
  shape: {
    ClientToken: { kind: "string", pattern: "^[^\\$]+$" },
    S3BucketSource: {
      kind: "structure",
      name: "S3BucketSource",
      notNull: true,
      members: {
        S3BucketOwner: { kind: "string", pattern: "[0-9]{12}" },
        S3Bucket: { kind: "string", notNull: true, maxLength: 255 },
        S3KeyPrefix: { kind: "string", maxLength: 1024 },
      },
    },
    InputFormat: { kind: "string", notNull: true, enum: ["DYNAMODB_JSON", "ION", "CSV"] },
    InputFormatOptions: { kind: "structure", name: "InputFormatOptions", members: {} },
    InputCompressionType: { kind: "string", enum: ["GZIP", "ZSTD", "NONE"] },
    TableCreationParameters: {
      kind: "structure",
      name: "TableCreationParameters",
      notNull: true,
      members: Object.fromEntries(
        [
          "TableName",
          "AttributeDefinitions",
          "KeySchema",
          "BillingMode",
          "ProvisionedThroughput",
          "GlobalSecondaryIndexes",
          "SSESpecification",
          "OnDemandThroughput",
        ]
          .filter((member) => member in createTable.shape)
          .map((member) => [member, createTable.shape[member] as Shape]),
      ),
    },
  },
  validate(input) {
    if (input.InputFormat !== "DYNAMODB_JSON") {
      throw validation(`InputFormat ${input.InputFormat} is not supported here; use DYNAMODB_JSON`);
    }
    if (input.InputCompressionType === "ZSTD")
      throw validation("InputCompressionType ZSTD is not supported here; use GZIP or NONE");
  },
  execute(ctx, input) {
    if (ctx.exports === false) {
      throw validation(
        "ImportTable is not available in an embedded engine (withDynamoDB); import through the endpoint or the client",
      );
    }
    return ctx.sql.transaction(() => {
      // The table as CreateTable makes it, with CreateTable's checks and errors.
      const create = checkRequest(createTable, { ...input.TableCreationParameters });
      createTable.execute(ctx, create);
      const name = input.TableCreationParameters.TableName;
      const def = ctx.catalogue.get(name) as TableDef;
      const id = newBackupId(ctx.now);
      const record: ImportRecord = {
        arn: `${tableArn(ctx, name)}/import/${id}`,
        ...(ctx.cluster?.self?.tenant === undefined ? {} : { tenant: ctx.cluster.self.tenant }),
        table: name,
        tableId: def.tableId,
        tableArn: tableArn(ctx, name),
        clientToken: input.ClientToken ?? crypto.randomUUID(),
        bucket: input.S3BucketSource.S3Bucket,
        prefix: input.S3BucketSource.S3KeyPrefix ?? "",
        compression: input.InputCompressionType === "GZIP" ? "GZIP" : "NONE",
        parameters: input.TableCreationParameters,
        startTime: ctx.now,
        status: "IN_PROGRESS",
        processedBytes: 0,
        processedItems: 0,
        importedItems: 0,
        errors: 0,
      };
      // Serving nothing until the import ends, as a restored table (one piece: the import).
      ctx.catalogue.update({
        ...def,
        restore: {
          sourceTableArn: "",
          restoreDateTime: ctx.now / 1000,
          pieces: [{ target: "", source: "", backup: id, low: 0, high: 2 ** 32 }],
          importArn: record.arn,
        },
      });
      insertImport(ctx.sql, record);
      ctx.scheduleHousekeeping();
      return { ImportTableDescription: importDescription(record) };
    });
  },
});
