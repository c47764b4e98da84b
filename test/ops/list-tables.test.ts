// Storage is isolated per test file, but the tests of this file share one database, so
// each test looks only at names carrying its own prefix.
import { describe, expect, it } from "vitest";
import { allTableNames } from "../support/tables";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

async function list(
  input: Record<string, unknown>,
): Promise<{ TableNames: string[]; LastEvaluatedTableName?: string }> {
  return (await ok("ListTables", input)) as { TableNames: string[]; LastEvaluatedTableName?: string };
}

describe("ListTables", () => {
  describe("validations", () => {
    it("ListTables: rejects a Limit of 0", async () => {
      expect(await fails("ListTables", { Limit: 0 })).toEqual([
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    it("ListTables: rejects a Limit above 100", async () => {
      expect(await fails("ListTables", { Limit: 101 })).toEqual([
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
      ]);
    });

    it("ListTables: rejects a string as Limit", async () => {
      expect(await fails("ListTables", { Limit: "10" })).toEqual([
        "SerializationException",
        "STRING_VALUE cannot be converted to Long",
      ]);
    });

    it("ListTables: rejects an empty ExclusiveStartTableName with both of its violations", async () => {
      expect(await fails("ListTables", { ExclusiveStartTableName: "" })).toEqual([
        "ValidationException",
        "2 validation errors detected: " +
          "Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
          "Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("ListTables: rejects an ExclusiveStartTableName that is a table ARN", async () => {
      const arn = "arn:aws:dynamodb:us-east-1:000000000000:table/abc";
      expect(await fails("ListTables", { ExclusiveStartTableName: arn })).toEqual([
        "ValidationException",
        `1 validation error detected: Value '${arn}' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
      ]);
    });
  });

  describe("functionality", () => {
    it("ListTables: lists every table, in ascending order", async () => {
      const prefix = uniqueName("all");
      const names = [`${prefix}-b`, `${prefix}-a`, `${prefix}-c`];
      for (const name of names) await createHashTable(name);
      const listed = (await allTableNames()).filter((n) => n.startsWith(prefix));
      expect(listed).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    });

    it("ListTables: orders names byte-wise, upper case before lower case", async () => {
      const prefix = uniqueName("bytes");
      const names = [`${prefix}-a`, `${prefix}-B`, `${prefix}-_`, `${prefix}-1`, `${prefix}-.`];
      for (const name of names) await createHashTable(name);
      const listed = (await allTableNames()).filter((n) => n.startsWith(prefix));
      expect(listed).toEqual([`${prefix}-.`, `${prefix}-1`, `${prefix}-B`, `${prefix}-_`, `${prefix}-a`]);
    });

    it("ListTables: pages with Limit and ExclusiveStartTableName", async () => {
      const prefix = uniqueName("page");
      const names = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`);
      for (const name of names) await createHashTable(name);
      // Start just before the prefix's first name: "-" sorts before the digits.
      const first = await list({ ExclusiveStartTableName: `${prefix}-`, Limit: 2 });
      expect(first).toEqual({ TableNames: names.slice(0, 2), LastEvaluatedTableName: names[1] });
      const second = await list({ ExclusiveStartTableName: first.LastEvaluatedTableName, Limit: 2 });
      expect(second).toEqual({ TableNames: names.slice(2, 4), LastEvaluatedTableName: names[3] });
    });

    it("ListTables: omits LastEvaluatedTableName when a page ends on the last table", async () => {
      // "zz" sorts after every other name this file creates.
      const prefix = `zz${uniqueName("last")}`;
      const names = [`${prefix}-1`, `${prefix}-2`];
      for (const name of names) await createHashTable(name);
      expect(await list({ ExclusiveStartTableName: `${prefix}-`, Limit: 2 })).toEqual({ TableNames: names });
      expect(await list({ ExclusiveStartTableName: `${prefix}-1`, Limit: 5 })).toEqual({ TableNames: [names[1]] });
      expect(await list({ ExclusiveStartTableName: `${prefix}-2` })).toEqual({ TableNames: [] });
    });

    it("ListTables: accepts an ExclusiveStartTableName that names no table", async () => {
      const prefix = uniqueName("gap");
      await createHashTable(`${prefix}-b`);
      const page = await list({ ExclusiveStartTableName: `${prefix}-a`, Limit: 1 });
      expect(page.TableNames).toEqual([`${prefix}-b`]);
    });

    it("ListTables: returns at most 100 names a page by default", async () => {
      const prefix = uniqueName("many");
      for (let i = 0; i < 101; i++) await createHashTable(`${prefix}-${String(i).padStart(3, "0")}`);
      const page = await list({ ExclusiveStartTableName: `${prefix}-` });
      expect(page.TableNames).toHaveLength(100);
      expect(page.TableNames[99]).toBe(`${prefix}-099`);
      expect(page.LastEvaluatedTableName).toBe(`${prefix}-099`);
      const next = await list({ ExclusiveStartTableName: page.LastEvaluatedTableName, Limit: 1 });
      expect(next.TableNames).toEqual([`${prefix}-100`]);
    });

    it("ListTables: stops listing a deleted table", async () => {
      const name = uniqueName("gone");
      await createHashTable(name);
      expect(await allTableNames()).toContain(name);
      await ok("DeleteTable", { TableName: name });
      expect(await allTableNames()).not.toContain(name);
    });

    it("ListTables: ignores members it does not know", async () => {
      const name = uniqueName("extra");
      await createHashTable(name);
      const page = await list({ ExclusiveStartTableName: name.slice(0, -1), Limit: 1, Unknown: true });
      expect(page.TableNames).toEqual([name]);
    });
  });
});
