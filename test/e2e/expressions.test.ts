// Expressions through the AWS SDK for JavaScript v3 over real HTTP: application code written
// for DynamoDB (DynamoDBDocumentClient with UpdateCommand, conditional writes, ReturnValues,
// ProjectionExpression) must run unchanged against the engine. The wire-level behaviour is
// pinned in test/ops/update-item.test.ts and test/ops/conditions.test.ts; this file checks
// what an SDK user observes: plain JavaScript values, Sets, big numbers, typed errors.
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint, uniqueName } from "./support";

function lowLevelClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
}
const client = lowLevelClient();
/** What most applications use: plain JavaScript values in, plain values out. */
const documentClient = DynamoDBDocumentClient.from(client);
/**
 * Numbers come back as NumberValue (the exact decimal string) instead of a JavaScript number.
 * It wraps a client of its own: DynamoDBDocumentClient.from() stores its translateConfig on the
 * wrapped client's config, so a second from() on `client` would reconfigure documentClient too.
 */
const exactLowLevelClient = lowLevelClient();
const exactClient = DynamoDBDocumentClient.from(exactLowLevelClient, { unmarshallOptions: { wrapNumbers: true } });

const table = uniqueName("expr");

/** Calls `run`, which must throw a service error, and returns that error. */
async function serviceError(run: () => Promise<unknown>): Promise<DynamoDBServiceException> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(DynamoDBServiceException);
    return err as DynamoDBServiceException;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Calls `run`, which must fail its condition, and returns the ConditionalCheckFailedException. */
async function conditionFailure(run: () => Promise<unknown>): Promise<ConditionalCheckFailedException> {
  const err = await serviceError(run);
  expect(err).toBeInstanceOf(ConditionalCheckFailedException);
  expect(err.name).toBe("ConditionalCheckFailedException");
  expect(err.message).toBe("The conditional request failed");
  expect(err.$fault).toBe("client");
  expect(err.$metadata.httpStatusCode).toBe(400);
  return err as ConditionalCheckFailedException;
}

/** The stored item as the DocumentClient sees it (strongly consistent). */
async function read(pk: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }));
  return Item;
}

/** The stored item in wire form (AttributeValues), as the low-level client sees it. */
async function readRaw(pk: string): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  return Item;
}

