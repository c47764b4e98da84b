// Scan, specified test-first from DynamoDB's observed behaviour.
//
// Sources for messages and behaviour (read for facts only): dynalite test/scan.js and
// actions/scan.js (assertions taken from DynamoDB); ScyllaDB Alternator test_scan.py and
// test_filter_expression.py (run against DynamoDB); moto's aws_verified Select tests and
// nubo-db/dynamodb-conformance tier-3 scan messages (pinned against DynamoDB, 2026); the AWS
// API reference for Scan (Segment/TotalSegments, Limit, 1 MB page, Count/ScannedCount).
//
// DynamoDB returns partitions in the order of their key hash, which a client cannot
// predict; these tests assert the structure instead: each partition's items together and
// in sort-key order, the same order on every scan, segments that partition the table.
import { describe, expect, it } from "vitest";
import { allItems, allPages, N, putAll, S, shuffled, values, type Item } from "../support/query";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";
import { itOneShardOnly } from "../support/doors";

const V = "ValidationException";

async function hashTable(): Promise<string> {
  const name = uniqueName("scan");
  await createHashTable(name);
  return name;
}

async function rangeTable(): Promise<string> {
  const name = uniqueName("scan");
  await createHashRangeTable(name, "S", "N");
  return name;
}

/** `count` items id "item-000".."item-<count-1>", written in a shuffled order. */
async function seededHashTable(count: number): Promise<{ table: string; ids: string[] }> {
  const table = await hashTable();
  const ids = Array.from({ length: count }, (_, i) => `item-${String(i).padStart(3, "0")}`);
  await putAll(
    table,
    shuffled(ids).map((id) => ({ id: S(id), n: N(id.slice(5)) })),
  );
  return { table, ids };
}

/** Six partitions of five items (sk 0..4), written in a shuffled order. */
async function seededRangeTable(): Promise<{ table: string; items: Item[] }> {
  const table = await rangeTable();
  const items: Item[] = [];
  for (const p of ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]) {
    for (let i = 0; i < 5; i++) items.push({ pk: S(p), sk: N(String(i)), v: N(String(i % 2)) });
  }
  await putAll(table, shuffled(items, 11));
  return { table, items };
}

/** Asserts each partition's items are contiguous and in ascending sort-key order. */
function expectGroupedAndSorted(items: Item[]): void {
  const seen = new Set<string>();
  let current: string | undefined;
  let previous = -Infinity;
  for (const item of items) {
    const pk = item.pk!.S as string;
    const sk = Number(item.sk!.N);
    if (pk !== current) {
      expect(seen.has(pk), `partition ${pk} appears in two runs`).toBe(false);
      seen.add(pk);
      current = pk;
    } else {
      expect(sk).toBeGreaterThan(previous);
    }
    previous = sk;
  }
}

