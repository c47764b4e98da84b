// The AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb and lib-dynamodb) against the
// real HTTP endpoint: requests are signed, serialised and parsed exactly as in production.
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  paginateListTables,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type AttributeValue,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, REGION, uniqueName, sdkClient } from "./support";

const client = sdkClient();
const documentClient = DynamoDBDocumentClient.from(client);

/** Waiters poll every few seconds at most; a table is ACTIVE at once, so this is ample. */
const WAITER = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hashTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  };
}

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

/** Set members come back in no guaranteed order (as in DynamoDB): compare them sorted. */
function sortSets(value: AttributeValue): AttributeValue {
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: [...value.BS].sort((a, b) => Buffer.compare(a, b)) };
  if (value.M) return { M: sortItemSets(value.M) };
  if (value.L) return { L: value.L.map(sortSets) };
  return value;
}
function sortItemSets(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, sortSets(v)]));
}

describe("AWS SDK for JavaScript v3", () => {
  const table = uniqueName("sdk");
  const missing = uniqueName("sdk-missing");

  beforeAll(async () => {
    await client.send(new CreateTableCommand(hashTable(table)));
  });

  afterAll(async () => {
    // Normally already gone (the DeleteTable test); clean up after a failure.
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client.destroy();
  });

  it("SDK: CreateTable returns the new table's description", async () => {
    const name = uniqueName("sdk-create");
    const output = await client.send(new CreateTableCommand(hashTable(name)));
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.$metadata.requestId).toMatch(UUID);
    expect(output.TableDescription).toEqual({
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      TableName: name,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TableStatus: "ACTIVE",
      CreationDateTime: expect.any(Date),
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      TableSizeBytes: 0,
      ItemCount: 0,
      TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`,
      TableId: expect.stringMatching(UUID),
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: expect.any(Date) },
      DeletionProtectionEnabled: false,
    });
    const created = output.TableDescription!.CreationDateTime!.getTime();
    expect(Math.abs(created - Date.now())).toBeLessThan(5 * 60_000);
    await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it("SDK: waitUntilTableExists succeeds for a new table", async () => {
    const result = await waitUntilTableExists(WAITER, { TableName: table });
    expect(result.state).toBe("SUCCESS");
  });

  it("SDK: DescribeTable describes a provisioned table", async () => {
    const name = uniqueName("sdk-provisioned");
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      }),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table).toEqual({
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ],
      TableName: name,
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TableStatus: "ACTIVE",
      CreationDateTime: expect.any(Date),
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      TableSizeBytes: 0,
      ItemCount: 0,
      TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`,
      TableId: expect.stringMatching(UUID),
      DeletionProtectionEnabled: false,
    });
    await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it("SDK: ListTables lists tables in ascending order", async () => {
    const names = [uniqueName("sdk-list-b"), uniqueName("sdk-list-a")];
    for (const name of names) await client.send(new CreateTableCommand(hashTable(name)));
    const { TableNames, LastEvaluatedTableName } = await client.send(new ListTablesCommand({}));
    expect(LastEvaluatedTableName).toBeUndefined();
    expect(TableNames).toEqual([...TableNames!].sort());
    expect(TableNames).toEqual(expect.arrayContaining([table, ...names]));
    expect(TableNames!.filter((n) => names.includes(n))).toEqual([...names].sort());
    for (const name of names) await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it("SDK: paginateListTables with Limit 1 pages through every table", async () => {
    const names = [uniqueName("sdk-page"), uniqueName("sdk-page"), uniqueName("sdk-page")];
    for (const name of names) await client.send(new CreateTableCommand(hashTable(name)));
    const pages: string[][] = [];
    for await (const page of paginateListTables({ client, pageSize: 1 }, { Limit: 1 })) {
      pages.push(page.TableNames ?? []);
    }
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(1);
    const all = pages.flat();
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([table, ...names]));
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(all).toEqual(TableNames);
    for (const name of names) await client.send(new DeleteTableCommand({ TableName: name }));
  });

  it("SDK: PutItem returns ALL_OLD attributes", async () => {
    const first = await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: "put-1" }, v: { N: "1" } },
        ReturnValues: "ALL_OLD",
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(first.Attributes).toBeUndefined();
    expect(first.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });

    const second = await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: "put-1" }, v: { N: "2" }, extra: { S: "x" } },
        ReturnValues: "ALL_OLD",
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(second.Attributes).toEqual({ id: { S: "put-1" }, v: { N: "1" } });
    expect(second.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });

    const quiet = await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: "put-1" } } }));
    expect(quiet.Attributes).toBeUndefined();
    expect(quiet.ConsumedCapacity).toBeUndefined();
  });

  it("SDK: GetItem returns the item and consumed capacity", async () => {
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: "get-1" }, v: { S: "hello" } } }));
    const eventual = await client.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: "get-1" } }, ReturnConsumedCapacity: "TOTAL" }),
    );
    expect(eventual.Item).toEqual({ id: { S: "get-1" }, v: { S: "hello" } });
    expect(eventual.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 0.5 });

    const strong = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { id: { S: "get-1" } },
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(strong.Item).toEqual({ id: { S: "get-1" }, v: { S: "hello" } });
    expect(strong.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });

    const absent = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: "no-such-item" } } }));
    expect(absent.Item).toBeUndefined();
  });

  it("SDK: DeleteItem returns ALL_OLD attributes", async () => {
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: "del-1" }, v: { BOOL: true } } }));
    const deleted = await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { id: { S: "del-1" } },
        ReturnValues: "ALL_OLD",
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(deleted.Attributes).toEqual({ id: { S: "del-1" }, v: { BOOL: true } });
    expect(deleted.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });

    const again = await client.send(
      new DeleteItemCommand({ TableName: table, Key: { id: { S: "del-1" } }, ReturnValues: "ALL_OLD" }),
    );
    expect(again.Attributes).toBeUndefined();
    const gone = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: "del-1" } } }));
    expect(gone.Item).toBeUndefined();
  });

  it("SDK: all ten attribute types round-trip exactly", async () => {
    const item: Record<string, AttributeValue> = {
      id: { S: "types-1" },
      s: { S: "héllo wörld ✓ 𝄞" },
      n: { N: "-123.456" },
      b: { B: new Uint8Array([0, 1, 2, 253, 254, 255]) },
      ss: { SS: ["alpha", "beta", "gamma"] },
      ns: { NS: ["1", "2.5", "-3"] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array([255])] },
      m: { M: { inner: { S: "x" }, deeper: { M: { n: { N: "7" } } } } },
      l: { L: [{ S: "a" }, { N: "1" }, { BOOL: false }, { NULL: true }, { L: [] }, { M: {} }] },
      nul: { NULL: true },
      boolTrue: { BOOL: true },
      boolFalse: { BOOL: false },
    };
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: "types-1" } } }));
    expect(Item!.b!.B).toBeInstanceOf(Uint8Array);
    expect(Item!.bs!.BS![0]).toBeInstanceOf(Uint8Array);
    expect(sortItemSets(Item!)).toEqual(sortItemSets(item));
  });

  it("SDK: numbers come back normalized", async () => {
    const numbers: Record<string, [string, string]> = {
      trailingZero: ["1.50", "1.5"],
      leadingZeros: ["007", "7"],
      exponent: ["1E+2", "100"],
      smallExponent: ["12.3e-2", "0.123"],
      negativeZero: ["-0", "0"],
      integerDecimal: ["42.000", "42"],
    };
    const item: Record<string, AttributeValue> = { id: { S: "numbers-1" } };
    for (const [name, [input]] of Object.entries(numbers)) item[name] = { N: input };
    item.set = { NS: ["1.50", "2.0"] };
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: "numbers-1" } } }));
    const expected: Record<string, AttributeValue> = { id: { S: "numbers-1" } };
    for (const [name, [, output]] of Object.entries(numbers)) expected[name] = { N: output };
    expected.set = { NS: ["1.5", "2"] };
    expect(sortItemSets(Item!)).toEqual(sortItemSets(expected));
  });

  it("SDK: DynamoDBDocumentClient puts and gets plain JavaScript objects", async () => {
    const item = {
      id: "doc-1",
      name: "Widget",
      price: 19.5,
      count: 3,
      active: true,
      missing: null,
      tags: new Set(["blue", "red"]),
      sizes: new Set([1, 2, 3]),
      blob: new Uint8Array([222, 173, 190, 239]),
      nested: { list: [1, "two", false, null, { deep: "yes" }] },
    };
    const put = await documentClient.send(new PutCommand({ TableName: table, Item: item, ReturnValues: "ALL_OLD" }));
    expect(put.Attributes).toBeUndefined();
    const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: { id: "doc-1" } }));
    expect(Item).toEqual(item);
    expect(Item!.tags).toBeInstanceOf(Set);
    expect(Item!.blob).toBeInstanceOf(Uint8Array);

    const raw = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: "doc-1" } } }));
    expect(sortItemSets(raw.Item!)).toEqual({
      id: { S: "doc-1" },
      name: { S: "Widget" },
      price: { N: "19.5" },
      count: { N: "3" },
      active: { BOOL: true },
      missing: { NULL: true },
      tags: { SS: ["blue", "red"] },
      sizes: { NS: ["1", "2", "3"] },
      blob: { B: new Uint8Array([222, 173, 190, 239]) },
      nested: {
        M: { list: { L: [{ N: "1" }, { S: "two" }, { BOOL: false }, { NULL: true }, { M: { deep: { S: "yes" } } }] } },
      },
    });
  });

  it("SDK: DescribeTable on a missing table throws ResourceNotFoundException", async () => {
    const err = await serviceError(() => client.send(new DescribeTableCommand({ TableName: missing })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.message).toBe(`Requested resource not found: Table: ${missing} not found`);
    expect(err.$fault).toBe("client");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.requestId).toMatch(UUID);
  });

  it("SDK: GetItem on a missing table throws ResourceNotFoundException", async () => {
    const err = await serviceError(() =>
      client.send(new GetItemCommand({ TableName: missing, Key: { id: { S: "x" } } })),
    );
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.message).toBe("Requested resource not found");
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it("SDK: CreateTable on an existing table throws ResourceInUseException", async () => {
    const err = await serviceError(() => client.send(new CreateTableCommand(hashTable(table))));
    expect(err).toBeInstanceOf(ResourceInUseException);
    expect(err.name).toBe("ResourceInUseException");
    expect(err.message).toBe(`Table already exists: ${table}`);
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it("SDK: PutItem without the key throws ValidationException", async () => {
    const err = await serviceError(() =>
      client.send(new PutItemCommand({ TableName: table, Item: { other: { S: "x" } } })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("One or more parameter values were invalid: Missing the key id in the item");
    expect(err.$fault).toBe("client");
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it("SDK: GetItem with a wrong key type throws ValidationException", async () => {
    const err = await serviceError(() =>
      client.send(new GetItemCommand({ TableName: table, Key: { id: { N: "1" } } })),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("The provided key element does not match the schema");
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it("SDK: DeleteTable then waitUntilTableNotExists", async () => {
    const { TableDescription } = await client.send(new DeleteTableCommand({ TableName: table }));
    expect(TableDescription).toMatchObject({ TableName: table, TableStatus: "DELETING" });
    const result = await waitUntilTableNotExists(WAITER, { TableName: table });
    expect(result.state).toBe("SUCCESS");
    const err = await serviceError(() => client.send(new DescribeTableCommand({ TableName: table })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(table);
  });
});
