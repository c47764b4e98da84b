// Vector indexes and SearchVectors (src/ops/search-vectors.ts, src/storage/vector-*.ts)
// through every door: definitions and DescribeTable, the write path's checks, exact
// searches with their scores, search conditions, online creation and deletion. Messages
// are DynamoDB's as public conformance suites captured them (2026).
import { describe, expect, it } from "vitest";
import { fails, ok, uniqueName, wire } from "../support/wire";

type Json = Record<string, unknown>;
const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const vec = (...xs: number[]) => ({ L: xs.map((x) => N(String(x))) });
const V = "ValidationException";
const INVALID = "One or more parameter values were invalid: ";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A table keyed `id` (S), with the given vector indexes, on demand. */
async function vectorTable(name: string, indexes: Json[], definitions: Json[] = []): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, ...definitions],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    VectorIndexes: indexes,
  });
}

function index(name: string, distance: string, extra: Json = {}): Json {
  return {
    IndexName: name,
    VectorAttribute: { AttributeName: "emb" },
    Dimensions: 3,
    DistanceFunction: distance,
    Projection: { ProjectionType: "ALL" },
    ...extra,
  };
}

async function put(table: string, id: string, item: Json = {}): Promise<void> {
  await ok("PutItem", { TableName: table, Item: { id: S(id), ...item } });
}

async function search(table: string, indexName: string, vector: number[], extra: Json = {}): Promise<Json[]> {
  const out = await ok("SearchVectors", {
    TableName: table,
    IndexName: indexName,
    SearchVector: vector.map((x) => N(String(x))),
    TopK: 10,
    ...extra,
  });
  return out.SearchResults as Json[];
}

const ids = (results: Json[]) => results.map((r) => ((r.Item as Json).id as { S: string }).S);
const scores = (results: Json[]) => results.map((r) => r.Score);

/** Four items around q = [1, 0, 0]: same direction, at 45°, orthogonal, opposite. */
async function fourItems(table: string): Promise<void> {
  await put(table, "same", { emb: vec(0.5, 0, 0), label: S("a") });
  await put(table, "diag", { emb: vec(1, 1, 0), label: S("b") });
  await put(table, "orth", { emb: vec(0, 1, 0), label: S("a") });
  await put(table, "back", { emb: vec(-1, 0, 0), label: S("b") });
  await put(table, "none", { label: S("a") }); // no vector: not in the index
}

async function until(read: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await read()) return;
    await sleep(25);
  }
  throw new Error(`${what} never happened`);
}

