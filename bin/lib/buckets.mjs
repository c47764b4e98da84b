// @ts-check
// `durable-dynamodb export --to-bucket B` and `import --from-bucket B`: DynamoDB's own
// ExportTableToPointInTime and ImportTable through the endpoint (an R2 bucket bound to the
// Worker under B; `npm start` binds `exports`), waited for and reported. The table's
// point-in-time recovery must be on for an export, as on DynamoDB.
import {
  DescribeExportCommand,
  DescribeImportCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
} from "@aws-sdk/client-dynamodb";
import { parseKeySchema } from "./table.mjs";

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {{ table: string; bucket: string; prefix: string | undefined; wait: boolean }} options
 * @returns {Promise<import("@aws-sdk/client-dynamodb").ExportDescription>}
 */
export async function exportToBucket(client, { table, bucket, prefix, wait }) {
  const started = await client.send(
    new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: bucket, ...(prefix ? { S3Prefix: prefix } : {}) }),
  );
  let description = /** @type {import("@aws-sdk/client-dynamodb").ExportDescription} */ (started.ExportDescription);
  while (wait && description.ExportStatus === "IN_PROGRESS") {
    await sleep(500);
    const out = await client.send(new DescribeExportCommand({ ExportArn: description.ExportArn }));
    description = /** @type {import("@aws-sdk/client-dynamodb").ExportDescription} */ (out.ExportDescription);
  }
  return description;
}

/**
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {{ table: string; bucket: string; prefix: string | undefined; keySchema: string; gzip: boolean; wait: boolean }} options
 * @returns {Promise<import("@aws-sdk/client-dynamodb").ImportTableDescription>}
 */
export async function importFromBucket(client, { table, bucket, prefix, keySchema, gzip, wait }) {
  const keys = parseKeySchema(keySchema);
  const started = await client.send(
    new ImportTableCommand({
      S3BucketSource: { S3Bucket: bucket, ...(prefix ? { S3KeyPrefix: prefix } : {}) },
      InputFormat: "DYNAMODB_JSON",
      InputCompressionType: gzip ? "GZIP" : "NONE",
      TableCreationParameters: {
        TableName: table,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
        BillingMode: "PAY_PER_REQUEST",
      },
    }),
  );
  let description = /** @type {import("@aws-sdk/client-dynamodb").ImportTableDescription} */ (
    started.ImportTableDescription
  );
  while (wait && description.ImportStatus === "IN_PROGRESS") {
    await sleep(500);
    const out = await client.send(new DescribeImportCommand({ ImportArn: description.ImportArn }));
    description = /** @type {import("@aws-sdk/client-dynamodb").ImportTableDescription} */ (out.ImportTableDescription);
  }
  return description;
}
