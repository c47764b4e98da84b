// Schema v7 stores item documents as JSONB (src/storage/schema.ts). A shard written by an
// earlier version holds JSON text; migrating must turn every document into JSONB without
// changing a byte of what readers get back, and leave the shard working.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Sql } from "../../src/storage/sql";
import { migrate, SCHEMA_VERSION } from "../../src/storage/schema";
import { tableShard } from "../support/tables";
import { createHashTable, ok, uniqueName } from "../support/wire";

describe("schema v7: item documents as JSONB", () => {
  it("stores documents as JSONB and reads them back as the same text", async () => {
    const table = uniqueName("jsonb");
    await createHashTable(table);
    const item = { id: { S: 'a\u2028"\\\u0001é😀' }, m: { M: { 'k"': { L: [{ N: "1000" }, { NULL: true }] } } } };
    await ok("PutItem", { TableName: table, Item: item });
    expect(await ok("GetItem", { TableName: table, Key: { id: item.id } })).toEqual({ Item: item });
    const types = await runInDurableObject(await tableShard(table), (_instance, state) =>
      state.storage.sql.exec<{ t: string }>("SELECT DISTINCT typeof(doc) AS t FROM items").toArray(),
    );
    expect(types).toEqual([{ t: "blob" }]);
  });

  it("migrates a v6 shard's JSON text documents to JSONB, byte for byte", async () => {
    const table = uniqueName("jsonb");
    await createHashTable(table);
    const items = Array.from({ length: 20 }, (_, i) => ({ id: { S: `k${i}` }, v: { S: "x".repeat(i * 50) } }));
    for (const Item of items) await ok("PutItem", { TableName: table, Item });
    const result = await runInDurableObject(await tableShard(table), (_instance, state) => {
      const sql = state.storage.sql;
      const before = sql.exec<{ d: string }>("SELECT json(doc) AS d FROM items ORDER BY id").toArray();
      // Back to what version 6 wrote: documents as text, schema_version 6.
      sql.exec("UPDATE items SET doc = json(doc)");
      sql.exec("UPDATE _meta SET value = '6' WHERE key = 'schema_version'");
      const textTypes = sql.exec<{ t: string }>("SELECT DISTINCT typeof(doc) AS t FROM items").toArray();
      migrate(new Sql(state.storage));
      return {
        textTypes,
        types: sql.exec<{ t: string }>("SELECT DISTINCT typeof(doc) AS t FROM items").toArray(),
        same: sql.exec<{ d: string }>("SELECT json(doc) AS d FROM items ORDER BY id").toArray(),
        before,
        version: sql.exec<{ value: string }>("SELECT value FROM _meta WHERE key = 'schema_version'").one().value,
      };
    });
    expect(result.textTypes).toEqual([{ t: "text" }]);
    expect(result.types).toEqual([{ t: "blob" }]);
    expect(result.same).toEqual(result.before);
    expect(result.version).toBe(String(SCHEMA_VERSION));
    const got = await ok("Scan", { TableName: table });
    expect(got.Count).toBe(20);
  });
});
