// Approximate search of vector indexes too large for an object to hold in memory: an
// inverted file (IVF). When an index's rows here pass `exactFloats` numbers (and MIN_ROWS
// rows), the housekeeping alarm trains centroids by k-means on a sample, then
// assigns every row to its nearest centroid (its `list`), a chunk of rows per step; writes
// meanwhile assign their own rows. A search then reads only the lists of the centroids
// nearest its vector (about PROBE_SHARE of them) instead of every row. IVF was chosen over
// HNSW because its state is one column of the rows and a small table (no graph to keep
// consistent across crashes and splits), and it reads SQLite by an index range. When the
// index has grown past GROWTH times the rows it was trained on, it is trained again; until
// the rows are assigned to new centroids, searches read every row (exact).
import { closestCentroids, nearestCentroid, trainCentroids, type DistanceFunction } from "../values/vector.js";
import type { Sql } from "./sql.js";

/** Numbers an index may hold before its searches go approximate (16 MB of float32). */
export const DEFAULT_EXACT_FLOATS = 4 * 1024 * 1024;
const MIN_ROWS = 1000;
const GROWTH = 4;
const ROUNDS = 6;
/** Training vectors per centroid, and at most this many numbers of them in memory. */
const SAMPLE_PER_LIST = 40;
const MAX_SAMPLE_FLOATS = 4 * 1024 * 1024;
const ASSIGN_CHUNK = 1000;
const PROBE_SHARE = 0.1;
const MIN_PROBES = 8;

interface Lists {
  lists: number;
  centroids: Float32Array;
  trainedRows: number;
  /** The last rowid assigned so far; null once every row is. */
  assignedAfter: number | null;
}

/** What a list step needs of an index. */
export interface ListedIndex {
  vid: number;
  dimensions: number;
  distance: DistanceFunction;
}

export class VectorLists {
  /** vector_lists rows read so far (null: none). */
  private readonly known = new Map<number, Lists | null>();

  readonly exactFloats: number;

  constructor(
    private readonly sql: Sql,
    exactFloats: number = DEFAULT_EXACT_FLOATS,
  ) {
    this.exactFloats = exactFloats;
  }

  /** The list a row written now goes to; null before the index has centroids. */
  listOf(index: ListedIndex, vector: Float32Array): number | null {
    const lists = this.read(index.vid);
    return lists ? nearestCentroid(index.distance, lists.centroids, lists.lists, vector, 0) : null;
  }

  /** The lists a search reads (rows not yet assigned are read too), or undefined: every row. */
  probe(index: ListedIndex, query: Float32Array): number[] | undefined {
    const lists = this.read(index.vid);
    if (!lists || lists.assignedAfter !== null) return undefined;
    const probes = Math.min(lists.lists, Math.max(MIN_PROBES, Math.ceil(lists.lists * PROBE_SHARE)));
    return closestCentroids(index.distance, lists.centroids, lists.lists, query, probes);
  }

  /** Whether the housekeeping alarm has training or assigning to do for the index. */
  due(index: ListedIndex): boolean {
    const lists = this.read(index.vid);
    if (lists && lists.assignedAfter !== null) return true;
    const rows = this.rows(index.vid);
    if (rows < MIN_ROWS || rows * index.dimensions <= this.exactFloats) return false;
    return !lists || rows > GROWTH * lists.trainedRows;
  }

  /** One bounded step (training, or assigning a chunk of rows); true while work remains. */
  step(index: ListedIndex): boolean {
    if (!this.due(index)) return false;
    const lists = this.read(index.vid);
    if (lists && lists.assignedAfter !== null && this.rows(index.vid) <= GROWTH * lists.trainedRows) {
      return this.assign(index, lists);
    }
    this.train(index);
    return true;
  }

  /** Drops what is known of an index (dropped, or its lists rewritten). */
  forget(vid: number): void {
    this.known.delete(vid);
  }

  private train(index: ListedIndex): void {
    const rows = this.rows(index.vid);
    const dims = index.dimensions;
    const lists = Math.min(1024, Math.max(8, Math.round(Math.sqrt(rows) / 2)));
    const wanted = Math.min(rows, lists * SAMPLE_PER_LIST, Math.floor(MAX_SAMPLE_FLOATS / dims));
    const sample = new Float32Array(wanted * dims);
    let at = 0;
    for (const row of this.sql.cursor<{ vec: ArrayBuffer }>(
      // A scrambled order of the rows (Knuth's multiplicative hash of their ids): a sample
      // spread over the whole index, the same each time for the same rows.
      "SELECT vec FROM vector_items WHERE vid = ? ORDER BY (rowid * 2654435761) % 4294967296 LIMIT ?",
      index.vid,
      wanted,
    )) {
      sample.set(new Float32Array(row.vec), at * dims);
      at++;
    }
    const count = Math.min(lists, at);
    const centroids = trainCentroids(index.distance, sample.subarray(0, at * dims), dims, count, ROUNDS);
    this.sql.exec(
      "INSERT INTO vector_lists (vid, lists, centroids, trained_rows, assigned_after) VALUES (?, ?, ?, ?, 0) " +
        "ON CONFLICT (vid) DO UPDATE SET lists = excluded.lists, centroids = excluded.centroids, " +
        "trained_rows = excluded.trained_rows, assigned_after = 0",
      index.vid,
      count,
      new Uint8Array(centroids.buffer, centroids.byteOffset, centroids.byteLength),
      rows,
    );
    this.known.delete(index.vid);
  }

  private assign(index: ListedIndex, lists: Lists): boolean {
    const rows = this.sql.all<{ id: number; vec: ArrayBuffer }>(
      "SELECT rowid AS id, vec FROM vector_items WHERE vid = ? AND rowid > ? ORDER BY rowid LIMIT ?",
      index.vid,
      lists.assignedAfter,
      ASSIGN_CHUNK,
    );
    for (const row of rows) {
      const list = nearestCentroid(index.distance, lists.centroids, lists.lists, new Float32Array(row.vec), 0);
      this.sql.exec("UPDATE vector_items SET list = ? WHERE rowid = ?", list, row.id);
    }
    const last = rows[rows.length - 1];
    const done = rows.length < ASSIGN_CHUNK || !last;
    this.sql.exec(
      "UPDATE vector_lists SET assigned_after = ? WHERE vid = ?",
      done ? null : (last as { id: number }).id,
      index.vid,
    );
    this.known.delete(index.vid);
    return !done;
  }

  private read(vid: number): Lists | undefined {
    if (!this.known.has(vid)) {
      const row = this.sql.first<{
        lists: number;
        centroids: ArrayBuffer;
        trained_rows: number;
        assigned_after: number | null;
      }>("SELECT lists, centroids, trained_rows, assigned_after FROM vector_lists WHERE vid = ?", vid);
      this.known.set(
        vid,
        row
          ? {
              lists: row.lists,
              centroids: new Float32Array(row.centroids),
              trainedRows: row.trained_rows,
              assignedAfter: row.assigned_after,
            }
          : null,
      );
    }
    return this.known.get(vid) ?? undefined;
  }

  private rows(vid: number): number {
    return this.sql.first<{ n: number }>("SELECT count(*) AS n FROM vector_items WHERE vid = ?", vid)?.n ?? 0;
  }
}