describe("Scan", () => {
  describe("validations", () => {
    it("Scan: rejects Segment without TotalSegments", async () => {
      // Also for Segment 0 (dynamodb-conformance, against DynamoDB).
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Segment: 0 })).toEqual([
        V,
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
      ]);
    });

    it("Scan: rejects TotalSegments without Segment", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, TotalSegments: 4 })).toEqual([
        V,
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
      ]);
    });

    it("Scan: rejects a Segment not below TotalSegments", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Segment: 3, TotalSegments: 3 })).toEqual([
        V,
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3",
      ]);
    });

    it("Scan: rejects more than 1,000,000 segments", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Segment: 0, TotalSegments: 1_000_001 })).toEqual([
        V,
        "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000",
      ]);
    });

    it("Scan: rejects a negative Segment", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Segment: -1, TotalSegments: 2 })).toEqual([
        V,
        "1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0",
      ]);
    });

    it("Scan: rejects a Limit of 0", async () => {
      // Scan keeps the value and lower-case 'limit' (dynamodb-conformance, unlike Query).
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Limit: 0 })).toEqual([
        V,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    // Select rules: moto's aws_verified tests (us-east-1). Scan's messages are bare, without
    // the "1 validation error detected: " envelope Query puts around them.
    it("Scan: rejects Select COUNT with a ProjectionExpression", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Select: "COUNT", ProjectionExpression: "id" })).toEqual([
        V,
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
      ]);
    });

    it("Scan: rejects Select ALL_ATTRIBUTES with AttributesToGet", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Select: "ALL_ATTRIBUTES", AttributesToGet: ["id"] })).toEqual([
        V,
        "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES",
      ]);
    });

    it("Scan: rejects Select SPECIFIC_ATTRIBUTES without a projection", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Select: "SPECIFIC_ATTRIBUTES" })).toEqual([
        V,
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
      ]);
    });

    it("Scan: rejects Select ALL_PROJECTED_ATTRIBUTES without an IndexName", async () => {
      // Sic: DynamoDB says "Querying" for Scan too.
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, Select: "ALL_PROJECTED_ATTRIBUTES" })).toEqual([
        V,
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
      ]);
    });

    it("Scan: rejects an ExclusiveStartKey naming another attribute", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, ExclusiveStartKey: { bad: S("p") } })).toEqual([
        V,
        "The provided starting key is invalid: The provided key element does not match the schema",
      ]);
    });

    it("Scan: rejects an ExclusiveStartKey missing the sort key", async () => {
      const table = await rangeTable();
      expect(await fails("Scan", { TableName: table, ExclusiveStartKey: { pk: S("p") } })).toEqual([
        V,
        "The provided starting key is invalid: The provided key element does not match the schema",
      ]);
    });

    it("Scan: rejects an ExclusiveStartKey of the wrong type", async () => {
      const table = await rangeTable();
      expect(await fails("Scan", { TableName: table, ExclusiveStartKey: { pk: S("p"), sk: S("1") } })).toEqual([
        V,
        "The provided starting key is invalid: The provided key element does not match the schema",
      ]);
    });

    it("Scan: rejects an unknown table", async () => {
      expect(await fails("Scan", { TableName: uniqueName("missing") })).toEqual([
        "ResourceNotFoundException",
        "Requested resource not found",
      ]);
    });

    it("Scan: rejects an IndexName the table does not have", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, IndexName: "byOther" })).toEqual([
        V,
        "The table does not have the specified index: byOther",
      ]);
    });

    it("Scan: rejects ScanFilter together with FilterExpression", async () => {
      const table = await hashTable();
      expect(
        await fails("Scan", {
          TableName: table,
          ScanFilter: { a: { ComparisonOperator: "NOT_NULL" } },
          FilterExpression: "attribute_exists(a)",
        }),
      ).toEqual([
        V,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}",
      ]);
    });

    it("Scan: rejects ExpressionAttributeValues without a FilterExpression", async () => {
      const table = await hashTable();
      expect(await fails("Scan", { TableName: table, ExpressionAttributeValues: { ":v": S("a") } })).toEqual([
        V,
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null",
      ]);
    });

    it("Scan: rejects an unused expression attribute value", async () => {
      const table = await hashTable();
      expect(
        await fails("Scan", {
          TableName: table,
          FilterExpression: "a = :a",
          ExpressionAttributeValues: { ":a": S("a"), ":b": S("b") },
        }),
      ).toEqual([V, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"]);
    });
  });

  describe("functionality", () => {
    it("Scan: an empty table gives no items and no LastEvaluatedKey", async () => {
      const table = await hashTable();
      expect(await ok("Scan", { TableName: table })).toEqual({ Count: 0, ScannedCount: 0, Items: [] });
    });

    it("Scan: returns every item, each partition together and in sort-key order", async () => {
      const { table, items } = await seededRangeTable();
      const out = await ok("Scan", { TableName: table });
      expect(out.Count).toBe(30);
      expect(out.ScannedCount).toBe(30);
      expect(out).not.toHaveProperty("LastEvaluatedKey");
      const got = out.Items as Item[];
      expect(new Set(got.map((i) => JSON.stringify(i)))).toEqual(new Set(items.map((i) => JSON.stringify(i))));
      expectGroupedAndSorted(got);
    });

    it("Scan: returns the same order on every scan", async () => {
      const { table } = await seededRangeTable();
      const first = await ok("Scan", { TableName: table });
      await putAll(table, [{ pk: S("alpha"), sk: N("0"), v: N("0") }]);
      const second = await ok("Scan", { TableName: table, ConsistentRead: true });
      expect(second.Items).toEqual(first.Items);
      const hash = await seededHashTable(40);
      const a = await ok("Scan", { TableName: hash.table });
      const b = await ok("Scan", { TableName: hash.table });
      expect(values(b.Items as Item[], "id")).toEqual(values(a.Items as Item[], "id"));
      expect([...values(a.Items as Item[], "id")].sort()).toEqual(hash.ids);
    });

    it("Scan: FilterExpression sets Count apart from ScannedCount, keys allowed", async () => {
      // Unlike Query, a Scan filter may name key attributes.
      const { table } = await seededRangeTable();
      const out = await ok("Scan", {
        TableName: table,
        FilterExpression: "v = :one AND pk <> :p",
        ExpressionAttributeValues: { ":one": N("1"), ":p": S("alpha") },
      });
      expect(out.Count).toBe(10);
      expect(out.ScannedCount).toBe(30);
      const got = out.Items as Item[];
      expect(got.every((i) => i.v!.N === "1" && i.pk!.S !== "alpha")).toBe(true);
      expectGroupedAndSorted(got);
    });

    it("Scan: Select COUNT returns counts and no items", async () => {
      const { table } = await seededRangeTable();
      expect(
        await ok("Scan", {
          TableName: table,
          Select: "COUNT",
          FilterExpression: "sk >= :three",
          ExpressionAttributeValues: { ":three": N("3") },
        }),
      ).toEqual({ Count: 12, ScannedCount: 30 });
    });

    it("Scan: Select COUNT with Limit keeps the LastEvaluatedKey", async () => {
      // moto's aws_verified test: Scan Select COUNT, Limit 1 over two items.
      const { table } = await seededHashTable(2);
      const out = await ok("Scan", { TableName: table, Select: "COUNT", Limit: 1, ConsistentRead: true });
      expect(out.Count).toBe(1);
      expect(out.ScannedCount).toBe(1);
      expect(out).not.toHaveProperty("Items");
      expect(Object.keys(out.LastEvaluatedKey as Item)).toEqual(["id"]);
    });

    it("Scan: paging with Limit visits every item once, and a full last page has a key", async () => {
      const { table, ids } = await seededHashTable(12);
      const full = values((await ok("Scan", { TableName: table })).Items as Item[], "id");
      for (const limit of [1, 3, 5, 12, 13]) {
        const pages = await allPages("Scan", { TableName: table, Limit: limit });
        expect(pages.flatMap((p) => values(p.Items ?? [], "id"))).toEqual(full);
        expect(pages.length).toBe(limit <= 12 ? Math.floor(12 / limit) + 1 : 1);
        for (const page of pages.slice(0, -1)) {
          expect(page.Count).toBe(limit);
          expect(page.ScannedCount).toBe(limit);
          expect(page.LastEvaluatedKey).toEqual({ id: page.Items![page.Items!.length - 1]!.id });
        }
        expect(pages[pages.length - 1]).not.toHaveProperty("LastEvaluatedKey");
      }
      expect([...full].sort()).toEqual(ids);
    });

    it("Scan: paging through a pk/sk table keeps partitions together", async () => {
      const { table } = await seededRangeTable();
      const full = (await ok("Scan", { TableName: table })).Items as Item[];
      const paged = await allItems("Scan", { TableName: table, Limit: 4 });
      expect(paged).toEqual(full);
      const pages = await allPages("Scan", { TableName: table, Limit: 4 });
      for (const page of pages.slice(0, -1)) {
        const last = page.Items![page.Items!.length - 1]!;
        expect(page.LastEvaluatedKey).toEqual({ pk: last.pk, sk: last.sk });
      }
    });

    it("Scan: Limit counts items read before the filter", async () => {
      const { table } = await seededRangeTable();
      const full = (await ok("Scan", { TableName: table })).Items as Item[];
      const out = await ok("Scan", {
        TableName: table,
        Limit: 7,
        FilterExpression: "v = :one",
        ExpressionAttributeValues: { ":one": N("1") },
      });
      const read = full.slice(0, 7);
      expect(out.ScannedCount).toBe(7);
      expect(out.Items).toEqual(read.filter((i) => i.v!.N === "1"));
      expect(out.Count).toBe((out.Items as Item[]).length);
      expect(out.LastEvaluatedKey).toEqual({ pk: read[6]!.pk, sk: read[6]!.sk });
    });

    it("Scan: ExclusiveStartKey resumes after the given item", async () => {
      const { table } = await seededRangeTable();
      const full = (await ok("Scan", { TableName: table })).Items as Item[];
      const start = full[12]!;
      const out = await ok("Scan", { TableName: table, ExclusiveStartKey: { pk: start.pk, sk: start.sk } });
      expect(out.Items).toEqual(full.slice(13));
      expect(out.ScannedCount).toBe(17);
    });

    describe("parallel scan", () => {
      it("Scan: segments 1 to 7 partition about 200 items, no item twice", async () => {
        const { table, ids } = await seededHashTable(200);
        const full = values((await ok("Scan", { TableName: table })).Items as Item[], "id");
        for (let total = 1; total <= 7; total++) {
          const seen: string[] = [];
          for (let segment = 0; segment < total; segment++) {
            const items = await allItems("Scan", { TableName: table, Segment: segment, TotalSegments: total });
            seen.push(...values(items, "id"));
          }
          expect(seen.length).toBe(200);
          expect(new Set(seen).size).toBe(200);
          expect([...seen].sort()).toEqual(ids);
        }
        const single = await ok("Scan", { TableName: table, Segment: 0, TotalSegments: 1 });
        expect(values(single.Items as Item[], "id")).toEqual(full);
      });

      it("Scan: a partition's items all fall in one segment, in sort-key order", async () => {
        const { table, items } = await seededRangeTable();
        const owner = new Map<string, number>();
        let count = 0;
        for (let segment = 0; segment < 4; segment++) {
          const got = await allItems("Scan", { TableName: table, Segment: segment, TotalSegments: 4 });
          expectGroupedAndSorted(got);
          for (const item of got) {
            const pk = item.pk!.S as string;
            expect(owner.get(pk) ?? segment).toBe(segment);
            owner.set(pk, segment);
          }
          count += got.length;
        }
        expect(count).toBe(items.length);
        expect(owner.size).toBe(6);
      });

      it("Scan: paging with Limit within a segment returns that segment's items once", async () => {
        const { table } = await seededHashTable(200);
        for (const segment of [0, 2]) {
          const whole = (await ok("Scan", { TableName: table, Segment: segment, TotalSegments: 3 })).Items as Item[];
          const pages = await allPages("Scan", { TableName: table, Segment: segment, TotalSegments: 3, Limit: 7 });
          expect(pages.flatMap((p) => p.Items ?? [])).toEqual(whole);
          for (const page of pages.slice(0, -1)) {
            expect(page.ScannedCount).toBe(7);
            expect(page.LastEvaluatedKey).toEqual({ id: page.Items![6]!.id });
          }
          expect(pages[pages.length - 1]!.Count).toBeLessThan(7);
          expect(pages[pages.length - 1]).not.toHaveProperty("LastEvaluatedKey");
        }
      });
    });

    it("Scan: legacy ScanFilter with ConditionalOperator OR, and AttributesToGet", async () => {
      const { table } = await seededRangeTable();
      const out = await ok("Scan", {
        TableName: table,
        ScanFilter: {
          sk: { ComparisonOperator: "EQ", AttributeValueList: [N("0")] },
          pk: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: [S("ec")] },
        },
        ConditionalOperator: "OR",
        AttributesToGet: ["pk", "sk"],
      });
      expect(out.ScannedCount).toBe(30);
      expect(out.Count).toBe(10);
      const got = out.Items as Item[];
      expect(got.every((i) => Object.keys(i).sort().join() === "pk,sk")).toBe(true);
      expect(got.every((i) => i.sk!.N === "0" || i.pk!.S === "echo")).toBe(true);
      expectGroupedAndSorted(got);
    });

    it("Scan: ScanFilter conditions are ANDed by default", async () => {
      const { table } = await seededRangeTable();
      const out = await ok("Scan", {
        TableName: table,
        ScanFilter: {
          sk: { ComparisonOperator: "GE", AttributeValueList: [N("3")] },
          pk: { ComparisonOperator: "IN", AttributeValueList: [S("alpha"), S("delta")] },
        },
      });
      expect(out.Count).toBe(4);
      expect((out.Items as Item[]).map((i) => `${i.pk!.S}/${i.sk!.N}`).sort()).toEqual([
        "alpha/3",
        "alpha/4",
        "delta/3",
        "delta/4",
      ]);
    });

    it("Scan: ProjectionExpression returns only the named attributes", async () => {
      const { table } = await seededRangeTable();
      const out = await ok("Scan", {
        TableName: table,
        ProjectionExpression: "#v",
        ExpressionAttributeNames: { "#v": "v" },
        Limit: 3,
      });
      expect(out.Items).toHaveLength(3);
      expect((out.Items as Item[]).every((i) => Object.keys(i).join() === "v")).toBe(true);
    });

    it("Scan: a page stops at the item that crosses 1 MB", async () => {
      // 15 items of 102,409 bytes ("id" + 6 characters, "d" + 102,400): ten are under 1 MB,
      // the eleventh crosses it and is the last of the page (see query.test.ts for sources).
      const table = await hashTable();
      const payload = "x".repeat(102_400);
      await putAll(
        table,
        Array.from({ length: 15 }, (_, i) => ({ id: S(`big-${String(i).padStart(2, "0")}`), d: S(payload) })),
      );
      const pages = await allPages("Scan", { TableName: table, ProjectionExpression: "id" });
      expect(pages.map((p) => p.Count)).toEqual([11, 4]);
      expect(pages[0]!.LastEvaluatedKey).toEqual(pages[0]!.Items![10]);
      expect(pages[1]).not.toHaveProperty("LastEvaluatedKey");
      expect(new Set(pages.flatMap((p) => values(p.Items ?? [], "id"))).size).toBe(15);
    });

    // Known gap on 4 shards: each shard rounds its own read units up, so a Scan over several
    // shards can charge a unit more than DynamoDB, which rounds the summed size once.
    itOneShardOnly("Scan: TOTAL charges the summed size read, halved unless ConsistentRead", async () => {
      // Three items of 1,506 bytes ("id" + 3, "d" + 1,500): 4,518 bytes round up to two 4 KB
      // units once for the whole page; the filter changes nothing.
      const table = await hashTable();
      await putAll(
        table,
        ["abc", "def", "ghi"].map((id) => ({ id: S(id), d: S("z".repeat(1500)) })),
      );
      const eventual = await ok("Scan", { TableName: table, ReturnConsumedCapacity: "TOTAL" });
      expect(eventual.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });
      const strong = await ok("Scan", {
        TableName: table,
        ReturnConsumedCapacity: "TOTAL",
        ConsistentRead: true,
        FilterExpression: "id = :x",
        ExpressionAttributeValues: { ":x": S("def") },
      });
      expect(strong).toMatchObject({
        Count: 1,
        ScannedCount: 3,
        ConsumedCapacity: { TableName: table, CapacityUnits: 2 },
      });
    });
  });
});
