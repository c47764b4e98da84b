// Approximate search of a vector index too large to hold in memory (src/storage/vector-lists.ts):
// the test pool sets DDB_VECTOR_EXACT_FLOATS to 16,384 numbers, so 1,500 vectors of 16
// dimensions in one partition go approximate once the alarm has built their lists. Through
// every door; the lists themselves are checked where the table has one partition and the
// shard reads the setting (the wire door).
import { describe, expect, it } from "vitest";
import { queryIn, tableShard } from "../support/tables";
import { testDoor } from "../support/doors";
import { ok, uniqueName } from "../support/wire";

type Json = Record<string, unknown>;
const DIMS = 16;
const CLUSTERS = 40;
const COUNT = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic pseudo-random number in [-1, 1). */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

function center(c: number): number[] {
  return Array.from({ length: DIMS }, (_, d) => noise(c * 101 + d));
}

/** Vector `i`: its cluster's center moved a little. */
function vectorOf(i: number): number[] {
  return center(i % CLUSTERS).map((x, d) => Number((x + 0.15 * noise(10_000 + i * 31 + d)).toFixed(4)));
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < a.length; d++) {
    dot += (a[d] as number) * (b[d] as number);
    na += (a[d] as number) ** 2;
    nb += (b[d] as number) ** 2;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

const wire = (xs: number[]) => xs.map((x) => ({ N: String(x) }));

describe("vector indexes: approximate search", () => {
  it("SearchVectors: an index past the exact limit goes approximate once its lists are built; recall@10 stays at least 0.95", async () => {
    const table = uniqueName("vlists");
    await ok("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      VectorIndexes: [
        {
          IndexName: "near",
          VectorAttribute: { AttributeName: "emb" },
          Dimensions: DIMS,
          DistanceFunction: "COSINE",
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
      ],
    });
    const vectors = Array.from({ length: COUNT }, (_, i) => vectorOf(i));
    for (let i = 0; i < COUNT; i += 25) {
      const requests = vectors
        .slice(i, i + 25)
        .map((v, k) => ({ PutRequest: { Item: { id: { S: `i${i + k}` }, emb: { L: wire(v) } } } }));
      await ok("BatchWriteItem", { RequestItems: { [table]: requests } });
    }
    const search = async (query: number[], topK = 10) =>
      (
        (await ok("SearchVectors", { TableName: table, IndexName: "near", SearchVector: wire(query), TopK: topK }))
          .SearchResults as Json[]
      ).map((r) => ((r.Item as Json).id as { S: string }).S);
    const queries = Array.from({ length: 20 }, (_, k) =>
      center(k * 7).map((x, d) => Number((x + 0.1 * noise(90_000 + k * 17 + d)).toFixed(4))),
    );
    await search(queries[0] as number[]); // read row by row: asks the alarm to build the lists
    const singlePartition = testDoor() === "wire";
    if (singlePartition) {
      const shard = await tableShard(table);
      for (let i = 0; ; i++) {
        const [lists] = await queryIn<{ lists: number; assigned_after: number | null }>(
          shard,
          "SELECT lists, assigned_after FROM vector_lists",
        );
        if (lists && lists.assigned_after === null) {
          expect(lists.lists).toBe(Math.round(Math.sqrt(COUNT) / 2));
          break;
        }
        if (i > 400) throw new Error("the lists were never built");
        await sleep(25);
      }
      const [unassigned] = await queryIn<{ n: number }>(
        shard,
        "SELECT count(*) AS n FROM vector_items WHERE list IS NULL",
      );
      expect(unassigned?.n).toBe(0);
    }
    let found = 0;
    for (const query of queries) {
      const exact = vectors
        .map((v, i) => ({ id: `i${i}`, d: cosineDistance(query, v) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 10)
        .map((e) => e.id);
      const got = await search(query);
      expect(new Set(got).size).toBe(got.length);
      found += got.filter((id) => exact.includes(id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
    // A vector written once the lists exist goes to its list and is found.
    const fresh = vectorOf(3).map((x, d) => (d === 0 ? x + 0.5 : x));
    await ok("PutItem", { TableName: table, Item: { id: { S: "fresh" }, emb: { L: wire(fresh) } } });
    expect((await search(fresh, 1))[0]).toBe("fresh");
    if (singlePartition) {
      const [row] = await queryIn<{ list: number | null }>(
        await tableShard(table),
        "SELECT list FROM vector_items WHERE doc LIKE '%fresh%'",
      );
      expect(row?.list).not.toBeNull();
    }
  });
});
