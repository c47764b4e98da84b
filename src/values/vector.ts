// Vectors as vector indexes keep them: DynamoDB takes a vector as a list (L) of numbers (N)
// and stores it at 32-bit floating point precision (Developer Guide, "Vector search:
// requirements and limitations"). Here a vector is packed as little-endian float32 bytes,
// the form the index rows keep, and scored against a search vector by the index's
// distance function:
// - COSINE: 1 - cosine similarity, 0 (same direction) to 2 (opposite); smallest first;
// - EUCLIDEAN: the Euclidean distance; smallest first;
// - DOT_PRODUCT: the dot product; largest first.
import type { AttributeValue } from "../types.js";

export type DistanceFunction = "COSINE" | "EUCLIDEAN" | "DOT_PRODUCT";

/** In the SDK model's order (the enum set a refusal lists). */
export const DISTANCE_FUNCTIONS: readonly DistanceFunction[] = ["COSINE", "DOT_PRODUCT", "EUCLIDEAN"];

/** Largest finite float32. */
export const MAX_F32 = 3.4028234663852886e38;

/** The numbers of a list of N values (each checked to fit) as float32. */
export function toFloat32(list: readonly AttributeValue[]): Float32Array {
  const out = new Float32Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = Number((list[i] as { N: string }).N);
  return out;
}

/** The stored form: float32 little-endian bytes (the platform's order is checked below). */
export function packVector(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
}

// Typed arrays use the platform's byte order; workerd runs on little-endian machines only.
if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) {
  throw new Error("durable-dynamodb: vector storage needs a little-endian platform");
}

/** Whether a higher score is more similar (DOT_PRODUCT) or a lower one (COSINE, EUCLIDEAN). */
export function higherIsCloser(fn: DistanceFunction): boolean {
  return fn === "DOT_PRODUCT";
}

/**
 * Scores stored vectors against one search vector. The search vector's norm is computed
 * once; each stored vector is read in place (a view over its bytes), without allocating
 * anything else per row.
 */
export class VectorScorer {
  private readonly queryNorm: number;

  constructor(
    readonly fn: DistanceFunction,
    private readonly query: Float32Array,
  ) {
    let sum = 0;
    for (let i = 0; i < query.length; i++) sum += (query[i] as number) * (query[i] as number);
    this.queryNorm = Math.sqrt(sum);
  }

  /** The score of the vector at data[offset .. offset + dimensions). */
  scoreAt(v: Float32Array, offset: number): number {
    const q = this.query;
    const n = q.length;
    if (this.fn === "EUCLIDEAN") {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = (q[i] as number) - (v[offset + i] as number);
        sum += d * d;
      }
      return Math.sqrt(sum);
    }
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const x = v[offset + i] as number;
      dot += (q[i] as number) * x;
      norm += x * x;
    }
    if (this.fn === "DOT_PRODUCT") return dot;
    const denominator = this.queryNorm * Math.sqrt(norm);
    // A zero vector has no direction: as far from everything as orthogonal ones.
    return denominator === 0 ? 1 : 1 - dot / denominator;
  }
}

/**
 * The best `k` of scored candidates, kept as a bounded binary heap whose root is the worst
 * kept: each candidate costs O(log k), and only kept candidates are stored.
 */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly values: T[] = [];

  constructor(
    private readonly k: number,
    private readonly higherIsBetter: boolean,
  ) {}

  /** Whether `a` ranks below `b` (the heap keeps its worst at the root). */
  private worse(a: number, b: number): boolean {
    return this.higherIsBetter ? a < b : a > b;
  }

  /** Whether a candidate of `score` would be kept (so its value need not be built otherwise). */
  admits(score: number): boolean {
    return this.scores.length < this.k || this.worse(this.scores[0] as number, score);
  }

  offer(score: number, value: T): void {
    if (this.k === 0) return;
    if (this.scores.length < this.k) {
      this.scores.push(score);
      this.values.push(value);
      this.up(this.scores.length - 1);
    } else if (this.worse(this.scores[0] as number, score)) {
      this.scores[0] = score;
      this.values[0] = value;
      this.down(0);
    }
  }

  /** The kept candidates, best first. */
  sorted(): { score: number; value: T }[] {
    return this.scores
      .map((score, i) => ({ score, value: this.values[i] as T, i }))
      .sort((a, b) => (a.score === b.score ? 0 : this.worse(a.score, b.score) ? 1 : -1))
      .map(({ score, value }) => ({ score, value }));
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(this.scores[i] as number, this.scores[parent] as number)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.scores.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < n && this.worse(this.scores[left] as number, this.scores[worst] as number)) worst = left;
      if (right < n && this.worse(this.scores[right] as number, this.scores[worst] as number)) worst = right;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b] as number, this.scores[a] as number];
    [this.values[a], this.values[b]] = [this.values[b] as T, this.values[a] as T];
  }
}

/**
 * The index (0..lists-1) of the centroid closest to the vector at v[offset..] by `fn`
 * (centroids end to end in `centroids`).
 */
export function nearestCentroid(
  fn: DistanceFunction,
  centroids: Float32Array,
  lists: number,
  v: Float32Array,
  offset: number,
): number {
  const dims = centroids.length / lists;
  const scorer = new VectorScorer(fn, v.subarray(offset, offset + dims));
  const higher = higherIsCloser(fn);
  let best = 0;
  let bestScore = higher ? -Infinity : Infinity;
  for (let c = 0; c < lists; c++) {
    const score = scorer.scoreAt(centroids, c * dims);
    if (higher ? score > bestScore : score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * `lists` centroids of the vectors in `sample` (end to end), by k-means: the first
 * vectors as seeds (the sample comes in random order), then `rounds` rounds of assigning
 * each vector to its nearest centroid by `fn` and moving each centroid to its members'
 * mean (a centroid left without members keeps its place).
 */
export function trainCentroids(
  fn: DistanceFunction,
  sample: Float32Array,
  dims: number,
  lists: number,
  rounds: number,
): Float32Array {
  const count = sample.length / dims;
  const centroids = sample.slice(0, lists * dims);
  const sums = new Float64Array(lists * dims);
  const members = new Uint32Array(lists);
  for (let round = 0; round < rounds; round++) {
    sums.fill(0);
    members.fill(0);
    for (let i = 0; i < count; i++) {
      const c = nearestCentroid(fn, centroids, lists, sample, i * dims);
      members[c] = (members[c] as number) + 1;
      for (let d = 0; d < dims; d++)
        sums[c * dims + d] = (sums[c * dims + d] as number) + (sample[i * dims + d] as number);
    }
    for (let c = 0; c < lists; c++) {
      const n = members[c] as number;
      if (n === 0) continue;
      for (let d = 0; d < dims; d++) centroids[c * dims + d] = (sums[c * dims + d] as number) / n;
    }
  }
  return centroids;
}

/** The `probes` centroids closest to `query` by `fn`, closest first. */
export function closestCentroids(
  fn: DistanceFunction,
  centroids: Float32Array,
  lists: number,
  query: Float32Array,
  probes: number,
): number[] {
  const dims = centroids.length / lists;
  const scorer = new VectorScorer(fn, query);
  const best = new TopK<number>(probes, higherIsCloser(fn));
  for (let c = 0; c < lists; c++) best.offer(scorer.scoreAt(centroids, c * dims), c);
  return best.sorted().map((e) => e.value);
}
