// Vector values (src/values/vector.ts) and the float32 text of a returned vector
// (src/ops/search-vectors.ts): the heap keeps exactly the best k of any input, scores
// follow each distance function, and vectors print as Java's Float.toString does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { javaFloat } from "../src/ops/search-vectors";
import {
  closestCentroids,
  higherIsCloser,
  nearestCentroid,
  packVector,
  TopK,
  trainCentroids,
  VectorScorer,
  type DistanceFunction,
} from "../src/values/vector";

const bytes = (xs: number[]) => packVector(new Float32Array(xs)).buffer as ArrayBuffer;

describe("vector values", () => {
  it("TopK keeps the best k scores of any input, best first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (scores, k, higher) => {
          const top = new TopK<number>(k, higher);
          scores.forEach((score, i) => top.offer(score, i));
          const expected = [...scores].sort((a, b) => (higher ? b - a : a - b)).slice(0, k);
          // -0 and 0 are one score; which of two equal scores the heap keeps is not
          // specified, and toEqual would tell them apart: both sides compare as +0.
          const same = (score: number) => score + 0;
          expect(top.sorted().map((e) => same(e.score))).toEqual(expected.map(same));
        },
      ),
    );
  });

  it("scores: 1 - cosine (a zero vector scores 1), Euclidean distance, dot product", () => {
    const score = (fn: DistanceFunction, q: number[], v: number[]) =>
      new VectorScorer(fn, new Float32Array(q)).scoreAt(new Float32Array(bytes(v)), 0);
    expect(score("COSINE", [1, 0], [0, 3])).toBe(1);
    expect(score("COSINE", [1, 0], [-2, 0])).toBe(2);
    expect(score("COSINE", [1, 0], [0, 0])).toBe(1);
    expect(score("EUCLIDEAN", [0, 0], [3, 4])).toBe(5);
    expect(score("DOT_PRODUCT", [1, 2], [3, -4])).toBe(-5);
    expect([higherIsCloser("DOT_PRODUCT"), higherIsCloser("COSINE"), higherIsCloser("EUCLIDEAN")]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("k-means finds the centers of separated clusters; rows and queries go to the nearest ones", () => {
    // Three clusters of eight points around (0, 10), (10, 0) and (-10, -10), in sample order a, b, c, a, b, c...
    const centers = [
      [0, 10],
      [10, 0],
      [-10, -10],
    ];
    const sample = new Float32Array(
      Array.from({ length: 24 }, (_, i) => {
        const c = centers[i % 3] as number[];
        const wobble = ((i % 8) - 3.5) / 10;
        return [(c[0] as number) + wobble, (c[1] as number) - wobble];
      }).flat(),
    );
    const centroids = trainCentroids("EUCLIDEAN", sample, 2, 3, 6);
    const found = Array.from({ length: 3 }, (_, k) => [centroids[2 * k], centroids[2 * k + 1]]);
    // Seeded with the first three points (one of each cluster), each centroid is its cluster's mean.
    found.forEach((point, k) => {
      expect(Math.abs((point[0] as number) - (centers[k]?.[0] as number))).toBeLessThan(0.1);
      expect(Math.abs((point[1] as number) - (centers[k]?.[1] as number))).toBeLessThan(0.1);
    });
    expect(nearestCentroid("EUCLIDEAN", centroids, 3, new Float32Array([9, 1]), 0)).toBe(1);
    expect(closestCentroids("EUCLIDEAN", centroids, 3, new Float32Array([-9, -8]), 2)).toEqual([2, 0]);
    expect(closestCentroids("DOT_PRODUCT", centroids, 3, new Float32Array([0, 1]), 1)).toEqual([0]);
  });

  it("a returned vector's numbers read as Java's Float.toString prints float32 values", () => {
    const f = (x: number) => javaFloat(Math.fround(x));
    expect([f(1), f(0), f(-0), f(0.6), f(0.1), f(16777217), f(1e-5), f(123.456), f(-2.5e10)]).toEqual([
      "1.0",
      "0.0",
      "-0.0",
      "0.6",
      "0.1",
      "1.6777216E7",
      "1.0E-5",
      "123.456",
      "-2.5E10",
    ]);
  });
});
