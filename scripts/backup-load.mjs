// Backups, restores and point-in-time history measured through `npm start` (bench group K):
// a table of N items of about 1 KB over 4 partitions; the seconds from CreateBackup until the
// backup is AVAILABLE and from RestoreTableFromBackup until the new table is ACTIVE (items
// per second for each), every restored item checked; then with point-in-time recovery on,
// what the history takes per change (pages of `pitr_log` in the objects' SQLite files).
//
//   node scripts/backup-load.mjs [--items N] [--json FILE]
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  RestoreTableFromBackupCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
} from "@aws-sdk/client-dynamodb";
import { startServer } from "./lib/npm-start.mjs";

const { values } = parseArgs({ options: { items: { type: "string" }, json: { type: "string" } } });
const ITEMS = Number(values.items ?? 100_000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = "x".repeat(1_000);
const item = (i, v = 0) => ({ pk: { S: `k${i}` }, v: { N: String(v) }, pad: { S: pad } });

async function writeAll(client, table, from, to, version) {
  const batches = [];
  for (let i = from; i < to; i += 25) {
    const puts = [];
    for (let j = i; j < Math.min(i + 25, to); j++) puts.push({ PutRequest: { Item: item(j, version) } });
    batches.push(puts);
  }
  // A few requests in flight.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const puts = batches[next++];
        let pending = { [table]: puts };
        while (Object.keys(pending).length > 0) {
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
          pending = out.UnprocessedItems ?? {};
        }
      }
    }),
  );
}

async function count(client, table) {
  let n = 0;
  let bad = 0;
  let start;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const one of page.Items ?? []) {
      n++;
      if (one.pad?.S !== pad) bad++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { n, bad };
}

const persist = mkdtempSync(join(tmpdir(), "ddb-backup-load-"));
const { endpoint, child } = await startServer({ persist, label: "backup-load", env: { DDB_DEFAULT_SHARDS: "4" } });
try {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 5,
  });
  const table = "orders";
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await writeAll(client, table, 0, ITEMS, 0);

  let t = Date.now();
  const { BackupDetails } = await client.send(new CreateBackupCommand({ TableName: table, BackupName: "bench" }));
  for (;;) {
    const status = (await client.send(new DescribeBackupCommand({ BackupArn: BackupDetails.BackupArn })))
      .BackupDescription.BackupDetails.BackupStatus;
    if (status === "AVAILABLE") break;
    await sleep(50);
  }
  const backupSeconds = (Date.now() - t) / 1000;

  t = Date.now();
  await client.send(
    new RestoreTableFromBackupCommand({ TargetTableName: "restored", BackupArn: BackupDetails.BackupArn }),
  );
  for (;;) {
    if ((await client.send(new DescribeTableCommand({ TableName: "restored" }))).Table.TableStatus === "ACTIVE") break;
    await sleep(50);
  }
  const restoreSeconds = (Date.now() - t) / 1000;
  const restored = await count(client, "restored");

  // History: changes with point-in-time recovery on; what `pitr_log` takes is read from the
  // objects' SQLite files once the server has stopped (dbstat: pages of the table and its indexes).
  const changes = Math.min(ITEMS, 20_000);
  await client.send(
    new UpdateContinuousBackupsCommand({
      TableName: table,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  await writeAll(client, table, 0, changes, 1);
  const figures = {
    items: ITEMS,
    backupSeconds,
    backupItemsPerSecond: Math.round(ITEMS / backupSeconds),
    restoreSeconds,
    restoreItemsPerSecond: Math.round(ITEMS / restoreSeconds),
    restoredItems: restored.n,
    problems: Math.abs(restored.n - ITEMS) + restored.bad,
  };
  await stop();
  const history = historyBytes(persist);
  figures.historyBytesPerChange = Math.round(history.bytes / Math.max(1, history.rows));
  figures.historyRows = history.rows;
  if (values.json) writeFileSync(values.json, JSON.stringify(figures));
  else console.log(JSON.stringify(figures, null, 2));
} finally {
  await stop();
  rmSync(persist, { recursive: true, force: true });
}

async function stop() {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // gone already
  }
  for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
}

/** Rows of `pitr_log` in every object's database under `dir`, and the bytes of their pages. */
function historyBytes(dir) {
  const out = { rows: 0, bytes: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".sqlite")) continue;
    const db = new DatabaseSync(join(entry.parentPath, entry.name));
    try {
      if (!db.prepare("SELECT name FROM sqlite_master WHERE name = 'pitr_log'").get()) continue;
      out.rows += db.prepare("SELECT count(*) AS n FROM pitr_log").get().n;
      out.bytes += db
        .prepare(
          "SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE name IN ('pitr_log', 'pitr_log_key', 'pitr_log_at')",
        )
        .get().n;
    } finally {
      db.close();
    }
  }
  return out;
}