describe("vector indexes", () => {
  it("CreateTable: a vector index is ACTIVE with the table, described as DynamoDB describes it", async () => {
    const table = uniqueName("vec");
    await vectorTable(
      table,
      [
        index("byTenant", "COSINE", {
          SearchSchema: [
            { AttributeName: "tenant", SearchSchemaElementType: "HASH" },
            { AttributeName: "kind", SearchSchemaElementType: "INLINE_FILTER" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
        }),
      ],
      [
        { AttributeName: "tenant", AttributeType: "S" },
        { AttributeName: "kind", AttributeType: "S" },
      ],
    );
    const described = (await ok("DescribeTable", { TableName: table })).Table as Json;
    expect(described.VectorIndexes).toEqual([
      {
        IndexName: "byTenant",
        SearchSchema: [
          { AttributeName: "tenant", SearchSchemaElementType: "HASH" },
          { AttributeName: "kind", SearchSchemaElementType: "INLINE_FILTER" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
        VectorAttribute: { AttributeName: "emb" },
        Dimensions: 3,
        DistanceFunction: "COSINE",
        IndexStatus: "ACTIVE",
        IndexSizeBytes: 0,
        ItemCount: 0,
        IndexArn: `${described.TableArn as string}/index/byTenant`,
      },
    ]);
  });

  it("CreateTable: refuses vector indexes DynamoDB refuses, with its messages", async () => {
    const table = uniqueName("vec");
    const create = (indexes: Json[], definitions: Json[] = [], billing: Json = { BillingMode: "PAY_PER_REQUEST" }) =>
      fails("CreateTable", {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, ...definitions],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        ...billing,
        VectorIndexes: indexes,
      });
    expect(
      await create([index("vx1", "COSINE")], [], {
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    ).toEqual([V, `${INVALID}Vector indexes are only supported for PAY_PER_REQUEST tables`]);
    expect(await create([])).toEqual([V, `${INVALID}List of VectorIndexes is empty`]);
    expect(await create([index("vx1", "COSINE", { Dimensions: 4097 })])).toEqual([
      V,
      `${INVALID}Number of dimensions must be between 1 and 4096 inclusive.`,
    ]);
    expect(
      await create([
        index("vx1", "COSINE", { SearchSchema: [{ AttributeName: "t", SearchSchemaElementType: "HASH" }] }),
      ]),
    ).toEqual([V, `${INVALID}One element in SearchSchema is not defined in attribute definitions`]);
    expect(await create([index("vx1", "COSINE")], [{ AttributeName: "emb", AttributeType: "S" }])).toEqual([
      V,
      `${INVALID}Conflicting attribute definition for 'emb'. An attribute cannot be defined in AttributeDefinitions when used as a VectorAttribute.`,
    ]);
    expect(await create([index("vx1", "COSINE"), index("vx2", "EUCLIDEAN", { Dimensions: 4 })])).toEqual([
      V,
      `${INVALID}Conflicting attribute definition for 'emb'. All VectorIndexes on the same vector attribute must use the same dimensions.`,
    ]);
    expect(await create([index("vx1", "COSINE"), index("vx1", "EUCLIDEAN")])).toEqual([
      V,
      `${INVALID}Duplicate index name: vx1`,
    ]);
    const six = ["ix1", "ix2", "ix3", "ix4", "ix5", "ix6"].map((n) => index(n, "COSINE"));
    expect(await create(six)).toEqual([V, `${INVALID}VectorIndex count exceeds the per-table limit of 5`]);
    expect(await create([index("vx1", "MANHATTAN")])).toEqual([
      V,
      "1 validation error detected: Value 'MANHATTAN' at 'vectorIndexes.1.member.distanceFunction' failed to satisfy constraint: Member must satisfy enum value set: [COSINE, DOT_PRODUCT, EUCLIDEAN]",
    ]);
  });

  it("SearchVectors: exact TopK with DynamoDB's scores for each distance function", async () => {
    const table = uniqueName("vec");
    await vectorTable(table, [index("cos", "COSINE"), index("euc", "EUCLIDEAN"), index("dot", "DOT_PRODUCT")]);
    await fourItems(table);
    const q = [1, 0, 0];
    const cosine = await search(table, "cos", q);
    expect(ids(cosine)).toEqual(["same", "diag", "orth", "back"]);
    expect(scores(cosine)).toEqual([0, Math.fround(1 - 1 / Math.sqrt(2)), 1, 2]);
    const euclidean = await search(table, "euc", q);
    expect(ids(euclidean)).toEqual(["same", "diag", "orth", "back"]);
    expect(scores(euclidean)).toEqual([0.5, 1, Math.fround(Math.SQRT2), 2]);
    const dot = await search(table, "dot", q, { TopK: 2 });
    expect(ids(dot)).toEqual(["diag", "same"]);
    expect(scores(dot)).toEqual([1, 0.5]);
    // The vector attribute is left out of the items unless asked for; then as float32.
    expect(cosine[0]?.Item).toEqual({ id: S("same"), label: S("a") });
    const projected = await search(table, "cos", q, { TopK: 1, ProjectionExpression: "id, emb" });
    expect(projected[0]?.Item).toEqual({ id: S("same"), emb: { L: [N("0.5"), N("0.0"), N("0.0")] } });
  });

  it("SearchVectors: a HASH attribute picks the rows, inline filters narrow them", async () => {
    const table = uniqueName("vec");
    await vectorTable(
      table,
      [
        index("scoped", "EUCLIDEAN", {
          SearchSchema: [
            { AttributeName: "tenant", SearchSchemaElementType: "HASH" },
            { AttributeName: "kind", SearchSchemaElementType: "INLINE_FILTER" },
          ],
        }),
      ],
      [
        { AttributeName: "tenant", AttributeType: "S" },
        { AttributeName: "kind", AttributeType: "N" },
      ],
    );
    await put(table, "a1", { tenant: S("a"), kind: N("1"), emb: vec(0, 0, 0) });
    await put(table, "a2", { tenant: S("a"), kind: N("2"), emb: vec(0, 0, 1) });
    await put(table, "a3", { tenant: S("a"), emb: vec(0, 0, 2) }); // no kind: in the index, matched by no kind filter
    await put(table, "b1", { tenant: S("b"), kind: N("1"), emb: vec(0, 0, 0) });
    await put(table, "x1", { kind: N("1"), emb: vec(0, 0, 0) }); // no tenant: not in the index
    const scoped = (condition: string, values: Json) =>
      search(table, "scoped", [0, 0, 0], { SearchConditionExpression: condition, ExpressionAttributeValues: values });
    expect(ids(await scoped("tenant = :t", { ":t": S("a") }))).toEqual(["a1", "a2", "a3"]);
    expect(ids(await scoped("tenant = :t AND kind = :k", { ":t": S("a"), ":k": N("2.0") }))).toEqual(["a2"]);
    expect(ids(await scoped(":t = tenant", { ":t": S("b") }))).toEqual(["b1"]);
    const refused = (condition: string | undefined, values?: Json) =>
      fails("SearchVectors", {
        TableName: table,
        IndexName: "scoped",
        SearchVector: [N("0"), N("0"), N("0")],
        TopK: 1,
        ...(condition === undefined ? {} : { SearchConditionExpression: condition }),
        ...(values ? { ExpressionAttributeValues: values } : {}),
      });
    expect(await refused(undefined)).toEqual([
      V,
      "SearchConditionExpression must be provided when SearchSchema has a HASH key",
    ]);
    expect(await refused("tenant < :t", { ":t": S("a") })).toEqual([
      V,
      "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression",
    ]);
    expect(await refused("tenant = :t OR kind = :k", { ":t": S("a"), ":k": N("1") })).toEqual([
      V,
      "Invalid SearchConditionExpression: Invalid operator used in SearchConditionExpression",
    ]);
    expect(await refused("tenant = :t AND color = :k", { ":t": S("a"), ":k": N("1") })).toEqual([
      V,
      "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: color",
    ]);
    expect(await refused("tenant = :t AND tenant = :u", { ":t": S("a"), ":u": S("b") })).toEqual([
      V,
      "Invalid SearchConditionExpression: SearchConditionExpression must only contain one condition per attribute",
    ]);
    expect(await refused("tenant.x = :t", { ":t": S("a") })).toEqual([
      V,
      "Invalid SearchConditionExpression: SearchConditionExpression cannot have conditions on nested attributes",
    ]);
    expect(await refused("tenant = :t", { ":t": N("1") })).toEqual([
      V,
      "Type of 'tenant' attribute in SearchConditionExpression (N) does not match type in search schema (S)",
    ]);
  });

  it("SearchVectors: an index whose HASH attribute is the table's partition key finds that key's items", async () => {
    const table = uniqueName("vec");
    await ok("CreateTable", {
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
      VectorIndexes: [
        index("byKey", "EUCLIDEAN", { SearchSchema: [{ AttributeName: "pk", SearchSchemaElementType: "HASH" }] }),
      ],
    });
    for (let p = 0; p < 8; p++) {
      for (let k = 0; k < 5; k++) {
        await ok("PutItem", { TableName: table, Item: { pk: S(`user${p}`), sk: N(String(k)), emb: vec(k, p, 0) } });
      }
    }
    for (const p of [2, 5]) {
      const out = await search(table, "byKey", [0, p, 0], {
        SearchConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": S(`user${p}`) },
      });
      expect(out.map((r) => (r.Item as Json).sk)).toEqual([N("0"), N("1"), N("2"), N("3"), N("4")]);
      expect(out.every((r) => ((r.Item as Json).pk as { S: string }).S === `user${p}`)).toBe(true);
    }
  });

  it("ConsumedCapacity: with INDEXES a write lists the vector indexes it changed and their VectorWriteRequestBytes", async () => {
    const table = uniqueName("vec");
    await vectorTable(table, [
      index("small", "COSINE"),
      index("wide", "EUCLIDEAN", {
        VectorAttribute: { AttributeName: "w" },
        Dimensions: 256,
        Projection: { ProjectionType: "KEYS_ONLY" },
      }),
    ]);
    const wide = { L: Array.from({ length: 256 }, (_, i) => N(String(i))) };
    const write = async (operation: string, input: Json, mode = "INDEXES") =>
      (await ok(operation, { TableName: table, ReturnConsumedCapacity: mode, ...input })).ConsumedCapacity as Json;
    // 4 bytes a dimension, the vector attribute's name, the rest of the entry (KEYS_ONLY: id,
    // 3 bytes); 1 KB at least. An entry a write leaves as it was (wide's, when emb changes) is
    // not listed.
    expect((await write("PutItem", { Item: { id: S("x"), emb: vec(1, 2, 3), w: wide } })).VectorIndexes).toEqual({
      small: { VectorWriteRequestBytes: 1024 },
      wide: { VectorWriteRequestBytes: 4 * 256 + 1 + 3 },
    });
    // Unchanged entries are not listed; a changed vector is; TOTAL lists none.
    expect(
      (
        await write("UpdateItem", {
          Key: { id: S("x") },
          UpdateExpression: "SET emb = :v",
          ExpressionAttributeValues: { ":v": vec(3, 2, 1) },
        })
      ).VectorIndexes,
    ).toEqual({ small: { VectorWriteRequestBytes: 1024 } });
    expect(
      (await write("PutItem", { Item: { id: S("x"), emb: vec(3, 2, 1), w: wide } })).VectorIndexes,
    ).toBeUndefined();
    expect(
      (await write("PutItem", { Item: { id: S("y"), emb: vec(1, 1, 1) } }, "TOTAL")).VectorIndexes,
    ).toBeUndefined();
    expect((await write("DeleteItem", { Key: { id: S("x") } })).VectorIndexes).toEqual({
      small: { VectorWriteRequestBytes: 1024 },
      wide: { VectorWriteRequestBytes: 4 * 256 + 1 + 3 },
    });
  });

  it("SearchVectors: refuses bad requests with DynamoDB's messages", async () => {
    const table = uniqueName("vec");
    await vectorTable(table, [index("cos", "COSINE")]);
    const refused = (input: Json) =>
      fails("SearchVectors", {
        TableName: table,
        IndexName: "cos",
        SearchVector: [N("1"), N("0"), N("0")],
        TopK: 3,
        ...input,
      });
    expect(await refused({ TopK: 101 })).toEqual([
      V,
      "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive",
    ]);
    expect(await refused({ SearchVector: [N("1"), N("0")] })).toEqual([
      V,
      "Input search vector dimension 2 does not match vector index dimension 3",
    ]);
    expect(await refused({ SearchVector: [N("1"), S("0"), N("0")] })).toEqual([
      V,
      "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
    ]);
    expect(await refused({ SearchVector: [N("1"), N("1e39"), N("0")] })).toEqual([
      V,
      "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute",
    ]);
    expect(await refused({ IndexName: "nope" })).toEqual([V, "The table does not have the specified index: nope"]);
    // Values serve SearchConditionExpression only (ProjectionExpression takes none), as for GetItem.
    expect(await refused({ ProjectionExpression: "id", ExpressionAttributeValues: { ":x": N("1") } })).toEqual([
      V,
      "ExpressionAttributeValues can only be specified when using expressions: SearchConditionExpression is null",
    ]);
    expect(
      await fails("Query", {
        TableName: table,
        IndexName: "cos",
        KeyConditionExpression: "id = :i",
        ExpressionAttributeValues: { ":i": S("x") },
      }),
    ).toEqual([V, "Query operation not supported on this index type."]);
    expect(await fails("Scan", { TableName: table, IndexName: "cos" })).toEqual([
      V,
      "Scan operation not supported on this index type",
    ]);
  });

  it("PutItem/UpdateItem: vectors and search schema attributes are checked; items leave and enter the index", async () => {
    const table = uniqueName("vec");
    await vectorTable(
      table,
      [index("plain", "EUCLIDEAN", { SearchSchema: [{ AttributeName: "tenant", SearchSchemaElementType: "HASH" }] })],
      [{ AttributeName: "tenant", AttributeType: "S" }],
    );
    const put1 = (item: Json) => fails("PutItem", { TableName: table, Item: { id: S("x"), tenant: S("t"), ...item } });
    const BAD = "One or more parameter values were invalid. ";
    expect(await put1({ emb: vec(1, 2) })).toEqual([
      V,
      `${BAD}Invalid size for parameter emb, Expected: 3, Actual: 2 IndexName: plain`,
    ]);
    expect(await put1({ emb: { L: [N("1"), S("2"), N("3")] } })).toEqual([
      V,
      `${BAD}Invalid type for parameter emb[1], Expected: 32-bit floating point number, Actual: S. IndexName: plain`,
    ]);
    expect(await put1({ emb: S("x") })).toEqual([
      V,
      `${BAD}Invalid type for parameter emb, Expected: 32-bit floating point number list IndexName: plain`,
    ]);
    expect(await put1({ emb: vec(1, 2, 1e39) })).toEqual([
      V,
      `${BAD}Invalid value for parameter emb[2], Value: 1000000000000000000000000000000000000000 is outside valid range [-3.4028235E38, 3.4028235E38]. IndexName: plain`,
    ]);
    expect(await put1({ tenant: N("1"), emb: vec(1, 2, 3) })).toEqual([
      V,
      `${BAD}Attribute 'tenant' type mismatch. Expected: S, Actual: N. IndexName: plain`,
    ]);
    const find = async () =>
      ids(
        await search(table, "plain", [0, 0, 0], {
          SearchConditionExpression: "tenant = :t",
          ExpressionAttributeValues: { ":t": S("t") },
        }),
      );
    await put(table, "x", { tenant: S("t"), emb: vec(1, 2, 3) });
    await put(table, "y", { tenant: S("t"), emb: vec(0, 0, 1) });
    expect(await find()).toEqual(["y", "x"]);
    await ok("UpdateItem", { TableName: table, Key: { id: S("y") }, UpdateExpression: "REMOVE emb" });
    expect(await find()).toEqual(["x"]);
    await ok("UpdateItem", {
      TableName: table,
      Key: { id: S("y") },
      UpdateExpression: "SET emb = :v",
      ExpressionAttributeValues: { ":v": vec(0, 0, 0) },
    });
    expect(await find()).toEqual(["y", "x"]);
    await ok("DeleteItem", { TableName: table, Key: { id: S("x") } });
    expect(await find()).toEqual(["y"]);
  });

  it("RestoreTableFromBackup: the restored table keeps its vector index, filled; PartiQL cannot read one", async () => {
    const table = uniqueName("vec");
    await vectorTable(table, [index("cos", "COSINE")]);
    await fourItems(table);
    const backup = (await ok("CreateBackup", { TableName: table, BackupName: "vec-backup" })).BackupDetails as Json;
    await until(async () => {
      const described = (await ok("DescribeBackup", { BackupArn: backup.BackupArn })).BackupDescription as Json;
      const details = described.BackupDetails as Json;
      const features = (described.SourceTableFeatureDetails as Json).VectorIndexes;
      expect(features).toEqual([
        {
          IndexName: "cos",
          VectorAttribute: { AttributeName: "emb" },
          Projection: { ProjectionType: "ALL" },
          Dimensions: 3,
          DistanceFunction: "COSINE",
        },
      ]);
      return details.BackupStatus === "AVAILABLE";
    }, "backup AVAILABLE");
    const restored = uniqueName("vec-restored");
    await ok("RestoreTableFromBackup", { TargetTableName: restored, BackupArn: backup.BackupArn });
    await until(
      async () => ((await ok("DescribeTable", { TableName: restored })).Table as Json).TableStatus === "ACTIVE",
      "restored table ACTIVE",
    );
    expect(ids(await search(restored, "cos", [1, 0, 0]))).toEqual(["same", "diag", "orth", "back"]);
    expect(await fails("ExecuteStatement", { Statement: `SELECT * FROM "${table}"."cos"` })).toEqual([
      V,
      "Scan operation not supported on this index type",
    ]);
  });

  it("TransactWriteItems: an item whose vector breaks an index cancels the transaction before anything is written", async () => {
    const table = uniqueName("vec");
    await vectorTable(table, [index("cos", "COSINE")]);
    // Over several partitions the two items may live in two objects: the check is part of
    // each one's prepare, never of a commit that others may already have made.
    const result = await wire("TransactWriteItems", {
      TransactItems: [
        { Put: { TableName: table, Item: { id: S("good"), emb: vec(1, 0, 0) } } },
        { Put: { TableName: table, Item: { id: S("bad"), emb: vec(1, 0) } } },
      ],
    });
    expect(result.status).toBe(400);
    expect(result.body.__type).toBe("com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
    expect(result.body.CancellationReasons).toEqual([
      { Code: "None" },
      {
        Code: "ValidationError",
        Message:
          "One or more parameter values were invalid. Invalid size for parameter emb, Expected: 3, Actual: 2 IndexName: cos",
      },
    ]);
    expect((await ok("GetItem", { TableName: table, Key: { id: S("good") } })).Item).toBeUndefined();
  });

  it("UpdateTable: a vector index added to a populated table is searchable once its backfill ends; deleting it removes it", async () => {
    const table = uniqueName("vec");
    await ok("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    for (let i = 0; i < 250; i++) await put(table, `i${String(i).padStart(3, "0")}`, { emb: vec(i, 1, 0) });
    await put(table, "bad", { emb: vec(1, 2) }); // not 3 numbers: skipped by the backfill
    const updated = (
      await ok("UpdateTable", {
        TableName: table,
        VectorIndexUpdates: [{ Create: index("late", "EUCLIDEAN") }],
      })
    ).TableDescription as Json;
    expect(updated.TableStatus).toBe("UPDATING");
    expect((updated.VectorIndexes as Json[])[0]).toMatchObject({ IndexName: "late", IndexStatus: "CREATING" });
    // One online index change per call (and per table while one builds).
    expect(
      await fails("UpdateTable", {
        TableName: table,
        VectorIndexUpdates: [{ Create: index("later", "COSINE") }, { Delete: { IndexName: "late" } }],
      }),
    ).toEqual([
      "LimitExceededException",
      "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
    ]);
    await until(async () => {
      const t = (await ok("DescribeTable", { TableName: table })).Table as Json;
      const described = (t.VectorIndexes as Json[])[0] as Json;
      return described.IndexStatus === "ACTIVE" && !("Backfilling" in described) && described.ItemCount === 250;
    }, "index late ACTIVE");
    const found = await search(table, "late", [100.4, 1, 0], { TopK: 3 });
    expect(ids(found)).toEqual(["i100", "i101", "i099"]);
    expect(scores(found)).toEqual([100, 101, 99].map((x) => Math.fround(Math.abs(Math.fround(100.4) - x))));
    expect(
      await fails("UpdateTable", { TableName: table, VectorIndexUpdates: [{ Delete: { IndexName: "nope" } }] }),
    ).toEqual(["ResourceNotFoundException", `Requested resource not found: Index nope for table ${table}`]);
    await ok("UpdateTable", { TableName: table, VectorIndexUpdates: [{ Delete: { IndexName: "late" } }] });
    expect(((await ok("DescribeTable", { TableName: table })).Table as Json).VectorIndexes).toBeUndefined();
    expect(
      await fails("SearchVectors", {
        TableName: table,
        IndexName: "late",
        SearchVector: [N("1"), N("1"), N("0")],
        TopK: 1,
      }),
    ).toEqual([V, "The table does not have the specified index: late"]);
  });
});
