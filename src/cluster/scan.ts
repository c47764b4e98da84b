// A Scan of a table's own items over several shards (router: ./router.ts). Shards are
// walked in hash order, each from where the previous one ended, and one page gathers the
// rows of as many shards as it takes. To keep DynamoDB's page rules over the whole page
// (Limit counts rows read before the filter; the page stops once 1 MB has been read, the
// crossing row included, and then carries its key), every shard answers unfiltered
// (./index-read.ts) and the router counts, cuts, then filters and projects (./gsi.ts).
import type { Item } from "../types.js";
import { itemSize } from "../values/size.js";
import { compileRead, keyOf, pageReply } from "./gsi.js";
import type { CallMeta, WireReply } from "../protocol/reply.js";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../schema/table-def.js";
import { MAX_PAGE_BYTES } from "../storage/row-layout.js";

type Json = Record<string, unknown>;

export async function scanShards(
  def: TableDef,
  first: number,
  last: number,
  input: Json,
  meta: CallMeta,
  read: (shard: number, body: string, meta: CallMeta) => Promise<WireReply>,
): Promise<WireReply> {
  const compiled = compileRead("Scan", input, def);
  if (!("ok" in compiled)) return compiled;
  let limit = compiled.read.Limit;
  let bytes = 0;
  const rows: Item[] = [];
  const bodies: Json[] = [];
  let lastKey: Item | undefined;
  let request: Json = input;
  for (let k = first; k <= last; k++) {
    const reply = await read(k, JSON.stringify(request), meta);
    if (reply.status !== 200) return reply;
    const body = JSON.parse(reply.body) as Json;
    bodies.push(body);
    const items = (body.Items as Item[] | undefined) ?? [];
    for (const item of items) {
      rows.push(item);
      bytes += itemSize(item);
      if (bytes >= MAX_PAGE_BYTES) {
        lastKey = keyOf(item, [hashKeyOf(def), rangeKeyOf(def)]);
        break;
      }
    }
    if (lastKey) break;
    // The shard stopped (its Limit share reached): the page ends where it did.
    if (body.LastEvaluatedKey !== undefined) {
      lastKey = body.LastEvaluatedKey as Item;
      break;
    }
    if (limit !== undefined) limit -= items.length;
    request = { ...input };
    delete request.ExclusiveStartKey;
    if (limit !== undefined) request.Limit = limit;
  }
  return pageReply(compiled, rows, lastKey, bodies);
}
