// Looking up tables for an operation, with DynamoDB's not-found messages.
import { notFound } from "../errors.js";
import type { OpContext } from "./operation.js";
import { mapVersionOf, type TableDef } from "../schema/table-def.js";

/** Data-plane operations say only "Requested resource not found". */
export function tableForData(ctx: OpContext, name: string): TableDef {
  const def = ctx.catalogue.get(name);
  if (!def) throw notFound();
  const expected = ctx.cluster?.expect?.[name];
  if (expected && (expected.tableId !== def.tableId || expected.mapVersion !== mapVersionOf(def))) throw notFound();
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
