// Point-in-time recovery (src/backup/pitr.ts) through every door: the recovery window, and
// a restore giving the table exactly as it was at a chosen moment.
import { describe, expect, it } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { itInOneObject } from "../support/doors";
import { queryIn, tableShard, tableTid } from "../support/tables";
import { createHashRangeTable, fails, ok, uniqueName } from "../support/wire";

type Json = Record<string, unknown>;
const S = (s: string) => ({ S: s });
const N = (n: string) => ({ N: n });
const V = "ValidationException";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function enable(table: string, days?: number): Promise<Json> {
  const spec = { PointInTimeRecoveryEnabled: true, ...(days === undefined ? {} : { RecoveryPeriodInDays: days }) };
  return (await ok("UpdateContinuousBackups", { TableName: table, PointInTimeRecoverySpecification: spec }))
    .ContinuousBackupsDescription as Json;
}

async function active(table: string): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const described = (await ok("DescribeTable", { TableName: table })).Table as Json;
    if (described.TableStatus === "ACTIVE") return described;
    await sleep(25);
  }
  throw new Error(`table ${table} never ACTIVE`);
}

async function items(table: string): Promise<string[]> {
  const out: string[] = [];
  let start: unknown;
  do {
    const page = await ok("Scan", {
      TableName: table,
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    for (const one of page.Items as Json[]) out.push(JSON.stringify(one));
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort();
}

function item(i: number, v: number): Json {
  return { pk: S(`p${i % 5}`), sk: S(String(i).padStart(3, "0")), v: N(String(v)) };
}

describe("point-in-time recovery", () => {
  describe("validations", () => {
    it("DescribeContinuousBackups: a table that does not exist is TableNotFoundException", async () => {
      const name = uniqueName("nopitr");
      expect(await fails("DescribeContinuousBackups", { TableName: name })).toEqual([
        "TableNotFoundException",
        `Table not found: ${name}`,
      ]);
    });

    it("UpdateContinuousBackups: a period outside 1..35, or one given while disabling, is refused", async () => {
      const table = uniqueName("pitrv");
      await createHashRangeTable(table);
      const update = (spec: Json) =>
        fails("UpdateContinuousBackups", { TableName: table, PointInTimeRecoverySpecification: spec });
      expect(await update({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 0 })).toEqual([
        V,
        "1 validation error detected: Value '0' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ]);
      expect(await update({})).toEqual([
        V,
        "1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null",
      ]);
      expect(await update({ PointInTimeRecoveryEnabled: false, RecoveryPeriodInDays: 3 })).toEqual([
        V,
        "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.",
      ]);
    });

    it("RestoreTableToPointInTime: refused without recovery enabled, and outside the window", async () => {
      const table = uniqueName("pitrw");
      await createHashRangeTable(table);
      const restore = (extra: Json) =>
        fails("RestoreTableToPointInTime", { SourceTableName: table, TargetTableName: uniqueName("t"), ...extra });
      expect(await restore({ UseLatestRestorableTime: true })).toEqual([
        "PointInTimeRecoveryUnavailableException",
        `Point in time recovery is not enabled for table '${table}'`,
      ]);
      const enabled = await enable(table);
      const earliest = (enabled.PointInTimeRecoveryDescription as Json).EarliestRestorableDateTime as number;
      const [type, message] = await restore({ RestoreDateTime: earliest - 60 });
      expect(type).toBe("InvalidRestoreTimeException");
      expect(message).toMatch(
        /^RestoreDateTime '.*' must be within EarliestRestorableDateTime '.*' and LatestRestorableDateTime '.*'$/,
      );
      expect(await restore({ UseLatestRestorableTime: true, RestoreDateTime: earliest })).toEqual([
        V,
        "Only one of RestoreDateTime or UseLatestRestorableTime can be specified",
      ]);
    });
  });

  describe("functionality", () => {
    it("DescribeContinuousBackups: off by default; on, with its period and window", async () => {
      const table = uniqueName("pitrd");
      await createHashRangeTable(table);
      expect(await ok("DescribeContinuousBackups", { TableName: table })).toEqual({
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: "ENABLED",
          PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
        },
      });
      const enabled = await enable(table, 7);
      const recovery = enabled.PointInTimeRecoveryDescription as Json;
      expect(recovery).toMatchObject({ PointInTimeRecoveryStatus: "ENABLED", RecoveryPeriodInDays: 7 });
      expect(Math.abs((recovery.EarliestRestorableDateTime as number) * 1000 - Date.now())).toBeLessThan(60_000);
      expect(recovery.LatestRestorableDateTime as number).toBeGreaterThanOrEqual(
        recovery.EarliestRestorableDateTime as number,
      );
      const off = (
        await ok("UpdateContinuousBackups", {
          TableName: table,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        })
      ).ContinuousBackupsDescription as Json;
      expect(off.PointInTimeRecoveryDescription).toEqual({ PointInTimeRecoveryStatus: "DISABLED" });
    });

    it("RestoreTableToPointInTime: gives the table as it was between two writes, and as it is now", async () => {
      const table = uniqueName("pitr");
      await createHashRangeTable(table);
      await enable(table);
      for (let i = 0; i < 40; i++) await ok("PutItem", { TableName: table, Item: item(i, 0) });
      await sleep(30);
      const then = await items(table);
      const moment = Date.now();
      await sleep(30);
      for (let i = 0; i < 40; i += 3) await ok("PutItem", { TableName: table, Item: item(i, 1) });
      for (let i = 1; i < 40; i += 4) {
        await ok("DeleteItem", { TableName: table, Key: { pk: item(i, 0).pk, sk: item(i, 0).sk } });
      }
      for (let i = 100; i < 110; i++) await ok("PutItem", { TableName: table, Item: item(i, 2) });
      const now = await items(table);

      const past = uniqueName("past");
      const response = (
        await ok("RestoreTableToPointInTime", {
          SourceTableName: table,
          TargetTableName: past,
          RestoreDateTime: moment / 1000,
        })
      ).TableDescription as Json;
      expect(response.TableStatus).toBe("CREATING");
      expect(response.RestoreSummary).toMatchObject({ RestoreDateTime: moment / 1000, RestoreInProgress: true });
      await active(past);
      expect(await items(past)).toEqual(then);

      const latest = uniqueName("latest");
      await ok("RestoreTableToPointInTime", {
        SourceTableName: table,
        TargetTableName: latest,
        UseLatestRestorableTime: true,
      });
      await active(latest);
      expect(await items(latest)).toEqual(now);
      // A restored table does not inherit the source's recovery.
      expect(
        ((await ok("DescribeContinuousBackups", { TableName: latest })).ContinuousBackupsDescription as Json)
          .PointInTimeRecoveryDescription,
      ).toEqual({ PointInTimeRecoveryStatus: "DISABLED" });
    });

    itInOneObject(
      "UpdateContinuousBackups: history older than the recovery period is purged by the alarm",
      async () => {
        const table = uniqueName("pitrp");
        await createHashRangeTable(table);
        await enable(table, 1);
        for (let i = 0; i < 10; i++) await ok("PutItem", { TableName: table, Item: item(i, 0) });
        const object = await tableShard(table);
        const tid = await tableTid(table);
        const history = async () =>
          (
            (await queryIn<{ n: number }>(object, "SELECT count(*) AS n FROM pitr_log WHERE tid = ?", tid))[0] as {
              n: number;
            }
          ).n;
        expect(await history()).toBe(10);
        // Age half of it past the period (a day and a minute).
        await queryIn(
          object,
          "UPDATE pitr_log SET at = at - 86460000 WHERE tid = ? AND seq IN (SELECT seq FROM pitr_log WHERE tid = ? ORDER BY seq LIMIT 5)",
          tid,
          tid,
        );
        for (let i = 0; i < 5 && (await history()) > 5; i++) {
          await ok("UpdateContinuousBackups", {
            TableName: table,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 1 },
          });
          await runDurableObjectAlarm(object);
        }
        expect(await history()).toBe(5);
      },
    );
  });
});