describe("Expressions through the AWS SDK for JavaScript v3", () => {
  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client.destroy();
    exactLowLevelClient.destroy();
  });

  it("SDK: counter with if_not_exists returns plain numbers", async () => {
    const hit = () =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: "counter" },
          UpdateExpression: "SET hits = if_not_exists(hits, :zero) + :one",
          ExpressionAttributeValues: { ":zero": 0, ":one": 1 },
          ReturnValues: "UPDATED_NEW",
        }),
      );
    const first = await hit();
    expect(first.Attributes).toEqual({ hits: 1 });
    expect(typeof first.Attributes!.hits).toBe("number");
    expect((await hit()).Attributes).toEqual({ hits: 2 });
    expect((await hit()).Attributes).toEqual({ hits: 3 });
    expect(await read("counter")).toEqual({ pk: "counter", hits: 3 });
    expect(await readRaw("counter")).toEqual({ pk: { S: "counter" }, hits: { N: "3" } });
  });

  it("SDK: optimistic locking rejects a stale version", async () => {
    const pk = "locked";
    await documentClient.send(new PutCommand({ TableName: table, Item: { pk, version: 1, title: "draft" } }));
    /** Saves `title` if the item is still at `expected`, moving it to the next version. */
    const save = (expected: number, title: string) =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: "SET title = :title, version = :next",
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":title": title, ":expected": expected, ":next": expected + 1 },
          ReturnValues: "ALL_NEW",
        }),
      );

    // Both writers read version 1; the first to save wins.
    const readA = await read(pk);
    const readB = await read(pk);
    expect(readA).toEqual({ pk, version: 1, title: "draft" });
    expect(readB).toEqual(readA);

    const saved = await save(readA!.version as number, "from A");
    expect(saved.Attributes).toEqual({ pk, version: 2, title: "from A" });

    const err = await conditionFailure(() => save(readB!.version as number, "from B"));
    expect(err.Item).toBeUndefined();
    expect(await read(pk)).toEqual({ pk, version: 2, title: "from A" });

    // B re-reads and retries against the current version.
    const reread = await read(pk);
    const retried = await save(reread!.version as number, "from B");
    expect(retried.Attributes).toEqual({ pk, version: 3, title: "from B" });
    expect(await read(pk)).toEqual({ pk, version: 3, title: "from B" });
  });

  it("SDK: optimistic locking lets exactly one of eight concurrent writers win", async () => {
    const pk = "race";
    await documentClient.send(new PutCommand({ TableName: table, Item: { pk, version: 1 } }));
    const writers = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
    const results = await Promise.allSettled(
      writers.map((writer) =>
        documentClient.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk },
            UpdateExpression: "SET version = :next, winner = :writer",
            ConditionExpression: "version = :expected",
            ExpressionAttributeValues: { ":expected": 1, ":next": 2, ":writer": writer },
          }),
        ),
      ),
    );
    for (const result of results) {
      if (result.status === "rejected") {
        expect((result.reason as Error).message).toBe("The conditional request failed");
        expect(result.reason).toBeInstanceOf(ConditionalCheckFailedException);
      }
    }
    const winners = writers.filter((_, i) => results[i]!.status === "fulfilled");
    expect(winners).toHaveLength(1);
    expect(await read(pk)).toEqual({ pk, version: 2, winner: winners[0] });
  });

  it("SDK: ReturnValuesOnConditionCheckFailure ALL_OLD puts the old item on the error", async () => {
    const pk = "rvoccf";
    const item = { pk, version: 7, tags: new Set(["x"]), doc: { nested: [1, "two"] } };
    const marshalled = {
      pk: { S: pk },
      version: { N: "7" },
      tags: { SS: ["x"] },
      doc: { M: { nested: { L: [{ N: "1" }, { S: "two" }] } } },
    };
    await documentClient.send(new PutCommand({ TableName: table, Item: item }));

    const update = await conditionFailure(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: "SET version = :next",
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":expected": 6, ":next": 7 },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    // The DocumentClient leaves the error untouched: Item stays in AttributeValue form.
    expect(update.Item).toEqual(marshalled);

    const put = await conditionFailure(() =>
      documentClient.send(
        new PutCommand({
          TableName: table,
          Item: { pk, version: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(put.Item).toEqual(marshalled);

    const del = await conditionFailure(() =>
      documentClient.send(
        new DeleteCommand({
          TableName: table,
          Key: { pk },
          ConditionExpression: "version < :limit",
          ExpressionAttributeValues: { ":limit": 5 },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(del.Item).toEqual(marshalled);

    // NONE (the default) leaves Item off the error.
    const none = await conditionFailure(() =>
      documentClient.send(
        new PutCommand({
          TableName: table,
          Item: { pk },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "NONE",
        }),
      ),
    );
    expect(none.Item).toBeUndefined();
    expect(await read(pk)).toEqual(item);
  });

  it("SDK: attribute_not_exists(pk) makes a put an idempotent create", async () => {
    const pk = "create-once";
    /** Creates the item unless it already exists; true when this call created it. */
    const createOnce = async (item: Record<string, unknown>): Promise<boolean> => {
      try {
        const out = await documentClient.send(
          new PutCommand({
            TableName: table,
            Item: { pk, ...item },
            ConditionExpression: "attribute_not_exists(pk)",
            ReturnValues: "ALL_OLD",
          }),
        );
        expect(out.Attributes).toBeUndefined();
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    };
    expect(await createOnce({ owner: "first", createdAt: 1 })).toBe(true);
    expect(await createOnce({ owner: "second", createdAt: 2 })).toBe(false);
    expect(await createOnce({ owner: "third", createdAt: 3 })).toBe(false);
    expect(await read(pk)).toEqual({ pk, owner: "first", createdAt: 1 });
  });

  it("SDK: list_append builds a list", async () => {
    const pk = "list";
    const append = (entries: unknown[], prepend = false) =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: prepend
            ? "SET history = list_append(:entries, history)"
            : "SET history = list_append(if_not_exists(history, :empty), :entries)",
          ExpressionAttributeValues: prepend ? { ":entries": entries } : { ":entries": entries, ":empty": [] },
          ReturnValues: "UPDATED_NEW",
        }),
      );
    expect((await append([{ step: 1, by: "ann" }])).Attributes).toEqual({ history: [{ step: 1, by: "ann" }] });
    expect((await append(["two", 3])).Attributes).toEqual({ history: [{ step: 1, by: "ann" }, "two", 3] });
    expect((await append([null, true], true)).Attributes).toEqual({
      history: [null, true, { step: 1, by: "ann" }, "two", 3],
    });
    expect(await read(pk)).toEqual({ pk, history: [null, true, { step: 1, by: "ann" }, "two", 3] });
    expect((await readRaw(pk))!.history).toEqual({
      L: [{ NULL: true }, { BOOL: true }, { M: { step: { N: "1" }, by: { S: "ann" } } }, { S: "two" }, { N: "3" }],
    });
  });

  it("SDK: string-set and number-set ADD and DELETE with JavaScript Sets", async () => {
    const pk = "sets";
    const update = (expression: string, values: Record<string, unknown>) =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
          ReturnValues: "UPDATED_NEW",
        }),
      );

    // ADD creates the sets (and the item) when absent.
    const created = await update("ADD tags :tags, scores :scores", {
      ":tags": new Set(["red", "blue"]),
      ":scores": new Set([1, 2]),
    });
    expect(created.Attributes).toEqual({ tags: new Set(["red", "blue"]), scores: new Set([1, 2]) });
    expect(created.Attributes!.tags).toBeInstanceOf(Set);

    const grown = await update("ADD tags :tags, scores :scores", {
      ":tags": new Set(["blue", "green"]),
      ":scores": new Set([2, 3.5]),
    });
    expect(grown.Attributes).toEqual({ tags: new Set(["red", "blue", "green"]), scores: new Set([1, 2, 3.5]) });

    const raw = (await readRaw(pk))!;
    expect([...raw.tags!.SS!].sort()).toEqual(["blue", "green", "red"]);
    expect([...raw.scores!.NS!].sort()).toEqual(["1", "2", "3.5"]);

    // DELETE ignores members that are not there; emptying a set removes the attribute.
    const shrunk = await update("DELETE tags :tags, scores :scores", {
      ":tags": new Set(["red", "purple"]),
      ":scores": new Set([1, 2, 3.5]),
    });
    expect(shrunk.Attributes).toEqual({ tags: new Set(["blue", "green"]) });
    expect(await read(pk)).toEqual({ pk, tags: new Set(["blue", "green"]) });
    expect((await read(pk))!.tags).toBeInstanceOf(Set);
  });

  it("SDK: nested map updates with #names containing spaces and dots", async () => {
    const pk = "nested";
    await documentClient.send(
      new PutCommand({
        TableName: table,
        Item: { pk, profile: { address: { city: "Oslo" }, prefs: {} } },
      }),
    );
    const updated = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression:
          "SET #p.#addr.#homeCity = :city, #p.#fullName = :name, #p.prefs.theme = :theme, #dotted = :top",
        ExpressionAttributeNames: {
          "#p": "profile",
          "#addr": "address",
          "#homeCity": "home city",
          "#fullName": "first.last",
          "#dotted": "a.b",
        },
        ExpressionAttributeValues: { ":city": "Bergen", ":name": "Ada Lovelace", ":theme": "dark", ":top": "top" },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    // UPDATED_NEW returns only the updated paths, in their nested shape.
    expect(updated.Attributes).toEqual({
      profile: { address: { "home city": "Bergen" }, "first.last": "Ada Lovelace", prefs: { theme: "dark" } },
      "a.b": "top",
    });
    // "first.last" and "a.b" are single names, not paths.
    expect(await read(pk)).toEqual({
      pk,
      profile: {
        address: { city: "Oslo", "home city": "Bergen" },
        "first.last": "Ada Lovelace",
        prefs: { theme: "dark" },
      },
      "a.b": "top",
    });

    // A missing parent map is an error, and nothing changes.
    const err = await serviceError(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: "SET profile.absent.x = :v",
          ExpressionAttributeValues: { ":v": 1 },
        }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("The document path provided in the update expression is invalid for update");
    expect(err.$metadata.httpStatusCode).toBe(400);

    const removed = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: "REMOVE #p.#fullName, #p.#addr.city, #dotted",
        ExpressionAttributeNames: { "#p": "profile", "#fullName": "first.last", "#addr": "address", "#dotted": "a.b" },
        ReturnValues: "UPDATED_OLD",
      }),
    );
    expect(removed.Attributes).toEqual({
      profile: { "first.last": "Ada Lovelace", address: { city: "Oslo" } },
      "a.b": "top",
    });
    expect(await read(pk)).toEqual({ pk, profile: { address: { "home city": "Bergen" }, prefs: { theme: "dark" } } });
  });

  it("SDK: REMOVE of list elements", async () => {
    const pk = "remove-list";
    await documentClient.send(new PutCommand({ TableName: table, Item: { pk, things: ["a", "b", "c", "d", "e"] } }));
    const removed = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: "REMOVE things[1], things[3]",
        ReturnValues: "UPDATED_OLD",
      }),
    );
    expect(removed.Attributes).toEqual({ things: ["b", "d"] });
    expect(await read(pk)).toEqual({ pk, things: ["a", "c", "e"] });

    // Removing past the end of the list is a no-op.
    const beyond = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: "REMOVE things[10]",
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(beyond.Attributes).toEqual({ pk, things: ["a", "c", "e"] });

    const first = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: "REMOVE things[0]",
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(first.Attributes).toEqual({ pk, things: ["c", "e"] });
  });

  it("SDK: ProjectionExpression on GetCommand returns the nested shape", async () => {
    const pk = "projection";
    await documentClient.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk,
          profile: { address: { city: "Oslo", zip: "0150" }, email: "a@example.com" },
          orderLines: [
            { sku: "A-1", qty: 1 },
            { sku: "B-2", qty: 5 },
            { sku: "C-3", qty: 2 },
          ],
          tags: new Set(["x", "y"]),
          "a.b": "dotted",
          secret: "hidden",
        },
      }),
    );
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk },
        ProjectionExpression: "profile.address.city, orderLines[1].qty, orderLines[2], tags, #dotted, nothing.here",
        ExpressionAttributeNames: { "#dotted": "a.b" },
      }),
    );
    expect(Item).toEqual({
      profile: { address: { city: "Oslo" } },
      orderLines: [{ qty: 5 }, { sku: "C-3", qty: 2 }],
      tags: new Set(["x", "y"]),
      "a.b": "dotted",
    });

    // A projection that matches nothing still finds the item: an empty object.
    const none = await documentClient.send(
      new GetCommand({ TableName: table, Key: { pk }, ProjectionExpression: "nothing" }),
    );
    expect(none.Item).toEqual({});
    const absent = await documentClient.send(
      new GetCommand({ TableName: table, Key: { pk: "no-such-item" }, ProjectionExpression: "profile" }),
    );
    expect(absent.Item).toBeUndefined();
  });

  it("SDK: 38-digit numbers round-trip exactly", async () => {
    const pk = "big-numbers";
    const big = "12345678901234567890123456789012345678";
    const pi = "3.1415926535897932384626433832795028841";
    await exactClient.send(
      new PutCommand({
        TableName: table,
        Item: { pk, big: NumberValue.from(big), pi: NumberValue.from(pi), power: 2n ** 100n },
      }),
    );
    expect(await readRaw(pk)).toEqual({
      pk: { S: pk },
      big: { N: big },
      pi: { N: pi },
      power: { N: "1267650600228229401496703205376" },
    });

    const updated = await exactClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        UpdateExpression: "ADD big :one SET pi = pi + :tiny, power = power - :one",
        ExpressionAttributeValues: { ":one": 1, ":tiny": NumberValue.from("0.0000000000000000000000000000000000001") },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    const attributes = updated.Attributes!;
    expect(attributes.big).toBeInstanceOf(NumberValue);
    expect(String(attributes.big)).toBe("12345678901234567890123456789012345679");
    expect(String(attributes.pi)).toBe("3.1415926535897932384626433832795028842");
    expect(String(attributes.power)).toBe("1267650600228229401496703205375");

    const { Item } = await exactClient.send(new GetCommand({ TableName: table, Key: { pk } }));
    expect(Object.fromEntries(Object.entries(Item!).map(([k, v]) => [k, String(v)]))).toEqual({
      pk,
      big: "12345678901234567890123456789012345679",
      pi: "3.1415926535897932384626433832795028842",
      power: "1267650600228229401496703205375",
    });

    // Without wrapNumbers the DocumentClient turns large integers into BigInt, still exact.
    const plain = await read(pk);
    expect(plain!.big).toBe(12345678901234567890123456789012345679n);
    expect(plain!.power).toBe(1267650600228229401496703205375n);
  });

  it("SDK: legacy AttributeUpdates and Expected through the DocumentClient", async () => {
    const pk = "legacy";
    const created = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        AttributeUpdates: {
          n: { Action: "ADD", Value: 5 },
          s: { Action: "PUT", Value: "x" },
          labels: { Action: "ADD", Value: new Set(["a"]) },
        },
        Expected: { n: { Exists: false } },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(created.Attributes).toEqual({ pk, n: 5, s: "x", labels: new Set(["a"]) });

    await conditionFailure(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          AttributeUpdates: { n: { Action: "ADD", Value: 5 } },
          Expected: { n: { Exists: false } },
        }),
      ),
    );

    const changed = await documentClient.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk },
        AttributeUpdates: { n: { Action: "ADD", Value: 5 }, s: { Action: "DELETE" } },
        Expected: { n: { Value: 5 } },
        ReturnValues: "UPDATED_OLD",
      }),
    );
    expect(changed.Attributes).toEqual({ n: 5, s: "x" });
    expect(await read(pk)).toEqual({ pk, n: 10, labels: new Set(["a"]) });
  });

  it("SDK: conditional DeleteCommand returns the deleted item", async () => {
    const pk = "conditional-delete";
    await documentClient.send(new PutCommand({ TableName: table, Item: { pk, state: "open", n: 1 } }));
    const guarded = (state: string) =>
      documentClient.send(
        new DeleteCommand({
          TableName: table,
          Key: { pk },
          ConditionExpression: "#state = :state",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":state": state },
          ReturnValues: "ALL_OLD",
        }),
      );
    await conditionFailure(() => guarded("closed"));
    expect(await read(pk)).toEqual({ pk, state: "open", n: 1 });
    expect((await guarded("open")).Attributes).toEqual({ pk, state: "open", n: 1 });
    expect(await read(pk)).toBeUndefined();
    // The condition is evaluated against a missing item too.
    await conditionFailure(() => guarded("open"));
  });

  it("SDK: ReturnValues NONE, ALL_OLD, UPDATED_OLD, ALL_NEW and UPDATED_NEW", async () => {
    const pk = "return-values";
    await documentClient.send(new PutCommand({ TableName: table, Item: { pk, x: 1, y: "keep" } }));
    const set = (ReturnValues: "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW", x: number) =>
      documentClient.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk },
          UpdateExpression: "SET x = :x",
          ExpressionAttributeValues: { ":x": x },
          ReturnValues,
        }),
      );
    expect((await set("NONE", 2)).Attributes).toBeUndefined();
    expect((await set("ALL_OLD", 3)).Attributes).toEqual({ pk, x: 2, y: "keep" });
    expect((await set("UPDATED_OLD", 4)).Attributes).toEqual({ x: 3 });
    expect((await set("ALL_NEW", 5)).Attributes).toEqual({ pk, x: 5, y: "keep" });
    expect((await set("UPDATED_NEW", 6)).Attributes).toEqual({ x: 6 });
  });

  it("SDK: UpdateExpression syntax errors are ValidationExceptions", async () => {
    const update = (UpdateExpression: string, values: Record<string, AttributeValue>) =>
      serviceError(() =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: "syntax" } },
            UpdateExpression,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    // The first two are messages real DynamoDB gives for these expressions: the offending
    // token, then the text around it (previous token, the token, the next token).
    const stray = await update("ADD hits : incr", { ":incr": { N: "1" } });
    expect(stray.name).toBe("ValidationException");
    expect(stray.message).toBe('Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"');
    expect(stray.$fault).toBe("client");
    expect(stray.$metadata.httpStatusCode).toBe(400);

    const keyword = await update("INVALID SYNTAX HERE", { ":v": { S: "v" } });
    expect(keyword.name).toBe("ValidationException");
    expect(keyword.message).toBe('Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"');

    const doubled = await update("SET a == :v", { ":v": { S: "v" } });
    expect(doubled.message).toBe('Invalid UpdateExpression: Syntax error; token: "=", near: "== :v"');

    const truncated = await update("SET a = :v REMOVE", { ":v": { S: "v" } });
    expect(truncated.message).toBe('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "REMOVE"');

    expect(await readRaw("syntax")).toBeUndefined();
  });

  it("SDK: an unused ExpressionAttributeValues key is a ValidationException", async () => {
    const update = (input: { names?: Record<string, string>; values: Record<string, AttributeValue> }) =>
      serviceError(() =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: "unused" } },
            UpdateExpression: "ADD n :one",
            ExpressionAttributeNames: input.names,
            ExpressionAttributeValues: input.values,
          }),
        ),
      );
    const one = await update({ values: { ":one": { N: "1" }, ":x": { N: "2" } } });
    expect(one.name).toBe("ValidationException");
    expect(one.message).toBe("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
    expect(one.$fault).toBe("client");
    expect(one.$metadata.httpStatusCode).toBe(400);

    const two = await update({ values: { ":one": { N: "1" }, ":x": { N: "2" }, ":y": { S: "y" } } });
    expect(two.message).toBe("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x, :y}");

    const name = await update({ names: { "#n": "n" }, values: { ":one": { N: "1" } } });
    expect(name.name).toBe("ValidationException");
    expect(name.message).toBe("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");

    expect(await readRaw("unused")).toBeUndefined();
  });

  it("SDK: 25 concurrent ADD updates all apply", async () => {
    const pk = "concurrent";
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        documentClient.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk },
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": 1 },
            ReturnValues: "UPDATED_NEW",
          }),
        ),
      ),
    );
    // Each update saw a distinct predecessor: the new values are exactly 1..25.
    const seen = results.map((r) => r.Attributes!.n as number).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await read(pk)).toEqual({ pk, n: 25 });
  });
});
