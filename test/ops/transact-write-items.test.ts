import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { dispatch } from "../../src/engine/dispatch";
import { DynamoError } from "../../src/errors";
import type { OpContext } from "../../src/ops/operation";
import { planFor } from "../../src/ops/write-plans";
import { Catalogue } from "../../src/storage/catalogue";
import { VectorStore } from "../../src/storage/vector-store";
import { IndexStore } from "../../src/storage/index-store";
import { ItemStore } from "../../src/storage/items";
import { Sql } from "../../src/storage/sql";
import { LocalParticipant } from "../../src/ops/transactions/participant";
import type { Item } from "../../src/types";
import { tableShard } from "../support/tables";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName, wire } from "../support/wire";
import { itInOneObject, itOneShardOnly } from "../support/doors";

const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });

const CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons";
const CCF = { Code: "ConditionalCheckFailed", Message: "The conditional request failed" };
const NONE = { Code: "None" };

async function get(table: string, key: Record<string, unknown>): Promise<unknown> {
  return (await ok("GetItem", { TableName: table, Key: key, ConsistentRead: true })).Item;
}

async function counts(table: string): Promise<[number, number]> {
  const t = (await ok("DescribeTable", { TableName: table })).Table as { ItemCount: number; TableSizeBytes: number };
  return [t.ItemCount, t.TableSizeBytes];
}

/** Calls TransactWriteItems, which must be cancelled; returns the message and reasons. */
async function cancelled(
  input: unknown,
): Promise<{ message: string; reasons: unknown[]; body: Record<string, unknown> }> {
  const result = await wire("TransactWriteItems", input);
  expect(result.status).toBe(400);
  expect(result.body.__type).toBe("com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
  return {
    message: result.body.Message as string,
    reasons: result.body.CancellationReasons as unknown[],
    body: result.body,
  };
}

/** pk/sk with an LSI on lsk (S) and a GSI on gk (S). */
async function createIndexedTable(): Promise<string> {
  const name = uniqueName("twi");
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "lsk", AttributeType: "S" },
      { AttributeName: "gk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: "byLsk",
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "lsk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "byGk",
        KeySchema: [{ AttributeName: "gk", KeyType: "HASH" }],
        Projection: { ProjectionType: "ALL" },
      },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  return name;
}

/**
 * Runs `fn` inside the object holding `table` with a context of its own (own Sql object, so
 * its own lock table).
 */
async function inShard<T>(table: string, fn: (ctx: OpContext) => T): Promise<T> {
  return runInDurableObject(await tableShard(table), (_instance, state) => {
    const sql = new Sql(state.storage);
    const ctx: OpContext = {
      sql,
      catalogue: new Catalogue(sql),
      items: new ItemStore(sql),
      indexes: new IndexStore(sql),
      vectors: new VectorStore(sql),
      region: "us-east-1",
      accountId: "000000000000",
      now: Date.now(),
      host: "localhost",
      scheduleHousekeeping: () => undefined,
    };
    return fn(ctx);
  });
}

function errorOf(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (err) {
    if (err instanceof DynamoError) return err.toJSON();
    throw err;
  }
  throw new Error("expected an error");
}

