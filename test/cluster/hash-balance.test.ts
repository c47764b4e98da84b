// Issue 7: the shards' hash ranges balance real keys. 1,000,000 random partition keys
// (string keys of random content and length, as applications make them; 250,000 in `npm
// test`, the full million in `npm run test:deep`) spread over 16 shards with the largest
// shard at most 5% above the mean.
import { describe, expect, it } from "vitest";
import { sized } from "../support/depth";
import { partitionOfKeyValue } from "../../src/cluster/placement";
import { equalPartitions } from "../../src/schema/partition-map";
import type { TableDef } from "../../src/schema/table-def";

function table(type: "S" | "N", shards: number): TableDef {
  return {
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    attributeDefinitions: [{ AttributeName: "pk", AttributeType: type }],
    partitions: equalPartitions(shards),
  } as TableDef;
}

/** xorshift32: a fixed-seed generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe("shard balance", () => {
  const keys = sized(250_000, 1_000_000);
  it(`Cluster: ${String(keys).replace(/\B(?=(\d{3})+$)/g, ",")} random string keys over 16 shards, max/mean <= 1.05`, () => {
    const def = table("S", 16);
    const random = generator(0x9e3779b9);
    const counts = new Array<number>(16).fill(0);
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#-_:";
    for (let i = 0; i < keys; i++) {
      let key = "";
      const length = 4 + Math.floor(random() * 28);
      for (let k = 0; k < length; k++) key += alphabet[Math.floor(random() * alphabet.length)];
      counts[partitionOfKeyValue(def, { S: key })]! += 1;
    }
    const ratio = Math.max(...counts) / (keys / 16);
    console.log(`shard balance: ${keys} string keys over 16 shards, max/mean = ${ratio.toFixed(4)}`);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(keys);
    expect(ratio).toBeLessThanOrEqual(1.05);
  });

  it("Cluster: sequential number keys (1..200,000) over 16 shards, max/mean <= 1.05", () => {
    const def = table("N", 16);
    const counts = new Array<number>(16).fill(0);
    for (let i = 1; i <= 200_000; i++) counts[partitionOfKeyValue(def, { N: String(i) })]! += 1;
    expect(Math.max(...counts) / (200_000 / 16)).toBeLessThanOrEqual(1.05);
  });
});
