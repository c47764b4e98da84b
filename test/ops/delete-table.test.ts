import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { allTableNames, itemRows, queryIn, tableArn, tableDescription, tableShard, tableTid } from "../support/tables";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";
import { itInOneObject } from "../support/doors";

const NO_SUCH_TABLE = (name: string): [string, string] => [
  "ResourceNotFoundException",
  `Requested resource not found: Table: ${name} not found`,
];

const PROTECTED = [
  "ValidationException",
  "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
];

async function createProtectedTable(name: string): Promise<void> {
  await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    DeletionProtectionEnabled: true,
  });
}

/**
 * Runs the object's alarm until no dropped table is left to purge (bounded): each step
 * purges one chunk of one dropped table, and tables dropped earlier may be queued first.
 */
async function drainAlarms(object: DurableObjectStub): Promise<void> {
  for (let step = 0; step < 50; step++) {
    if ((await queryIn(object, "SELECT tid FROM dropped_tables")).length === 0) return;
    await runDurableObjectAlarm(object);
  }
}

describe("DeleteTable", () => {
  describe("validations", () => {
    it("DeleteTable: rejects a missing TableName", async () => {
      expect(await fails("DeleteTable", {})).toEqual([
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      ]);
    });

    it("DeleteTable: rejects a table name longer than 255 characters", async () => {
      const name = "t".repeat(256);
      expect(await fails("DeleteTable", { TableName: name })).toEqual([
        "ValidationException",
        `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255`,
      ]);
    });

    it("DeleteTable: rejects a number as TableName", async () => {
      expect(await fails("DeleteTable", { TableName: 1.5 })).toEqual([
        "SerializationException",
        "DECIMAL_VALUE cannot be converted to String",
      ]);
    });

    it("DeleteTable: rejects an unknown table, naming it", async () => {
      const name = uniqueName("missing");
      expect(await fails("DeleteTable", { TableName: name })).toEqual(NO_SUCH_TABLE(name));
    });

    it("DeleteTable: refuses a table protected against deletion and keeps it", async () => {
      const name = uniqueName("protected");
      await createProtectedTable(name);
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" } } });
      expect(await fails("DeleteTable", { TableName: name })).toEqual(PROTECTED);
      expect((await tableDescription(name)).TableStatus).toBe("ACTIVE");
      expect(await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual({ Item: { id: { S: "a" } } });
    });
  });

  describe("functionality", () => {
    // DynamoDB's reduced description of a table being deleted: no AttributeDefinitions,
    // KeySchema, CreationDateTime or indexes (Alternator's test_table.py, run against AWS);
    // its counts are the whole table's, over every shard (the client-4 door).
    it("DeleteTable: returns the table's reduced description with status DELETING and its counts", async () => {
      const name = uniqueName("deleting");
      await createHashTable(name);
      for (const id of ["a", "b", "c", "d", "e", "f"])
        await ok("PutItem", { TableName: name, Item: { id: { S: id } } });
      const before = await tableDescription(name);
      const output = await ok("DeleteTable", { TableName: name });
      expect(Object.keys(output)).toEqual(["TableDescription"]);
      const { AttributeDefinitions, KeySchema, CreationDateTime, ...reduced } = before;
      expect([AttributeDefinitions, KeySchema, CreationDateTime].every((member) => member !== undefined)).toBe(true);
      expect(output.TableDescription).toEqual({ ...reduced, TableStatus: "DELETING" });
      expect((output.TableDescription as { ItemCount: number }).ItemCount).toBe(6);
    });

    it("DeleteTable: makes DescribeTable and data operations report the table missing", async () => {
      const name = uniqueName("gone");
      await createHashTable(name);
      await ok("DeleteTable", { TableName: name });
      expect(await fails("DescribeTable", { TableName: name })).toEqual(NO_SUCH_TABLE(name));
      expect(await fails("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual([
        "ResourceNotFoundException",
        "Requested resource not found",
      ]);
      expect(await fails("DeleteTable", { TableName: name })).toEqual(NO_SUCH_TABLE(name));
      expect(await allTableNames()).not.toContain(name);
    });

    it("DeleteTable: deletes a table once its protection is turned off", async () => {
      const name = uniqueName("unprotected");
      await createProtectedTable(name);
      await ok("UpdateTable", { TableName: name, DeletionProtectionEnabled: false });
      expect(
        ((await ok("DeleteTable", { TableName: name })).TableDescription as Record<string, unknown>).TableStatus,
      ).toBe("DELETING");
      expect(await fails("DescribeTable", { TableName: name })).toEqual(NO_SUCH_TABLE(name));
    });

    it("DeleteTable: lets the name be used again for a new, empty table", async () => {
      const name = uniqueName("again");
      await createHashRangeTable(name);
      await ok("PutItem", { TableName: name, Item: { pk: { S: "a" }, sk: { S: "1" } } });
      await ok("TagResource", { ResourceArn: tableArn(name), Tags: [{ Key: "old", Value: "yes" }] });
      const old = await tableDescription(name);
      await ok("DeleteTable", { TableName: name });
      await createHashRangeTable(name);
      const fresh = await tableDescription(name);
      expect(fresh.ItemCount).toBe(0);
      expect(fresh.TableSizeBytes).toBe(0);
      // Same name, same ARN, new identity.
      expect(fresh.TableArn).toBe(old.TableArn);
      expect(fresh.TableId).not.toBe(old.TableId);
      expect(await ok("GetItem", { TableName: name, Key: { pk: { S: "a" }, sk: { S: "1" } } })).toEqual({});
      expect(await ok("ListTagsOfResource", { ResourceArn: tableArn(name) })).toEqual({ Tags: [] });
    });

    itInOneObject("DeleteTable: purges the deleted table's item rows", async () => {
      const name = uniqueName("purge");
      await createHashTable(name);
      for (let i = 0; i < 5; i++) await ok("PutItem", { TableName: name, Item: { id: { S: `k${i}` } } });
      const object = await tableShard(name);
      const tid = await tableTid(name);
      expect(await itemRows(object, tid)).toBe(5);
      await ok("DeleteTable", { TableName: name });
      // The rows go in chunks from the object's alarm (it may already have run), one dropped
      // table per step.
      await drainAlarms(object);
      expect(await itemRows(object, tid)).toBe(0);
      expect(await queryIn(object, "SELECT tid FROM dropped_tables WHERE tid = ?", tid)).toEqual([]);
    });

    itInOneObject("DeleteTable: leaves the rows of other tables alone", async () => {
      const kept = uniqueName("kept");
      const dropped = uniqueName("dropped");
      await createHashTable(kept);
      await createHashTable(dropped);
      await ok("PutItem", { TableName: kept, Item: { id: { S: "a" } } });
      await ok("PutItem", { TableName: dropped, Item: { id: { S: "a" } } });
      const object = await tableShard(dropped);
      await ok("DeleteTable", { TableName: dropped });
      await drainAlarms(object);
      expect(await itemRows(await tableShard(kept), await tableTid(kept))).toBe(1);
      expect(await ok("GetItem", { TableName: kept, Key: { id: { S: "a" } } })).toEqual({ Item: { id: { S: "a" } } });
    });
  });
});
