// Backups of a table spread over 4 objects, taken while writes go on, then restored: the
// restored table is the table at the backup's moment exactly, also when an object crashes
// at any step of the copy, the restore or their reports to the catalogue's home; and the
// same for point-in-time restores.
import { describe, expect, it } from "vitest";
import {
  CreateBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  UpdateItemCommand,
} from "../../src/index";
import { armFault, clearFaults, type FaultStep } from "../../src/storage/faults";
import { sized } from "../support/depth";
import { uniqueName } from "../support/wire";
import { random } from "../robustness/support";
import { pkTable, putAll, scanAll, sleep, until, type Item } from "./backup-support";
import { objectStub } from "./split-support";

/** Items of a table crashed mid-copy: within one chunk per partition (BACKUP_CHUNK), as the crash needs. */
const CRASH_ITEMS = sized(600, 1_200);

function item(i: number, version = 0): Item {
  return { pk: { S: `k${i}` }, v: { N: String(version) }, pad: { S: "x".repeat(i % 50) } };
}

function items(count: number): Item[] {
  return Array.from({ length: count }, (_, i) => item(i));
}

/**
 * Random puts, deletes and updates of keys k0..k(range-1); with a fault armed, one cut by
 * the crash in flight is ignored (it is after the moment either way).
 */
async function writes(client: DynamoDBClient, table: string, range: number, seed: number, fault?: FaultStep) {
  const next = random(seed);
  const send = async (command: () => Promise<unknown>) => {
    try {
      await command();
    } catch (err) {
      if (!fault || (err as Error).name !== "InternalServerError") throw err;
    }
  };
  for (let n = 0; n < 150; n++) {
    const key = { pk: { S: `k${Math.floor(next() * range)}` } };
    const roll = next();
    if (roll < 0.4)
      await send(() =>
        client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: String(n + 100) } } })),
      );
    else if (roll < 0.7) await send(() => client.send(new DeleteItemCommand({ TableName: table, Key: key })));
    else {
      await send(() =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key,
            UpdateExpression: "SET v = :v",
            ExpressionAttributeValues: { ":v": { N: String(-n) } },
          }),
        ),
      );
    }
  }
}

