// GSIs with multi-attribute keys (DynamoDB, November 2025): up to four HASH attributes,
// then up to four RANGE attributes, each of its own type. Query needs equality on every
// HASH attribute and conditions on RANGE attributes left to right without gaps, only the
// last an inequality; results come in the order of the RANGE attributes compared one
// after another; an item missing any key attribute is not indexed. Sources: AWS's
// Developer Guide ("Multi-attribute keys"), Alternator's test_gsi_composite_keys.py (run
// against AWS) and an AWS-verified suite for the gap and PartiQL messages.
import { describe, expect, it } from "vitest";
import { fails, ok, uniqueName } from "../support/wire";

const S = (s: string) => ({ S: s });
const N = (n: number | string) => ({ N: String(n) });
type Item = Record<string, { S?: string; N?: string }>;

/** A table with a GSI on (tournament, region) and (round, bracket, seat): 2 HASH, 3 RANGE. */
async function createTable(projection: Record<string, unknown> = { ProjectionType: "ALL" }): Promise<string> {
  const name = uniqueName("multi");
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "tournament", AttributeType: "S" },
      { AttributeName: "region", AttributeType: "N" },
      { AttributeName: "round", AttributeType: "S" },
      { AttributeName: "bracket", AttributeType: "N" },
      { AttributeName: "seat", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: "matches",
        KeySchema: [
          { AttributeName: "tournament", KeyType: "HASH" },
          { AttributeName: "region", KeyType: "HASH" },
          { AttributeName: "round", KeyType: "RANGE" },
          { AttributeName: "bracket", KeyType: "RANGE" },
          { AttributeName: "seat", KeyType: "RANGE" },
        ],
        Projection: projection,
      },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  return name;
}

/** Matches of tournament W, region 1, in the index order their RANGE attributes give. */
const ORDERED: [string, number, string][] = [
  ["a", -5, "x"],
  ["a", 2, "w"],
  ["a", 2, "x"],
  ["a", 2, "x\u0000"],
  ["a", 2, "xa"],
  ["a", 10, "a"],
  ["a\u0000", 1, "a"],
  ["ab", 0, "a"],
  ["b", 3, "z"],
];

async function seed(table: string): Promise<void> {
  // Written in another order than the index's.
  for (const [i, [round, bracket, seat]] of [...ORDERED.entries()].reverse()) {
    await ok("PutItem", {
      TableName: table,
      Item: { id: S(`m${i}`), tournament: S("W"), region: N(1), round: S(round), bracket: N(bracket), seat: S(seat) },
    });
  }
  // Another partition of the index, and items it leaves out (a key attribute missing).
  await ok("PutItem", {
    TableName: table,
    Item: { id: S("other"), tournament: S("W"), region: N(2), round: S("a"), bracket: N(1), seat: S("a") },
  });
  await ok("PutItem", {
    TableName: table,
    Item: { id: S("no-seat"), tournament: S("W"), region: N(1), round: S("a"), bracket: N(1) },
  });
  await ok("PutItem", {
    TableName: table,
    Item: { id: S("no-region"), tournament: S("W"), round: S("a"), bracket: N(1), seat: S("a") },
  });
}

async function query(
  table: string,
  condition: string,
  values: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return ok("Query", {
    TableName: table,
    IndexName: "matches",
    KeyConditionExpression: `tournament = :t AND #region = :r${condition ? ` AND ${condition}` : ""}`,
    ExpressionAttributeNames: { "#region": "region" },
    ExpressionAttributeValues: { ":t": S("W"), ":r": N(1), ...values },
    ...extra,
  });
}

const ids = (out: Record<string, unknown>) => ((out.Items as Item[] | undefined) ?? []).map((i) => i.id?.S);
const idsOf = (indexes: number[]) => indexes.map((i) => `m${i}`);

