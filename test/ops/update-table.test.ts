import { describe, expect, it } from "vitest";
import { createProvisionedTable, tableDescription } from "../support/tables";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

const NOTHING_TO_UPDATE = [
  "ValidationException",
  "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, " +
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, " +
    "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required",
];

const NOT_NULL = "failed to satisfy constraint: Member must not be null";

function unchanged(read: number, write: number): [string, string] {
  return [
    "ValidationException",
    "The provisioned throughput for the table will not change. The requested value equals the current value. " +
      `Current ReadCapacityUnits provisioned for the table: ${read}. Requested ReadCapacityUnits: ${read}. ` +
      `Current WriteCapacityUnits provisioned for the table: ${write}. Requested WriteCapacityUnits: ${write}. ` +
      "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
  ];
}

const throughput = (read: number, write: number) => ({ ReadCapacityUnits: read, WriteCapacityUnits: write });

async function update(input: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await ok("UpdateTable", input)).TableDescription as Record<string, unknown>;
}

describe("UpdateTable", () => {
  describe("validations", () => {
    it("UpdateTable: rejects a missing TableName", async () => {
      expect(await fails("UpdateTable", { DeletionProtectionEnabled: true })).toEqual([
        "ValidationException",
        `1 validation error detected: Value null at 'tableName' ${NOT_NULL}`,
      ]);
    });

    it("UpdateTable: rejects a table name shorter than 3 characters", async () => {
      expect(await fails("UpdateTable", { TableName: "ab", DeletionProtectionEnabled: true })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
      ]);
    });

    it("UpdateTable: rejects a number as TableName", async () => {
      expect(await fails("UpdateTable", { TableName: 123, DeletionProtectionEnabled: true })).toEqual([
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
      ]);
    });

    it("UpdateTable: rejects a string as DeletionProtectionEnabled", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", DeletionProtectionEnabled: "true" })).toEqual([
        "SerializationException",
        "Unexpected token received from parser",
      ]);
    });

    it("UpdateTable: rejects a request that changes nothing", async () => {
      expect(await fails("UpdateTable", { TableName: "abc" })).toEqual(NOTHING_TO_UPDATE);
    });

    it("UpdateTable: counts AttributeDefinitions alone as changing nothing", async () => {
      const definitions = [{ AttributeName: "id", AttributeType: "N" }];
      expect(await fails("UpdateTable", { TableName: "abc", AttributeDefinitions: definitions })).toEqual(
        NOTHING_TO_UPDATE,
      );
    });

    it("UpdateTable: counts an empty GlobalSecondaryIndexUpdates as absent", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", GlobalSecondaryIndexUpdates: [] })).toEqual(
        NOTHING_TO_UPDATE,
      );
    });

    it("UpdateTable: rejects an empty ProvisionedThroughput, naming writeCapacityUnits first", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", ProvisionedThroughput: {} })).toEqual([
        "ValidationException",
        `2 validation errors detected: Value null at 'provisionedThroughput.writeCapacityUnits' ${NOT_NULL}; ` +
          `Value null at 'provisionedThroughput.readCapacityUnits' ${NOT_NULL}`,
      ]);
    });

    it("UpdateTable: rejects a ProvisionedThroughput with one capacity", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", ProvisionedThroughput: { ReadCapacityUnits: 4 } })).toEqual(
        [
          "ValidationException",
          `1 validation error detected: Value null at 'provisionedThroughput.writeCapacityUnits' ${NOT_NULL}`,
        ],
      );
    });

    it("UpdateTable: rejects zero capacities", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", ProvisionedThroughput: throughput(0, 0) })).toEqual([
        "ValidationException",
        "2 validation errors detected: " +
          "Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
          "Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    it("UpdateTable: reports a constraint violation before an out-of-bounds capacity", async () => {
      expect(
        await fails("UpdateTable", { TableName: "abc", ProvisionedThroughput: throughput(1000000000001, -1) }),
      ).toEqual([
        "ValidationException",
        "1 validation error detected: Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
    });

    it("UpdateTable: rejects ReadCapacityUnits above 1000000000000", async () => {
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          ProvisionedThroughput: throughput(1000000000001, 1000000000001),
        }),
      ).toEqual(["ValidationException", "Given value 1000000000001 for ReadCapacityUnits is out of bounds"]);
    });

    it("UpdateTable: rejects WriteCapacityUnits above 1000000000000", async () => {
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          ProvisionedThroughput: throughput(1000000000000, 1000000000001),
        }),
      ).toEqual(["ValidationException", "Given value 1000000000001 for WriteCapacityUnits is out of bounds"]);
    });

    it("UpdateTable: rejects an unknown billing mode", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", BillingMode: "ON_DEMAND" })).toEqual([
        "ValidationException",
        "1 validation error detected: Value 'ON_DEMAND' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
      ]);
    });

    it("UpdateTable: rejects BillingMode PROVISIONED without ProvisionedThroughput, even on a provisioned table", async () => {
      const name = uniqueName("prov");
      await createProvisionedTable(name, 1, 1);
      expect(await fails("UpdateTable", { TableName: name, BillingMode: "PROVISIONED" })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
      ]);
    });

    it("UpdateTable: rejects ProvisionedThroughput together with BillingMode PAY_PER_REQUEST", async () => {
      expect(
        await fails("UpdateTable", {
          TableName: "abc",
          BillingMode: "PAY_PER_REQUEST",
          ProvisionedThroughput: throughput(1, 1),
        }),
      ).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST",
      ]);
    });

    it("UpdateTable: rejects ProvisionedThroughput for an on-demand table", async () => {
      const name = uniqueName("ppr");
      await createHashTable(name);
      expect(await fails("UpdateTable", { TableName: name, ProvisionedThroughput: throughput(1, 1) })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
      ]);
    });

    it("UpdateTable: rejects the throughput the table already has", async () => {
      const name = uniqueName("same");
      await createProvisionedTable(name, 5, 5);
      expect(await fails("UpdateTable", { TableName: name, ProvisionedThroughput: throughput(5, 5) })).toEqual(
        unchanged(5, 5),
      );
      // Naming the current billing mode as well changes nothing about that.
      expect(
        await fails("UpdateTable", {
          TableName: name,
          BillingMode: "PROVISIONED",
          ProvisionedThroughput: throughput(5, 5),
        }),
      ).toEqual(unchanged(5, 5));
    });

    it("UpdateTable: rejects deletion protection combined with another change", async () => {
      const name = uniqueName("dp");
      await createProvisionedTable(name, 1, 1);
      const combined = [
        { BillingMode: "PAY_PER_REQUEST" },
        { ProvisionedThroughput: throughput(2, 2) },
        { BillingMode: "PROVISIONED", ProvisionedThroughput: throughput(2, 2) },
      ];
      for (const change of combined) {
        expect(await fails("UpdateTable", { TableName: name, DeletionProtectionEnabled: true, ...change })).toEqual([
          "ValidationException",
          "One or more parameter values were invalid: DeletionProtection modification must be the only operation in the request",
        ]);
      }
    });

    it("UpdateTable: checks a StreamSpecification's members", async () => {
      expect(await fails("UpdateTable", { TableName: "abc", StreamSpecification: {} })).toEqual([
        "ValidationException",
        `1 validation error detected: Value null at 'streamSpecification.streamEnabled' ${NOT_NULL}`,
      ]);
    });

    it("UpdateTable: refuses the updates this version does not support yet", async () => {
      const refused: [string, unknown][] = [
        ["SSESpecification", { Enabled: true }],
        ["ReplicaUpdates", [{ Create: { RegionName: "eu-west-1" } }]],
        ["TableClass", "STANDARD_INFREQUENT_ACCESS"],
        ["OnDemandThroughput", { MaxReadRequestUnits: 100 }],
        ["WarmThroughput", { ReadUnitsPerSecond: 20000 }],
      ];
      for (const [member, value] of refused) {
        expect(await fails("UpdateTable", { TableName: "abc", [member]: value })).toEqual([
          "ValidationException",
          `${member} is not supported by this version of durable-dynamodb`,
        ]);
      }
    });

    it("UpdateTable: rejects an unknown table, naming it", async () => {
      const name = uniqueName("missing");
      expect(await fails("UpdateTable", { TableName: name, ProvisionedThroughput: throughput(1, 1) })).toEqual([
        "ResourceNotFoundException",
        `Requested resource not found: Table: ${name} not found`,
      ]);
      expect(await fails("UpdateTable", { TableName: name, DeletionProtectionEnabled: true })).toEqual([
        "ResourceNotFoundException",
        `Requested resource not found: Table: ${name} not found`,
      ]);
    });

    it("UpdateTable: validates the request before looking the table up", async () => {
      const name = uniqueName("missing");
      expect(await fails("UpdateTable", { TableName: name, BillingMode: "PROVISIONED" })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
      ]);
    });

    it("UpdateTable: changes nothing when a request is rejected", async () => {
      const name = uniqueName("intact");
      await createProvisionedTable(name, 3, 3);
      const before = await tableDescription(name);
      await fails("UpdateTable", { TableName: name, ProvisionedThroughput: throughput(3, 3) });
      await fails("UpdateTable", {
        TableName: name,
        DeletionProtectionEnabled: true,
        ProvisionedThroughput: throughput(4, 4),
      });
      await fails("UpdateTable", {
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        ProvisionedThroughput: throughput(4, 4),
      });
      await fails("UpdateTable", { TableName: name, ProvisionedThroughput: throughput(1000000000001, 4) });
      expect(await tableDescription(name)).toEqual(before);
    });
  });

  describe("functionality", () => {
    it("UpdateTable: raises throughput at once and records the increase", async () => {
      const name = uniqueName("up");
      await createProvisionedTable(name, 1, 1);
      const before = Date.now() / 1000;
      const description = await update({ TableName: name, ProvisionedThroughput: throughput(2, 3) });
      // The change is one transaction, so the table is ACTIVE with the new values already.
      expect(description.TableStatus).toBe("ACTIVE");
      expect(description.ProvisionedThroughput).toEqual({
        LastIncreaseDateTime: expect.any(Number) as number,
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 2,
        WriteCapacityUnits: 3,
      });
      const increasedAt = (description.ProvisionedThroughput as Record<string, number>).LastIncreaseDateTime;
      expect(increasedAt).toBeGreaterThanOrEqual(Math.floor(before));
      expect(increasedAt).toBeLessThanOrEqual(Date.now() / 1000);
      expect(await tableDescription(name)).toEqual(description);
    });

    it("UpdateTable: records decreases and counts them", async () => {
      const name = uniqueName("down");
      await createProvisionedTable(name, 5, 5);
      const raised = await update({ TableName: name, ProvisionedThroughput: throughput(10, 10) });
      const increasedAt = (raised.ProvisionedThroughput as Record<string, number>).LastIncreaseDateTime;
      let description = await update({ TableName: name, ProvisionedThroughput: throughput(4, 4) });
      expect(description.ProvisionedThroughput).toEqual({
        LastIncreaseDateTime: increasedAt,
        LastDecreaseDateTime: expect.any(Number) as number,
        NumberOfDecreasesToday: 1,
        ReadCapacityUnits: 4,
        WriteCapacityUnits: 4,
      });
      description = await update({ TableName: name, ProvisionedThroughput: throughput(3, 4) });
      expect((description.ProvisionedThroughput as Record<string, number>).NumberOfDecreasesToday).toBe(2);
      expect((await tableDescription(name)).ProvisionedThroughput).toEqual(description.ProvisionedThroughput);
    });

    it("UpdateTable: counts a change that raises one capacity and lowers the other as both", async () => {
      const name = uniqueName("mixed");
      await createProvisionedTable(name, 5, 5);
      const description = await update({ TableName: name, ProvisionedThroughput: throughput(6, 4) });
      expect(description.ProvisionedThroughput).toEqual({
        LastIncreaseDateTime: expect.any(Number) as number,
        LastDecreaseDateTime: expect.any(Number) as number,
        NumberOfDecreasesToday: 1,
        ReadCapacityUnits: 6,
        WriteCapacityUnits: 4,
      });
    });

    it("UpdateTable: accepts a throughput change that names the current billing mode", async () => {
      const name = uniqueName("explicit");
      await createProvisionedTable(name, 1, 1);
      const description = await update({
        TableName: name,
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: throughput(1, 2),
      });
      expect(description.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 2 });
      expect(description).not.toHaveProperty("BillingModeSummary");
    });

    it("UpdateTable: switches a provisioned table to on-demand", async () => {
      const name = uniqueName("to-ppr");
      await createProvisionedTable(name, 5, 5);
      const lowered = await update({ TableName: name, ProvisionedThroughput: throughput(2, 2) });
      const history = lowered.ProvisionedThroughput as Record<string, number>;
      const description = await update({ TableName: name, BillingMode: "PAY_PER_REQUEST" });
      expect(description.TableStatus).toBe("ACTIVE");
      // On-demand tables report 0/0; the decrease history stays.
      expect(description.ProvisionedThroughput).toEqual({
        LastDecreaseDateTime: history.LastDecreaseDateTime,
        NumberOfDecreasesToday: 1,
        ReadCapacityUnits: 0,
        WriteCapacityUnits: 0,
      });
      expect(description.BillingModeSummary).toEqual({
        BillingMode: "PAY_PER_REQUEST",
        LastUpdateToPayPerRequestDateTime: expect.any(Number) as number,
      });
      expect(await tableDescription(name)).toEqual(description);
      // Items can be written without any capacity to spend.
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" } } });
    });

    it("UpdateTable: switches an on-demand table to provisioned", async () => {
      const name = uniqueName("to-prov");
      await createHashTable(name);
      const switchedAt = ((await tableDescription(name)).BillingModeSummary as Record<string, number>)
        .LastUpdateToPayPerRequestDateTime;
      const description = await update({
        TableName: name,
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: throughput(4, 6),
      });
      // The values are applied as given, with no increase recorded; the summary stays,
      // remembering when the table was last made on-demand.
      expect(description.ProvisionedThroughput).toEqual({
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 4,
        WriteCapacityUnits: 6,
      });
      expect(description.BillingModeSummary).toEqual({
        BillingMode: "PROVISIONED",
        LastUpdateToPayPerRequestDateTime: switchedAt,
      });
      // Now provisioned, it takes throughput changes.
      const raised = await update({ TableName: name, ProvisionedThroughput: throughput(5, 6) });
      expect(raised.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 6 });
    });

    it("UpdateTable: accepts PAY_PER_REQUEST again for an on-demand table and changes nothing", async () => {
      const name = uniqueName("ppr-again");
      await createHashTable(name);
      const before = await tableDescription(name);
      const description = await update({ TableName: name, BillingMode: "PAY_PER_REQUEST" });
      expect(description).toEqual(before);
    });

    it("UpdateTable: turns deletion protection on and off", async () => {
      const name = uniqueName("protect");
      await createHashTable(name);
      let description = await update({ TableName: name, DeletionProtectionEnabled: true });
      expect(description.DeletionProtectionEnabled).toBe(true);
      expect(description.TableStatus).toBe("ACTIVE");
      expect(await fails("DeleteTable", { TableName: name })).toEqual([
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
      ]);
      // Re-sending the current setting is accepted.
      description = await update({ TableName: name, DeletionProtectionEnabled: true });
      expect(description.DeletionProtectionEnabled).toBe(true);
      description = await update({ TableName: name, DeletionProtectionEnabled: false });
      expect(description.DeletionProtectionEnabled).toBe(false);
      await ok("DeleteTable", { TableName: name });
    });

    it("UpdateTable: accepts AttributeDefinitions beside a change and ignores them", async () => {
      const name = uniqueName("attrs");
      await createHashTable(name);
      const description = await update({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "N" }],
        DeletionProtectionEnabled: false,
      });
      expect(description.AttributeDefinitions).toEqual([{ AttributeName: "id", AttributeType: "S" }]);
    });

    it("UpdateTable: keeps the table's items, keys and identity", async () => {
      const name = uniqueName("keeps");
      await createProvisionedTable(name, 1, 1);
      await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, v: { N: "1" } } });
      const before = await tableDescription(name);
      const after = await update({ TableName: name, BillingMode: "PAY_PER_REQUEST" });
      for (const key of ["TableName", "TableId", "TableArn", "CreationDateTime", "KeySchema", "ItemCount"]) {
        expect(after[key]).toEqual(before[key]);
      }
      expect(after.ItemCount).toBe(1);
      expect(await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } })).toEqual({
        Item: { id: { S: "a" }, v: { N: "1" } },
      });
    });
  });
});
