// Online backfill of a vector index added by UpdateTable, as ./backfill.ts does for GSIs:
// the index starts CREATING (DescribeTable: Backfilling); each call walks the table in
// storage order from where the previous one stopped, writes the rows of the items the
// index holds, records how far it got, and marks the index ACTIVE at the end. Items whose
// vector or search schema attributes break the index's rules are skipped, as DynamoDB's
// backfill skips them. Writes meanwhile keep the index's rows themselves (./write.ts):
// rows are keyed by the table key, so the walk rewriting a row the writes already made
// leaves the same row.
import type { Item } from "../types.js";
import { base64ToBytes, bytesToBase64 } from "../values/base64.js";
import type { Catalogue } from "./catalogue.js";
import type { Sql } from "./sql.js";
import { vectorRowIfValid } from "./vector-maintenance.js";
import type { VectorStore } from "./vector-store.js";
import type { TableDef, VectorIndexDef } from "../schema/table-def.js";

export interface VectorBackfillStores {
  sql: Sql;
  vectors: VectorStore;
}

/** Copies up to `limit` items into the first CREATING vector index; true while work remains. */
export function vectorBackfillChunk(stores: VectorBackfillStores, catalogue: Catalogue, limit: number): boolean {
  const pending: { def: TableDef; index: VectorIndexDef }[] = [];
  for (const name of catalogue.names()) {
    const def = catalogue.get(name);
    for (const index of def?.vectorIndexes ?? []) if (def && index.status === "CREATING") pending.push({ def, index });
  }
  const first = pending[0];
  if (!first) return false;
  const done = copyChunk(stores, catalogue, first.def, first.index, limit);
  return !done || pending.length > 1;
}

function copyChunk(
  stores: VectorBackfillStores,
  catalogue: Catalogue,
  def: TableDef,
  index: VectorIndexDef,
  limit: number,
): boolean {
  const after = index.backfillAfter;
  type Row = { pk: ArrayBuffer; sk: ArrayBuffer; doc: string };
  const rows = after
    ? stores.sql.all<Row>(
        "SELECT pk, sk, json(doc) AS doc FROM items WHERE tid = ? AND (pk, sk) > (?, ?) ORDER BY pk, sk LIMIT ?",
        def.tid,
        base64ToBytes(after.pk),
        base64ToBytes(after.sk),
        limit,
      )
    : stores.sql.all<Row>(
        "SELECT pk, sk, json(doc) AS doc FROM items WHERE tid = ? ORDER BY pk, sk LIMIT ?",
        def.tid,
        limit,
      );
  for (const row of rows) {
    const entry = vectorRowIfValid(def, index, JSON.parse(row.doc) as Item);
    if (entry) stores.vectors.put(index, new Uint8Array(row.pk), new Uint8Array(row.sk), entry);
  }
  const done = rows.length < limit;
  const next: VectorIndexDef = { ...index };
  const last = rows[rows.length - 1];
  if (done) {
    next.status = "ACTIVE";
    delete next.backfillAfter;
  } else if (last) {
    next.backfillAfter = { pk: bytesToBase64(new Uint8Array(last.pk)), sk: bytesToBase64(new Uint8Array(last.sk)) };
  }
  catalogue.update({ ...def, vectorIndexes: (def.vectorIndexes ?? []).map((i) => (i.vid === index.vid ? next : i)) });
  return done;
}
