// A vector index through a partition's split (src/split): at every step of the move, the
// cut-over and the clean-up, a search over the table finds each item once and the same
// results as before, and after the split each object holds the vector rows of its own
// items (src/storage/vector-store.ts leaves out rows a split has handed over).
import { describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  SearchVectorsCommand,
  type AttributeValue,
} from "../../src/index";
import { uniqueName } from "../support/wire";
import { countRows, objectOf, runToEnd, splitRequest, splitState, startManual, step } from "./split-support";

const COUNT = 90;

function embedding(i: number): number[] {
  return [Math.cos(i / 7), Math.sin(i / 7), (i % 5) / 10];
}

describe("vector indexes across a split", () => {
  it("SplitPartition: searches find each item once at every step, and the rows follow their items", async () => {
    const tenant = uniqueName("vsplit");
    const table = uniqueName("t");
    const client = new DynamoDBClient({ tenant });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        VectorIndexes: [
          {
            IndexName: "near",
            VectorAttribute: { AttributeName: "emb" },
            Dimensions: 3,
            DistanceFunction: "EUCLIDEAN",
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
      }),
    );
    for (let i = 0; i < COUNT; i++) {
      const emb: AttributeValue = { L: embedding(i).map((x) => ({ N: String(x) })) };
      await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `i${i}` }, emb } }));
    }
    const search = async () => {
      const out = await client.send(
        new SearchVectorsCommand({
          TableName: table,
          IndexName: "near",
          SearchVector: [{ N: "1" }, { N: "0" }, { N: "0.2" }],
          TopK: 100,
        }),
      );
      return (out.SearchResults ?? []).map((r) => r.Item?.id?.S);
    };
    const before = await search();
    expect(before).toHaveLength(COUNT);
    const source = await objectOf(tenant, table);
    await startManual(await splitRequest(tenant, table, 0));
    for (let i = 0; i < 500 && (await splitState(tenant, source)) !== undefined; i++) {
      await step(tenant, source);
      expect(await search()).toEqual(before);
    }
    await runToEnd(tenant, source);
    expect(await search()).toEqual(before);
    const target = await objectOf(tenant, table, 1);
    const here = await countRows(tenant, source, "vector_items");
    const there = await countRows(tenant, target, "vector_items");
    expect([here + there, here > 0, there > 0]).toEqual([COUNT, true, true]);
    expect([await countRows(tenant, source, "items"), await countRows(tenant, target, "items")]).toEqual([here, there]);
  });
});
