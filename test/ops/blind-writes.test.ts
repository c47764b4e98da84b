// PutItem and DeleteItem in one statement (src/ops/write-plans.ts blindWrite): a write
// that needs nothing of the item it replaces or removes is its upsert or delete alone, and
// the table's counters follow the row by SQLite triggers (schema v8). These tests hold it to
// the whole path (runWrite: old-row read, savepoint), which a table with a stream always
// takes: same replies, same items, same stored rows and counters; and to the atomicity a
// single statement gives.
import { describe, expect, it } from "vitest";
import { itInOneObject } from "../support/doors";
import { query, tableTid } from "../support/tables";
import { createStreamTwins, ok, wire } from "../support/wire";
import { armShardFault, faultFired, random, storedState } from "../robustness/support";

type Value = Record<string, unknown>;

async function createTables(): Promise<{ blind: string; whole: string }> {
  const [blind, whole] = await createStreamTwins("blind", "whole");
  return { blind, whole };
}

/** A seeded mix of PutItems (new keys, overwrites growing and shrinking) and DeleteItems (of present and absent items). */
function requests(seed: number, count: number): { operation: string; input: Value }[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const id = { S: `k${Math.floor(next() * 6)}` };
    const deletes = next() < 0.25;
    const item: Value = { id, v: { S: "x".repeat(Math.floor(next() * 300)) }, n: { N: String(i) } };
    if (next() < 0.3) item.m = { M: { nested: { L: [{ BOOL: true }, { NULL: true }] } } };
    const input: Value = deletes ? { Key: { id } } : { Item: item };
    // Options that need the old item take the whole path on both tables.
    const option = next();
    if (option < 0.15) input.ReturnValues = "ALL_OLD";
    else if (option < 0.3) input.ReturnConsumedCapacity = "TOTAL";
    else if (option < 0.4) input.ReturnConsumedCapacity = "NONE";
    return { operation: deletes ? "DeleteItem" : "PutItem", input };
  });
}

async function counters(table: string): Promise<[unknown, unknown]> {
  const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
  return [described.ItemCount, described.TableSizeBytes];
}

async function runBoth(blind: string, whole: string, seed: number, count: number): Promise<void> {
  for (const { operation, input } of requests(seed, count)) {
    const replies = await Promise.all(
      [blind, whole].map(async (table) => {
        const reply = await wire(operation, { TableName: table, ...input });
        return JSON.parse(JSON.stringify(reply).replaceAll(table, "<table>")) as unknown;
      }),
    );
    expect(replies[0], JSON.stringify(input)).toEqual(replies[1]);
    expect(await counters(blind), JSON.stringify(input)).toEqual(await counters(whole));
  }
}

describe("PutItem and DeleteItem in one statement", () => {
  it("PutItem, DeleteItem: in one statement and on the whole path, replies, items and counters are the same", async () => {
    const { blind, whole } = await createTables();
    await runBoth(blind, whole, 20261206, 80);
    const scans = await Promise.all([blind, whole].map((table) => ok("Scan", { TableName: table })));
    // As text: attribute order too.
    expect(JSON.stringify(scans[0])).toBe(JSON.stringify(scans[1]));
    expect(scans[0]?.Count).toBeGreaterThan(3);
  });

  itInOneObject(
    "PutItem, DeleteItem: in one statement, stored rows and counters are the whole path's byte for byte",
    async () => {
      const { blind, whole } = await createTables();
      await runBoth(blind, whole, 7, 60);
      const stored = await Promise.all(
        [blind, whole].map(async (table) => {
          const tid = await tableTid(table);
          const rows = await query<{ d: string; size: number }>(
            table,
            "SELECT json(doc) AS d, size FROM items WHERE tid = ? ORDER BY pk",
            tid,
          );
          const [sums] = await query<{ n: number; bytes: number }>(
            table,
            "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM items WHERE tid = ?",
            tid,
          );
          return { rows, sums, counters: await counters(table) };
        }),
      );
      expect(stored[0]?.rows.length).toBeGreaterThan(0);
      expect(stored[0]).toEqual(stored[1]);
      // The counters are the rows' own count and total size.
      expect(stored[0]?.counters).toEqual([stored[0]?.sums?.n, stored[0]?.sums?.bytes]);
    },
  );

  const faultCases = [
    {
      operation: "PutItem",
      // Overwrites "f" with a bigger item: both counters' inputs change.
      seed: [{ id: { S: "f" }, v: { S: "small" } }],
      input: { Item: { id: { S: "f" }, v: { S: "a value that grows the item" } } },
      key: { id: { S: "f" } },
      after: { Item: { id: { S: "f" }, v: { S: "a value that grows the item" } } },
      counters: [1, 31],
    },
    {
      operation: "DeleteItem",
      seed: [
        { id: { S: "d" }, v: { S: "x" } },
        { id: { S: "kept" }, v: { S: "x" } },
      ],
      input: { Key: { id: { S: "d" } } },
      key: { id: { S: "d" } },
      after: {},
      counters: [1, 8],
    },
  ];
  for (const c of faultCases) {
    itInOneObject(
      `${c.operation}: in one statement, a fault before it leaves nothing; after it, the whole write`,
      async () => {
        const { blind, whole } = await createTables();
        for (const table of [blind, whole]) {
          for (const Item of c.seed) await ok("PutItem", { TableName: table, Item });
        }
        const stored = await storedState();
        await armShardFault(blind, "before-row");
        expect((await wire(c.operation, { TableName: blind, ...c.input })).status).toBe(500);
        expect(faultFired()).toBe(true);
        expect(await storedState()).toEqual(stored);
        // Failed after its statement: the statement is the whole write, counters included
        // (the whole path would have rolled the row back).
        await armShardFault(blind, "after-row");
        expect((await wire(c.operation, { TableName: blind, ...c.input })).status).toBe(500);
        expect(faultFired()).toBe(true);
        await ok(c.operation, { TableName: whole, ...c.input });
        for (const table of [blind, whole]) {
          expect(await ok("GetItem", { TableName: table, Key: c.key })).toEqual(c.after);
        }
        expect(await counters(blind)).toEqual(await counters(whole));
        expect(await counters(blind)).toEqual(c.counters);
      },
    );
  }
});