describe("GSIs with multi-attribute keys", () => {
  it("CreateTable: a GSI of 2 HASH and 3 RANGE attributes is described as declared", async () => {
    const table = await createTable();
    const gsi = ((await ok("DescribeTable", { TableName: table })).Table as { GlobalSecondaryIndexes: Item[] })
      .GlobalSecondaryIndexes[0] as unknown as { KeySchema: unknown[]; IndexStatus: string };
    expect(gsi.KeySchema).toEqual([
      { AttributeName: "tournament", KeyType: "HASH" },
      { AttributeName: "region", KeyType: "HASH" },
      { AttributeName: "round", KeyType: "RANGE" },
      { AttributeName: "bracket", KeyType: "RANGE" },
      { AttributeName: "seat", KeyType: "RANGE" },
    ]);
    expect(gsi.IndexStatus).toBe("ACTIVE");
  });

  it("Query: equality on every HASH attribute reads the partition in RANGE order, each attribute by its type", async () => {
    const table = await createTable();
    await seed(table);
    expect(ids(await query(table, "", {}))).toEqual(idsOf([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(ids(await query(table, "", {}, { ScanIndexForward: false }))).toEqual(idsOf([8, 7, 6, 5, 4, 3, 2, 1, 0]));
  });

  it("Query: equalities on the first RANGE attributes and any condition on the next", async () => {
    const table = await createTable();
    await seed(table);
    const a = { ":a": S("a") };
    expect(ids(await query(table, "round = :a", a))).toEqual(idsOf([0, 1, 2, 3, 4, 5]));
    expect(ids(await query(table, "round = :a AND bracket = :b", { ...a, ":b": N(2) }))).toEqual(idsOf([1, 2, 3, 4]));
    expect(ids(await query(table, "round = :a AND bracket < :b", { ...a, ":b": N(2) }))).toEqual(idsOf([0]));
    expect(ids(await query(table, "round = :a AND bracket <= :b", { ...a, ":b": N(2) }))).toEqual(
      idsOf([0, 1, 2, 3, 4]),
    );
    expect(ids(await query(table, "round = :a AND bracket > :b", { ...a, ":b": N(2) }))).toEqual(idsOf([5]));
    expect(ids(await query(table, "round = :a AND bracket >= :b", { ...a, ":b": N(2) }))).toEqual(
      idsOf([1, 2, 3, 4, 5]),
    );
    expect(
      ids(await query(table, "round = :a AND bracket BETWEEN :lo AND :hi", { ...a, ":lo": N(-5), ":hi": N(2) })),
    ).toEqual(idsOf([0, 1, 2, 3, 4]));
    const seat = { ...a, ":b": N(2) };
    expect(ids(await query(table, "round = :a AND bracket = :b AND seat = :s", { ...seat, ":s": S("x") }))).toEqual(
      idsOf([2]),
    );
    expect(
      ids(await query(table, "round = :a AND bracket = :b AND begins_with(seat, :s)", { ...seat, ":s": S("x") })),
    ).toEqual(idsOf([2, 3, 4]));
    expect(ids(await query(table, "round > :a", a))).toEqual(idsOf([6, 7, 8]));
    expect(ids(await query(table, "begins_with(round, :a)", a))).toEqual(idsOf([0, 1, 2, 3, 4, 5, 6, 7]));
    // Clauses in any order.
    expect(ids(await query(table, "bracket = :b AND round = :a AND seat > :s", { ...seat, ":s": S("x") }))).toEqual(
      idsOf([3, 4]),
    );
  });

  it("Query: pages through the partition with LastEvaluatedKey holding every key attribute", async () => {
    const table = await createTable();
    await seed(table);
    const seen: string[] = [];
    let start: unknown;
    let first: Record<string, unknown> | undefined;
    for (let page = 0; page < 20; page++) {
      const out = await query(table, "", {}, { Limit: 2, ...(start ? { ExclusiveStartKey: start } : {}) });
      seen.push(...(ids(out) as string[]));
      first ??= out.LastEvaluatedKey as Record<string, unknown>;
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    expect(seen).toEqual(idsOf([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(Object.keys(first ?? {}).sort()).toEqual(["bracket", "id", "region", "round", "seat", "tournament"]);
  });

  it("Query: DynamoDB's refusals of incomplete or gapped key conditions", async () => {
    const table = await createTable();
    const V = "ValidationException";
    const q = (condition: string, values: Record<string, unknown>) =>
      fails("Query", {
        TableName: table,
        IndexName: "matches",
        KeyConditionExpression: condition,
        ...(condition.includes("#region") ? { ExpressionAttributeNames: { "#region": "region" } } : {}),
        ExpressionAttributeValues: values,
      });
    expect(await q("tournament = :t", { ":t": S("W") })).toEqual([
      V,
      "Query condition missed key schema element: region",
    ]);
    expect(await q("tournament = :t AND #region > :r", { ":t": S("W"), ":r": N(1) })).toEqual([
      V,
      "Query key condition not supported",
    ]);
    const hashes = { ":t": S("W"), ":r": N(1) };
    expect(await q("tournament = :t AND #region = :r AND bracket = :b", { ...hashes, ":b": N(1) })).toEqual([
      V,
      "RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute bracket",
    ]);
    expect(
      await q("tournament = :t AND #region = :r AND round > :a AND bracket = :b", {
        ...hashes,
        ":a": S("a"),
        ":b": N(1),
      }),
    ).toEqual([
      V,
      "RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute bracket",
    ]);
    expect(await q("tournament = :t AND #region = :r AND seat = :s", { ...hashes, ":s": S("a") })).toEqual([
      V,
      "RANGE key attributes round, bracket must have equality conditions specified in the query because a condition is present on key attribute seat",
    ]);
    expect(await q("tournament = :t AND #region = :r AND round = :a", { ...hashes, ":a": N(1) })).toEqual([
      V,
      "One or more parameter values were invalid: Condition parameter type does not match schema type",
    ]);
    expect(
      await fails("Query", {
        TableName: table,
        IndexName: "matches",
        KeyConditionExpression: "tournament = :t AND #region = :r",
        ExpressionAttributeNames: { "#region": "region" },
        FilterExpression: "bracket > :b",
        ExpressionAttributeValues: { ...hashes, ":b": N(1) },
      }),
    ).toEqual([V, "Filter Expression can only contain non-primary key attributes: Primary key attribute: bracket"]);
  });

  it("PutItem: each key attribute is checked against its type; KEYS_ONLY projects every key attribute", async () => {
    const table = await createTable({ ProjectionType: "KEYS_ONLY" });
    expect(
      await fails("PutItem", { TableName: table, Item: { id: S("x"), tournament: S("W"), region: S("1") } }),
    ).toEqual([
      "ValidationException",
      "One or more parameter values were invalid: Type mismatch for Index Key region Expected: N Actual: S IndexName: matches",
    ]);
    await ok("PutItem", {
      TableName: table,
      Item: { id: S("x"), tournament: S("W"), region: N(1), round: S("a"), bracket: N(1), seat: S("s"), note: S("n") },
    });
    expect((await query(table, "", {})).Items).toEqual([
      { id: S("x"), tournament: S("W"), region: N(1), round: S("a"), bracket: N(1), seat: S("s") },
    ]);
  });

  it("UpdateTable: a multi-attribute GSI added to a table with items is backfilled", async () => {
    const table = uniqueName("multi");
    await ok("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    for (let i = 0; i < 6; i++) {
      await ok("PutItem", { TableName: table, Item: { id: S(`i${i}`), a: S(i % 2 ? "odd" : "even"), b: N(10 - i) } });
    }
    await ok("UpdateTable", {
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "a", AttributeType: "S" },
        { AttributeName: "b", AttributeType: "N" },
      ],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: "byAB",
            KeySchema: [
              { AttributeName: "a", KeyType: "HASH" },
              { AttributeName: "id", KeyType: "HASH" },
              { AttributeName: "b", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        },
      ],
    });
    for (let attempt = 0; attempt < 200; attempt++) {
      const gsi = (
        (await ok("DescribeTable", { TableName: table })).Table as { GlobalSecondaryIndexes: { IndexStatus: string }[] }
      ).GlobalSecondaryIndexes[0];
      if (gsi?.IndexStatus === "ACTIVE") break;
      await new Promise((done) => setTimeout(done, 20));
    }
    const out = await ok("Query", {
      TableName: table,
      IndexName: "byAB",
      KeyConditionExpression: "a = :a AND id = :id AND b >= :b",
      ExpressionAttributeValues: { ":a": S("odd"), ":id": S("i3"), ":b": N(0) },
    });
    expect(out.Items).toEqual([{ id: S("i3"), a: S("odd"), b: N(7) }]);
  });

  it("ExecuteStatement: refused on an index with multi-attribute keys, as DynamoDB words it; the table stays readable", async () => {
    const table = await createTable();
    expect(
      await fails("ExecuteStatement", { Statement: `SELECT * FROM "${table}"."matches" WHERE tournament = 'W'` }),
    ).toEqual([
      "ValidationException",
      "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
    ]);
    await ok("ExecuteStatement", { Statement: `INSERT INTO "${table}" VALUE {'id': 'p'}` });
    expect((await ok("ExecuteStatement", { Statement: `SELECT * FROM "${table}" WHERE id = 'p'` })).Items).toEqual([
      { id: S("p") },
    ]);
  });
});
