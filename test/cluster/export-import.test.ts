// Exports to R2 in DynamoDB's export format and imports back (src/backup/exports.ts,
// imports.ts), through the client over a 4-partition table: the export is the table at its
// moment, its manifests list every data file, and importing the data gives the same items.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListExportsCommand,
  ListImportsCommand,
  PutItemCommand,
} from "../../src/index";
import { armFault, clearFaults } from "../../src/storage/faults";
import { uniqueName } from "../support/wire";
import { pkTable, putAll, scanAll, until, type Item } from "./backup-support";

const bucket = (env as unknown as { exports: R2Bucket }).exports;

async function gunzipLines(key: string): Promise<string[]> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`no object ${key}`);
  const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return text.split("\n").filter((line) => line !== "");
}

async function sourceTable(
  prefix: string,
  count: number,
  shards = 4,
): Promise<{ client: DynamoDBClient; table: string }> {
  const { client, table } = await pkTable(prefix, { shards, pitr: true });
  const items = Array.from({ length: count }, (_, i) => ({
    pk: { S: `k${i}` },
    n: { N: String(i) },
    tags: { SS: ["a", `t${i % 3}`] },
  }));
  await putAll(client, table, items);
  return { client, table };
}

describe("exports and imports", () => {
  it("ExportTableToPointInTime: refused without point-in-time recovery", async () => {
    const client = new DynamoDBClient({ tenant: uniqueName("exp") });
    const table = uniqueName("plain");
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await expect(
      client.send(new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: "exports" })),
    ).rejects.toMatchObject({
      name: "PointInTimeRecoveryUnavailableException",
      message: `Point in time recovery is not enabled for table '${table}'`,
    });
  });

  it("ExportTableToPointInTime then ImportTable: the export is the table at its moment, and imports back whole", async () => {
    // One partition of over 5,000 items: its piece takes two data files.
    const { client, table } = await sourceTable("exp", 5_200, 1);
    const expected = await scanAll(client, table);
    const prefix = uniqueName("p");
    const started = await client.send(
      new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: "exports", S3Prefix: prefix }),
    );
    expect(started.ExportDescription).toMatchObject({ ExportStatus: "IN_PROGRESS", ExportFormat: "DYNAMODB_JSON" });
    const arn = started.ExportDescription?.ExportArn as string;
    // Writes after the export's moment are not in it.
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "late" } } }));
    const done = await until(
      async () => (await client.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription,
      (d) => d?.ExportStatus !== "IN_PROGRESS",
    );
    expect(done).toMatchObject({ ExportStatus: "COMPLETED", ItemCount: 5_200, S3Prefix: prefix });
    const id = arn.split("/").pop() as string;
    const summary = JSON.parse(
      await ((await bucket.get(`${prefix}/AWSDynamoDB/${id}/manifest-summary.json`)) as R2ObjectBody).text(),
    ) as Record<string, unknown>;
    expect(summary).toMatchObject({
      exportArn: arn,
      itemCount: 5_200,
      outputFormat: "DYNAMODB_JSON",
      exportType: "FULL_EXPORT",
    });
    const manifest = (await ((await bucket.get(summary.manifestFilesS3Key as string)) as R2ObjectBody).text())
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { itemCount: number; dataFileS3Key: string });
    expect(manifest.map((file) => file.itemCount)).toEqual([5_000, 200]);
    const lines: string[] = [];
    for (const file of manifest) {
      const fileLines = await gunzipLines(file.dataFileS3Key);
      expect(fileLines.length).toBe(file.itemCount);
      lines.push(...fileLines);
    }
    expect(lines.map((line) => JSON.stringify((JSON.parse(line) as { Item: Item }).Item)).sort()).toEqual(
      expected.map((one) => JSON.stringify(JSON.parse(one))).sort(),
    );
    expect((await client.send(new ListExportsCommand({ TableArn: table }))).ExportSummaries).toEqual([
      { ExportArn: arn, ExportStatus: "COMPLETED", ExportType: "FULL_EXPORT" },
    ]);

    const imported = uniqueName("imported");
    const { ImportTableDescription } = await client.send(
      new ImportTableCommand({
        S3BucketSource: { S3Bucket: "exports", S3KeyPrefix: `${prefix}/AWSDynamoDB/${id}/data/` },
        InputFormat: "DYNAMODB_JSON",
        InputCompressionType: "GZIP",
        TableCreationParameters: {
          TableName: imported,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        },
      }),
    );
    expect(ImportTableDescription?.ImportStatus).toBe("IN_PROGRESS");
    expect((await client.send(new DescribeTableCommand({ TableName: imported }))).Table?.TableStatus).toBe("CREATING");
    const importDone = await until(
      async () =>
        (await client.send(new DescribeImportCommand({ ImportArn: ImportTableDescription?.ImportArn })))
          .ImportTableDescription,
      (d) => d?.ImportStatus !== "IN_PROGRESS",
    );
    expect(importDone).toMatchObject({ ImportStatus: "COMPLETED", ImportedItemCount: 5_200, ErrorCount: 0 });
    expect((await client.send(new DescribeTableCommand({ TableName: imported }))).Table?.TableStatus).toBe("ACTIVE");
    const listed = await client.send(new ListImportsCommand({ TableArn: imported }));
    expect(listed.ImportSummaryList?.map((s) => [s.ImportArn, s.ImportStatus])).toEqual([
      [ImportTableDescription?.ImportArn, "COMPLETED"],
    ]);
    expect(await scanAll(client, imported)).toEqual(expected);
  });

  it("ImportTable: lines that are not items of the table are counted as errors, the others imported", async () => {
    const client = new DynamoDBClient({ tenant: uniqueName("imp") });
    const prefix = uniqueName("raw");
    await bucket.put(
      `${prefix}/one.json`,
      [
        '{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}',
        "not json",
        '{"Item":{"v":{"N":"2"}}}',
        '{"Item":{"pk":{"S":"b"}}}',
      ].join("\n"),
    );
    const table = uniqueName("raw");
    const { ImportTableDescription } = await client.send(
      new ImportTableCommand({
        S3BucketSource: { S3Bucket: "exports", S3KeyPrefix: `${prefix}/` },
        InputFormat: "DYNAMODB_JSON",
        TableCreationParameters: {
          TableName: table,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        },
      }),
    );
    const done = await until(
      async () =>
        (await client.send(new DescribeImportCommand({ ImportArn: ImportTableDescription?.ImportArn })))
          .ImportTableDescription,
      (d) => d?.ImportStatus !== "IN_PROGRESS",
    );
    expect(done).toMatchObject({
      ImportStatus: "COMPLETED",
      ImportedItemCount: 2,
      ErrorCount: 2,
      ProcessedItemCount: 4,
    });
    expect(await scanAll(client, table)).toEqual(['{"pk":{"S":"a"},"v":{"N":"1"}}', '{"pk":{"S":"b"}}']);
  });

  it("ExportTableToPointInTime: a bucket the Worker has not bound fails the export with S3NoSuchBucket", async () => {
    const { client, table } = await sourceTable("expf", 10);
    const started = await client.send(new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: "nowhere" }));
    const done = await until(
      async () =>
        (await client.send(new DescribeExportCommand({ ExportArn: started.ExportDescription?.ExportArn })))
          .ExportDescription,
      (d) => d?.ExportStatus !== "IN_PROGRESS",
    );
    expect(done).toMatchObject({
      ExportStatus: "FAILED",
      FailureCode: "S3NoSuchBucket",
      FailureMessage: "The specified bucket does not exist: nowhere",
    });
  });

  it("ExportTableToPointInTime: a crash after a data file is written resumes, and the export is whole", async () => {
    const { client, table } = await sourceTable("expc", 1_000);
    const expected = await scanAll(client, table);
    armFault("export:after-file");
    try {
      const prefix = uniqueName("crash");
      const started = await client.send(
        new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: "exports", S3Prefix: prefix }),
      );
      const arn = started.ExportDescription?.ExportArn as string;
      const crash = { count: 0 };
      const done = await until(
        async () => (await client.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription,
        (d) => d?.ExportStatus !== "IN_PROGRESS",
        "export:after-file",
        crash,
      );
      expect(crash.count).toBe(1);
      expect(done).toMatchObject({ ExportStatus: "COMPLETED", ItemCount: 1_000 });
      const id = arn.split("/").pop() as string;
      const summary = JSON.parse(
        await ((await bucket.get(`${prefix}/AWSDynamoDB/${id}/manifest-summary.json`)) as R2ObjectBody).text(),
      ) as { manifestFilesS3Key: string };
      const files = (await ((await bucket.get(summary.manifestFilesS3Key)) as R2ObjectBody).text())
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as { dataFileS3Key: string });
      const lines: string[] = [];
      for (const file of files) lines.push(...(await gunzipLines(file.dataFileS3Key)));
      expect(lines.map((line) => JSON.stringify((JSON.parse(line) as { Item: Item }).Item)).sort()).toEqual(expected);
    } finally {
      clearFaults();
    }
  });
});
