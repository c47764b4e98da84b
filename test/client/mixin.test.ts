// withDynamoDB: a Durable Object class with its own embedded engine and a real SDK client
// (`this.dynamodb`) that calls it directly.
import { DynamoDBClient as SdkDynamoDBClient } from "@aws-sdk/client-dynamodb";
import { env as workerEnv } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DynamoDBClient, ListTablesCommand } from "../../src/index";
import type { Env } from "../../src/worker";
import { uniqueName } from "../support/wire";
import type { MixinTestObject } from "./mixin-object";

const env = workerEnv as unknown as Env & { MIXIN_TEST: DurableObjectNamespace<MixinTestObject> };

function instance(name = uniqueName("mixin")): DurableObjectStub<MixinTestObject> {
  return env.MIXIN_TEST.get(env.MIXIN_TEST.idFromName(name));
}

/** Polls `probe` until it returns `want` (housekeeping runs on timers inside the object). */
async function eventually<T>(probe: () => Promise<T>, want: T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (last !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await probe();
  }
  return last;
}

describe("withDynamoDB mixin", () => {
  it("runs the engine's migrations on construction", async () => {
    const stub = instance();
    // The first call constructs the object; its SQLite already holds the engine schema.
    const tables = await stub.sqlTables();
    expect(tables).toEqual(expect.arrayContaining(["_meta", "tables", "items", "index_items"]));
  });

  it("serves the documented fetch example through this.dynamodb", async () => {
    const stub = instance();
    const response = await stub.fetch("http://do/?id=first");
    expect(await response.json()).toEqual({ id: { S: "first" } });
    await stub.fetch("http://do/?id=second");
    expect(await stub.sqlCount("items")).toBe(2);
  });

  it("gives each instance a real SDK client over its own engine", async () => {
    const stub = instance();
    const kinds = await runInDurableObject(stub, (object: MixinTestObject) => ({
      ours: object.dynamodb instanceof DynamoDBClient,
      sdk: object.dynamodb instanceof SdkDynamoDBClient,
    }));
    expect(kinds).toEqual({ ours: true, sdk: true });
  });

  it("keeps tables private to the instance", async () => {
    const aName = uniqueName("mixin-a");
    const a = instance(aName);
    const b = instance();
    const table = uniqueName("private");
    await a.ensureTable(table);
    await a.put(table, { id: { S: "k" }, v: { N: "1" } });
    expect(await a.get(table, "k")).toEqual({ id: { S: "k" }, v: { N: "1" } });

    expect(await b.tables()).toEqual([]);
    expect(await b.missingTableError(table)).toEqual({ name: "ResourceNotFoundException", status: 400, typed: true });
    // Nor does the shard namespace (what DynamoDBClient and the HTTP edge reach) see it.
    const shared = await new DynamoDBClient({}).send(new ListTablesCommand({}));
    expect(shared.TableNames).not.toContain(table);
    // A new stub to the same instance (same name) reaches the same private tables.
    expect(await instance(aName).tables()).toEqual([table]);
  });

  it("purges a deleted table's rows on timers, leaving the object's alarm alone", async () => {
    const stub = instance();
    await stub.ensureTable("doomed");
    for (let i = 0; i < 25; i++) await stub.put("doomed", { id: { S: `k${i}` } });
    expect(await stub.sqlCount("items")).toBe(25);
    await stub.deleteTable("doomed");
    expect(await stub.tables()).toEqual([]);
    expect(await eventually(() => stub.sqlCount("items"), 0)).toBe(0);
    expect(await eventually(() => stub.sqlCount("dropped_tables"), 0)).toBe(0);
    expect(await stub.alarmTime()).toBeNull();
  });

  it("backfills an index added by UpdateTable", async () => {
    const stub = instance();
    await stub.ensureTable("indexed");
    for (let i = 0; i < 30; i++) await stub.put("indexed", { id: { S: `k${i}` }, g: { S: `g${i % 3}` } });
    expect(await stub.addIndex("indexed")).toBe("CREATING");
    expect(await eventually(() => stub.indexStatus("indexed"), "ACTIVE")).toBe("ACTIVE");
    expect(await stub.sqlCount("index_items")).toBe(30);
    expect(await stub.alarmTime()).toBeNull();
  });
});
