// ConsumedCapacity as DynamoDB computes it: reads in 4 KB units (halved when eventually
// consistent), writes in 1 KB units, each at least one unit. A write is charged for the
// larger of the old and new item (PutItem), a delete for the item it removed.

export type ReturnConsumedCapacity = "INDEXES" | "TOTAL" | "NONE";

export function readUnits(sizeBytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(sizeBytes / 4096));
  return consistent ? units : units / 2;
}

export function writeUnits(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024));
}

/** The ConsumedCapacity member of a response, or undefined when not asked for. */
export function consumedCapacity(
  mode: ReturnConsumedCapacity | undefined,
  tableName: string,
  units: number,
): Record<string, unknown> | undefined {
  if (mode === "TOTAL") return { TableName: tableName, CapacityUnits: units };
  if (mode === "INDEXES") return { TableName: tableName, CapacityUnits: units, Table: { CapacityUnits: units } };
  return undefined;
}

/** Adds ConsumedCapacity to an output object when requested. */
export function withCapacity(
  output: Record<string, unknown>,
  mode: ReturnConsumedCapacity | undefined,
  tableName: string,
  units: number,
): Record<string, unknown> {
  const capacity = consumedCapacity(mode, tableName, units);
  if (capacity) output.ConsumedCapacity = capacity;
  return output;
}
