// ConsumedCapacity of the multi-table operations: a list with one entry per table, in the
// order the request names them. BatchGetItem and BatchWriteItem report the aggregate
// CapacityUnits only (dynalite's tests, recorded against DynamoDB); the transactions also
// split it into ReadCapacityUnits and WriteCapacityUnits, at the top level and under Table
// for INDEXES (dynamodb-conformance captures). Transactions cost twice the units of the
// same reads and writes outside one (Developer Guide, "Capacity management for
// transactions").
import type { ReturnConsumedCapacity } from "./capacity.js";

export const TRANSACTIONAL_FACTOR = 2;

interface Units {
  read: number;
  write: number;
}

export class TableCapacity {
  private readonly tables = new Map<string, Units>();

  /** Names a table (so it is listed even when it consumed nothing more). */
  touch(table: string): Units {
    let units = this.tables.get(table);
    if (!units) {
      units = { read: 0, write: 0 };
      this.tables.set(table, units);
    }
    return units;
  }

  addRead(table: string, units: number): void {
    this.touch(table).read += units;
  }

  addWrite(table: string, units: number): void {
    this.touch(table).write += units;
  }

  /** The ConsumedCapacity list, or undefined when not asked for. */
  list(mode: ReturnConsumedCapacity | undefined, split: boolean): Record<string, unknown>[] | undefined {
    if (mode !== "TOTAL" && mode !== "INDEXES") return undefined;
    return [...this.tables].map(([TableName, { read, write }]) => {
      const units: Record<string, number> = { CapacityUnits: read + write };
      if (split && read > 0) units.ReadCapacityUnits = read;
      if (split && write > 0) units.WriteCapacityUnits = write;
      return mode === "INDEXES" ? { TableName, ...units, Table: { ...units } } : { TableName, ...units };
    });
  }
}
