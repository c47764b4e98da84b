// Figure V of `npm run bench` (issue 25): SearchVectors TopK 10 over a vector index in one
// partition, against the floor of a plain TypeScript loop over the same vectors held as
// Float32Arrays in memory; and what a vector index adds to a PutItem. Runs inside the
// bench object (bench/worker.ts), which times each loop like the other in-object figures.
import type { CallMeta, WireReply } from "../src/protocol/reply";
import { rng } from "./data.mjs";

const META: CallMeta = { region: "us-east-1", host: "bench" };
export const VECTOR_TABLE = "vectors";
export const PLAIN_TABLE = "vectors-plain";
/** A smaller index, within what an object holds in memory (src/storage/vector-cache.ts). */
export const HELD_TABLE = "vectors-held";
const QUERIES = 16;
const TOP_K = 10;

export interface VectorHost {
  handle(operation: string, body: string, meta: CallMeta): WireReply;
  sql: SqlStorage;
}

function call(host: VectorHost, operation: string, input: unknown): Record<string, unknown> {
  const reply = host.handle(operation, JSON.stringify(input), META);
  if (reply.status !== 200) throw new Error(`${operation} failed: ${reply.body}`);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

/** Embedding-like data: vectors gather around CLUSTERS centers (deterministic). */
const CLUSTERS = 256;

function uniform(seed: number, dims: number): number[] {
  const random = rng(seed * 2654435761 + 1);
  return Array.from({ length: dims }, () => (random(20000) - 10000) / 10000);
}

/** Vector `seed`: the center of cluster `seed % CLUSTERS` moved a little, 4 decimals (short wire JSON). */
function vector(seed: number, dims: number): number[] {
  const center = uniform(7_000_000 + (seed % CLUSTERS), dims);
  const shift = uniform(seed, dims);
  return center.map((x, d) => Math.round((x + 0.3 * (shift[d] as number)) * 10000) / 10000);
}

const wire = (xs: number[]) => ({ L: xs.map((x) => ({ N: String(x) })) });

/** Two on-demand tables keyed `id`: one with a COSINE vector index over `emb`, one without. */
export function vectorSetup(host: VectorHost, dims: number, held: boolean): void {
  const table = (name: string, withIndex: boolean) => ({
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    ...(withIndex
      ? {
          VectorIndexes: [
            {
              IndexName: "vec",
              VectorAttribute: { AttributeName: "emb" },
              Dimensions: dims,
              DistanceFunction: "COSINE",
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          ],
        }
      : {}),
  });
  call(host, "CreateTable", table(VECTOR_TABLE, true));
  call(host, "CreateTable", table(PLAIN_TABLE, false));
  if (held) call(host, "CreateTable", table(HELD_TABLE, true));
}

/** Items [from, to) with their vectors, through the engine's PutItem. */
export function vectorLoad(host: VectorHost, table: string, from: number, to: number, dims: number): number {
  for (let i = from; i < to; i++) {
    call(host, "PutItem", { TableName: table, Item: { id: { S: `v${i}` }, emb: wire(vector(i, dims)) } });
  }
  return to - from;
}

/** The floor's copy of the index: every stored vector as a Float32Array, with its item id. */
interface Floor {
  ids: string[];
  vectors: Float32Array[];
}
const floors = new Map<string, Floor>();

function floorOf(host: VectorHost, table: string): Floor {
  const known = floors.get(table);
  if (known) return known;
  const def = host.sql.exec<{ def: string }>("SELECT def FROM tables WHERE name = ?", table).one();
  const vid = (JSON.parse(def.def) as { vectorIndexes: { vid: number }[] }).vectorIndexes[0]?.vid;
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  for (const row of host.sql.exec<{ vec: ArrayBuffer; doc: string }>(
    "SELECT vec, doc FROM vector_items WHERE vid = ?",
    vid ?? -1,
  )) {
    ids.push((JSON.parse(row.doc) as { id: { S: string } }).id.S);
    vectors.push(new Float32Array(row.vec.slice(0)));
  }
  const floor = { ids, vectors };
  floors.set(table, floor);
  return floor;
}

/** Query `k`: near one cluster's center, as a search for similar items is. */
function queryOf(k: number, dims: number): number[] {
  return vector(1_000_000 + (((k % QUERIES) * 37) % CLUSTERS), dims);
}

/** The floor: TopK by cosine over the in-memory Float32Arrays, a plain loop and a sorted top list. */
function floorSearch(f: Floor, q: Float32Array): string[] {
  let qn = 0;
  for (let i = 0; i < q.length; i++) qn += (q[i] as number) * (q[i] as number);
  qn = Math.sqrt(qn);
  const best: { score: number; id: number }[] = [];
  for (let r = 0; r < f.vectors.length; r++) {
    const v = f.vectors[r] as Float32Array;
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < v.length; i++) {
      dot += (q[i] as number) * (v[i] as number);
      norm += (v[i] as number) * (v[i] as number);
    }
    const score = 1 - dot / (qn * Math.sqrt(norm));
    if (best.length < TOP_K || score < (best[best.length - 1] as { score: number }).score) {
      let at = best.length;
      while (at > 0 && (best[at - 1] as { score: number }).score > score) at--;
      best.splice(at, 0, { score, id: r });
      if (best.length > TOP_K) best.pop();
    }
  }
  return best.map((b) => f.ids[b.id] as string);
}

function engineSearch(host: VectorHost, table: string, q: number[]): string[] {
  const out = call(host, "SearchVectors", {
    TableName: table,
    IndexName: "vec",
    SearchVector: q.map((x) => ({ N: String(x) })),
    TopK: TOP_K,
  });
  return (out.SearchResults as { Item: { id: { S: string } } }[]).map((r) => r.Item.id.S);
}

/** Builds the floor's in-memory copy (outside any timed loop). */
export function vectorFloorReady(host: VectorHost, table: string): number {
  return floorOf(host, table).vectors.length;
}

/**
 * Recall@10 of the engine's search against the floor's exact answer, over the query pool
 * (the engine's search is exact: anything below 1 is a bug).
 */
export function vectorRecall(host: VectorHost, table: string, dims: number): number {
  const f = floorOf(host, table);
  let found = 0;
  for (let k = 0; k < QUERIES; k++) {
    const q = queryOf(k, dims);
    const expected = new Set(floorSearch(f, new Float32Array(q)));
    for (const id of engineSearch(host, table, q)) if (expected.has(id)) found++;
  }
  return found / (QUERIES * TOP_K);
}

/**
 * One timed loop of figure V: `exact` / `floor` searches of the large index (`approx`: the
 * same searches once its lists are built), `heldexact` / `heldfloor` of the small one,
 * `put` / `plain` PutItems.
 */
export function vectorRun(host: VectorHost, op: string, n: number, dims: number): { n: number; check: number } {
  let check = 0;
  if (["exact", "approx", "floor", "heldexact", "heldfloor"].includes(op)) {
    const table = op.startsWith("held") ? HELD_TABLE : VECTOR_TABLE;
    const f = op.endsWith("floor") ? floorOf(host, table) : undefined;
    for (let k = 0; k < n; k++) {
      const q = queryOf(k, dims);
      check += (f ? floorSearch(f, new Float32Array(q)) : engineSearch(host, table, q)).length;
    }
    return { n, check };
  }
  const table = op === "put" ? VECTOR_TABLE : PLAIN_TABLE;
  for (let k = 0; k < n; k++) {
    call(host, "PutItem", {
      TableName: table,
      Item: { id: { S: `w${k % 256}` }, emb: wire(vector(5_000_000 + k, dims)) },
    });
    check++;
  }
  return { n, check };
}