describe("TransactWriteItems", () => {
  // The first request starts the Worker and the shard; on a busy machine that alone can
  // take longer than a test's 5 s.
  beforeAll(async () => {
    await ok("ListTables", {});
  }, 60_000);

  describe("validations", () => {
    it("TransactWriteItems: rejects a missing TransactItems", async () => {
      expect(await fails("TransactWriteItems", {})).toEqual([
        "ValidationException",
        "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("TransactWriteItems: reports the enums, then TransactItems", async () => {
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [],
          ReturnConsumedCapacity: "hi",
          ReturnItemCollectionMetrics: "hi",
        }),
      ).toEqual([
        "ValidationException",
        "3 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: " +
          "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
          "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]; " +
          "Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("TransactWriteItems: rejects an empty TransactItems", async () => {
      expect(await fails("TransactWriteItems", { TransactItems: [] })).toEqual([
        "ValidationException",
        "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ]);
    });

    it("TransactWriteItems: rejects more than 100 actions", async () => {
      const items = Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: "abc", Item: { id: S(String(i)) } } }));
      const [type, message] = await fails("TransactWriteItems", { TransactItems: items });
      expect(type).toBe("ValidationException");
      expect(message).toMatch(
        /^1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
      );
    });

    it("TransactWriteItems: reports the required members of each action", async () => {
      expect(await fails("TransactWriteItems", { TransactItems: [{ Put: {} }] })).toEqual([
        "ValidationException",
        "2 validation errors detected: Value null at 'transactItems.1.member.put.item' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'transactItems.1.member.put.tableName' failed to satisfy constraint: Member must not be null",
      ]);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [{ Update: { TableName: "abc", Key: {} } }, { ConditionCheck: { TableName: "abc", Key: {} } }],
        }),
      ).toEqual([
        "ValidationException",
        "2 validation errors detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'transactItems.2.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("TransactWriteItems: rejects an action of no known kind, and one of two kinds", async () => {
      expect(await fails("TransactWriteItems", { TransactItems: [{ NotAnAction: { TableName: "abc" } }] })).toEqual([
        "ValidationException",
        "The action or operation requested is invalid. Verify that the action is typed correctly.",
      ]);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            { Put: { TableName: "abc", Item: { id: S("a") } }, Delete: { TableName: "abc", Key: { id: S("a") } } },
          ],
        }),
      ).toEqual(["ValidationException", "TransactItems can only contain one of Check, Put, Update or Delete"]);
      expect(await fails("TransactWriteItems", { TransactItems: [null] })).toEqual([
        "ValidationException",
        "The action or operation requested is invalid. Verify that the action is typed correctly.",
      ]);
    });

    it("TransactWriteItems: rejects a ClientRequestToken longer than 36 characters", async () => {
      const token = "x".repeat(37);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [{ Put: { TableName: "abc", Item: { id: S("a") } } }],
          ClientRequestToken: token,
        }),
      ).toEqual([
        "ValidationException",
        `1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36`,
      ]);
    });

    it("TransactWriteItems: rejects expression faults of any action before looking at tables", async () => {
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            { Put: { TableName: uniqueName("missing"), Item: { id: S("a") } } },
            {
              Update: {
                TableName: "abc",
                Key: { id: S("b") },
                UpdateExpression: "SET a = :a SET b = :a",
                ExpressionAttributeValues: { ":a": S("x") },
              },
            },
          ],
        }),
      ).toEqual([
        "ValidationException",
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
      ]);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            {
              Put: {
                TableName: "abc",
                Item: { id: S("a") },
                ConditionExpression: "attribute_not_exists(#n0)",
                ExpressionAttributeNames: { "#n0": "id" },
                ExpressionAttributeValues: {},
              },
            },
          ],
        }),
      ).toEqual(["ValidationException", "ExpressionAttributeValues must not be empty"]);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            {
              Delete: {
                TableName: "abc",
                Key: { id: S("a") },
                ConditionExpression: "a = :a",
                ExpressionAttributeValues: { ":a": S("x"), ":b": S("y") },
              },
            },
          ],
        }),
      ).toEqual([
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}",
      ]);
    });

    it("TransactWriteItems: rejects a Put item over 400 KB", async () => {
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [{ Put: { TableName: "abc", Item: { a: S("k"), b: S("x".repeat(409598)) } } }],
        }),
      ).toEqual(["ValidationException", "Item size has exceeded the maximum allowed size"]);
    });

    it("TransactWriteItems: rejects items over 4 MB in total", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const items = Array.from({ length: 12 }, (_, i) => ({
        Put: { TableName: table, Item: { id: S(`big-${i}`), payload: S("x".repeat(350_000)) } },
      }));
      expect(await fails("TransactWriteItems", { TransactItems: items })).toEqual([
        "ValidationException",
        "Transaction request cannot exceed the aggregate item size limit of 4 MB",
      ]);
      expect(await counts(table)).toEqual([0, 0]);
      // 10 of them (3.5 MB) are fine.
      await ok("TransactWriteItems", { TransactItems: items.slice(0, 10) });
      expect((await counts(table))[0]).toBe(10);
    });

    it("TransactWriteItems: a missing table is ResourceNotFoundException, before duplicates", async () => {
      const missing = uniqueName("missing");
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            { Delete: { TableName: missing, Key: { id: S("1") } } },
            { Put: { TableName: missing, Item: { id: S("1") } } },
          ],
        }),
      ).toEqual(["ResourceNotFoundException", "Requested resource not found"]);
    });

    it("TransactWriteItems: rejects two actions on one item, whatever the key's attribute order", async () => {
      const table = uniqueName();
      await createHashRangeTable(table);
      const cases = [
        [
          { Put: { TableName: table, Item: { pk: S("p"), sk: S("s"), f: S("x") } } },
          { Delete: { TableName: table, Key: { sk: S("s"), pk: S("p") } } },
        ],
        [
          { Put: { TableName: table, Item: { pk: S("p"), sk: S("s") } } },
          { Put: { TableName: table, Item: { pk: S("p"), sk: S("s") } } },
        ],
        [
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: S("p"), sk: S("s") },
              ConditionExpression: "attribute_exists(pk)",
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: S("p"), sk: S("s") },
              UpdateExpression: "SET a = :a",
              ExpressionAttributeValues: { ":a": S("x") },
            },
          },
        ],
      ];
      for (const TransactItems of cases) {
        expect(await fails("TransactWriteItems", { TransactItems })).toEqual([
          "ValidationException",
          "Transaction request cannot include multiple operations on one item",
        ]);
      }
      expect(await counts(table)).toEqual([0, 0]);
    });

    it("TransactWriteItems: an empty key value is a plain ValidationException for every action", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const message =
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id";
      for (const action of [
        { Put: { TableName: table, Item: { id: S("") } } },
        {
          Update: {
            TableName: table,
            Key: { id: S("") },
            UpdateExpression: "SET a = :a",
            ExpressionAttributeValues: { ":a": N("0") },
          },
        },
        { Delete: { TableName: table, Key: { id: S("") } } },
        { ConditionCheck: { TableName: table, Key: { id: S("") }, ConditionExpression: "attribute_not_exists(id)" } },
      ]) {
        expect(await fails("TransactWriteItems", { TransactItems: [action] })).toEqual([
          "ValidationException",
          message,
        ]);
      }
    });

    it("TransactWriteItems: an empty index key value is a plain ValidationException", async () => {
      const table = await createIndexedTable();
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [{ Put: { TableName: table, Item: { pk: S("a"), sk: S("b"), gk: S("") } } }],
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byGk, IndexKey: gk",
      ]);
      expect(
        await fails("TransactWriteItems", {
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { pk: S("a"), sk: S("b") },
                UpdateExpression: "SET lsk = :v",
                ExpressionAttributeValues: { ":v": S("") },
              },
            },
          ],
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.",
      ]);
      expect(await counts(table)).toEqual([0, 0]);
    });

    it("TransactWriteItems: a key that does not fit the schema cancels with a ValidationError reason", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const put = await cancelled({
        TransactItems: [
          { Put: { TableName: table, Item: { id: S("ok") } } },
          { Put: { TableName: table, Item: { id: N("5") } } },
        ],
      });
      expect(put.message).toBe(`${CANCELLED} [None, ValidationError]`);
      expect(put.reasons).toEqual([
        NONE,
        {
          Code: "ValidationError",
          Message: "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N",
        },
      ]);
      const missing = await cancelled({ TransactItems: [{ Put: { TableName: table, Item: { other: S("x") } } }] });
      expect(missing.reasons).toEqual([
        {
          Code: "ValidationError",
          Message: "One or more parameter values were invalid: Missing the key id in the item",
        },
      ]);
      for (const key of [{ id: N("5") }, { id: { L: [S("x")] } }, {}]) {
        for (const action of [
          {
            Update: {
              TableName: table,
              Key: key,
              UpdateExpression: "SET a = :a",
              ExpressionAttributeValues: { ":a": S("x") },
            },
          },
          { Delete: { TableName: table, Key: key } },
          { ConditionCheck: { TableName: table, Key: key, ConditionExpression: "attribute_not_exists(id)" } },
        ]) {
          const result = await cancelled({ TransactItems: [action] });
          expect(result.message).toBe(`${CANCELLED} [ValidationError]`);
          expect(result.reasons).toEqual([
            { Code: "ValidationError", Message: "The provided key element does not match the schema" },
          ]);
        }
      }
      expect(await counts(table)).toEqual([0, 0]);
    });

    it("TransactWriteItems: a wrong index key type cancels with a ValidationError reason", async () => {
      const table = await createIndexedTable();
      const message =
        "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: N IndexName: byGk";
      const put = await cancelled({
        TransactItems: [{ Put: { TableName: table, Item: { pk: S("a"), sk: S("b"), gk: N("5") } } }],
      });
      expect(put.reasons).toEqual([{ Code: "ValidationError", Message: message }]);
      const update = await cancelled({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { pk: S("a"), sk: S("b") },
              UpdateExpression: "SET gk = :v",
              ExpressionAttributeValues: { ":v": N("5") },
            },
          },
        ],
      });
      expect(update.reasons).toEqual([{ Code: "ValidationError", Message: message }]);
      expect(await counts(table)).toEqual([0, 0]);
    });

    it("TransactWriteItems: an update that cannot apply to the stored item cancels with a ValidationError reason", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("a"), s: S("text"), big: S("x".repeat(409000)) } });
      const result = await cancelled({
        TransactItems: [
          { Put: { TableName: table, Item: { id: S("new") } } },
          {
            Update: {
              TableName: table,
              Key: { id: S("a") },
              UpdateExpression: "SET s = s + :one",
              ExpressionAttributeValues: { ":one": N("1") },
            },
          },
          {
            Update: {
              TableName: table,
              Key: { id: S("b") },
              UpdateExpression: "SET c = nothere + :one",
              ExpressionAttributeValues: { ":one": N("1") },
            },
          },
        ],
      });
      expect(result.message).toBe(`${CANCELLED} [None, ValidationError, ValidationError]`);
      expect(result.reasons).toEqual([
        NONE,
        { Code: "ValidationError", Message: "An operand in the update expression has an incorrect data type" },
        {
          Code: "ValidationError",
          Message: "The provided expression refers to an attribute that does not exist in the item",
        },
      ]);
      const tooBig = await cancelled({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { id: S("a") },
              UpdateExpression: "SET more = :more",
              ExpressionAttributeValues: { ":more": S("y".repeat(1000)) },
            },
          },
        ],
      });
      expect(tooBig.reasons).toEqual([
        { Code: "ValidationError", Message: "Item size to update has exceeded the maximum allowed size" },
      ]);
      expect(await get(table, { id: S("new") })).toBeUndefined();
      // id + a, s + text, big + its value.
      expect(await counts(table)).toEqual([1, 2 + 1 + 1 + 4 + 3 + 409000]);
    });

    it("TransactWriteItems: an update of a key attribute cancels with a ValidationError reason", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const result = await cancelled({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { id: S("a") },
              UpdateExpression: "SET id = :v",
              ExpressionAttributeValues: { ":v": S("b") },
            },
          },
        ],
      });
      expect(result.reasons).toEqual([
        {
          Code: "ValidationError",
          Message:
            "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key",
        },
      ]);
    });
  });

  describe("functionality", () => {
    it("TransactWriteItems: applies Put, Update and Delete across tables together", async () => {
      const hash = uniqueName();
      const range = uniqueName();
      await createHashTable(hash);
      await createHashRangeTable(range);
      await ok("PutItem", { TableName: hash, Item: { id: S("upd"), data: S("before") } });
      await ok("PutItem", { TableName: range, Item: { pk: S("del"), sk: S("1"), data: S("gone") } });
      expect(
        await ok("TransactWriteItems", {
          TransactItems: [
            { Put: { TableName: hash, Item: { id: S("new"), data: S("created") } } },
            {
              Update: {
                TableName: hash,
                Key: { id: S("upd") },
                UpdateExpression: "SET #d = :v ADD n :one",
                ExpressionAttributeNames: { "#d": "data" },
                ExpressionAttributeValues: { ":v": S("after"), ":one": N("1") },
              },
            },
            { Delete: { TableName: range, Key: { pk: S("del"), sk: S("1") } } },
            { Put: { TableName: range, Item: { pk: S("p"), sk: S("2"), data: { M: { a: { BOOL: true } } } } } },
          ],
        }),
      ).toEqual({});
      expect(await get(hash, { id: S("new") })).toEqual({ id: S("new"), data: S("created") });
      expect(await get(hash, { id: S("upd") })).toEqual({ id: S("upd"), data: S("after"), n: N("1") });
      expect(await get(range, { pk: S("del"), sk: S("1") })).toBeUndefined();
      expect(await get(range, { pk: S("p"), sk: S("2") })).toEqual({
        pk: S("p"),
        sk: S("2"),
        data: { M: { a: { BOOL: true } } },
      });
      expect((await counts(hash))[0]).toBe(2);
      expect((await counts(range))[0]).toBe(1);
    });

    it("TransactWriteItems: a ConditionCheck that holds lets the others apply", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("check"), status: S("active") } });
      await ok("TransactWriteItems", {
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table,
              Key: { id: S("check") },
              ConditionExpression: "#s = :v",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: { ":v": S("active") },
            },
          },
          { Put: { TableName: table, Item: { id: S("put"), status: S("processed") } } },
        ],
      });
      expect(await get(table, { id: S("put") })).toEqual({ id: S("put"), status: S("processed") });
      expect(await get(table, { id: S("check") })).toEqual({ id: S("check"), status: S("active") });
    });

    it("TransactWriteItems: one failed condition cancels everything, reasons in request order", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("stock"), quantity: N("1") } });
      await ok("PutItem", { TableName: table, Item: { id: S("cart"), line: S("x") } });
      const before = await counts(table);
      const result = await cancelled({
        TransactItems: [
          { Put: { TableName: table, Item: { id: S("order") } } },
          {
            Update: {
              TableName: table,
              Key: { id: S("stock") },
              UpdateExpression: "SET quantity = quantity - :dec",
              ConditionExpression: "quantity >= :dec",
              ExpressionAttributeValues: { ":dec": N("2") },
            },
          },
          { Delete: { TableName: table, Key: { id: S("cart") } } },
        ],
      });
      expect(result.message).toBe(`${CANCELLED} [None, ConditionalCheckFailed, None]`);
      expect(result.reasons).toEqual([NONE, CCF, NONE]);
      expect(Object.keys(result.body).sort()).toEqual(["CancellationReasons", "Message", "__type"]);
      expect(await get(table, { id: S("order") })).toBeUndefined();
      expect(await get(table, { id: S("stock") })).toEqual({ id: S("stock"), quantity: N("1") });
      expect(await get(table, { id: S("cart") })).toEqual({ id: S("cart"), line: S("x") });
      expect(await counts(table)).toEqual(before);
    });

    it("TransactWriteItems: reports every failed action", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("one"), a: S("exists") } });
      await ok("PutItem", { TableName: table, Item: { id: S("two"), a: S("exists") } });
      const result = await cancelled({
        TransactItems: ["one", "two"].map((id) => ({
          Put: { TableName: table, Item: { id: S(id), a: S("over") }, ConditionExpression: "attribute_not_exists(id)" },
        })),
      });
      expect(result.message).toBe(`${CANCELLED} [ConditionalCheckFailed, ConditionalCheckFailed]`);
      expect(result.reasons).toEqual([CCF, CCF]);
    });

    it("TransactWriteItems: returns the item with ReturnValuesOnConditionCheckFailure ALL_OLD, for every kind of action", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("foo2"), v: N("1") } });
      for (const kind of ["ConditionCheck", "Put", "Delete", "Update"]) {
        const items = ["foo0", "foo2"].map((id) => {
          const action: Record<string, unknown> = {
            TableName: table,
            Key: { id: S(id) },
            ConditionExpression: "#i <> :i",
            ExpressionAttributeNames: { "#i": "id" },
            ExpressionAttributeValues: { ":i": S("foo2") },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          };
          if (kind === "Update") action.UpdateExpression = "SET foo = :i";
          if (kind === "Put") {
            delete action.Key;
            action.Item = { id: S(id), foo: S("bar") };
          }
          return { [kind]: action };
        });
        const result = await cancelled({ TransactItems: items });
        expect(result.reasons).toEqual([NONE, { ...CCF, Item: { id: S("foo2"), v: N("1") } }]);
      }
      // No item: no Item member, even with ALL_OLD.
      const missing = await cancelled({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table,
              Key: { id: S("nothing") },
              ConditionExpression: "attribute_exists(id)",
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          },
        ],
      });
      expect(missing.reasons).toEqual([CCF]);
      expect((await counts(table))[0]).toBe(1);
    });

    it("TransactWriteItems: an Update guarded by attribute_exists creates no item", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const result = await cancelled({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { id: S("ghost") },
              UpdateExpression: "ADD hits :inc",
              ConditionExpression: "attribute_exists(id)",
              ExpressionAttributeValues: { ":inc": N("1") },
            },
          },
        ],
      });
      expect(result.reasons).toEqual([CCF]);
      expect(await get(table, { id: S("ghost") })).toBeUndefined();
      // attribute_not_exists: an upsert.
      await ok("TransactWriteItems", {
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { id: S("ghost") },
              UpdateExpression: "SET #s = :new",
              ConditionExpression: "attribute_not_exists(id)",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: { ":new": S("created") },
            },
          },
        ],
      });
      expect(await get(table, { id: S("ghost") })).toEqual({ id: S("ghost"), status: S("created") });
    });

    it("TransactWriteItems: ConsumedCapacity, twice the units of the same writes, per table", async () => {
      const one = uniqueName();
      const two = uniqueName();
      await createHashTable(one);
      await createHashTable(two);
      await ok("PutItem", { TableName: two, Item: { id: S("c"), d: S("x".repeat(5000)) } });
      const request = {
        TransactItems: [
          { Put: { TableName: one, Item: { id: S("a"), v: N("1") } } },
          // 2 + 1 + 1 + 1021 = 1025 bytes: two 1 KB units.
          { Put: { TableName: one, Item: { id: S("b"), d: S("x".repeat(1021)) } } },
          { ConditionCheck: { TableName: two, Key: { id: S("c") }, ConditionExpression: "attribute_exists(id)" } },
          { Delete: { TableName: two, Key: { id: S("none") } } },
        ],
      };
      expect(
        (await ok("TransactWriteItems", { ...request, ReturnConsumedCapacity: "TOTAL" })).ConsumedCapacity,
      ).toEqual([
        { TableName: one, CapacityUnits: 6, WriteCapacityUnits: 6 },
        { TableName: two, CapacityUnits: 6, ReadCapacityUnits: 4, WriteCapacityUnits: 2 },
      ]);
      expect(
        (await ok("TransactWriteItems", { ...request, ReturnConsumedCapacity: "INDEXES" })).ConsumedCapacity,
      ).toEqual([
        { TableName: one, CapacityUnits: 6, WriteCapacityUnits: 6, Table: { CapacityUnits: 6, WriteCapacityUnits: 6 } },
        {
          TableName: two,
          CapacityUnits: 6,
          ReadCapacityUnits: 4,
          WriteCapacityUnits: 2,
          Table: { CapacityUnits: 6, ReadCapacityUnits: 4, WriteCapacityUnits: 2 },
        },
      ]);
    });

    it("TransactWriteItems: ItemCollectionMetrics for tables with a local secondary index", async () => {
      const table = await createIndexedTable();
      const plain = uniqueName();
      await createHashTable(plain);
      const out = await ok("TransactWriteItems", {
        TransactItems: [
          { Put: { TableName: table, Item: { pk: S("p"), sk: S("1"), lsk: S("l") } } },
          { Put: { TableName: plain, Item: { id: S("a") } } },
        ],
        ReturnItemCollectionMetrics: "SIZE",
      });
      expect(out).toEqual({
        ItemCollectionMetrics: { [table]: [{ ItemCollectionKey: { pk: S("p") }, SizeEstimateRangeGB: [0, 1] }] },
      });
      const index = await ok("Query", {
        TableName: table,
        IndexName: "byLsk",
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": S("p") },
      });
      expect(index.Items).toEqual([{ pk: S("p"), sk: S("1"), lsk: S("l") }]);
    });

    // Known gap on 4 shards: a cross-shard replay answers the first response as it was, without
    // the ConsumedCapacity a replay asking for it would report on one shard.
    itOneShardOnly(
      "TransactWriteItems: the same ClientRequestToken and request writes once and answers again",
      async () => {
        const table = uniqueName();
        await createHashTable(table);
        const token = `tok-${crypto.randomUUID().slice(0, 20)}`;
        const request = {
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { id: S("counter") },
                UpdateExpression: "ADD n :one",
                ExpressionAttributeValues: { ":one": N("1") },
              },
            },
          ],
        };
        expect(await ok("TransactWriteItems", request)).toEqual({});
        expect(await ok("TransactWriteItems", request)).toEqual({});
        expect(await get(table, { id: S("counter") })).toEqual({ id: S("counter"), n: N("1") });
        // Members in another order are the same request; a replay reports the reads it made.
        const reordered = {
          TransactItems: [
            {
              Update: {
                ExpressionAttributeValues: { ":one": N("1") },
                UpdateExpression: "ADD n :one",
                Key: { id: S("counter") },
                TableName: table,
              },
            },
          ],
          ClientRequestToken: token,
          ReturnConsumedCapacity: "TOTAL",
        };
        expect(await ok("TransactWriteItems", reordered)).toEqual({
          ConsumedCapacity: [{ TableName: table, CapacityUnits: 2, ReadCapacityUnits: 2 }],
        });
        expect(await get(table, { id: S("counter") })).toEqual({ id: S("counter"), n: N("1") });
      },
    );

    it("TransactWriteItems: the same ClientRequestToken with another request is IdempotentParameterMismatchException", async () => {
      const table = uniqueName();
      await createHashTable(table);
      const token = `tok-${crypto.randomUUID().slice(0, 20)}`;
      await ok("TransactWriteItems", {
        ClientRequestToken: token,
        TransactItems: [{ Put: { TableName: table, Item: { id: S("x"), val: S("first") } } }],
      });
      expect(
        await fails("TransactWriteItems", {
          ClientRequestToken: token,
          TransactItems: [{ Put: { TableName: table, Item: { id: S("x"), val: S("different") } } }],
        }),
      ).toEqual([
        "IdempotentParameterMismatchException",
        "Request parameters do not match the earlier request made with this ClientRequestToken",
      ]);
      expect(await get(table, { id: S("x") })).toEqual({ id: S("x"), val: S("first") });
    });

    itInOneObject(
      "TransactWriteItems: a ClientRequestToken is forgotten after 10 minutes, and a cancelled request is not remembered",
      async () => {
        const table = uniqueName();
        await createHashTable(table);
        const token = `tok-${crypto.randomUUID().slice(0, 20)}`;
        const add = {
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { id: S("c") },
                UpdateExpression: "ADD n :one",
                ConditionExpression: "attribute_exists(id)",
                ExpressionAttributeValues: { ":one": N("1") },
              },
            },
          ],
        };
        // Cancelled: nothing remembered, so the retry runs again (and succeeds once the item exists).
        expect((await cancelled(add)).reasons).toEqual([CCF]);
        await ok("PutItem", { TableName: table, Item: { id: S("c"), n: N("0") } });
        await ok("TransactWriteItems", add);
        await ok("TransactWriteItems", add);
        expect(await get(table, { id: S("c") })).toEqual({ id: S("c"), n: N("1") });
        const [row] = await inShard(table, (ctx) =>
          ctx.sql.all<{ expires_at: number }>("SELECT expires_at FROM txn_tokens WHERE token = ?", token),
        );
        expect(row?.expires_at).toBeGreaterThan(Date.now() + 9 * 60 * 1000);
        expect(row?.expires_at).toBeLessThanOrEqual(Date.now() + 10 * 60 * 1000);
        await inShard(table, (ctx) =>
          ctx.sql.exec("UPDATE txn_tokens SET expires_at = ? WHERE token = ?", Date.now() - 1, token),
        );
        await ok("TransactWriteItems", add);
        expect(await get(table, { id: S("c") })).toEqual({ id: S("c"), n: N("2") });
      },
    );

    // Known gap on 4 shards: cross-shard TransactGetItems and TransactWriteItems conflict with
    // each other (TransactionConflict, as on DynamoDB); this test's reads do not retry.
    itOneShardOnly("TransactWriteItems: no read sees half a transaction", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("BatchWriteItem", {
        RequestItems: {
          [table]: [
            { PutRequest: { Item: { id: S("a"), bal: N("100") } } },
            { PutRequest: { Item: { id: S("b"), bal: N("0") } } },
          ],
        },
      });
      const transfer = (from: string, to: string) =>
        wire("TransactWriteItems", {
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { id: S(from) },
                UpdateExpression: "SET bal = bal - :n",
                ConditionExpression: "bal >= :n",
                ExpressionAttributeValues: { ":n": N("7") },
              },
            },
            {
              Update: {
                TableName: table,
                Key: { id: S(to) },
                UpdateExpression: "SET bal = bal + :n",
                ExpressionAttributeValues: { ":n": N("7") },
              },
            },
          ],
        });
      const sum = (items: Item[]) => items.reduce((total, item) => total + Number((item.bal as { N: string }).N), 0);
      const reads = async (): Promise<number[]> => {
        const tx = await ok("TransactGetItems", {
          TransactItems: [
            { Get: { TableName: table, Key: { id: S("a") } } },
            { Get: { TableName: table, Key: { id: S("b") } } },
          ],
        });
        const batch = await ok("BatchGetItem", {
          RequestItems: { [table]: { Keys: [{ id: S("a") }, { id: S("b") }] } },
        });
        return [
          sum((tx.Responses as { Item: Item }[]).map((r) => r.Item)),
          sum((batch.Responses as Record<string, Item[]>)[table] ?? []),
        ];
      };
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        work.push(i % 3 === 2 ? transfer("b", "a") : transfer("a", "b"));
        work.push(reads());
      }
      const results = await Promise.all(work);
      const sums = results.filter((r): r is number[] => Array.isArray(r)).flat();
      expect(sums).toHaveLength(60);
      expect(new Set(sums)).toEqual(new Set([100]));
      const scan = await ok("Scan", { TableName: table, ConsistentRead: true });
      expect(sum(scan.Items as Item[])).toBe(100);
    });
  });

  describe("prepare and commit (one shard)", () => {
    itInOneObject("TransactWriteItems: a prepared transaction holds its items until commit or abort", async () => {
      const table = uniqueName();
      await createHashTable(table);
      await ok("PutItem", { TableName: table, Item: { id: S("x"), v: N("0") } });
      const seen = await inShard(table, (ctx) => {
        const def = ctx.catalogue.get(table);
        if (!def) throw new Error("no table");
        const participant = new LocalParticipant(ctx);
        const first = participant.prepare("txn-a", [
          { index: 0, plan: planFor(def, { kind: "Put", item: { id: S("x"), v: N("1") } }) },
        ]);
        if (!first.ok) throw new Error("first prepare failed");
        const second = participant.prepare("txn-b", [
          { index: 0, plan: planFor(def, { kind: "Put", item: { id: S("y") } }) },
          { index: 1, plan: planFor(def, { kind: "Delete", key: { id: S("x") } }) },
        ]);
        const read = participant.read("txn-c", [{ index: 0, def, key: first.prepared.actions[0]!.plan.key }]);
        const put = errorOf(() => dispatch(ctx, "PutItem", { TableName: table, Item: { id: S("x") } }));
        const transaction = errorOf(() =>
          dispatch(ctx, "TransactWriteItems", {
            TransactItems: [{ Delete: { TableName: table, Key: { id: S("x") } } }],
          }),
        );
        const transactGet = errorOf(() =>
          dispatch(ctx, "TransactGetItems", { TransactItems: [{ Get: { TableName: table, Key: { id: S("x") } } }] }),
        );
        const batchWrite = dispatch(ctx, "BatchWriteItem", {
          RequestItems: {
            [table]: [{ PutRequest: { Item: { id: S("x") } } }, { PutRequest: { Item: { id: S("z") } } }],
          },
        });
        const batchGet = dispatch(ctx, "BatchGetItem", {
          RequestItems: { [table]: { Keys: [{ id: S("x") }, { id: S("z") }] } },
        });
        const beforeCommit = ctx.items.get(
          def.tid,
          first.prepared.actions[0]!.plan.key.pk,
          first.prepared.actions[0]!.plan.key.sk,
        );
        participant.commit(first.prepared);
        const retry = participant.prepare("txn-b", [
          { index: 0, plan: planFor(def, { kind: "Delete", key: { id: S("x") } }) },
        ]);
        if (retry.ok) participant.abort(retry.prepared);
        // Through JSON, as the wire sees it (GetItem may hand back the stored text as RawJson).
        const afterAbort = JSON.parse(
          JSON.stringify(dispatch(ctx, "GetItem", { TableName: table, Key: { id: S("x") } })),
        ) as unknown;
        return {
          second,
          read,
          put,
          transaction,
          transactGet,
          batchWrite,
          batchGet,
          beforeCommit,
          retry: retry.ok,
          afterAbort,
        };
      });
      const conflict = { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" };
      expect(seen.second).toEqual({ ok: false, reasons: [NONE, conflict] });
      expect(seen.read).toEqual({ ok: false, reasons: [conflict] });
      expect(seen.put).toEqual({
        __type: "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
        message: "Transaction is ongoing for the item",
      });
      expect(seen.transaction).toEqual({
        __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        CancellationReasons: [conflict],
        Message: `${CANCELLED} [TransactionConflict]`,
      });
      expect(seen.transactGet).toMatchObject({ CancellationReasons: [conflict] });
      expect(seen.batchWrite).toEqual({ UnprocessedItems: { [table]: [{ PutRequest: { Item: { id: S("x") } } }] } });
      expect(seen.batchGet).toEqual({
        Responses: { [table]: [{ id: S("z") }] },
        UnprocessedKeys: { [table]: { Keys: [{ id: S("x") }] } },
      });
      expect(JSON.parse(seen.beforeCommit?.doc ?? "null")).toEqual({ id: S("x"), v: N("0") });
      expect(seen.retry).toBe(true);
      expect(seen.afterAbort).toEqual({ Item: { id: S("x"), v: N("1") } });
    });
  });
});
