// SearchVectors on a table of several partitions, the router's side. A vector index keeps
// each item's row in the item's own partition, so every partition is searched (with the
// whole request: condition, TopK, projection) and the answers merged: the TopK best of all
// partitions' TopK, by the index's order of scores. A partition's refusal (no such index,
// a backfill still running there, a bad request) is the answer. An index whose HASH
// attribute is the table's partition key has all the matches of a search in one partition:
// that one alone is asked.
import { checkRequest } from "../ops/operation.js";
import { searchTermValue, searchVectors } from "../ops/search-vectors.js";
import type { WireReply } from "../protocol/reply.js";
import { hashKeyOf, vectorIndexOf, type TableDef } from "../schema/table-def.js";
import { higherIsCloser } from "../values/vector.js";
import { partitionOfKeyValue } from "./placement.js";

type Json = Record<string, unknown>;
interface Result {
  Item?: Json;
  Score: number;
}

export async function scatterSearch(
  input: Json,
  def: TableDef,
  partitions: number,
  search: (partition: number) => Promise<WireReply>,
): Promise<WireReply> {
  const replies = await Promise.all(Array.from({ length: partitions }, (_, k) => search(k)));
  const failed = replies.find((reply) => reply.status !== 200);
  if (failed) return failed;
  const pages = replies.map((reply) => JSON.parse(reply.body) as { SearchResults?: Result[]; ConsumedCapacity?: Json });
  const index = vectorIndexOf(def, String(input.IndexName));
  const higher = index !== undefined && higherIsCloser(index.distance);
  const results = pages.flatMap((page) => page.SearchResults ?? []);
  results.sort((a, b) => (higher ? b.Score - a.Score : a.Score - b.Score));
  const out: Json = { SearchResults: results.slice(0, Number(input.TopK)) };
  const bytes = pages.map((page) => page.ConsumedCapacity?.VectorSearchRequestBytes);
  if (bytes.some((b) => typeof b === "number")) {
    out.ConsumedCapacity = { VectorSearchRequestBytes: bytes.reduce<number>((sum, b) => sum + (Number(b) || 0), 0) };
  }
  return { status: 200, body: JSON.stringify(out) };
}

/** The one partition a search can find matches in, or undefined: every partition. */
export function searchPartition(def: TableDef, input: Json): number | undefined {
  const index = vectorIndexOf(def, String(input.IndexName));
  const hash = index?.searchSchema.find((e) => e.SearchSchemaElementType === "HASH")?.AttributeName;
  if (hash === undefined || hash !== hashKeyOf(def).name) return undefined;
  try {
    const value = searchTermValue(checkRequest(searchVectors, input).condition, hash);
    return value === undefined ? undefined : partitionOfKeyValue(def, value);
  } catch {
    return undefined; // an invalid request: every partition reports it alike
  }
}
