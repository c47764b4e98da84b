// Splits of a GSI's partition kept in an object of its own (src/split/index-split.ts): the
// upper part of its hash range moves to a new object while the table takes writes, whose
// changes to the moving range wait in the table partitions' outboxes and then follow the
// index's new map; a crash at any step resumes; afterwards the index is the table's projection.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { DynamoDBClient, PutItemCommand, QueryCommand } from "../../src/index";
import type { Engine } from "../../src/engine/engine";
import type { IndexSplitStart } from "../../src/protocol/shard-rpc";
import { startIndexSplit } from "../../src/split/index-split";
import { IndexAutoSplit } from "../../src/split/index-auto";
import type { StepResult } from "../../src/split/source";
import { armFault, clearFaults, type FaultStep } from "../../src/storage/faults";
import type { TableDef } from "../../src/schema/table-def";
import { encodeKey } from "../../src/keys/encode";
import { partitionHash } from "../../src/keys/partition";
import { partitionOfHash } from "../../src/schema/partition-map";
import { uniqueName } from "../support/wire";
import { createTable, expectConverged, scanAll } from "./gsi-support";
import { countRows, homeDef, isInjected, objectStub } from "./split-support";

interface Inside {
  engine: Engine;
  indexSplits: { step(): Promise<StepResult>; active(): boolean };
}

afterEach(() => clearFaults());

const FAULTS: FaultStep[] = ["index-split:after-copy-chunk", "index-split:after-publish", "index-split:before-cleaned"];

function byG(def: TableDef): { object: string; low: number }[] {
  return def.indexes?.find((i) => i.name === "byG")?.partitions?.partitions ?? [];
}

async function start(tenant: string, table: string, k: number): Promise<string> {
  const def = await homeDef(tenant, table);
  const source = (byG(def)[k] as { object: string }).object;
  // Started without its runner (as the RPC would start it): only the test's steps move it on.
  const request: IndexSplitStart = { table, tableId: def.tableId, index: "byG", tenant, source };
  await runInDurableObject(objectStub(tenant, source), (instance) =>
    startIndexSplit((instance as unknown as Inside).engine, request),
  );
  return source;
}

/** Steps the split on `source` to its end, a crash (fault, then every object evicted) on the way if `fault`. */
async function runSplit(tenant: string, source: string, fault?: FaultStep): Promise<number> {
  let crashes = 0;
  if (fault) armFault(fault);
  for (let i = 0; i < 200; i++) {
    const more = await runInDurableObject(objectStub(tenant, source), (instance) =>
      (instance as unknown as Inside).indexSplits.active(),
    );
    if (!more) return crashes;
    try {
      await runInDurableObject(objectStub(tenant, source), (instance) =>
        (instance as unknown as Inside).indexSplits.step(),
      );
    } catch (err) {
      if (!isInjected(err)) throw err;
      crashes++;
      await abortAllDurableObjects();
    }
  }
  throw new Error("the index split did not end in 200 steps");
}

/**
 * Puts items i in [from, to). A crash evicts every object, a write in flight with them: that
 * write fails to its caller, who sends it again (a PutItem may be repeated).
 */
