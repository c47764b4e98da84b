// Table definitions, cached in memory for the life of the object and written through to
// the `tables` row. Reads never touch SQLite for the definition on the hot path.
import type { TableDef } from "../schema/table-def.js";
import { forgetDisowned } from "./split-log.js";
import type { Sql } from "./sql.js";

export interface TableStats {
  itemCount: number;
  sizeBytes: number;
}

export class Catalogue {
  private readonly tables = new Map<string, TableDef>();

  constructor(private readonly sql: Sql) {
    for (const row of sql.all<{ def: string }>("SELECT def FROM tables")) {
      const def = JSON.parse(row.def) as TableDef;
      this.tables.set(def.name, def);
    }
  }

  get(name: string): TableDef | undefined {
    return this.tables.get(name);
  }

  names(): string[] {
    return [...this.tables.keys()].sort();
  }

  /** Allocates a fresh table or index id (one sequence for both); call inside a transaction. */
  nextTid(): number {
    const row = this.sql.first<{ value: string }>("SELECT value FROM _meta WHERE key = 'next_tid'");
    const tid = Number(row?.value ?? "1");
    this.sql.exec("UPDATE _meta SET value = ? WHERE key = 'next_tid'", String(tid + 1));
    return tid;
  }

  insert(def: TableDef): void {
    this.sql.exec("INSERT INTO tables (name, tid, def) VALUES (?, ?, ?)", def.name, def.tid, JSON.stringify(def));
    this.tables.set(def.name, def);
    forgetDisowned(this.sql); // a split's range stops being this object's by its map (./split-log.ts)
  }

  update(def: TableDef): void {
    this.sql.exec("UPDATE tables SET def = ? WHERE name = ?", JSON.stringify(def), def.name);
    this.tables.set(def.name, def);
    forgetDisowned(this.sql); // a split's range stops being this object's by its map (./split-log.ts)
  }

  remove(def: TableDef): void {
    this.sql.exec("DELETE FROM tables WHERE name = ?", def.name);
    this.tables.delete(def.name);
    forgetDisowned(this.sql); // a split's range stops being this object's by its map (./split-log.ts)
  }

  stats(def: TableDef): TableStats {
    const row = this.sql.first<{ item_count: number; size_bytes: number }>(
      "SELECT item_count, size_bytes FROM tables WHERE name = ?",
      def.name,
    );
    return { itemCount: row?.item_count ?? 0, sizeBytes: row?.size_bytes ?? 0 };
  }

  /**
   * Undo the in-memory cache after a rolled-back transaction: reload from SQLite, which
   * transactionSync has restored.
   */
  reload(): void {
    forgetDisowned(this.sql);
    this.tables.clear();
    for (const row of this.sql.all<{ def: string }>("SELECT def FROM tables")) {
      const def = JSON.parse(row.def) as TableDef;
      this.tables.set(def.name, def);
    }
  }
}
