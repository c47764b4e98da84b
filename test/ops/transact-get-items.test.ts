import { beforeAll, describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName, wire } from "../support/wire";
import { itOneShardOnly } from "../support/doors";

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });

describe("TransactGetItems", () => {
  // The first request starts the Worker and the shard; on a busy machine that alone can
  // take longer than a test's 5 s.
  beforeAll(async () => {
    await ok("ListTables", {});
  }, 60_000);

  describe("validations", () => {
    it("TransactGetItems: rejects a missing TransactItems", async () => {
      expect(await fails("TransactGetItems", { ReturnConsumedCapacity: "hi" })).toEqual([
        "ValidationException",
        "2 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: " +
          "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
          "Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("TransactGetItems: rejects an empty TransactItems", async () => {
      expect(await fails("TransactGetItems", { TransactItems: [] })).toEqual([
        "ValidationException",
        "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("TransactGetItems: rejects more than 100 Gets", async () => {
      const items = Array.from({ length: 101 }, (_, i) => ({ Get: { TableName: "abc", Key: { id: S(String(i)) } } }));
      const [type, message] = await fails("TransactGetItems", { TransactItems: items });
      expect(type).toBe("ValidationException");
      expect(message).toMatch(
        /^1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
      );
    });

    it("TransactGetItems: reports a missing Get and its missing members", async () => {
      expect(await fails("TransactGetItems", { TransactItems: [{}, { Get: {} }] })).toEqual([
        "ValidationException",
        "3 validation errors detected: Value null at 'transactItems.1.member.get' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'transactItems.2.member.get.key' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'transactItems.2.member.get.tableName' failed to satisfy constraint: Member must not be null",
      ]);
      expect(
        await fails("TransactGetItems", { TransactItems: [{ Get: { TableName: "abc", Key: { id: S("a") } } }, null] }),
      ).toEqual([
        "ValidationException",
        "1 validation error detected: Value null at 'transactItems.2.member.get' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("TransactGetItems: rejects a bad ProjectionExpression before looking at tables", async () => {
      expect(
        await fails("TransactGetItems", {
          TransactItems: [
            { Get: { TableName: uniqueName("missing"), Key: { id: S("a") }, ProjectionExpression: "!!!" } },
          ],
        }),
      ).toEqual(["ValidationException", 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"']);
      expect(
        await fails("TransactGetItems", {
          TransactItems: [{ Get: { TableName: "abc", Key: { id: S("a") }, ExpressionAttributeNames: { "#a": "a" } } }],
        }),
      ).toEqual(["ValidationException", "ExpressionAttributeNames can only be specified when using expressions"]);
    });

    it("TransactGetItems: a missing table is ResourceNotFoundException", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(
        await fails("TransactGetItems", {
          TransactItems: [
            { Get: { TableName: table, Key: { id: S("1") } } },
            { Get: { TableName: uniqueName("missing"), Key: { id: S("1") } } },
          ],
        }),
      ).toEqual(["ResourceNotFoundException", "Requested resource not found"]);
    });

    it("TransactGetItems: rejects two Gets of one item", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      expect(
        await fails("TransactGetItems", {
          TransactItems: [
            { Get: { TableName: table, Key: { pk: S("a"), sk: S("b") } } },
            { Get: { TableName: table, Key: { sk: S("b"), pk: S("a") }, ProjectionExpression: "pk" } },
          ],
        }),
      ).toEqual(["ValidationException", "Transaction request cannot include multiple operations on one item"]);
    });

    it("TransactGetItems: an empty key value is a plain ValidationException", async () => {
      const table = uniqueName();
      await createHashTable(table);
      expect(
        await fails("TransactGetItems", { TransactItems: [{ Get: { TableName: table, Key: { id: S("") } } }] }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id",
      ]);
    });

    it("TransactGetItems: a key that does not fit the schema cancels with a ValidationError reason", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const result = await wire("TransactGetItems", {
        TransactItems: [
          { Get: { TableName: table, Key: { id: S("fine") } } },
          { Get: { TableName: table, Key: {} } },
          { Get: { TableName: table, Key: { id: N("1") } } },
        ],
      });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        CancellationReasons: [
          { Code: "None" },
          { Code: "ValidationError", Message: "The provided key element does not match the schema" },
          { Code: "ValidationError", Message: "The provided key element does not match the schema" },
        ],
        Message:
          "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ValidationError, ValidationError]",
      });
    });
  });

  describe("functionality", () => {
    it("TransactGetItems: answers in request order across tables, {} for a missing item", async () => {
      const hash = uniqueName();
      const range = uniqueName();
      await createHashTable(hash);
      await createHashRangeTable(range);
      await ok("PutItem", { TableName: hash, Item: { id: S("1"), v: N("1") } });
      await ok("PutItem", { TableName: hash, Item: { id: S("2"), v: N("2") } });
      await ok("PutItem", { TableName: range, Item: { pk: S("p"), sk: S("s"), v: N("3") } });
      expect(
        await ok("TransactGetItems", {
          TransactItems: [
            { Get: { TableName: hash, Key: { id: S("2") } } },
            { Get: { TableName: range, Key: { pk: S("p"), sk: S("s") } } },
            { Get: { TableName: hash, Key: { id: S("none") } } },
            { Get: { TableName: hash, Key: { id: S("1") } } },
          ],
        }),
      ).toEqual({
        Responses: [
          { Item: { id: S("2"), v: N("2") } },
          { Item: { pk: S("p"), sk: S("s"), v: N("3") } },
          {},
          { Item: { id: S("1"), v: N("1") } },
        ],
      });
    });

    it("TransactGetItems: projects each Get on its own", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", {
        TableName: table,
        Item: { id: S("a"), name: S("n"), m: { M: { x: N("1"), y: N("2") } }, l: { L: [S("0"), S("1")] } },
      });
      await ok("PutItem", { TableName: table, Item: { id: S("b"), name: S("b-name") } });
      expect(
        await ok("TransactGetItems", {
          TransactItems: [
            {
              Get: {
                TableName: table,
                Key: { id: S("a") },
                ProjectionExpression: "#n, m.y, l[1]",
                ExpressionAttributeNames: { "#n": "name" },
              },
            },
            { Get: { TableName: table, Key: { id: S("b") }, ProjectionExpression: "absent" } },
          ],
        }),
      ).toEqual({
        Responses: [{ Item: { name: S("n"), m: { M: { y: N("2") } }, l: { L: [S("1")] } } }, { Item: {} }],
      });
    });

    it("TransactGetItems: ConsumedCapacity, two units per 4 KB read, a missing item included", async () => {
      const one = uniqueName();
      const two = uniqueName();
      await createHashTable(one);
      await createHashTable(two);
      await ok("PutItem", { TableName: one, Item: { id: S("a") } });
      // 2 + 1 + 1 + 4093 = 4097 bytes: two 4 KB units.
      await ok("PutItem", { TableName: two, Item: { id: S("b"), d: S("x".repeat(4093)) } });
      const request = {
        TransactItems: [
          { Get: { TableName: one, Key: { id: S("a") } } },
          { Get: { TableName: one, Key: { id: S("none") } } },
          { Get: { TableName: two, Key: { id: S("b") } } },
        ],
      };
      expect((await ok("TransactGetItems", { ...request, ReturnConsumedCapacity: "TOTAL" })).ConsumedCapacity).toEqual([
        { TableName: one, CapacityUnits: 4, ReadCapacityUnits: 4 },
        { TableName: two, CapacityUnits: 4, ReadCapacityUnits: 4 },
      ]);
      expect(
        (await ok("TransactGetItems", { ...request, ReturnConsumedCapacity: "INDEXES" })).ConsumedCapacity,
      ).toEqual([
        { TableName: one, CapacityUnits: 4, ReadCapacityUnits: 4, Table: { CapacityUnits: 4, ReadCapacityUnits: 4 } },
        { TableName: two, CapacityUnits: 4, ReadCapacityUnits: 4, Table: { CapacityUnits: 4, ReadCapacityUnits: 4 } },
      ]);
    });

    // Known gap on 4 shards: a cross-shard TransactGetItems locks its items while it reads, so
    // concurrent transactions meet TransactionConflict (as DynamoDB's may; this test does not retry).
    itOneShardOnly("TransactGetItems: reads every item at one point in time while writes run", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const ids = ["a", "b", "c", "d"];
      for (const id of ids) await ok("PutItem", { TableName: table, Item: { id: S(id), gen: N("0") } });
      // Each write transaction moves every item to the next generation at once.
      const bump = (gen: number) =>
        ok("TransactWriteItems", {
          TransactItems: ids.map((id) => ({
            Update: {
              TableName: table,
              Key: { id: S(id) },
              UpdateExpression: "SET gen = :g",
              ExpressionAttributeValues: { ":g": N(String(gen)) },
            },
          })),
        });
      const read = async () => {
        const out = await ok("TransactGetItems", {
          TransactItems: ids.map((id) => ({ Get: { TableName: table, Key: { id: S(id) } } })),
        });
        return new Set((out.Responses as { Item: { gen: { N: string } } }[]).map((r) => r.Item.gen.N));
      };
      const work: Promise<unknown>[] = [];
      for (let gen = 1; gen <= 25; gen++) {
        work.push(bump(gen));
        work.push(read());
      }
      const generations = (await Promise.all(work)).filter((r): r is Set<string> => r instanceof Set);
      expect(generations).toHaveLength(25);
      for (const seen of generations) expect(seen.size).toBe(1);
    });
  });
});
