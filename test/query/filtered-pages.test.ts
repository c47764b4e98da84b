// Pages of a Query or Scan whose filter runs in SQL (src/storage/filtered-rows.ts: SQLite
// counts the rejected rows and cuts the page itself) must be exactly the pages of the same
// filter evaluated row by row in TypeScript: same items, Count, ScannedCount and
// LastEvaluatedKey, page after page, across the reader's chunks (256 rows, then sized to the page), Limits on
// either side of a chunk and the 1 MB cut.
//
// The TypeScript twin of `category = :c` is `category = :c OR #q = :c` with `#q` naming
// 'no"such': no item has it, and a name containing `"` has no JSON path, so the filter
// translator refuses the whole OR (the bench uses the same pair, bench/worker.ts).
//
// The pages are the engine's or, on 4 shards, the router's merge of theirs: not run through
// the mixin's door, which hands the same requests to the same engine as the wire door. A
// Query reads one partition, whose object is the whole table on the wire door; through the
// client's 4 shards the router passes that object's pages on, as the Query suites check, so
// the Query cases here run on the wire door, and the Scans merged from 4 shards are sized
// for the merge (each shard's own chunks are the wire door's case).
import { describe, expect } from "vitest";
import { sized } from "../support/depth";
import { itInOneObject, itWhereRoutingDiffers as it } from "../support/doors";
import { allPages, N, S, type Item, type Page } from "../support/query";
import { createHashRangeTable, createHashTable, ok, uniqueName } from "../support/wire";

const IN_SQL = { FilterExpression: "category = :c", ExpressionAttributeValues: { ":c": S("c3") } };
const IN_TS = {
  FilterExpression: "category = :c OR #q = :c",
  ExpressionAttributeNames: { "#q": 'no"such' },
  ExpressionAttributeValues: { ":c": S("c3") },
};

async function writeAll(table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    const out = await ok("BatchWriteItem", { RequestItems: { [table]: requests } });
    expect(out.UnprocessedItems).toEqual({});
  }
}

/** Pages with the filter in SQL and in TypeScript; asserts they are identical. */
async function expectSamePages(operation: "Query" | "Scan", input: Record<string, unknown>): Promise<Page[]> {
  const inSql = await allPages(operation, withFilter(input, IN_SQL));
  const inTs = await allPages(operation, withFilter(input, IN_TS));
  expect(inSql).toEqual(inTs);
  return inSql;
}

function withFilter(input: Record<string, unknown>, filter: Record<string, unknown>): Record<string, unknown> {
  const values = { ...(input.ExpressionAttributeValues as object), ...(filter.ExpressionAttributeValues as object) };
  return { ...input, ...filter, ExpressionAttributeValues: values };
}

/** Deterministic pseudo-random sizes. */
function sizes(count: number, max: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % max;
  });
}

describe("Query and Scan with a filter in SQL", () => {
  it(
    "Scan: pages of 5,000 small items are the same with the filter in SQL and in TypeScript",
    { timeout: 120_000 },
    async () => {
      const table = uniqueName("fpages");
      await createHashTable(table);
      const total = sized(5000, 5000, 2000);
      const items = Array.from({ length: total }, (_, i) => ({
        id: S(`item-${i}`),
        category: S(`c${i % 7}`),
        n: N(String(i)),
      }));
      const matching = items.filter((item) => item.category.S === "c3").length; // 714 of 5,000
      await writeAll(table, items);
      for (const Limit of [undefined, 13, 255, 256, 257, 999, 4352, 4353, 5000, 6000]) {
        const pages = await expectSamePages("Scan", { TableName: table, ...(Limit ? { Limit } : {}) });
        const scanned = pages.reduce((sum, p) => sum + p.ScannedCount, 0);
        const count = pages.reduce((sum, p) => sum + p.Count, 0);
        expect([Limit, scanned, count]).toEqual([Limit, total, matching]);
      }
      // Select COUNT and a projection take the same path.
      await expectSamePages("Scan", { TableName: table, Select: "COUNT", Limit: 2500 });
      await expectSamePages("Scan", { TableName: table, ProjectionExpression: "n", Limit: 3000 });
    },
  );

  itInOneObject(
    "Query: pages of one partition of 4,500 items, both directions, across chunks",
    { timeout: 120_000 },
    async () => {
      const table = uniqueName("fpages");
      await createHashRangeTable(table, "S", "N");
      const items = Array.from({ length: 4500 }, (_, i) => ({
        pk: S("p"),
        sk: N(String(i)),
        category: S(`c${i % 5}`),
      }));
      await writeAll(table, items);
      for (const ScanIndexForward of [true, false]) {
        for (const Limit of [undefined, 97, 2000, 2001, 4500]) {
          const pages = await expectSamePages("Query", {
            TableName: table,
            KeyConditionExpression: "pk = :p AND sk >= :from",
            ExpressionAttributeValues: { ":p": S("p"), ":from": N("100") },
            ScanIndexForward,
            ...(Limit ? { Limit } : {}),
          });
          expect(pages.reduce((sum, p) => sum + p.Count, 0)).toBe(880);
          expect(pages.reduce((sum, p) => sum + p.ScannedCount, 0)).toBe(4400);
        }
      }
    },
  );

  itInOneObject(
    "Query: the 1 MB cut falls on the same item when it lands inside a chunk read in bulk",
    { timeout: 120_000 },
    async () => {
      const table = uniqueName("fpages");
      await createHashRangeTable(table, "S", "N");
      // 400 small items, then 4,600 of ~600 bytes: the reader sizes its second chunk from the
      // small ones, and the 1 MB cut falls inside it (src/storage/filtered-rows.ts).
      const items = Array.from({ length: 5000 }, (_, i) => ({
        pk: S("p"),
        sk: N(String(i)),
        category: S(`c${i % 5}`),
        body: S("x".repeat(i < 400 ? 20 : 560)),
      }));
      await writeAll(table, items);
      for (const ScanIndexForward of [true, false]) {
        for (const Limit of [undefined, 300, 2600]) {
          const pages = await expectSamePages("Query", {
            TableName: table,
            KeyConditionExpression: "pk = :p",
            ExpressionAttributeValues: { ":p": S("p") },
            ScanIndexForward,
            ...(Limit ? { Limit } : {}),
          });
          expect(pages.reduce((sum, p) => sum + p.ScannedCount, 0)).toBe(5000);
          expect(pages.reduce((sum, p) => sum + p.Count, 0)).toBe(1000);
          if (Limit === undefined) expect(pages.length).toBeGreaterThan(2);
        }
      }
    },
  );

  it(
    "Scan: the 1 MB cut falls on the same item with the filter in SQL and in TypeScript",
    { timeout: 120_000 },
    async () => {
      const table = uniqueName("fpages");
      await createHashTable(table);
      // 60 items of 1 byte to 60 KB: about 1.8 MB, so pages end at the 1 MB cut.
      const items = sizes(60, 60_000, 5).map((size, i) => ({
        id: S(`big-${i}`),
        category: S(`c${i % 4}`),
        body: S("x".repeat(size + 1)),
      }));
      for (const item of items) await ok("PutItem", { TableName: table, Item: item });
      for (const Limit of [undefined, 5, 30]) {
        const pages = await expectSamePages("Scan", { TableName: table, ...(Limit ? { Limit } : {}) });
        expect(pages.reduce((sum, p) => sum + p.ScannedCount, 0)).toBe(60);
        if (Limit === undefined) expect(pages.length).toBeGreaterThan(1);
      }
    },
  );
});
