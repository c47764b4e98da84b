// Helpers for the Query and Scan specifications: seeding tables, following
// LastEvaluatedKey to the end, and reading keys out of returned items.
import { ok } from "./wire";

export type Item = Record<string, Record<string, unknown>>;

export const S = (s: string) => ({ S: s });
export const N = (n: string) => ({ N: n });
export const B = (b64: string) => ({ B: b64 });

/** Writes the items one PutItem at a time, in the order given. */
export async function putAll(table: string, items: Item[]): Promise<void> {
  for (const item of items) await ok("PutItem", { TableName: table, Item: item });
}

/** A deterministic shuffle (so insertion order never matches key order by accident). */
export function shuffled<T>(values: readonly T[], seed = 7): T[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface Page {
  Items?: Item[];
  Count: number;
  ScannedCount: number;
  LastEvaluatedKey?: Item;
  ConsumedCapacity?: Record<string, unknown>;
}

/** Runs Query or Scan, following LastEvaluatedKey until it is absent; returns every page. */
export async function allPages(operation: "Query" | "Scan", input: Record<string, unknown>): Promise<Page[]> {
  const pages: Page[] = [];
  let start: Item | undefined;
  do {
    const request = start === undefined ? input : { ...input, ExclusiveStartKey: start };
    const page = (await ok(operation, request)) as unknown as Page;
    pages.push(page);
    start = page.LastEvaluatedKey;
    if (pages.length > 1000) throw new Error(`${operation} did not terminate`);
  } while (start !== undefined);
  return pages;
}

/** Every item of every page, in order. */
export async function allItems(operation: "Query" | "Scan", input: Record<string, unknown>): Promise<Item[]> {
  return (await allPages(operation, input)).flatMap((p) => p.Items ?? []);
}

/** The string, number or binary payload of one attribute of each item. */
export function values(items: Item[], name: string): string[] {
  return items.map((item) => {
    const v = item[name];
    if (!v) throw new Error(`item without ${name}: ${JSON.stringify(item)}`);
    return String(v.S ?? v.N ?? v.B);
  });
}
