// The router's side of backups, restores, exports and imports (src/backup): the catalogue's
// home records each and answers; the router then tells the objects of the table's
// partitions what to do before it answers the client, so that a backup or an export holds
// every write acknowledged before the request and none made after the answer. Should the
// router fail in between, the home's watchdog tells them (src/backup/jobs.ts).
import { pointInTimePlans, restorePlans } from "../backup/plans.js";
import type { BackupPlan } from "../schema/backup.js";
import type { CallMeta, ClusterMeta, WireReply } from "../protocol/reply.js";
import type { ShardStub } from "../protocol/shard-rpc.js";
import { isObject } from "../protocol/shape.js";
import { sharedObject } from "../schema/partition-map.js";
import type { TableDef } from "../schema/table-def.js";
import { reach } from "../storage/faults.js";
import type { JsonObject } from "../types.js";

/** What the router gives: its tenant, the home, the objects by name, its definitions cache. */
export interface BackupHost {
  tenant: string | undefined;
  createShards: number;
  sendHome(operation: string, body: string, meta: CallMeta, cluster?: ClusterMeta): Promise<WireReply>;
  home(): ShardStub;
  /** The object named `object` (without the tenant's prefix). */
  object(object: string): ShardStub;
  forget(name: string): void;
  /** Gives every partition's object of `def` its definition. */
  broadcast(def: TableDef): Promise<void>;
}

export function backupOperation(
  host: BackupHost,
  operation: string,
  body: string,
  meta: CallMeta,
  input: JsonObject,
): Promise<WireReply> {
  switch (operation) {
    case "CreateBackup":
      return createBackup(host, body, meta);
    case "DeleteBackup":
      return deleteBackup(host, body, meta, typeof input.BackupArn === "string" ? input.BackupArn : undefined);
    case "ExportTableToPointInTime":
      return exportTable(host, body, meta);
    case "ImportTable":
      return importTable(host, body, meta, input);
    default:
      return restoreTable(
        host,
        operation,
        body,
        meta,
        typeof input.TargetTableName === "string" ? input.TargetTableName : undefined,
      );
  }
}

/** Tells each partition's object to mark its piece (the home marked its own). */
async function mark(host: BackupHost, plans: BackupPlan[]): Promise<void> {
  await Promise.all(
    plans.filter((plan) => plan.object !== sharedObject(0)).map((plan) => host.object(plan.object).backupMark(plan)),
  );
}

async function createBackup(host: BackupHost, body: string, meta: CallMeta): Promise<WireReply> {
  const reply = await host.sendHome("CreateBackup", body, meta);
  if (reply.status !== 200) return reply;
  const arn = (JSON.parse(reply.body) as { BackupDetails: { BackupArn: string } }).BackupDetails.BackupArn;
  reach("router:backup-recorded");
  const plans = await host.home().backupPlans(arn, host.tenant);
  await mark(host, plans);
  return reply;
}

async function exportTable(host: BackupHost, body: string, meta: CallMeta): Promise<WireReply> {
  const reply = await host.sendHome("ExportTableToPointInTime", body, meta);
  if (reply.status !== 200) return reply;
  const arn = (JSON.parse(reply.body) as { ExportDescription: { ExportArn: string } }).ExportDescription.ExportArn;
  const plans = await host.home().exportPlans(arn, host.tenant);
  await mark(host, plans);
  return reply;
}

async function deleteBackup(
  host: BackupHost,
  body: string,
  meta: CallMeta,
  arn: string | undefined,
): Promise<WireReply> {
  const plans = arn === undefined ? [] : await host.home().backupPlans(arn, host.tenant);
  const reply = await host.sendHome("DeleteBackup", body, meta);
  if (reply.status !== 200) return reply;
  const results = await Promise.allSettled(
    plans.filter((plan) => plan.object !== sharedObject(0)).map((plan) => host.object(plan.object).backupDrop(plan.id)),
  );
  for (const result of results) {
    if (result.status === "rejected") console.error("durable-dynamodb: dropping a backup piece failed", result.reason);
  }
  return reply;
}

async function importTable(host: BackupHost, body: string, meta: CallMeta, input: JsonObject): Promise<WireReply> {
  const parameters = isObject(input.TableCreationParameters) ? input.TableCreationParameters : {};
  const name = typeof parameters.TableName === "string" ? parameters.TableName : undefined;
  if (name !== undefined) host.forget(name);
  const reply = await host.sendHome("ImportTable", body, meta, { createShards: host.createShards, ownObjects: true });
  if (reply.status !== 200 || name === undefined) return reply;
  // The new table's objects learn it before the home sends them its items.
  const def = await host.home().tableInfo(name);
  if (def) await host.broadcast(def);
  return reply;
}

async function restoreTable(
  host: BackupHost,
  operation: string,
  body: string,
  meta: CallMeta,
  name: string | undefined,
): Promise<WireReply> {
  if (name !== undefined) host.forget(name);
  const reply = await host.sendHome(operation, body, meta, { ownObjects: true });
  if (reply.status !== 200 || name === undefined) return reply;
  const def = await host.home().tableInfo(name);
  if (!def?.restore) return reply;
  // A point-in-time restore: each partition's object of the source makes its piece from its history.
  await mark(host, pointInTimePlans(def, host.tenant));
  await host.broadcast(def);
  await Promise.all(
    restorePlans(def, host.tenant)
      .filter((plan) => plan.piece.target !== sharedObject(0))
      .map((plan) => host.object(plan.piece.target).restoreStart(plan)),
  );
  return reply;
}
