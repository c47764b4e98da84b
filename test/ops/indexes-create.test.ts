// CreateTable with local and global secondary indexes: DynamoDB's checks on the index
// definitions, the descriptions, and the index rows and counters every write keeps.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { query, queryIn, tableArn, tableDescription, tableShard } from "../support/tables";
import { fails, ok, uniqueName } from "../support/wire";
import { itInOneObject } from "../support/doors";

const V = "ValidationException";
const INVALID = "One or more parameter values were invalid: ";
const NOT_NULL = "failed to satisfy constraint: Member must not be null";

type Json = Record<string, unknown>;

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const def = (name: string, type = "S") => ({ AttributeName: name, AttributeType: type });
const hash = (name: string) => ({ AttributeName: name, KeyType: "HASH" });
const range = (name: string) => ({ AttributeName: name, KeyType: "RANGE" });
const ALL = { ProjectionType: "ALL" };
const KEYS_ONLY = { ProjectionType: "KEYS_ONLY" };

/** A pk/sk table request; `extra` members replace or add to it. */
function table(extra: Json = {}): Json {
  return {
    TableName: uniqueName("idx"),
    AttributeDefinitions: [def("pk"), def("sk")],
    KeySchema: [hash("pk"), range("sk")],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

/** A pk/sk table with one GSI on `gk` (and `extra` on the index). */
function withGsi(index: Json = {}, extra: Json = {}): Json {
  return table({
    AttributeDefinitions: [def("pk"), def("sk"), def("gk")],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [hash("gk")], Projection: ALL, ...index }],
    ...extra,
  });
}

/** A pk/sk table with one LSI on `lk` (and `extra` on the index). */
function withLsi(index: Json = {}, extra: Json = {}): Json {
  return table({
    AttributeDefinitions: [def("pk"), def("sk"), def("lk")],
    LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: [hash("pk"), range("lk")], Projection: ALL, ...index }],
    ...extra,
  });
}

/** The index ids of a table, by index name (from the catalogue row). */
async function indexIds(name: string): Promise<Record<string, number>> {
  const [row] = await query<{ def: string }>(name, "SELECT def FROM tables WHERE name = ?", name);
  const parsed = JSON.parse(row?.def ?? "{}") as { indexes?: { name: string; iid: number }[] };
  return Object.fromEntries((parsed.indexes ?? []).map((i) => [i.name, i.iid]));
}

/** Rows and bytes actually stored for an index in `object`, and what index_stats says. */
async function indexRows(
  object: DurableObjectStub,
  iid: number,
): Promise<{ rows: number; bytes: number; stats: [number, number] }> {
  const [actual] = await queryIn<{ n: number; b: number | null }>(
    object,
    "SELECT COUNT(*) AS n, SUM(size) AS b FROM index_items WHERE iid = ?",
    iid,
  );
  const [stats] = await queryIn<{ item_count: number; size_bytes: number }>(
    object,
    "SELECT item_count, size_bytes FROM index_stats WHERE iid = ?",
    iid,
  );
  return {
    rows: actual?.n ?? 0,
    bytes: actual?.b ?? 0,
    stats: [stats?.item_count ?? 0, stats?.size_bytes ?? 0],
  };
}

function indexesOf(description: Json, kind: "LocalSecondaryIndexes" | "GlobalSecondaryIndexes"): Record<string, Json> {
  return Object.fromEntries(((description[kind] as Json[] | undefined) ?? []).map((i) => [i.IndexName as string, i]));
}

async function put(tableName: string, item: Json): Promise<void> {
  await ok("PutItem", { TableName: tableName, Item: item });
}