/** Waits until the table is ACTIVE (a restore's `fault` counted as a crash). */
function active(client: DynamoDBClient, table: string, fault: FaultStep | undefined, crash: { count: number }) {
  return until(
    async () => (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus,
    (status) => status === "ACTIVE",
    fault?.startsWith("restore:") ? fault : undefined,
    crash,
  );
}

describe("backups of a partitioned table", () => {
  const faults: (FaultStep | undefined)[] = [
    undefined,
    "backup:after-copy-chunk",
    "backup:before-report",
    "restore:after-chunk",
    "restore:before-report",
  ];
  for (const fault of faults) {
    it(`RestoreTableFromBackup: 4 partitions, writes racing the copy${fault ? `, a crash at ${fault}` : ""}: the table at the backup's moment`, async () => {
      const { client, table } = await pkTable("backup");
      // Without a fault, over a chunk of copy per partition; with one, a chunk is enough.
      const count = fault ? CRASH_ITEMS : 2_400;
      await putAll(client, table, items(count));
      const expected = await scanAll(client, table);
      if (fault) armFault(fault);
      const crash = { count: 0 };
      try {
        const { BackupDetails } = await client.send(
          new CreateBackupCommand({ TableName: table, BackupName: "racing" }),
        );
        const arn = BackupDetails?.BackupArn as string;
        // Writes after the backup's moment, racing its copy: none of them may appear.
        await writes(client, table, count + 200, 7, fault);
        await until(
          async () =>
            (await client.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription?.BackupDetails
              ?.BackupStatus,
          (status) => status === "AVAILABLE",
          fault?.startsWith("backup:") ? fault : undefined,
          crash,
        );
        const restored = uniqueName("r");
        await client.send(new RestoreTableFromBackupCommand({ TargetTableName: restored, BackupArn: arn }));
        await active(client, restored, fault, crash);
        expect(await scanAll(client, restored)).toEqual(expected);
        const described = await client.send(new DescribeTableCommand({ TableName: restored }));
        expect(described.Table?.ItemCount).toBe(count);
        if (fault) expect(crash.count, fault).toBe(1);
      } finally {
        clearFaults();
      }
    });
  }

  for (const fault of [undefined, "backup:after-copy-chunk", "restore:after-chunk"] as (FaultStep | undefined)[]) {
    it(`RestoreTableToPointInTime: 4 partitions, writes after the moment${fault ? `, a crash at ${fault}` : ""}: the table at that moment`, async () => {
      const { client, table } = await pkTable("pitr", { pitr: true });
      const count = fault ? CRASH_ITEMS : 1_200;
      await putAll(client, table, items(count));
      // Changed before the moment too: the restore must see these, not the originals.
      for (let i = 0; i < count; i += 40) await client.send(new PutItemCommand({ TableName: table, Item: item(i, 7) }));
      const expected = await scanAll(client, table);
      await sleep(30);
      const moment = Date.now();
      await sleep(30);
      await writes(client, table, count + 200, 11);
      if (fault) armFault(fault);
      const crash = { count: 0 };
      try {
        const restored = uniqueName("r");
        await client.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: table,
            TargetTableName: restored,
            RestoreDateTime: new Date(moment),
          }),
        );
        // The piece's copy runs before the restore fills from it: a copy fault counts here too.
        await until(
          async () => (await client.send(new DescribeTableCommand({ TableName: restored }))).Table?.TableStatus,
          (status) => status === "ACTIVE",
          fault,
          crash,
        );
        expect(await scanAll(client, restored)).toEqual(expected);
        if (fault) expect(crash.count, fault).toBe(1);
      } finally {
        clearFaults();
      }
    });
  }

  it("CreateBackup: a router failing before it marks the pieces leaves them to the catalogue home's watchdog", async () => {
    const { client, table } = await pkTable("backupw");
    await putAll(client, table, items(400));
    const expected = await scanAll(client, table);
    armFault("router:backup-recorded");
    try {
      await expect(client.send(new CreateBackupCommand({ TableName: table, BackupName: "orphan" }))).rejects.toThrow(
        "injected fault at router:backup-recorded",
      );
    } finally {
      clearFaults();
    }
    const [summary] = (await client.send(new ListBackupsCommand({ TableName: table }))).BackupSummaries ?? [];
    expect(summary?.BackupStatus).toBe("CREATING");
    const arn = summary?.BackupArn as string;
    await until(
      async () =>
        (await client.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription?.BackupDetails
          ?.BackupStatus,
      (status) => status === "AVAILABLE",
    );
    const restored = uniqueName("r");
    await client.send(new RestoreTableFromBackupCommand({ TargetTableName: restored, BackupArn: arn }));
    await active(client, restored, undefined, { count: 0 });
    expect(await scanAll(client, restored)).toEqual(expected);
  }, 60_000);

  it("DeleteTable: a table a restore is still filling is refused as CREATING", async () => {
    const { client, table, tenant } = await pkTable("backupd");
    await putAll(client, table, items(100));
    const { BackupDetails } = await client.send(new CreateBackupCommand({ TableName: table, BackupName: "deleting" }));
    const arn = BackupDetails?.BackupArn as string;
    await until(
      async () =>
        (await client.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription?.BackupDetails
          ?.BackupStatus,
      (status) => status === "AVAILABLE",
    );
    // Straight to the catalogue's home, as a router that failed before telling the new
    // table's objects would have left it: the table is defined and not filled yet.
    const home = objectStub(tenant, "shard-0") as unknown as {
      handle(operation: string, body: string, meta: unknown): Promise<{ status: number; body: string }>;
    };
    const meta = { region: "us-east-1", host: "test", cluster: { ownObjects: true } };
    const restored = uniqueName("r");
    const started = await home.handle(
      "RestoreTableFromBackup",
      JSON.stringify({ TargetTableName: restored, BackupArn: arn }),
      meta,
    );
    expect(started.status).toBe(200);
    await expect(client.send(new DeleteTableCommand({ TableName: restored }))).rejects.toMatchObject({
      name: "ResourceInUseException",
      message: `Attempt to change a resource which is still in use: Table is being created: ${restored}`,
    });
  });
});
