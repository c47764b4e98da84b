// The placement function of the sharded cluster alone: partition hash -> shard.
import { describe, expect, it } from "vitest";
import { shardName, shardOfHash, shardOfKeyValue, shardsOfSegment } from "../../src/cluster/placement";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import type { TableDef } from "../../src/schema/table-def";

function def(shards: number | undefined): TableDef {
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
    ...(shards === undefined ? {} : { shards }),
  };
}

describe("cluster routing", () => {
  it("names shards per tenant", () => {
    expect(shardName(undefined, 3)).toBe("shard-3");
    expect(shardName("acme", 0)).toBe("acme:shard-0");
  });

  it("maps the hash space onto contiguous shard ranges", () => {
    expect(shardOfHash(0, 4)).toBe(0);
    expect(shardOfHash(2 ** 30 - 1, 4)).toBe(0);
    expect(shardOfHash(2 ** 30, 4)).toBe(1);
    expect(shardOfHash(2 ** 32 - 1, 4)).toBe(3);
    expect(shardOfHash(2 ** 32 - 1, 1)).toBe(0);
    // Monotone: shard order is hash order.
    let previous = 0;
    for (let h = 0; h < 2 ** 32; h += 7_919_993) {
      const shard = shardOfHash(h, 16);
      expect(shard).toBeGreaterThanOrEqual(previous);
      previous = shard;
    }
  });

  it("spreads 10,000 keys over 16 shards within 10% of the mean", () => {
    // Deterministic pseudo-random keys (an LCG), so the bound is checked on fixed data.
    let seed = 12345;
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 10_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const key = `user-${seed.toString(36)}-${i}`;
      counts[shardOfHash(partitionHash(encodeKey("S", key)), 16)]! += 1;
    }
    const mean = 10_000 / 16;
    expect(Math.max(...counts) / mean).toBeLessThanOrEqual(1.1);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it("routes a key value by its table's shard count", () => {
    expect(shardOfKeyValue(def(undefined), { S: "a" })).toBe(0);
    const four = def(4);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const shard = shardOfKeyValue(four, { S: `k${i}` });
      expect(shard).toBe(shardOfHash(partitionHash(encodeKey("S", `k${i}`)), 4));
      seen.add(shard);
    }
    expect(seen.size).toBe(4);
    expect(() => shardOfKeyValue(four, { N: "1" })).toThrow();
  });

  it("maps parallel-scan segments to the shards they intersect", () => {
    expect(shardsOfSegment(0, 1, 4)).toEqual([0, 3]);
    expect(shardsOfSegment(0, 4, 4)).toEqual([0, 0]);
    expect(shardsOfSegment(3, 4, 4)).toEqual([3, 3]);
    expect(shardsOfSegment(1, 3, 4)).toEqual([1, 2]);
    expect(shardsOfSegment(5, 8, 4)).toEqual([2, 2]);
  });
});
