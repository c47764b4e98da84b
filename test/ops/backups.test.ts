// On-demand backups (src/backup) through every door: a backup holds the table exactly as
// it was when CreateBackup answered, survives the table, and restores into a new table.
import { describe, expect, it } from "vitest";
import { createHashRangeTable, fails, ok, uniqueName } from "../support/wire";

type Json = Record<string, unknown>;
const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const V = "ValidationException";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error(`${what} never happened`);
}

async function available(arn: string): Promise<Json> {
  return until(
    async () => (await ok("DescribeBackup", { BackupArn: arn })).BackupDescription as Json,
    (d) => (d.BackupDetails as Json).BackupStatus === "AVAILABLE",
    `backup ${arn} AVAILABLE`,
  );
}

async function active(table: string): Promise<Json> {
  return until(
    async () => (await ok("DescribeTable", { TableName: table })).Table as Json,
    (t) => t.TableStatus === "ACTIVE",
    `table ${table} ACTIVE`,
  );
}

async function scanAll(table: string): Promise<Json[]> {
  const items: Json[] = [];
  let start: unknown;
  do {
    const page = await ok("Scan", {
      TableName: table,
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    items.push(...(page.Items as Json[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return sorted(items);
}

function sorted(items: Json[]): Json[] {
  const key = (item: Json) => `${(item.pk as { S: string }).S}/${(item.sk as { S: string }).S}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function item(i: number, version = 0): Json {
  return { pk: S(`p${i % 7}`), sk: S(String(i).padStart(4, "0")), g: S(`g${i % 3}`), v: N(String(version)) };
}

async function indexedTable(name: string): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
}

async function putAll(table: string, items: Json[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await ok("BatchWriteItem", {
      RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
    });
  }
}

describe("backups", () => {
  describe("validations", () => {
    it("CreateBackup: a table that does not exist is TableNotFoundException", async () => {
      const name = uniqueName("nobackup");
      expect(await fails("CreateBackup", { TableName: name, BackupName: "first-backup" })).toEqual([
        "TableNotFoundException",
        `Table not found: ${name}`,
      ]);
    });

    it("CreateBackup: rejects a backup name outside DynamoDB's pattern and length", async () => {
      expect(await fails("CreateBackup", { TableName: uniqueName(), BackupName: "" })).toEqual([
        V,
        "2 validation errors detected: Value '' at 'backupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'backupName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("DescribeBackup: an unknown backup is BackupNotFoundException, a malformed ARN a ValidationException", async () => {
      const arn = "arn:aws:dynamodb:us-east-1:000000000000:table/nothing/backup/01700000000000-0123abcd";
      expect(await fails("DescribeBackup", { BackupArn: arn })).toEqual([
        "BackupNotFoundException",
        `Backup not found: ${arn}`,
      ]);
      expect(
        await fails("DescribeBackup", { BackupArn: "arn:aws:dynamodb:us-east-1:000000000000:table/nothing-at-all" }),
      ).toEqual([V, "Invalid Backup ARN"]);
    });

    it("ListBackups: rejects a time range whose lower bound is past its upper bound", async () => {
      expect(await fails("ListBackups", { TimeRangeLowerBound: 20, TimeRangeUpperBound: 10 })).toEqual([
        V,
        "Time range lower bound must be less than or equal to upper bound",
      ]);
    });
  });

  describe("functionality", () => {
    it("RestoreTableFromBackup: restores the items as they were at CreateBackup, not the writes after it", async () => {
      const table = uniqueName("src");
      await indexedTable(table);
      const before = Array.from({ length: 120 }, (_, i) => item(i));
      await putAll(table, before);
      const created = (await ok("CreateBackup", { TableName: table, BackupName: "nightly" })).BackupDetails as Json;
      expect(created).toMatchObject({ BackupName: "nightly", BackupStatus: "CREATING", BackupType: "USER" });
      const arn = created.BackupArn as string;
      expect(arn).toMatch(
        new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${table}/backup/[0-9]{14}-[0-9a-f]{8}$`),
      );
      expect(Math.abs((created.BackupCreationDateTime as number) * 1000 - Date.now())).toBeLessThan(60_000);
      // Writes after the backup: updates, deletes and new items.
      for (let i = 0; i < 120; i += 5) await ok("PutItem", { TableName: table, Item: item(i, 1) });
      for (let i = 1; i < 120; i += 9) {
        await ok("DeleteItem", { TableName: table, Key: { pk: item(i).pk, sk: item(i).sk } });
      }
      await putAll(
        table,
        Array.from({ length: 30 }, (_, i) => item(500 + i)),
      );

      const described = await available(arn);
      expect(described.BackupDetails).toMatchObject({ BackupArn: arn, BackupStatus: "AVAILABLE" });
      expect((described.BackupDetails as Json).BackupSizeBytes).toBeGreaterThan(0);
      expect(described.SourceTableDetails).toMatchObject({
        TableName: table,
        ItemCount: 120,
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      });
      expect((described.SourceTableFeatureDetails as Json).GlobalSecondaryIndexes).toEqual([
        {
          IndexName: "byG",
          KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
          ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
        },
      ]);

      const restored = uniqueName("restored");
      const response = (await ok("RestoreTableFromBackup", { TargetTableName: restored, BackupArn: arn }))
        .TableDescription as Json;
      expect(response.TableStatus).toBe("CREATING");
      expect(response.RestoreSummary).toMatchObject({ SourceBackupArn: arn, RestoreInProgress: true });
      const done = await active(restored);
      expect(done).not.toHaveProperty("RestoreSummary");
      expect(done.ItemCount).toBe(120);
      expect(await scanAll(restored)).toEqual(sorted(before));
      const byG = await ok("Query", {
        TableName: restored,
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": S("g1") },
      });
      expect(byG.Count).toBe(before.filter((one) => (one.g as { S: string }).S === "g1").length);
      // The restored table is a table like any other.
      await ok("PutItem", { TableName: restored, Item: item(999) });
      expect((await ok("GetItem", { TableName: restored, Key: { pk: item(999).pk, sk: item(999).sk } })).Item).toEqual(
        item(999),
      );
    });

    it("ListBackups: lists a table's backups oldest first, paged by ExclusiveStartBackupArn", async () => {
      const table = uniqueName("listed");
      await createHashRangeTable(table);
      const arns: string[] = [];
      for (const name of ["one", "two", "three"]) {
        arns.push(
          ((await ok("CreateBackup", { TableName: table, BackupName: name })).BackupDetails as Json)
            .BackupArn as string,
        );
        await sleep(2);
      }
      const first = await ok("ListBackups", { TableName: table, Limit: 2 });
      expect((first.BackupSummaries as Json[]).map((s) => s.BackupArn)).toEqual(arns.slice(0, 2));
      expect(first.LastEvaluatedBackupArn).toBe(arns[1]);
      const second = await ok("ListBackups", { TableName: table, ExclusiveStartBackupArn: arns[1] });
      expect((second.BackupSummaries as Json[]).map((s) => [s.BackupArn, s.BackupName, s.TableName])).toEqual([
        [arns[2], "three", table],
      ]);
      expect(second).not.toHaveProperty("LastEvaluatedBackupArn");
      expect(await ok("ListBackups", { TableName: table, BackupType: "SYSTEM" })).toEqual({ BackupSummaries: [] });
    });

    it("DeleteBackup: answers DELETED, after which the backup is not found", async () => {
      const table = uniqueName("deleted");
      await createHashRangeTable(table);
      const arn = ((await ok("CreateBackup", { TableName: table, BackupName: "gone" })).BackupDetails as Json)
        .BackupArn as string;
      await available(arn);
      const deleted = (await ok("DeleteBackup", { BackupArn: arn })).BackupDescription as Json;
      expect((deleted.BackupDetails as Json).BackupStatus).toBe("DELETED");
      expect(await fails("DescribeBackup", { BackupArn: arn })).toEqual([
        "BackupNotFoundException",
        `Backup not found: ${arn}`,
      ]);
      expect(await fails("DeleteBackup", { BackupArn: arn })).toEqual([
        "BackupNotFoundException",
        `Backup not found: ${arn}`,
      ]);
    });

    it("RestoreTableFromBackup: a backup outlives its table, and restores only into a new name", async () => {
      const table = uniqueName("outlived");
      await createHashRangeTable(table);
      await ok("PutItem", { TableName: table, Item: { pk: S("a"), sk: S("1") } });
      const arn = ((await ok("CreateBackup", { TableName: table, BackupName: "keep" })).BackupDetails as Json)
        .BackupArn as string;
      await available(arn);
      await ok("DeleteTable", { TableName: table });
      expect(
        await fails("RestoreTableFromBackup", { TargetTableName: uniqueName("x").slice(0, 2), BackupArn: arn }),
      ).toEqual([V, expect.stringContaining("at 'targetTableName' failed to satisfy constraint")]);
      await ok("RestoreTableFromBackup", { TargetTableName: table, BackupArn: arn });
      await active(table);
      expect((await ok("Scan", { TableName: table })).Items).toEqual([{ pk: S("a"), sk: S("1") }]);
      expect(await fails("RestoreTableFromBackup", { TargetTableName: table, BackupArn: arn })).toEqual([
        "TableAlreadyExistsException",
        `Table already exists: ${table}`,
      ]);
    });
  });
});
