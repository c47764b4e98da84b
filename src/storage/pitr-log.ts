// The storage side of point-in-time recovery (src/backup/pitr.ts): the triggers that, while
// a table has it enabled, write each item's image before every change to `pitr_log` with
// the change's time, in the change's own transaction, whatever path the write takes.
import type { TableDef } from "../schema/table-def.js";
import type { Sql } from "./sql.js";

/** Creates or drops the table's history triggers here as its definition says. Call inside a transaction. */
export function syncPitrTriggers(sql: Sql, def: TableDef): void {
  const tid = def.tid;
  if (!def.pitr?.enabled) {
    dropPitrTriggers(sql, tid);
    return;
  }
  const now = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  const keep = (row: string, doc: string, size: string) =>
    `INSERT INTO pitr_log (tid, at, pk, sk, doc, size) VALUES (${tid}, ${now}, ${row}.pk, ${row}.sk, ${doc}, ${size})`;
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS pitr_u_${tid} BEFORE UPDATE ON items WHEN old.tid = ${tid} BEGIN ${keep("old", "old.doc", "old.size")}; END`,
  );
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS pitr_d_${tid} BEFORE DELETE ON items WHEN old.tid = ${tid} BEGIN ${keep("old", "old.doc", "old.size")}; END`,
  );
  sql.exec(
    `CREATE TRIGGER IF NOT EXISTS pitr_i_${tid} AFTER INSERT ON items WHEN new.tid = ${tid} BEGIN ${keep("new", "NULL", "0")}; END`,
  );
}

/** Drops table `tid`'s history triggers (recovery turned off, or the table dropped here). */
export function dropPitrTriggers(sql: Sql, tid: number): void {
  for (const event of ["u", "d", "i"]) sql.exec(`DROP TRIGGER IF EXISTS pitr_${event}_${tid}`);
}
