// Shared by the backup, point-in-time and export tests: a table keyed by pk (S) over
// partitions of its own, loaded in batches; a consistent Scan as sorted JSON texts; and
// waiting for a state, a fault that fired meanwhile taken as the crash of every object.
import { abortAllDurableObjects } from "cloudflare:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  type AttributeValue,
} from "../../src/index";
import { isArmed, type FaultStep } from "../../src/storage/faults";
import { uniqueName } from "../support/wire";

export type Item = Record<string, AttributeValue>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh tenant's table keyed by pk over `shards` partitions, with point-in-time recovery if asked. */
export async function pkTable(
  prefix: string,
  options: { shards?: number; pitr?: boolean } = {},
): Promise<{ client: DynamoDBClient; tenant: string; table: string }> {
  const tenant = uniqueName(prefix);
  const table = uniqueName("t");
  const client = new DynamoDBClient({ tenant, shards: options.shards ?? 4 });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  if (options.pitr) {
    await client.send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  }
  return { client, tenant, table };
}

/** Puts `items`, 25 a request. */
export async function putAll(client: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const puts = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts } }));
  }
}

/** Every item of the table (consistent Scan to the end) as JSON texts, sorted. */
export async function scanAll(client: DynamoDBClient, table: string): Promise<string[]> {
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

/**
 * Reads until `done` holds (bounded); a `fault` that fired meanwhile is the crash of every
 * object (storage kept), counted in `crash`.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  fault?: FaultStep,
  crash: { count: number } = { count: 0 },
): Promise<T> {
  for (let i = 0; i < 800; i++) {
    if (fault && crash.count === 0 && !isArmed(fault)) {
      crash.count++;
      await abortAllDurableObjects();
    }
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error("never done");
}
