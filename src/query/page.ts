// One page of a Query or Scan, with DynamoDB's paging rules:
// - Limit counts items read (evaluated) before the filter is applied;
// - a page also stops once 1 MB of item data has been read (the item that crosses the
//   line is included), and then carries a LastEvaluatedKey;
// - a page that stops because of Limit or size always carries a LastEvaluatedKey, even if
//   no item follows (the next page is then empty), as DynamoDB does;
// - ScannedCount counts items read, Count those that passed the filter.
import type { ResolvedCondition } from "../expr/ast.js";
import { evaluateCondition } from "../expr/evaluate.js";
import type { Item } from "../types.js";
import { RawJson } from "../protocol/raw-json.js";
import { MAX_PAGE_BYTES, type RangeRow } from "../storage/row-layout.js";

export interface PageRequest {
  rows: Iterable<RangeRow>;
  /** The request's Limit, if any (the rows are already limited to it in SQL). */
  limit: number | undefined;
  /** A filter evaluated here, when it could not be pushed down to SQL. */
  filter?: ResolvedCondition;
  /** Select COUNT: matching items are counted, not returned. */
  countOnly: boolean;
  /** Projection of a returned item; undefined returns items as stored. */
  project: ((item: Item) => Item) | undefined;
  /** Completes a row from elsewhere (an LSI row from its table item); undefined skips it. */
  load?: (row: RangeRow) => Item | undefined;
  /** The LastEvaluatedKey of a row (key attributes decoded from the stored key). */
  keyOf: (row: RangeRow) => Item;
}

export interface Page {
  /** Returned items; RawJson when the stored document is returned unchanged. */
  items: (Item | RawJson)[];
  count: number;
  scannedCount: number;
  bytesRead: number;
  lastEvaluatedKey?: Item;
}

export function readPage(request: PageRequest): Page {
  const items: (Item | RawJson)[] = [];
  // Without a filter to evaluate, a projection or a fetch, stored documents go out as they are.
  const verbatim = !request.filter && !request.project && !request.load;
  let count = 0;
  let scannedCount = 0;
  let bytesRead = 0;
  let last: RangeRow | undefined;
  let full = false;
  for (const row of request.rows) {
    // A row may stand for rows the filter rejected in SQL before it (src/storage/filtered-rows.ts).
    scannedCount += row.scanned ?? 1;
    bytesRead += row.bytes ?? row.size;
    last = row;
    if (verbatim) {
      if (row.doc !== null) {
        count++;
        if (!request.countOnly) items.push(new RawJson(row.doc));
      }
    } else {
      const item = row.doc === null ? undefined : request.load ? request.load(row) : (JSON.parse(row.doc) as Item);
      if (item) {
        if (!request.filter || evaluateCondition(request.filter, item, "FilterExpression")) {
          count++;
          if (!request.countOnly) items.push(request.project ? request.project(item) : item);
        }
      }
    }
    if (bytesRead >= MAX_PAGE_BYTES || (request.limit !== undefined && scannedCount >= request.limit)) {
      full = true;
      break;
    }
  }
  const page: Page = { items, count, scannedCount, bytesRead };
  if (full && last) page.lastEvaluatedKey = request.keyOf(last);
  return page;
}
