// The placement of the cluster alone: partition hash -> partition of the table's map -> object.
import { describe, expect, it } from "vitest";
import {
  objectName,
  partitionCount,
  partitionObject,
  partitionOfKeyValue,
  partitionsOfSegment,
  shardName,
} from "../../src/cluster/placement";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { equalPartitions, partitionOfHash, partitionRange, type PartitionMap } from "../../src/schema/partition-map";
import { partitionMapOf, type TableDef } from "../../src/schema/table-def";

function def(layout: { shards?: number; partitions?: PartitionMap } = {}): TableDef {
  return {
    name: "t",
    tid: 1,
    tableId: "x",
    createdAt: 0,
    keySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    attributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    billingMode: "PAY_PER_REQUEST",
    readCapacity: 0,
    writeCapacity: 0,
    decreasesToday: 0,
    deletionProtection: false,
    tags: {},
    ...layout,
  };
}

const hashOf = (key: string): number => partitionHash(encodeKey("S", key));

/** An uneven map, as splits leave one: [0, 2^31) in a, [2^31, 3*2^30) in b, the rest in c. */
const UNEVEN: PartitionMap = {
  version: 3,
  partitions: [
    { low: 0, object: "a" },
    { low: 2 ** 31, object: "b" },
    { low: 3 * 2 ** 30, object: "c" },
  ],
};

describe("cluster routing", () => {
  it("names objects per tenant", () => {
    expect(shardName(undefined, 3)).toBe("shard-3");
    expect(shardName("acme", 0)).toBe("acme:shard-0");
    expect(objectName("acme", "a")).toBe("acme:a");
    expect(objectName(undefined, "a")).toBe("a");
  });

  it("maps the hash space onto contiguous partition ranges", () => {
    const four = equalPartitions(4);
    expect(partitionOfHash(four, 0)).toBe(0);
    expect(partitionOfHash(four, 2 ** 30 - 1)).toBe(0);
    expect(partitionOfHash(four, 2 ** 30)).toBe(1);
    expect(partitionOfHash(four, 2 ** 32 - 1)).toBe(3);
    expect(partitionOfHash(equalPartitions(1), 2 ** 32 - 1)).toBe(0);
    expect(partitionRange(four, 3)).toEqual({ low: 3 * 2 ** 30, high: 2 ** 32 });
    // Monotone: partition order is hash order.
    const sixteen = equalPartitions(16);
    let previous = 0;
    for (let h = 0; h < 2 ** 32; h += 7_919_993) {
      const partition = partitionOfHash(sixteen, h);
      expect(partition).toBeGreaterThanOrEqual(previous);
      previous = partition;
    }
  });

  it("equal maps place every hash where floor(h * N / 2^32) did before maps existed", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 16, 33]) {
      const map = equalPartitions(n);
      for (let h = 0; h < 2 ** 32; h += 104_729_003) {
        expect(partitionOfHash(map, h), `${n} ${h}`).toBe(Math.floor((h * n) / 2 ** 32));
      }
      for (const entry of map.partitions.slice(1)) {
        // Both sides of every boundary.
        expect(Math.floor((entry.low * n) / 2 ** 32)).toBe(partitionOfHash(map, entry.low));
        expect(Math.floor(((entry.low - 1) * n) / 2 ** 32)).toBe(partitionOfHash(map, entry.low - 1));
      }
    }
  });

  it("spreads 10,000 keys over 16 partitions within 10% of the mean", () => {
    // Deterministic pseudo-random keys (an LCG), so the bound is checked on fixed data.
    let seed = 12345;
    const counts = new Array<number>(16).fill(0);
    const map = equalPartitions(16);
    for (let i = 0; i < 10_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      counts[partitionOfHash(map, hashOf(`user-${seed.toString(36)}-${i}`))]! += 1;
    }
    const mean = 10_000 / 16;
    expect(Math.max(...counts) / mean).toBeLessThanOrEqual(1.1);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it("reads a definition from before maps as equal ranges in the shared shards, data in place", () => {
    expect(partitionMapOf(def())).toEqual({ version: 1, partitions: [{ low: 0, object: "shard-0" }] });
    expect(partitionMapOf(def({ shards: 3 }))).toEqual(equalPartitions(3));
    expect(partitionObject(def({ shards: 3 }), 2)).toBe("shard-2");
    expect(partitionCount(def({ shards: 3 }))).toBe(3);
  });

  it("routes a key value by its table's partition map", () => {
    expect(partitionOfKeyValue(def(), { S: "a" })).toBe(0);
    const four = def({ partitions: equalPartitions(4) });
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const partition = partitionOfKeyValue(four, { S: `k${i}` });
      expect(partition).toBe(Math.floor((hashOf(`k${i}`) * 4) / 2 ** 32));
      seen.add(partition);
    }
    expect(seen.size).toBe(4);
    expect(() => partitionOfKeyValue(four, { N: "1" })).toThrow();

    const uneven = def({ partitions: UNEVEN });
    for (let i = 0; i < 100; i++) {
      const h = hashOf(`k${i}`);
      const expected = h < 2 ** 31 ? 0 : h < 3 * 2 ** 30 ? 1 : 2;
      expect(partitionOfKeyValue(uneven, { S: `k${i}` })).toBe(expected);
    }
    expect(partitionObject(uneven, 1)).toBe("b");
  });

  it("maps parallel-scan segments to the partitions they intersect", () => {
    const four = def({ partitions: equalPartitions(4) });
    expect(partitionsOfSegment(four, 0, 1)).toEqual([0, 3]);
    expect(partitionsOfSegment(four, 0, 4)).toEqual([0, 0]);
    expect(partitionsOfSegment(four, 3, 4)).toEqual([3, 3]);
    expect(partitionsOfSegment(four, 1, 3)).toEqual([1, 2]);
    expect(partitionsOfSegment(four, 5, 8)).toEqual([2, 2]);
    const uneven = def({ partitions: UNEVEN });
    expect(partitionsOfSegment(uneven, 0, 2)).toEqual([0, 0]);
    expect(partitionsOfSegment(uneven, 1, 2)).toEqual([1, 2]);
    expect(partitionsOfSegment(uneven, 3, 4)).toEqual([2, 2]);
    expect(partitionsOfSegment(uneven, 2, 4)).toEqual([1, 1]);
  });
});
