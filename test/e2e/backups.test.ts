// Backups, point-in-time recovery and export/import through `npm start` (issue 23's "done
// when"), with boto3 (backups_flow.py, when the Debian package python3-boto3 is installed)
// and with the AWS SDK for JavaScript.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from "./credentials";
import { endpoint, uniqueName } from "./support";

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import boto3"], { encoding: "utf8", timeout: 60_000 });
const NO_BOTO3 = probe.status !== 0 ? `${PYTHON} cannot import boto3 (install python3-boto3)` : undefined;
if (NO_BOTO3) console.warn(`backups.test.ts: skipping the boto3 flow: ${NO_BOTO3}`);

type Item = Record<string, AttributeValue>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function runFlow(prefix: string): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, [join(import.meta.dirname, "backups_flow.py"), endpoint, prefix], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => (code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`exit ${code}: ${stderr}`))));
  });
}

describe("backups through the endpoint", () => {
  it.skipIf(NO_BOTO3 !== undefined)(
    "boto3: restores a backup, a point in time between two writes, and imports an export, each exactly",
    async () => {
      const flow = await runFlow(uniqueName("bk"));
      expect(flow.backupStatus).toBe("CREATING");
      expect(flow.restored).toEqual(flow.atBackup);
      expect(flow.pitrStatus).toBe("ENABLED");
      expect(flow.restoredPitr).toEqual(flow.atMoment);
      expect(flow.atMoment).not.toEqual(flow.now);
      expect(flow.exportStatus).toBe("COMPLETED");
      expect(flow.importStatus).toBe("COMPLETED");
      expect(flow.exportItemCount).toBe((flow.now as unknown[]).length);
      expect(flow.importedItemCount).toBe((flow.now as unknown[]).length);
      expect(flow.imported).toEqual(flow.now);
    },
    120_000,
  );

  it("AWS SDK: restores a backup and a point in time exactly", async () => {
    const client = new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    });
    const table = uniqueName("sdkbk");
    const scan = async (name: string) =>
      ((await client.send(new ScanCommand({ TableName: name, ConsistentRead: true }))).Items ?? [])
        .map((item: Item) => JSON.stringify(item))
        .sort();
    const active = async (name: string) => {
      for (let i = 0; i < 600; i++) {
        if ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === "ACTIVE") return;
        await sleep(50);
      }
      throw new Error(`${name} never ACTIVE`);
    };
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await client.send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    for (let i = 0; i < 20; i++)
      await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `k${i}` } } }));
    const atBackup = await scan(table);
    const { BackupDetails } = await client.send(new CreateBackupCommand({ TableName: table, BackupName: "sdk" }));
    await client.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: "k3" } } }));
    await sleep(1_100);
    const moment = new Date();
    const atMoment = await scan(table);
    await sleep(1_100);
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: "later" } } }));
    for (let i = 0; i < 600; i++) {
      const status = (await client.send(new DescribeBackupCommand({ BackupArn: BackupDetails?.BackupArn })))
        .BackupDescription?.BackupDetails?.BackupStatus;
      if (status === "AVAILABLE") break;
      await sleep(50);
    }
    const fromBackup = `${table}-b`;
    await client.send(
      new RestoreTableFromBackupCommand({ TargetTableName: fromBackup, BackupArn: BackupDetails?.BackupArn }),
    );
    const fromMoment = `${table}-t`;
    await client.send(
      new RestoreTableToPointInTimeCommand({
        SourceTableName: table,
        TargetTableName: fromMoment,
        RestoreDateTime: moment,
      }),
    );
    await active(fromBackup);
    await active(fromMoment);
    expect(await scan(fromBackup)).toEqual(atBackup);
    expect(await scan(fromMoment)).toEqual(atMoment);
  }, 120_000);
});
