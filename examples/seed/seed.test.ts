// The seed example, driven as a client of the Worker would: the same code that ran on the
// AWS SDK, on a 4-shard cluster. The checkout's TransactWrite spans shards.
import { describe, expect, it } from "vitest";
import { partitionOfKeyValue } from "../../src/cluster/placement";
import worker from "./worker";
import type { TableDef } from "../../src/schema/table-def";

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const response = await worker.fetch(new Request(`http://shop${path}`, init));
  return { status: response.status, json: await response.json() };
}

/** The shard (of 4) a string partition key lands in. */
function shardOf(hashKey: string, value: string): number {
  const def = {
    keySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
    attributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
    shards: 4,
  } as TableDef;
  return partitionOfKeyValue(def, { S: value });
}

describe("examples/seed", () => {
  it("Seed example: puts, queries, checks out across shards, pages through orders, updates and deletes", async () => {
    expect((await call("POST", "/setup")).status).toBe(200);
    expect((await call("POST", "/setup")).status).toBe(200); // idempotent
    const skus = ["apple", "pear", "plum", "fig"];
    for (const sku of skus) await call("PUT", `/inventory/${sku}`, { stock: 5 });
    // The transaction's items really are spread over several shards.
    const shards = new Set([...skus.map((s) => shardOf("sku", s)), shardOf("orderId", "o-1"), shardOf("user", "ann")]);
    expect(shards.size).toBeGreaterThan(1);

    for (const sku of skus) await call("POST", `/cart/ann`, { sku, qty: 2 });
    expect((await call("GET", "/cart/ann")).json).toEqual(skus.sort().map((sku) => ({ user: "ann", sku, qty: 2 })));

    expect(await call("POST", "/cart/ann/checkout", { orderId: "o-1" })).toEqual({
      status: 200,
      json: { orderId: "o-1", lines: 4 },
    });
    expect((await call("GET", "/cart/ann")).json).toEqual([]);
    for (const sku of skus) expect((await call("GET", `/inventory/${sku}`)).json).toEqual({ sku, stock: 3 });

    // Not enough stock for one line: the whole transaction is cancelled, nothing changes.
    await call("POST", `/cart/bob`, { sku: "apple", qty: 1 });
    await call("POST", `/cart/bob`, { sku: "fig", qty: 4 });
    expect(await call("POST", "/cart/bob/checkout", { orderId: "o-2" })).toEqual({
      status: 409,
      json: { error: "cancelled", reasons: ["None", "ConditionalCheckFailed", "None", "None", "None"] },
    });
    expect((await call("GET", "/inventory/apple")).json).toEqual({ sku: "apple", stock: 3 });
    expect((await call("GET", "/cart/bob")).json).toHaveLength(2);

    await call("POST", `/cart/bob`, { sku: "fig", qty: 3 });
    expect((await call("POST", "/cart/bob/checkout", { orderId: "o-2" })).status).toBe(200);
    for (let i = 3; i <= 5; i++) {
      await call("POST", `/cart/cy`, { sku: "pear", qty: 1 });
      expect((await call("POST", "/cart/cy/checkout", { orderId: `o-${i}` })).status).toBe(200);
    }
    // A paginated Scan (2 items per page) sees every order once.
    const orders = (await call("GET", "/orders")).json as { orderId: string }[];
    expect(orders.map((o) => o.orderId).sort()).toEqual(["o-1", "o-2", "o-3", "o-4", "o-5"]);

    expect((await call("PATCH", "/orders/o-1", { status: "shipped" })).json).toEqual({
      orderId: "o-1",
      user: "ann",
      status: "shipped",
      lines: skus.map((sku) => ({ sku, qty: 2 })),
    });
    await call("DELETE", "/orders/o-1");
    expect(((await call("GET", "/orders")).json as unknown[]).length).toBe(4);
    expect((await call("GET", "/inventory/pear")).json).toEqual({ sku: "pear", stock: 0 });
  });
});
