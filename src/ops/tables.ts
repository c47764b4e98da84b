// Looking up tables for an operation, with DynamoDB's not-found messages.
import { notFound } from "../errors.js";
import type { OpContext } from "./operation.js";
import { restoring } from "../schema/backup.js";
import { layoutVersion, type TableDef } from "../schema/table-def.js";

/** Data-plane operations say only "Requested resource not found". */
export function tableForData(ctx: OpContext, name: string): TableDef {
  const def = ctx.catalogue.get(name);
  if (!def) throw notFound();
  // A table being restored serves nothing yet; behind a router, the router holds its
  // requests back (src/cluster/router.ts), as partition objects do not see the restore end.
  if (def.restore && !ctx.cluster && restoring(def.restore)) throw notFound();
  const expected = ctx.cluster?.expect?.[name];
  if (expected && (expected.tableId !== def.tableId || expected.mapVersion !== layoutVersion(def))) throw notFound();
  return def;
}

/** Control-plane operations name the table. */
export function tableForControl(ctx: OpContext, name: string): TableDef {
  const def = ctx.catalogue.get(name);
  if (!def) throw notFound(`Requested resource not found: Table: ${name} not found`);
  return def;
}

export function tableArn(ctx: OpContext, name: string): string {
  return `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
}
