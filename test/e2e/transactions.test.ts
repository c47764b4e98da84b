// Batches and transactions through the AWS SDK for JavaScript v3 over real HTTP, as an
// application writes them: DynamoDBDocumentClient's TransactWriteCommand,
// TransactGetCommand, BatchWriteCommand and BatchGetCommand with plain values, and the
// typed errors (TransactionCanceledException with its CancellationReasons,
// IdempotentParameterMismatchException). The wire-level behaviour is pinned in
// test/ops/{batch-get-item,batch-write-item,transact-write-items,transact-get-items}.test.ts.
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBServiceException,
  IdempotentParameterMismatchException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, sdkClient } from "./support";

const client = sdkClient();
const documentClient = DynamoDBDocumentClient.from(client);

const orders = uniqueName("orders");
const inventory = uniqueName("inventory");
const carts = uniqueName("carts");

function table(name: string, hash: string, range?: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: hash, AttributeType: "S" },
      ...(range ? [{ AttributeName: range, AttributeType: "S" as const }] : []),
    ],
    KeySchema: [
      { AttributeName: hash, KeyType: "HASH" },
      ...(range ? [{ AttributeName: range, KeyType: "RANGE" as const }] : []),
    ],
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

async function read(tableName: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  return (await documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

/** The seed scenario: place an order, take the stock, clear the cart line, all or nothing. */
function checkout(orderId: string, sku: string, quantity: number, user: string): TransactWriteCommandInput {
  return {
    TransactItems: [
      { Put: { TableName: orders, Item: { orderId, sku, quantity, user } } },
      {
        Update: {
          TableName: inventory,
          Key: { sku },
          UpdateExpression: "SET quantity = quantity - :dec",
          ConditionExpression: "quantity >= :dec",
          ExpressionAttributeValues: { ":dec": quantity },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
      { Delete: { TableName: carts, Key: { user, sku } } },
    ],
  };
}

describe("Batches and transactions through the AWS SDK for JavaScript v3", () => {
  beforeAll(async () => {
    await client.send(new CreateTableCommand(table(orders, "orderId")));
    await client.send(new CreateTableCommand(table(inventory, "sku")));
    await client.send(new CreateTableCommand(table(carts, "user", "sku")));
  });

  afterAll(async () => {
    for (const name of [orders, inventory, carts]) {
      await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    }
    client.destroy();
  });

  it("SDK: a checkout transaction applies all three writes", async () => {
    await documentClient.send(new PutCommand({ TableName: inventory, Item: { sku: "widget", quantity: 5 } }));
    await documentClient.send(new PutCommand({ TableName: carts, Item: { user: "ann", sku: "widget", quantity: 2 } }));
    const out = await documentClient.send(new TransactWriteCommand(checkout("order-1", "widget", 2, "ann")));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await read(orders, { orderId: "order-1" })).toEqual({
      orderId: "order-1",
      sku: "widget",
      quantity: 2,
      user: "ann",
    });
    expect(await read(inventory, { sku: "widget" })).toEqual({ sku: "widget", quantity: 3 });
    expect(await read(carts, { user: "ann", sku: "widget" })).toBeUndefined();
  });

  it("SDK: with too little stock nothing changes and CancellationReasons name the failed action", async () => {
    await documentClient.send(new PutCommand({ TableName: inventory, Item: { sku: "gadget", quantity: 1 } }));
    await documentClient.send(new PutCommand({ TableName: carts, Item: { user: "bob", sku: "gadget", quantity: 4 } }));
    const err = await serviceError(() =>
      documentClient.send(new TransactWriteCommand(checkout("order-2", "gadget", 4, "bob"))),
    );
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect(err.name).toBe("TransactionCanceledException");
    expect(err.message).toBe(
      "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]",
    );
    expect(err.$metadata.httpStatusCode).toBe(400);
    const reasons = (err as TransactionCanceledException).CancellationReasons;
    expect(reasons).toEqual([
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        // ReturnValuesOnConditionCheckFailure: the item as stored, in wire form.
        Item: { sku: { S: "gadget" }, quantity: { N: "1" } },
      },
      { Code: "None" },
    ]);
    expect(await read(orders, { orderId: "order-2" })).toBeUndefined();
    expect(await read(inventory, { sku: "gadget" })).toEqual({ sku: "gadget", quantity: 1 });
    expect(await read(carts, { user: "bob", sku: "gadget" })).toEqual({ user: "bob", sku: "gadget", quantity: 4 });
  });

  it("SDK: a ClientRequestToken makes a retried transaction idempotent", async () => {
    await documentClient.send(new PutCommand({ TableName: inventory, Item: { sku: "gizmo", quantity: 10 } }));
    const ClientRequestToken = `checkout-${Date.now()}`;
    const request = { ...checkout("order-3", "gizmo", 3, "cy"), ClientRequestToken };
    await documentClient.send(new TransactWriteCommand(request));
    await documentClient.send(new TransactWriteCommand(request));
    expect(await read(inventory, { sku: "gizmo" })).toEqual({ sku: "gizmo", quantity: 7 });

    const err = await serviceError(() =>
      documentClient.send(new TransactWriteCommand({ ...checkout("order-4", "gizmo", 3, "cy"), ClientRequestToken })),
    );
    expect(err).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await read(orders, { orderId: "order-4" })).toBeUndefined();
    expect(await read(inventory, { sku: "gizmo" })).toEqual({ sku: "gizmo", quantity: 7 });
  });

  it("SDK: two actions on one item are a ValidationException", async () => {
    const err = await serviceError(() =>
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: inventory, Item: { sku: { S: "dup" } } } },
            { Delete: { TableName: inventory, Key: { sku: { S: "dup" } } } },
          ],
        }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("Transaction request cannot include multiple operations on one item");
  });

  it("SDK: TransactGetCommand answers in order with plain values, an empty response for a missing item", async () => {
    await documentClient.send(
      new PutCommand({ TableName: inventory, Item: { sku: "t1", quantity: 1, tags: new Set(["a"]) } }),
    );
    await documentClient.send(new PutCommand({ TableName: inventory, Item: { sku: "t2", quantity: 2, note: "n" } }));
    const out = await documentClient.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: inventory, Key: { sku: "t1" } } },
          { Get: { TableName: inventory, Key: { sku: "absent" } } },
          { Get: { TableName: inventory, Key: { sku: "t2" }, ProjectionExpression: "quantity" } },
        ],
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(out.Responses).toEqual([
      { Item: { sku: "t1", quantity: 1, tags: new Set(["a"]) } },
      {},
      { Item: { quantity: 2 } },
    ]);
    expect(out.ConsumedCapacity).toEqual([{ TableName: inventory, CapacityUnits: 6, ReadCapacityUnits: 6 }]);
  });

  it("SDK: BatchWriteCommand and BatchGetCommand over several tables", async () => {
    const written = await documentClient.send(
      new BatchWriteCommand({
        RequestItems: {
          [inventory]: [
            { PutRequest: { Item: { sku: "b1", quantity: 1 } } },
            { PutRequest: { Item: { sku: "b2", quantity: 2, meta: { color: "red" } } } },
          ],
          [carts]: [
            { PutRequest: { Item: { user: "dee", sku: "b1" } } },
            { DeleteRequest: { Key: { user: "dee", sku: "none" } } },
          ],
        },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(written.UnprocessedItems).toEqual({});
    expect(written.ConsumedCapacity).toEqual([
      { TableName: inventory, CapacityUnits: 2 },
      { TableName: carts, CapacityUnits: 2 },
    ]);
    const got = await documentClient.send(
      new BatchGetCommand({
        RequestItems: {
          [inventory]: {
            Keys: [{ sku: "b1" }, { sku: "b2" }, { sku: "nope" }],
            ProjectionExpression: "sku, meta.color",
          },
          [carts]: { Keys: [{ user: "dee", sku: "b1" }], ConsistentRead: true },
        },
      }),
    );
    expect(got.UnprocessedKeys).toEqual({});
    expect(got.Responses?.[inventory]).toHaveLength(2);
    expect(got.Responses?.[inventory]).toContainEqual({ sku: "b1" });
    expect(got.Responses?.[inventory]).toContainEqual({ sku: "b2", meta: { color: "red" } });
    expect(got.Responses?.[carts]).toEqual([{ user: "dee", sku: "b1" }]);
  });

  it("SDK: BatchGetItem duplicates are a ValidationException", async () => {
    const err = await serviceError(() =>
      client.send(
        new BatchGetItemCommand({
          RequestItems: { [inventory]: { Keys: [{ sku: { S: "x" } }, { sku: { S: "x" } }] } },
        }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("Provided list of item keys contains duplicates");
  });
});
