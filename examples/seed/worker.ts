// The seed example: an ordinary Worker written for the AWS SDK v3, moved onto
// durable-dynamodb by changing its imports and nothing else. It keeps a shop's inventory,
// carts and orders in three tables spread over 4 shard Durable Objects each, and checks a
// cart out with one TransactWrite whose items live in different shards.
//
//   was: import { DynamoDBClient, ... } from "@aws-sdk/client-dynamodb";
//        import { DynamoDBDocumentClient, ... } from "@aws-sdk/lib-dynamodb";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "durable-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "durable-dynamodb/lib";

// Bound as DYNAMODB in wrangler.toml (see README); the client finds it on its own.
export { DynamoShard } from "durable-dynamodb";

const client = new DynamoDBClient({ shards: 4 });
const db = DynamoDBDocumentClient.from(client);

interface CartLine {
  user: string;
  sku: string;
  qty: number;
}

const TABLES = [
  { name: "inventory", keys: ["sku"] },
  { name: "carts", keys: ["user", "sku"] },
  { name: "orders", keys: ["orderId"] },
];

async function setup(): Promise<void> {
  for (const table of TABLES) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: table.keys.map((k) => ({ AttributeName: k, AttributeType: "S" })),
          KeySchema: table.keys.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? "HASH" : "RANGE" })),
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
}

async function cart(user: string): Promise<CartLine[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: "carts",
      KeyConditionExpression: "#u = :u",
      ExpressionAttributeNames: { "#u": "user" },
      ExpressionAttributeValues: { ":u": user },
    }),
  );
  return (out.Items ?? []) as CartLine[];
}

/** One transaction: take stock for every line, record the order, empty the cart. */
async function checkout(user: string, orderId: string): Promise<Response> {
  const lines = await cart(user);
  if (lines.length === 0) return Response.json({ error: "empty cart" }, { status: 400 });
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          ...lines.map((line) => ({
            Update: {
              TableName: "inventory",
              Key: { sku: line.sku },
              UpdateExpression: "SET stock = stock - :q",
              ConditionExpression: "stock >= :q",
              ExpressionAttributeValues: { ":q": line.qty },
            },
          })),
          {
            Put: {
              TableName: "orders",
              Item: { orderId, user, status: "placed", lines: lines.map(({ sku, qty }) => ({ sku, qty })) },
              ConditionExpression: "attribute_not_exists(orderId)",
            },
          },
          ...lines.map((line) => ({ Delete: { TableName: "carts", Key: { user, sku: line.sku } } })),
        ],
      }),
    );
  } catch (err) {
    const e = err as { name: string; CancellationReasons?: { Code?: string }[] };
    if (e.name !== "TransactionCanceledException") throw err;
    return Response.json({ error: "cancelled", reasons: e.CancellationReasons?.map((r) => r.Code) }, { status: 409 });
  }
  return Response.json({ orderId, lines: lines.length });
}

async function allOrders(): Promise<unknown[]> {
  const orders: unknown[] = [];
  for await (const page of paginateScan({ client: db, pageSize: 2 }, { TableName: "orders" })) {
    orders.push(...(page.Items ?? []));
  }
  return orders;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [, resource, id, sub] = url.pathname.split("/");
    const text = await request.text();
    const body = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
    switch (`${request.method} ${resource}${sub ? `/${sub}` : ""}`) {
      case "POST setup":
        await setup();
        return Response.json({ ok: true });
      case "PUT inventory":
        await db.send(new PutCommand({ TableName: "inventory", Item: { sku: id, stock: body.stock } }));
        return Response.json({ ok: true });
      case "GET inventory": {
        const out = await db.send(new GetCommand({ TableName: "inventory", Key: { sku: id } }));
        return Response.json(out.Item ?? null);
      }
      case "POST cart":
        await db.send(new PutCommand({ TableName: "carts", Item: { user: id, sku: body.sku, qty: body.qty } }));
        return Response.json({ ok: true });
      case "GET cart":
        return Response.json(await cart(id ?? ""));
      case "POST cart/checkout":
        return checkout(id ?? "", String(body.orderId));
      case "GET orders":
        return Response.json(await allOrders());
      case "PATCH orders": {
        const out = await db.send(
          new UpdateCommand({
            TableName: "orders",
            Key: { orderId: id },
            UpdateExpression: "SET #s = :s",
            ConditionExpression: "attribute_exists(orderId)",
            ExpressionAttributeNames: { "#s": "status" },
            ExpressionAttributeValues: { ":s": body.status },
            ReturnValues: "ALL_NEW",
          }),
        );
        return Response.json(out.Attributes);
      }
      case "DELETE orders":
        await db.send(new DeleteCommand({ TableName: "orders", Key: { orderId: id } }));
        return Response.json({ ok: true });
      default:
        return new Response("not found", { status: 404 });
    }
  },
} satisfies ExportedHandler;