async function fill(client: DynamoDBClient, table: string, from: number, to: number, tag: string): Promise<void> {
  for (let i = from; i < to; i++) {
    const put = new PutItemCommand({
      TableName: table,
      Item: { pk: { S: `p${i}` }, sk: { N: "0" }, g: { S: `g${i % 40}` }, r: { N: String(i) }, tag: { S: tag } },
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(put);
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  }
}

describe("index partition splits", () => {
  it("SplitPartition with IndexName: the client splits an index partition online; the runner ends it by itself", async () => {
    const tenant = uniqueName("gs");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    await fill(client, table, 0, 80, "before");
    const before = await homeDef(tenant, table);
    const started = await client.splitPartition(table, { indexName: "byG", partition: 2 });
    const [low, high] = [(byG(before)[2] as { low: number }).low, (byG(before)[3] as { low: number }).low];
    expect(started).toMatchObject({ TableName: table, IndexName: "byG", Partition: 2, HashStart: low, HashEnd: high });
    expect(started.SplitAt).toBeGreaterThan(low);
    expect(started.SplitAt).toBeLessThan(high);
    await expect(client.splitPartition(table, { indexName: "byH", partition: 9 })).rejects.toMatchObject({
      name: "ValidationException",
      message: "Partition must be an integer from 0 to 3",
    });
    for (let i = 0; byG(await homeDef(tenant, table)).length < 5; i++) {
      if (i > 300) throw new Error("the index split was not published");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(byG(await homeDef(tenant, table)).map((p) => p.low)).toContain(started.SplitAt);
    await fill(client, table, 40, 100, "after");
    await expectConverged(client, tenant, table);
  });

  it("an index partition past DDB_SPLIT_BYTES (8 MiB in the tests) splits by itself", async () => {
    const tenant = uniqueName("gs");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    const map = (await homeDef(tenant, table)).indexes?.find((i) => i.name === "byG")?.partitions;
    if (!map) throw new Error("byG has no partitions of its own");
    // 26 items of 340 KB whose g values all fall in byG's first partition (the table's
    // partitions get a quarter each, under the threshold).
    const big = "x".repeat(340_000);
    let written = 0;
    for (let n = 0; written < 26; n++) {
      const g = `big${n}`;
      if (partitionOfHash(map, partitionHash(encodeKey("S", g))) !== 0) continue;
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `b${n}` }, sk: { N: "0" }, g: { S: g }, r: { N: "1" }, pad: { S: big } },
        }),
      );
      written++;
    }
    for (let i = 0; byG(await homeDef(tenant, table)).length < 5; i++) {
      if (i > 500) throw new Error("the index partition did not split");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(byG(await homeDef(tenant, table))[0]?.object).toBe(map.partitions[0]?.object);
    await expectConverged(client, tenant, table);
  });

  it("an index partition taking more changes than DDB_SPLIT_WRITES_PER_SECOND for 10 windows in a row splits at their median", async () => {
    const tenant = uniqueName("gs");
    const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
    const table = uniqueName("t");
    await createTable(client, table);
    await fill(client, table, 0, 80, "before");
    const def = await homeDef(tenant, table);
    const partition = byG(def)[1] as { object: string; low: number };
    const high = (byG(def)[2] as { low: number }).low;
    const { requests, hashes } = await runInDurableObject(objectStub(tenant, partition.object), (instance) => {
      const engine = (instance as unknown as Inside).engine;
      const rows = engine.sql.all<{ ipk: ArrayBuffer }>("SELECT ipk FROM index_items");
      const changes = rows.map((row, seq) => ({
        seq,
        table,
        tableId: def.tableId,
        index: "byG",
        ipk: new Uint8Array(row.ipk),
        isk: new Uint8Array(0),
        tpk: new Uint8Array(0),
        tsk: new Uint8Array(0),
        doc: null,
        size: 0,
      }));
      let now = 0;
      const auto = new IndexAutoSplit(engine, { bytes: 2 ** 40, writesPerSecond: changes.length / 2 }, () => now);
      const out: (IndexSplitStart | undefined)[] = [];
      for (let window = 0; window < 11; window++) {
        for (let repeat = 0; repeat < 8; repeat++) auto.note(changes);
        now += 1_000;
        out.push(auto.check({ tenant, object: partition.object }, false));
      }
      return { requests: out, hashes: rows.map((row) => new DataView(row.ipk).getUint32(0)) };
    });
    // Busy for 10 windows: the tenth asks for the split, at the median of the sampled changes.
    expect(requests.slice(0, 9)).toEqual(Array(9).fill(undefined));
    const request = requests[9] as IndexSplitStart;
    expect(request).toMatchObject({ table, tableId: def.tableId, index: "byG", tenant, source: partition.object });
    expect(request.at).toBeGreaterThan(partition.low);
    expect(request.at).toBeLessThan(high);
    expect(hashes).toContain(request.at);
    expect(requests[10]).toBeUndefined();
  });

  for (const fault of [undefined, ...FAULTS]) {
    it(`SplitPartition of an index partition${fault ? `, a crash at ${fault}` : ""}: writes meanwhile follow the new map; the index stays the table's projection`, async () => {
      const tenant = uniqueName("gs");
      const client = new DynamoDBClient({ tenant, shards: 4, maxAttempts: 1 });
      const table = uniqueName("t");
      await createTable(client, table);
      await fill(client, table, 0, 60, "before");
      const source = await start(tenant, table, 1);
      // Writes while the range is fenced wait for the split (their changes are held), so they run beside it.
      const writes = fill(client, table, 30, 50, "during");
      const crashes = await runSplit(tenant, source, fault);
      await writes;
      if (fault) expect(crashes).toBe(1);
      const def = await homeDef(tenant, table);
      expect(byG(def)).toHaveLength(5);
      expect(byG(def).filter((p) => p.object === source)).toHaveLength(1);
      await fill(client, table, 55, 80, "after");
      await expectConverged(client, tenant, table);
      // Every g value's Query, wherever its partition now is, returns its items in index order.
      const items = await scanAll(client, table);
      for (let g = 0; g < 40; g++) {
        const got = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: "byG",
            KeyConditionExpression: "g = :g",
            ExpressionAttributeValues: { ":g": { S: `g${g}` } },
          }),
        );
        const expected = items
          .filter((item) => item.g?.S === `g${g}`)
          .map((item) => Number(item.r?.N))
          .sort((a, b) => a - b);
        expect(
          got.Items?.map((item) => Number(item.r?.N)),
          `g${g}`,
        ).toEqual(expected);
      }
      // The source keeps only its lower part; the moved entries are gone from it.
      let held = 0;
      for (const p of byG(def)) held += await countRows(tenant, p.object, "index_items");
      expect(held).toBe(80);
    });
  }
});
