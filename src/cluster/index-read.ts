// Query and Scan of a global secondary index on a table with several shards, the shard's
// side (router side: ./gsi.ts). Every shard holds index entries of its own items only, so
// the router reads each shard's next rows in index order and merges them. To cut the
// merged page exactly where a single shard would (Limit counts rows read before the
// filter; 1 MB of rows read), it must see every row read, filtered out or not: so a shard
// answers the request checked as usual, but with no filter, projection or COUNT applied;
// the router applies them to the merged rows.
import { DynamoError } from "../errors.js";
import { errorReply, type CallMeta, type Engine, type WireReply } from "../engine.js";
import type { Operation } from "../ops/operation.js";
import { query } from "../ops/query.js";
import { scan } from "../ops/scan.js";
import type { JsonObject } from "../types.js";
import { serializeOutput } from "../wire/raw-json.js";
import { checkConstraints, deserializeMembers } from "../wire/shape.js";

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
  try {
    const input = deserializeMembers(JSON.parse(body) as JsonObject, op.shape) as Unfiltered;
    checkConstraints(input as JsonObject, op.shape);
    op.validate?.(input);
    delete input.filter;
    delete input.projection;
    delete input.AttributesToGet;
    // COUNT and SPECIFIC_ATTRIBUTES shape the response only; ALL_ATTRIBUTES is still checked
    // against the index's projection by execute.
    if (input.Select === "COUNT" || input.Select === "SPECIFIC_ATTRIBUTES") delete input.Select;
    return { status: 200, body: serializeOutput(op.execute(engine.contextFor(meta), input)) };
  } catch (err) {
    if (err instanceof DynamoError) return errorReply(err);
    console.error(`internal error in ${operation} (index read)`, err);
    return errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
  }
}
