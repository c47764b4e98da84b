// A model of a 4-partition table under random writes, updates and deletes while backups are
// taken and moments noted: every backup and every moment restored afterwards equals the
// model as it was then, byte for byte (issue 23's model test).
import { describe, expect, it } from "vitest";
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
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
} from "../../src/index";
import { sized } from "../support/depth";
import { uniqueName } from "../support/wire";
import { random } from "../robustness/support";
import { scanAll, sleep, until, type Item } from "./backup-support";

const canonical = (items: Iterable<Item>) => [...items].map((one) => JSON.stringify(one)).sort();

/** Waits until `read` gives `value`. */
const reaches = <T>(read: () => Promise<T>, value: T) => until(read, (got) => got === value);

describe("backups and point-in-time recovery, against a model", () => {
  it("RestoreTableFromBackup, RestoreTableToPointInTime: every backup and noted moment restores to the model then", async () => {
    const tenant = uniqueName("bmodel");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant, shards: 4 });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await client.send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const model = new Map<string, Item>();
    const backups: { arn: string; items: string[] }[] = [];
    const moments: { at: Date; items: string[] }[] = [];
    const next = random(23);
    const ops = sized(300, 1_500);
    for (let n = 0; n < ops; n++) {
      const pk = `p${Math.floor(next() * 40)}`;
      const sk = Math.floor(next() * 5);
      const id = `${pk}/${sk}`;
      const key = { pk: { S: pk }, sk: { N: String(sk) } };
      const roll = next();
      if (roll < 0.5) {
        const item: Item = { ...key, v: { N: String(n) }, tag: { S: "x".repeat(n % 30) } };
        await client.send(new PutItemCommand({ TableName: table, Item: item }));
        model.set(id, item);
      } else if (roll < 0.75) {
        const out = await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key,
            UpdateExpression: "ADD c :one",
            ExpressionAttributeValues: { ":one": { N: "1" } },
            ReturnValues: "ALL_NEW",
          }),
        );
        model.set(id, out.Attributes as Item);
      } else {
        await client.send(new DeleteItemCommand({ TableName: table, Key: key }));
        model.delete(id);
      }
      if (n % 100 === 50) {
        const { BackupDetails } = await client.send(new CreateBackupCommand({ TableName: table, BackupName: `b${n}` }));
        backups.push({ arn: BackupDetails?.BackupArn as string, items: canonical(model.values()) });
      } else if (n % 100 === 99) {
        await sleep(20);
        moments.push({ at: new Date(), items: canonical(model.values()) });
        await sleep(20);
      }
    }
    expect(await scanAll(client, table)).toEqual(canonical(model.values()));
    for (const [i, backup] of backups.entries()) {
      await reaches(
        async () =>
          (await client.send(new DescribeBackupCommand({ BackupArn: backup.arn }))).BackupDescription?.BackupDetails
            ?.BackupStatus,
        "AVAILABLE",
      );
      const restored = `${table}-b${i}`;
      await client.send(new RestoreTableFromBackupCommand({ TargetTableName: restored, BackupArn: backup.arn }));
      await reaches(
        async () => (await client.send(new DescribeTableCommand({ TableName: restored }))).Table?.TableStatus,
        "ACTIVE",
      );
      expect(await scanAll(client, restored), `backup ${i}`).toEqual(backup.items);
    }
    for (const [i, moment] of moments.entries()) {
      const restored = `${table}-t${i}`;
      await client.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: table,
          TargetTableName: restored,
          RestoreDateTime: moment.at,
        }),
      );
      await reaches(
        async () => (await client.send(new DescribeTableCommand({ TableName: restored }))).Table?.TableStatus,
        "ACTIVE",
      );
      expect(await scanAll(client, restored), `moment ${i}`).toEqual(moment.items);
    }
  }, 240_000);
});