describe("CreateTable with secondary indexes", () => {
  describe("validations", () => {
    it("CreateTable: checks index names against the name constraints", async () => {
      const long = "a".repeat(256);
      const input = withLsi(
        {},
        {
          LocalSecondaryIndexes: [
            { IndexName: "h;", KeySchema: [], Projection: ALL },
            { IndexName: long, KeySchema: [hash("pk"), range("lk")], Projection: ALL },
          ],
        },
      );
      expect(await fails("CreateTable", input)).toEqual([
        V,
        "4 validation errors detected: " +
          "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
          "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
          "Value '[]' at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          `Value '${long}' at 'localSecondaryIndexes.2.member.indexName' failed to satisfy constraint: Member must have length less than or equal to 255`,
      ]);
    });

    it("CreateTable: checks a GSI's throughput members, naming writeCapacityUnits first", async () => {
      const input = withGsi(
        { ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } },
        { BillingMode: undefined, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      );
      expect(await fails("CreateTable", input)).toEqual([
        V,
        "2 validation errors detected: " +
          "Value '0' at 'globalSecondaryIndexes.1.member.provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
          "Value '0' at 'globalSecondaryIndexes.1.member.provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    it("CreateTable: checks a projection's members, projectionType first", async () => {
      const input = withLsi({ Projection: { ProjectionType: "abc", NonKeyAttributes: [] } });
      expect(await fails("CreateTable", input)).toEqual([
        V,
        "2 validation errors detected: " +
          "Value 'abc' at 'localSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]; " +
          "Value '[]' at 'localSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("CreateTable: allows at most 20 NonKeyAttributes on one index", async () => {
      const names = Array.from({ length: 21 }, (_, i) => `a${i}`);
      const input = withGsi({ Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: names } });
      expect(await fails("CreateTable", input)).toEqual([
        V,
        `1 validation error detected: Value '[${names.join(", ")}]' at 'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length less than or equal to 20`,
      ]);
    });

    it("CreateTable: allows an LSI key schema of at most 2 elements", async () => {
      const input = withLsi({ KeySchema: [hash("pk"), range("lk"), range("sk")] });
      const [type, message] = await fails("CreateTable", input);
      expect(type).toBe(V);
      expect(message).toMatch(
        /^1 validation error detected: Value '\[.*\]' at 'localSecondaryIndexes\.1\.member\.keySchema' failed to satisfy constraint: Member must have length less than or equal to 2$/,
      );
    });

    it("CreateTable: rejects an empty index list", async () => {
      expect(await fails("CreateTable", table({ LocalSecondaryIndexes: [] }))).toEqual([
        V,
        `${INVALID}List of LocalSecondaryIndexes is empty`,
      ]);
      expect(await fails("CreateTable", table({ GlobalSecondaryIndexes: [] }))).toEqual([
        V,
        `${INVALID}List of GlobalSecondaryIndexes is empty`,
      ]);
    });

    it("CreateTable: checks an empty index list before the number of AttributeDefinitions", async () => {
      const input = table({ AttributeDefinitions: [def("pk"), def("sk")], KeySchema: [hash("pk")] });
      expect(await fails("CreateTable", { ...input, LocalSecondaryIndexes: [] })).toEqual([
        V,
        `${INVALID}List of LocalSecondaryIndexes is empty`,
      ]);
    });

    it("CreateTable: rejects an LSI on a table without a sort key", async () => {
      const input = withLsi({}, { KeySchema: [hash("pk")], AttributeDefinitions: [def("pk"), def("lk")] });
      expect(await fails("CreateTable", input)).toEqual([
        V,
        `${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
      ]);
    });

    it("CreateTable: rejects an index key attribute missing from AttributeDefinitions, listing the index's keys", async () => {
      const lsi = withLsi({}, { AttributeDefinitions: [def("pk"), def("sk")] });
      expect(await fails("CreateTable", lsi)).toEqual([
        V,
        `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [pk, lk], AttributeDefinitions: [pk, sk]`,
      ]);
      const gsi = withGsi({ KeySchema: [hash("gk"), range("other")] });
      expect(await fails("CreateTable", gsi)).toEqual([
        V,
        `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [gk, other], AttributeDefinitions: [pk, sk, gk]`,
      ]);
    });

    it("CreateTable: checks an LSI's key schema", async () => {
      const cases: [Json[], string][] = [
        [[hash("pk"), range("pk")], "Both the Hash Key and the Range Key element in the KeySchema have the same name"],
        [[range("lk")], "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"],
        [[hash("pk"), hash("lk")], "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"],
        [[hash("pk")], `${INVALID}Index KeySchema does not have a range key for index: byL`],
        [
          [hash("lk"), range("pk")],
          `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: byL. index hash key: lk, table hash key: pk`,
        ],
      ];
      for (const [keySchema, message] of cases) {
        expect(await fails("CreateTable", withLsi({ KeySchema: keySchema }))).toEqual([V, message]);
      }
    });

    it("CreateTable: checks a GSI's key schema", async () => {
      const cases: [Json[], string][] = [
        [[hash("gk"), range("gk")], "Both the Hash Key and the Range Key element in the KeySchema have the same name"],
        [[range("gk")], "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"],
        [[range("gk"), hash("pk")], "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"],
        [
          [hash("gk"), range("sk"), hash("pk")],
          `${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`,
        ],
      ];
      for (const [keySchema, message] of cases) {
        expect(await fails("CreateTable", withGsi({ KeySchema: keySchema }))).toEqual([V, message]);
      }
    });

    it("CreateTable: rejects AttributeDefinitions naming an attribute no key uses, listing the keys used", async () => {
      // DynamoDB's own example (ack-api-quirks DDB-TABLE-127): definitions in the order sent,
      // keys used in its (hash set) order.
      const input = table({
        AttributeDefinitions: [def("sk"), def("a"), def("b"), def("pk"), def("c")],
        GlobalSecondaryIndexes: [{ IndexName: "byA", KeySchema: [hash("a")], Projection: ALL }],
      });
      const message = `${INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [sk, a, b, pk, c], keys used: [a, sk, pk]`;
      expect(await fails("CreateTable", input)).toEqual([V, message]);
      // That check comes before the projection's.
      const index = { IndexName: "byA", KeySchema: [hash("a")], Projection: {} };
      expect(await fails("CreateTable", { ...input, GlobalSecondaryIndexes: [index] })).toEqual([V, message]);
    });

    it("CreateTable: checks projections", async () => {
      const cases: [Json, string][] = [
        [{}, `${INVALID}Unknown ProjectionType: null`],
        [{ NonKeyAttributes: ["a"] }, `${INVALID}Unknown ProjectionType: null`],
        [
          { ProjectionType: "ALL", NonKeyAttributes: ["a"] },
          `${INVALID}ProjectionType is ALL, but NonKeyAttributes is specified`,
        ],
        [
          { ProjectionType: "KEYS_ONLY", NonKeyAttributes: ["a"] },
          `${INVALID}ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified`,
        ],
        [{ ProjectionType: "INCLUDE" }, `${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`],
        [
          { ProjectionType: "INCLUDE", NonKeyAttributes: ["a", "b", "a"] },
          `${INVALID}Duplicate element in NonKeyAttributes: a`,
        ],
      ];
      for (const [projection, message] of cases) {
        expect(await fails("CreateTable", withLsi({ Projection: projection }))).toEqual([V, message]);
        expect(await fails("CreateTable", withGsi({ Projection: projection }))).toEqual([V, message]);
      }
    });

    it("CreateTable: rejects a missing Projection", async () => {
      const input = withGsi();
      const index = { IndexName: "byG", KeySchema: [hash("gk")] };
      expect(await fails("CreateTable", { ...input, GlobalSecondaryIndexes: [index] })).toEqual([
        V,
        `1 validation error detected: Value null at 'globalSecondaryIndexes.1.member.projection' ${NOT_NULL}`,
      ]);
    });

    it("CreateTable: gates a GSI's throughput by the billing mode", async () => {
      const onDemand = withGsi({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
      expect(await fails("CreateTable", onDemand)).toEqual([
        V,
        `${INVALID}ProvisionedThroughput should not be specified for index: byG when BillingMode is PAY_PER_REQUEST`,
      ]);
      const provisioned = withGsi(
        {},
        { BillingMode: undefined, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      );
      expect(await fails("CreateTable", provisioned)).toEqual([
        V,
        `${INVALID}ProvisionedThroughput is not specified for index: byG`,
      ]);
    });

    it("CreateTable: rejects the same index name twice, across LSIs and GSIs", async () => {
      const input = table({
        AttributeDefinitions: [def("pk"), def("sk"), def("gk")],
        LocalSecondaryIndexes: [{ IndexName: "dup", KeySchema: [hash("pk"), range("gk")], Projection: ALL }],
        GlobalSecondaryIndexes: [{ IndexName: "dup", KeySchema: [hash("gk")], Projection: ALL }],
      });
      expect(await fails("CreateTable", input)).toEqual([V, `${INVALID}Duplicate index name: dup`]);
    });

    it("CreateTable: allows at most 5 LSIs and 20 GSIs", async () => {
      const lsis = Array.from({ length: 6 }, (_, i) => ({
        IndexName: `lsi${i}`,
        KeySchema: [hash("pk"), range("lk")],
        Projection: ALL,
      }));
      expect(await fails("CreateTable", withLsi({}, { LocalSecondaryIndexes: lsis }))).toEqual([
        V,
        `${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of 5`,
      ]);
      const gsis = Array.from({ length: 21 }, (_, i) => ({
        IndexName: `gsi${i}`,
        KeySchema: [hash("gk")],
        Projection: ALL,
      }));
      expect(await fails("CreateTable", withGsi({}, { GlobalSecondaryIndexes: gsis }))).toEqual([
        V,
        `${INVALID}GlobalSecondaryIndex count exceeds the per-table limit of 20`,
      ]);
    });

    it("CreateTable: allows at most 100 NonKeyAttributes summed over the indexes", async () => {
      const gsis = Array.from({ length: 6 }, (_, i) => ({
        IndexName: `gsi${i}`,
        KeySchema: [hash("gk")],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: Array.from({ length: 17 }, (_, j) => `a${j}`) },
      }));
      expect(await fails("CreateTable", withGsi({}, { GlobalSecondaryIndexes: gsis }))).toEqual([
        V,
        `${INVALID}Number of projected attributes in all indexes exceeds limit of 100, number of projected attributes:102`,
      ]);
      // 100 exactly is accepted (the same name in two indexes counts twice).
      gsis[5]!.Projection.NonKeyAttributes = Array.from({ length: 15 }, (_, j) => `a${j}`);
      await ok("CreateTable", withGsi({}, { GlobalSecondaryIndexes: gsis }));
    });

    it("CreateTable: creates nothing when an index is rejected", async () => {
      const input = withGsi({ Projection: {} });
      expect((await fails("CreateTable", input))[0]).toBe(V);
      expect(await fails("DescribeTable", { TableName: input.TableName })).toEqual([
        "ResourceNotFoundException",
        `Requested resource not found: Table: ${input.TableName as string} not found`,
      ]);
    });
  });

  describe("functionality", () => {
    it("CreateTable: describes LSIs and GSIs, ACTIVE at once, in the order sent", async () => {
      const input = table({
        AttributeDefinitions: [def("pk"), def("sk"), def("lk", "N"), def("gk"), def("gs", "B")],
        LocalSecondaryIndexes: [
          {
            IndexName: "byL",
            KeySchema: [hash("pk"), range("lk")],
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["zz", "aa", "mm"] },
          },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: "byG", KeySchema: [hash("gk"), range("gs")], Projection: ALL },
          { IndexName: "a.keys-only_", KeySchema: [hash("sk")], Projection: KEYS_ONLY },
        ],
      });
      const name = input.TableName as string;
      const created = (await ok("CreateTable", input)).TableDescription as Json;
      const arn = tableArn(name);
      const onDemand = { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
      expect(created.TableStatus).toBe("ACTIVE");
      expect(created.AttributeDefinitions).toEqual(input.AttributeDefinitions);
      expect(created.LocalSecondaryIndexes).toEqual([
        {
          IndexName: "byL",
          KeySchema: [hash("pk"), range("lk")],
          // Sorted by name, as DynamoDB returns them.
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["aa", "mm", "zz"] },
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: `${arn}/index/byL`,
        },
      ]);
      expect(created.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: "byG",
          KeySchema: [hash("gk"), range("gs")],
          Projection: ALL,
          IndexStatus: "ACTIVE",
          ProvisionedThroughput: onDemand,
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: `${arn}/index/byG`,
        },
        {
          IndexName: "a.keys-only_",
          KeySchema: [hash("sk")],
          Projection: KEYS_ONLY,
          IndexStatus: "ACTIVE",
          ProvisionedThroughput: onDemand,
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: `${arn}/index/a.keys-only_`,
        },
      ]);
      // No Backfilling member: indexes created with the table are never backfilled.
      expect(created.GlobalSecondaryIndexes as Json[]).not.toContainEqual(
        expect.objectContaining({ Backfilling: expect.anything() as unknown }),
      );
      expect(await tableDescription(name)).toEqual(created);
    });

    it("CreateTable: gives a provisioned table's GSIs their own throughput", async () => {
      const input = withGsi(
        { ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } },
        { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 } },
      );
      const created = (await ok("CreateTable", input)).TableDescription as Json;
      expect(indexesOf(created, "GlobalSecondaryIndexes").byG?.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 3,
        WriteCapacityUnits: 4,
      });
      expect(created.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 1,
        WriteCapacityUnits: 2,
      });
    });

    it("CreateTable: accepts an LSI on the table's own sort key and a GSI on the table's own key", async () => {
      const input = table({
        LocalSecondaryIndexes: [{ IndexName: "same", KeySchema: [hash("pk"), range("sk")], Projection: KEYS_ONLY }],
        GlobalSecondaryIndexes: [{ IndexName: "mirror", KeySchema: [hash("pk"), range("sk")], Projection: ALL }],
      });
      await ok("CreateTable", input);
      await put(input.TableName as string, { pk: S("a"), sk: S("1") });
      const described = await tableDescription(input.TableName as string);
      expect(indexesOf(described, "LocalSecondaryIndexes").same?.ItemCount).toBe(1);
      expect(indexesOf(described, "GlobalSecondaryIndexes").mirror?.ItemCount).toBe(1);
    });

    it("CreateTable: every write keeps index counts and sizes, projections and sparseness included", async () => {
      const input = table({
        AttributeDefinitions: [def("pk"), def("sk"), def("gk"), def("lk")],
        LocalSecondaryIndexes: [
          {
            IndexName: "byL",
            KeySchema: [hash("pk"), range("lk")],
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
          },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: "all", KeySchema: [hash("gk")], Projection: ALL },
          { IndexName: "keys", KeySchema: [hash("gk"), range("sk")], Projection: KEYS_ONLY },
        ],
      });
      const name = input.TableName as string;
      await ok("CreateTable", input);
      // Sizes: attribute name bytes + string value bytes.
      await put(name, { pk: S("p1"), sk: S("s1"), gk: S("g1"), lk: S("l1"), title: S("hello"), body: S("xyz") }); // 4*4 + 10 + 7 = 33
      await put(name, { pk: S("p1"), sk: S("s2"), gk: S("g1"), title: S("t") }); // 12 + 6 = 18, no lk
      await put(name, { pk: S("p2"), sk: S("s1"), lk: S("l2") }); // 12, no gk
      await put(name, { pk: S("p3"), sk: S("s1") }); // in no index
      let described = await tableDescription(name);
      expect([described.ItemCount, described.TableSizeBytes]).toEqual([4, 33 + 18 + 12 + 8]);
      let global = indexesOf(described, "GlobalSecondaryIndexes");
      let local = indexesOf(described, "LocalSecondaryIndexes");
      expect([global.all?.ItemCount, global.all?.IndexSizeBytes]).toEqual([2, 33 + 18]);
      // KEYS_ONLY: pk, sk, gk.
      expect([global.keys?.ItemCount, global.keys?.IndexSizeBytes]).toEqual([2, 12 + 12]);
      // INCLUDE title: pk, sk, lk (+ title where present).
      expect([local.byL?.ItemCount, local.byL?.IndexSizeBytes]).toEqual([2, 22 + 12]);

      // Moving an item out of an index, changing its key, deleting it.
      await ok("UpdateItem", {
        TableName: name,
        Key: { pk: S("p1"), sk: S("s2") },
        UpdateExpression: "REMOVE gk SET lk = :l",
        ExpressionAttributeValues: { ":l": S("l3") },
      });
      await ok("UpdateItem", {
        TableName: name,
        Key: { pk: S("p1"), sk: S("s1") },
        UpdateExpression: "SET gk = :g",
        ExpressionAttributeValues: { ":g": S("g22") },
      });
      await ok("DeleteItem", { TableName: name, Key: { pk: S("p2"), sk: S("s1") } });
      described = await tableDescription(name);
      global = indexesOf(described, "GlobalSecondaryIndexes");
      local = indexesOf(described, "LocalSecondaryIndexes");
      expect([global.all?.ItemCount, global.all?.IndexSizeBytes]).toEqual([1, 34]);
      expect([global.keys?.ItemCount, global.keys?.IndexSizeBytes]).toEqual([1, 13]);
      // p1/s1 (pk sk lk title = 22) and p1/s2 now with lk (pk sk lk title = 4+4+4+6 = 18).
      expect([local.byL?.ItemCount, local.byL?.IndexSizeBytes]).toEqual([2, 22 + 18]);

      // The counters agree with the rows stored.
      const ids = await indexIds(name);
      const object = await tableShard(name);
      for (const index of ["all", "keys", "byL"]) {
        const { rows, bytes, stats } = await indexRows(object, ids[index]!);
        expect(stats).toEqual([rows, bytes]);
      }
    });

    it("PutItem: rejects an index key of the wrong type, naming the index", async () => {
      const input = withGsi();
      const name = input.TableName as string;
      await ok("CreateTable", input);
      expect(await fails("PutItem", { TableName: name, Item: { pk: S("a"), sk: S("1"), gk: N("5") } })).toEqual([
        V,
        `${INVALID}Type mismatch for Index Key gk Expected: S Actual: N IndexName: byG`,
      ]);
      const lsi = withLsi({}, { AttributeDefinitions: [def("pk"), def("sk"), def("lk", "N")] });
      await ok("CreateTable", lsi);
      expect(
        await fails("PutItem", { TableName: lsi.TableName, Item: { pk: S("a"), sk: S("1"), lk: S("x") } }),
      ).toEqual([V, `${INVALID}Type mismatch for Index Key lk Expected: N Actual: S IndexName: byL`]);
      expect((await tableDescription(name)).ItemCount).toBe(0);
    });

    it("PutItem: rejects an empty string as an index key", async () => {
      const input = withGsi();
      const name = input.TableName as string;
      await ok("CreateTable", input);
      expect(await fails("PutItem", { TableName: name, Item: { pk: S("a"), sk: S("1"), gk: S("") } })).toEqual([
        V,
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byG, IndexKey: gk",
      ]);
      const described = await tableDescription(name);
      expect(described.ItemCount).toBe(0);
      expect(indexesOf(described, "GlobalSecondaryIndexes").byG?.ItemCount).toBe(0);
    });

    itInOneObject("DeleteTable: describes the table without its indexes and purges their rows", async () => {
      const input = withGsi();
      const name = input.TableName as string;
      await ok("CreateTable", input);
      for (let i = 0; i < 5; i++) await put(name, { pk: S(`p${i}`), sk: S("s"), gk: S("g") });
      const { byG } = await indexIds(name);
      const object = await tableShard(name);
      expect((await indexRows(object, byG!)).rows).toBe(5);
      const deleted = (await ok("DeleteTable", { TableName: name })).TableDescription as Json;
      expect(deleted.TableStatus).toBe("DELETING");
      expect(deleted).not.toHaveProperty("GlobalSecondaryIndexes");
      // The rows go in chunks from the object's alarm (which may also run by itself).
      for (let i = 0; i < 50 && (await indexRows(object, byG!)).rows > 0; i++) {
        if (!(await runDurableObjectAlarm(object))) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await indexRows(object, byG!)).toEqual({ rows: 0, bytes: 0, stats: [0, 0] });
      expect(await queryIn(object, "SELECT iid FROM dropped_indexes WHERE iid = ?", byG)).toEqual([]);
    });
  });
});
