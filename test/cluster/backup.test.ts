// Backups of a table spread over 4 objects, taken while writes go on, then restored: the
// restored table is the table at the backup's moment exactly, also when an object crashes
// at any step of the copy, the restore or their reports to the catalogue's home.
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  UpdateContinuousBackupsCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "../../src/index";
import { armFault, clearFaults, isArmed, type FaultStep } from "../../src/storage/faults";
import { uniqueName } from "../support/wire";
import { random } from "../robustness/support";

type Item = Record<string, AttributeValue>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function item(i: number, version = 0): Item {
  return { pk: { S: `k${i}` }, v: { N: String(version) }, pad: { S: "x".repeat(i % 50) } };
}

async function scanAll(client: DynamoDBClient, table: string): Promise<string[]> {
  const out: string[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const one of page.Items ?? []) out.push(JSON.stringify(one));
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort();
}

/** Waits for `done`; a fault that fired meanwhile is the crash of every object (storage kept). */
async function until(
  done: () => Promise<boolean>,
  fault: FaultStep | undefined,
  crash: { count: number },
): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (fault && crash.count === 0 && !isArmed(fault)) {
      crash.count++;
      await abortAllDurableObjects();
    }
    if (await done()) return;
    await sleep(25);
  }
  throw new Error("never done");
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
      const tenant = uniqueName("backup");
      const table = uniqueName("t");
      const client = new DynamoDBClient({ tenant, shards: 4 });
      await client.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      // Without a fault, over a chunk of copy per partition; with one, a chunk is enough.
      const count = fault ? 1_200 : 2_400;
      const model = new Map<number, Item>();
      for (let i = 0; i < count; i += 25) {
        const chunk = Array.from({ length: 25 }, (_, j) => item(i + j));
        await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) } }),
        );
        chunk.forEach((one, j) => model.set(i + j, one));
      }
      const expected = [...model.values()].map((one) => JSON.stringify(one)).sort();
      if (fault) armFault(fault);
      const crash = { count: 0 };
      try {
        const { BackupDetails } = await client.send(
          new CreateBackupCommand({ TableName: table, BackupName: "racing" }),
        );
        const arn = BackupDetails?.BackupArn as string;
        // Writes after the backup's moment, racing its copy: none of them may appear. A
        // crash (the fault) may fail one in flight: it is after the moment either way.
        const next = random(7);
        const racing = async (send: () => Promise<unknown>) => {
          try {
            await send();
          } catch (err) {
            if (!fault || (err as Error).name !== "InternalServerError") throw err;
          }
        };
        for (let n = 0; n < 150; n++) {
          const i = Math.floor(next() * (count + 200));
          const roll = next();
          if (roll < 0.4)
            await racing(() => client.send(new PutItemCommand({ TableName: table, Item: item(i, n + 1) })));
          else if (roll < 0.7)
            await racing(() => client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `k${i}` } } })));
          else {
            await racing(() =>
              client.send(
                new UpdateItemCommand({
                  TableName: table,
                  Key: { pk: { S: `k${i}` } },
                  UpdateExpression: "SET v = :v",
                  ExpressionAttributeValues: { ":v": { N: String(-n) } },
                }),
              ),
            );
          }
        }
        await until(
          async () =>
            (await client.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription?.BackupDetails
              ?.BackupStatus === "AVAILABLE",
          fault?.startsWith("backup:") ? fault : undefined,
          crash,
        );
        const restored = uniqueName("r");
        await client.send(new RestoreTableFromBackupCommand({ TargetTableName: restored, BackupArn: arn }));
        await until(
          async () =>
            (await client.send(new DescribeTableCommand({ TableName: restored }))).Table?.TableStatus === "ACTIVE",
          fault?.startsWith("restore:") ? fault : undefined,
          crash,
        );
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
      const tenant = uniqueName("pitr");
      const table = uniqueName("t");
      const client = new DynamoDBClient({ tenant, shards: 4 });
      await client.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      await client.send(
        new UpdateContinuousBackupsCommand({
          TableName: table,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      for (let i = 0; i < 1_200; i += 25) {
        const chunk = Array.from({ length: 25 }, (_, j) => item(i + j));
        await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) } }),
        );
      }
      // Changed before the moment too: the restore must see these, not the originals.
      for (let i = 0; i < 1_200; i += 40) await client.send(new PutItemCommand({ TableName: table, Item: item(i, 7) }));
      const expected = await scanAll(client, table);
      await sleep(30);
      const moment = Date.now();
      await sleep(30);
      const next = random(11);
      for (let n = 0; n < 150; n++) {
        const i = Math.floor(next() * 1_400);
        if (next() < 0.5) await client.send(new PutItemCommand({ TableName: table, Item: item(i, n + 100) }));
        else await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `k${i}` } } }));
      }
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
        await until(
          async () =>
            (await client.send(new DescribeTableCommand({ TableName: restored }))).Table?.TableStatus === "ACTIVE",
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
});
