import { describe, expect, it } from "vitest";
import { fails, ok, uniqueName } from "../support/wire";

/** A single-table design: pk/sk, a GSI on gsi1pk/gsi1sk (ALL), a KEYS_ONLY GSI, an LSI with INCLUDE. */
async function createTable(): Promise<string> {
  const name = uniqueName("idx");
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "gsi1pk", AttributeType: "S" },
      { AttributeName: "gsi1sk", AttributeType: "N" },
      { AttributeName: "kind", AttributeType: "S" },
      { AttributeName: "rank", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "gsi1",
        KeySchema: [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: "byKind",
        KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: "byRank",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "rank", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
      },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  return name;
}

const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

async function put(table: string, item: Record<string, unknown>): Promise<void> {
  await ok("PutItem", { TableName: table, Item: item });
}

describe("Secondary index reads", () => {
  it("Query: a GSI returns items in index order, ties broken by the table key", async () => {
    const table = await createTable();
    await put(table, { pk: S("u2"), sk: S("a"), gsi1pk: S("org"), gsi1sk: N(5), title: S("t2") });
    await put(table, { pk: S("u1"), sk: S("b"), gsi1pk: S("org"), gsi1sk: N(5), title: S("t1b") });
    await put(table, { pk: S("u1"), sk: S("a"), gsi1pk: S("org"), gsi1sk: N(5), title: S("t1a") });
    await put(table, { pk: S("u3"), sk: S("a"), gsi1pk: S("org"), gsi1sk: N(-1), title: S("t3") });
    await put(table, { pk: S("u4"), sk: S("a"), title: S("sparse: no gsi key") });
    const out = await ok("Query", {
      TableName: table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :o",
      ExpressionAttributeValues: { ":o": S("org") },
    });
    const titles = (out.Items as { title: { S: string } }[]).map((i) => i.title.S);
    expect(titles[0]).toBe("t3");
    expect(new Set(titles.slice(1))).toEqual(new Set(["t1a", "t1b", "t2"]));
    expect([out.Count, out.ScannedCount]).toEqual([4, 4]);
    // The three ties come in one stable order, and the same order on every read.
    const again = await ok("Query", {
      TableName: table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :o AND gsi1sk = :five",
      ExpressionAttributeValues: { ":o": S("org"), ":five": N(5) },
    });
    expect((again.Items as { title: { S: string } }[]).map((i) => i.title.S)).toEqual(titles.slice(1));
  });

  it("Query: index pages carry the index key and the table key and walk every item once", async () => {
    const table = await createTable();
    for (let i = 0; i < 7; i++) {
      await put(table, { pk: S(`u${i % 3}`), sk: S(`s${i}`), gsi1pk: S("g"), gsi1sk: N(i % 2) });
    }
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const out = await ok("Query", {
        TableName: table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :g",
        ExpressionAttributeValues: { ":g": S("g") },
        Limit: 2,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      for (const item of out.Items as { sk: { S: string } }[]) seen.push(item.sk.S);
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
      if (start) expect(Object.keys(start).sort()).toEqual(["gsi1pk", "gsi1sk", "pk", "sk"]);
      pages++;
    } while (start && pages < 10);
    expect(seen.sort()).toEqual(["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
  });

  it("Scan: a sparse GSI holds only items with its key", async () => {
    const table = await createTable();
    await put(table, { pk: S("a"), sk: S("1"), kind: S("order") });
    await put(table, { pk: S("b"), sk: S("1") });
    await put(table, { pk: S("c"), sk: S("1"), kind: S("cart"), extra: S("x") });
    const out = await ok("Scan", { TableName: table, IndexName: "byKind" });
    const items = (out.Items as Record<string, unknown>[]).sort((x, y) =>
      JSON.stringify(x).localeCompare(JSON.stringify(y)),
    );
    // KEYS_ONLY: the table key and the index key, nothing else.
    expect(items).toEqual([
      { pk: S("a"), sk: S("1"), kind: S("order") },
      { pk: S("c"), sk: S("1"), kind: S("cart") },
    ]);
  });

  it("Query: an update moves an item between index partitions; a delete removes it", async () => {
    const table = await createTable();
    await put(table, { pk: S("a"), sk: S("1"), kind: S("order") });
    await ok("UpdateItem", {
      TableName: table,
      Key: { pk: S("a"), sk: S("1") },
      UpdateExpression: "SET kind = :k",
      ExpressionAttributeValues: { ":k": S("invoice") },
    });
    const q = (kind: string) =>
      ok("Query", {
        TableName: table,
        IndexName: "byKind",
        KeyConditionExpression: "kind = :k",
        ExpressionAttributeValues: { ":k": S(kind) },
        Select: "COUNT",
      });
    expect([(await q("order")).Count, (await q("invoice")).Count]).toEqual([0, 1]);
    await ok("DeleteItem", { TableName: table, Key: { pk: S("a"), sk: S("1") } });
    expect((await q("invoice")).Count).toBe(0);
  });

  it("Query: an LSI fetches attributes it does not project from the table", async () => {
    const table = await createTable();
    await put(table, { pk: S("u"), sk: S("x"), rank: N(2), title: S("second"), body: S("b2") });
    await put(table, { pk: S("u"), sk: S("y"), rank: N(1), title: S("first"), body: S("b1") });
    const projected = await ok("Query", {
      TableName: table,
      IndexName: "byRank",
      KeyConditionExpression: "pk = :u",
      ExpressionAttributeValues: { ":u": S("u") },
    });
    expect(projected.Items).toEqual([
      { pk: S("u"), sk: S("y"), rank: N(1), title: S("first") },
      { pk: S("u"), sk: S("x"), rank: N(2), title: S("second") },
    ]);
    const fetched = await ok("Query", {
      TableName: table,
      IndexName: "byRank",
      KeyConditionExpression: "pk = :u AND #r > :one",
      FilterExpression: "body = :b",
      ProjectionExpression: "title, body",
      ExpressionAttributeNames: { "#r": "rank" },
      ExpressionAttributeValues: { ":u": S("u"), ":one": N(1), ":b": S("b2") },
    });
    expect(fetched.Items).toEqual([{ title: S("second"), body: S("b2") }]);
  });

  it("PutItem/UpdateItem/DeleteItem: ReturnItemCollectionMetrics SIZE on a table with an LSI", async () => {
    const table = await createTable();
    const expected = { ItemCollectionKey: { pk: S("u") }, SizeEstimateRangeGB: [0, 1] };
    const put = await ok("PutItem", {
      TableName: table,
      Item: { pk: S("u"), sk: S("1"), rank: N(1) },
      ReturnItemCollectionMetrics: "SIZE",
    });
    expect(put).toEqual({ ItemCollectionMetrics: expected });
    const update = await ok("UpdateItem", {
      TableName: table,
      Key: { pk: S("u"), sk: S("1") },
      UpdateExpression: "SET title = :t",
      ExpressionAttributeValues: { ":t": S("x") },
      ReturnItemCollectionMetrics: "SIZE",
    });
    expect(update).toEqual({ ItemCollectionMetrics: expected });
    const del = await ok("DeleteItem", {
      TableName: table,
      Key: { pk: S("u"), sk: S("1") },
      ReturnItemCollectionMetrics: "SIZE",
    });
    expect(del).toEqual({ ItemCollectionMetrics: expected });
    // NONE (the default) returns nothing.
    expect(await ok("PutItem", { TableName: table, Item: { pk: S("u"), sk: S("2") } })).toEqual({});
  });

  describe("validations", () => {
    it("Query: rejects an unknown index", async () => {
      const table = await createTable();
      expect(
        await fails("Query", {
          TableName: table,
          IndexName: "nope",
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": S("a") },
        }),
      ).toEqual(["ValidationException", "The table does not have the specified index: nope"]);
    });

    it("Query: rejects ConsistentRead on a GSI", async () => {
      const table = await createTable();
      expect(
        await fails("Query", {
          TableName: table,
          IndexName: "gsi1",
          ConsistentRead: true,
          KeyConditionExpression: "gsi1pk = :p",
          ExpressionAttributeValues: { ":p": S("a") },
        }),
      ).toEqual(["ValidationException", "Consistent reads are not supported on global secondary indexes"]);
    });

    it("Query: rejects Select ALL_ATTRIBUTES on a KEYS_ONLY GSI", async () => {
      const table = await createTable();
      expect(
        await fails("Query", {
          TableName: table,
          IndexName: "byKind",
          Select: "ALL_ATTRIBUTES",
          KeyConditionExpression: "kind = :k",
          ExpressionAttributeValues: { ":k": S("a") },
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byKind because its projection type is not ALL",
      ]);
    });

    it("Query: the key condition must use the index's keys", async () => {
      const table = await createTable();
      expect(
        await fails("Query", {
          TableName: table,
          IndexName: "gsi1",
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": S("a") },
        }),
      ).toEqual(["ValidationException", "Query condition missed key schema element: gsi1pk"]);
    });

    it("PutItem: rejects an index key of the wrong type, naming the index", async () => {
      const table = await createTable();
      expect(await fails("PutItem", { TableName: table, Item: { pk: S("a"), sk: S("1"), kind: N(1) } })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key kind Expected: S Actual: N IndexName: byKind",
      ]);
      expect(await ok("Scan", { TableName: table, Select: "COUNT" })).toMatchObject({ Count: 0 });
    });
  });
});
