// The TableDescription structure returned by CreateTable, DescribeTable, UpdateTable and
// DeleteTable.
import type { TableDef } from "../storage/catalogue";
import type { OpContext } from "./operation";
import { tableArn } from "./tables";

export type TableStatus = "CREATING" | "ACTIVE" | "DELETING" | "UPDATING";

export function describeTable(ctx: OpContext, def: TableDef, status: TableStatus): Record<string, unknown> {
  const stats = ctx.catalogue.stats(def);
  const throughput: Record<string, unknown> = {
    NumberOfDecreasesToday: def.decreasesToday,
    ReadCapacityUnits: def.readCapacity,
    WriteCapacityUnits: def.writeCapacity,
  };
  if (def.lastIncreaseAt !== undefined) throughput.LastIncreaseDateTime = def.lastIncreaseAt;
  if (def.lastDecreaseAt !== undefined) throughput.LastDecreaseDateTime = def.lastDecreaseAt;
  const description: Record<string, unknown> = {
    AttributeDefinitions: def.attributeDefinitions,
    TableName: def.name,
    KeySchema: def.keySchema,
    TableStatus: status,
    CreationDateTime: def.createdAt,
    ProvisionedThroughput: throughput,
    TableSizeBytes: stats.sizeBytes,
    ItemCount: stats.itemCount,
    TableArn: tableArn(ctx, def.name),
    TableId: def.tableId,
    DeletionProtectionEnabled: def.deletionProtection,
  };
  if (def.billingMode === "PAY_PER_REQUEST" || def.lastPayPerRequestAt !== undefined) {
    const summary: Record<string, unknown> = { BillingMode: def.billingMode };
    if (def.lastPayPerRequestAt !== undefined) summary.LastUpdateToPayPerRequestDateTime = def.lastPayPerRequestAt;
    description.BillingModeSummary = summary;
  }
  return description;
}
