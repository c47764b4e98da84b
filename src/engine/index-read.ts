// Query and Scan of a global secondary index on a table with several shards, the shard's
// side (router side: src/cluster/gsi.ts). Every shard holds index entries of its own items only, so
// the router reads each shard's next rows in index order and merges them. To cut the
// merged page exactly where a single shard would (Limit counts rows read before the
// filter; 1 MB of rows read), it must see every row read, filtered out or not: so a shard
// answers the request checked as usual, but with no filter, projection or COUNT applied;
// the router applies them to the merged rows.
import { checkRequest, type Operation } from "../ops/operation.js";
import { query } from "../ops/query.js";
import { scan } from "../ops/scan.js";
import type { CallMeta, WireReply } from "../protocol/reply.js";
import type { Engine } from "./engine.js";

/** The members of a checked read request this file clears (compiled by validate). */
interface Unfiltered {
  filter?: unknown;
  projection?: unknown;
  AttributesToGet?: unknown;
  Select?: string;
  [member: string]: unknown;
}

export function unfilteredRead(engine: Engine, operation: "Query" | "Scan", body: string, meta: CallMeta): WireReply {
  const op = (operation === "Query" ? query : scan) as unknown as Operation<Unfiltered>;
  return engine.run(`${operation} (index read)`, body, (json) => {
    const input = checkRequest(op, json);
    delete input.filter;
    delete input.projection;
    delete input.AttributesToGet;
    // COUNT and SPECIFIC_ATTRIBUTES shape the response only; ALL_ATTRIBUTES is still checked
    // against the index's projection by execute.
    if (input.Select === "COUNT" || input.Select === "SPECIFIC_ATTRIBUTES") delete input.Select;
    return op.execute(engine.contextFor(meta), input);
  });
}
