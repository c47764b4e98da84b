// Time to Live: UpdateTimeToLive/DescribeTimeToLive with DynamoDB's checks, and the sweep
// the shard alarm runs (the test Worker sets DDB_TTL_SWEEP_SECONDS=1: a sweep every second,
// so the tests wait for the sweep they expect rather than for a time).
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from "../../src/index";
import { describe, expect, it } from "vitest";
import { clients, readStream, type Clients } from "./support";
import { DescribeTableCommand } from "../../src/index";

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error("expected a rejection");
}

const S = (s: string) => ({ S: s });
const N = (n: number | string) => ({ N: String(n) });

function table(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

async function enableTtl(c: Clients, name: string, attribute = "expires"): Promise<void> {
  await c.ddb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
    }),
  );
}

async function ids(c: Clients, name: string): Promise<string[]> {
  const { Items } = await c.ddb.send(new ScanCommand({ TableName: name }));
  return (Items ?? []).map((i) => i.id?.S as string).sort();
}

/** Waits until the table holds exactly `expected` (sweeps run every second), then returns its ids. */
async function idsOnceSwept(c: Clients, name: string, expected: string[]): Promise<string[]> {
  let last: string[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    last = await ids(c, name);
    if (JSON.stringify(last) === JSON.stringify(expected)) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return last;
}

describe("UpdateTimeToLive / DescribeTimeToLive", () => {
  it("DescribeTimeToLive: DISABLED, without an attribute, until enabled", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("plain")));
    const { TimeToLiveDescription } = await c.ddb.send(new DescribeTimeToLiveCommand({ TableName: "plain" }));
    expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: "DISABLED" });
  });

  it("UpdateTimeToLive: enables, refuses re-enabling or another attribute, then disables", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("ttl")));
    const spec = { Enabled: true, AttributeName: "expires" };
    const enabled = await c.ddb.send(new UpdateTimeToLiveCommand({ TableName: "ttl", TimeToLiveSpecification: spec }));
    expect(enabled.TimeToLiveSpecification).toEqual(spec);
    expect((await c.ddb.send(new DescribeTimeToLiveCommand({ TableName: "ttl" }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: "ENABLED",
      AttributeName: "expires",
    });
    expect(
      await rejection(c.ddb.send(new UpdateTimeToLiveCommand({ TableName: "ttl", TimeToLiveSpecification: spec }))),
    ).toEqual({
      name: "ValidationException",
      message: "TimeToLive is already enabled",
    });
    for (const other of [
      { Enabled: true, AttributeName: "other" },
      { Enabled: false, AttributeName: "other" },
    ]) {
      expect(
        await rejection(c.ddb.send(new UpdateTimeToLiveCommand({ TableName: "ttl", TimeToLiveSpecification: other }))),
      ).toEqual({
        name: "ValidationException",
        message: "TimeToLive is active on a different AttributeName: current AttributeName is expires",
      });
    }
    const off = { Enabled: false, AttributeName: "expires" };
    expect(
      (await c.ddb.send(new UpdateTimeToLiveCommand({ TableName: "ttl", TimeToLiveSpecification: off })))
        .TimeToLiveSpecification,
    ).toEqual(off);
    expect((await c.ddb.send(new DescribeTimeToLiveCommand({ TableName: "ttl" }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: "DISABLED",
    });
    expect(
      await rejection(c.ddb.send(new UpdateTimeToLiveCommand({ TableName: "ttl", TimeToLiveSpecification: off }))),
    ).toEqual({
      name: "ValidationException",
      message: "TimeToLive is already disabled",
    });
  });

  it("UpdateTimeToLive: rejects a missing table and an empty attribute name", async () => {
    const c = clients();
    expect(
      await rejection(
        c.ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: "nope",
            TimeToLiveSpecification: { Enabled: true, AttributeName: "e" },
          }),
        ),
      ),
    ).toEqual({ name: "ResourceNotFoundException", message: "Requested resource not found: Table: nope not found" });
    await c.ddb.send(new CreateTableCommand(table("named")));
    expect(
      await rejection(
        c.ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: "named",
            TimeToLiveSpecification: { Enabled: true, AttributeName: "" },
          }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message:
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });
});

describe("TTL sweep", () => {
  it("deletes items whose TTL attribute is a past epoch-seconds number, and only those", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("sweep")));
    const now = Math.floor(Date.now() / 1000);
    // Expired before TTL is enabled: the sweep's index build finds it.
    await c.ddb.send(new PutItemCommand({ TableName: "sweep", Item: { id: S("early"), expires: N(now - 60) } }));
    await enableTtl(c, "sweep");
    const items: Record<string, { S: string } | { N: string } | { L: { N: string }[] }>[] = [
      { id: S("past"), expires: N(now - 60) },
      { id: S("decimal"), expires: N(`${now - 60}.5`) },
      { id: S("future"), expires: N(now + 3600) },
      { id: S("missing") },
      { id: S("string"), expires: S(String(now - 60)) },
      { id: S("ancient"), expires: N(162777600) }, // over five years ago: ignored, as DynamoDB does
      { id: S("nested"), expires: { L: [N(now - 60)] } },
    ];
    for (const Item of items) await c.ddb.send(new PutItemCommand({ TableName: "sweep", Item }));
    const kept = ["ancient", "future", "missing", "nested", "string"];
    expect(await idsOnceSwept(c, "sweep", kept)).toEqual(kept);
    const { Table } = await c.ddb.send(new DescribeTableCommand({ TableName: "sweep" }));
    expect(Table?.ItemCount).toBe(5);
  });

  it("an item whose TTL moves into the past later is deleted by a later sweep; one moved out of it stays", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("moves")));
    await enableTtl(c, "moves");
    const now = Math.floor(Date.now() / 1000);
    await c.ddb.send(new PutItemCommand({ TableName: "moves", Item: { id: S("a"), expires: N(now + 3600) } }));
    await c.ddb.send(new PutItemCommand({ TableName: "moves", Item: { id: S("b"), expires: N(now - 10) } }));
    await c.ddb.send(new PutItemCommand({ TableName: "moves", Item: { id: S("b"), expires: N(now + 3600) } }));
    await c.ddb.send(new PutItemCommand({ TableName: "moves", Item: { id: S("a"), expires: N(now - 10) } }));
    expect(await idsOnceSwept(c, "moves", ["b"])).toEqual(["b"]);
  });

  it("TTL deletes maintain indexes and appear in the stream as REMOVE by the TTL service", async () => {
    const c = clients();
    await c.ddb.send(
      new CreateTableCommand(
        table("indexed", {
          AttributeDefinitions: [
            { AttributeName: "id", AttributeType: "S" },
            { AttributeName: "g", AttributeType: "S" },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: "byG",
              KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
              Projection: { ProjectionType: "ALL" },
            },
          ],
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      ),
    );
    await enableTtl(c, "indexed");
    const now = Math.floor(Date.now() / 1000);
    const doomed = { id: S("x"), g: S("group"), expires: N(now - 5) };
    await c.ddb.send(new PutItemCommand({ TableName: "indexed", Item: { id: S("y"), g: S("group") } }));
    await c.ddb.send(new PutItemCommand({ TableName: "indexed", Item: doomed }));
    expect(await idsOnceSwept(c, "indexed", ["y"])).toEqual(["y"]);
    const { Items } = await c.ddb.send(
      new QueryCommand({
        TableName: "indexed",
        IndexName: "byG",
        KeyConditionExpression: "g = :g",
        ExpressionAttributeValues: { ":g": S("group") },
      }),
    );
    expect(Items?.map((i) => i.id?.S)).toEqual(["y"]);
    const { Table } = await c.ddb.send(new DescribeTableCommand({ TableName: "indexed" }));
    const records = await readStream(c.streams, Table?.LatestStreamArn as string);
    expect(records.map((r) => [r.eventName, r.keys, r.oldImage, r.userIdentity])).toEqual([
      ["INSERT", { id: S("y") }, undefined, undefined],
      ["INSERT", { id: S("x") }, undefined, undefined],
      ["REMOVE", { id: S("x") }, doomed, { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" }],
    ]);
  });

  it("sweeps every shard of a table spread over several", async () => {
    const c = clients(3);
    await c.ddb.send(new CreateTableCommand(table("spread")));
    await enableTtl(c, "spread");
    const now = Math.floor(Date.now() / 1000);
    const all = Array.from({ length: 12 }, (_, i) => `item-${String(i).padStart(2, "0")}`);
    for (const id of all) {
      const expires = Number(id.slice(5)) % 2 === 0 ? now - 30 : now + 3600;
      await c.ddb.send(new PutItemCommand({ TableName: "spread", Item: { id: S(id), expires: N(expires) } }));
    }
    const kept = all.filter((id) => Number(id.slice(5)) % 2 === 1);
    expect(await idsOnceSwept(c, "spread", kept)).toEqual(kept);
  });

  it("disabling TTL stops deletions", async () => {
    const c = clients();
    await c.ddb.send(new CreateTableCommand(table("stops")));
    await enableTtl(c, "stops");
    await c.ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: "stops",
        TimeToLiveSpecification: { Enabled: false, AttributeName: "expires" },
      }),
    );
    await c.ddb.send(new PutItemCommand({ TableName: "stops", Item: { id: S("a"), expires: N(1_700_000_000) } }));
    // A table with TTL enabled and an expired item: its deletion marks a sweep that has run.
    await c.ddb.send(new CreateTableCommand(table("marker")));
    await enableTtl(c, "marker");
    await c.ddb.send(new PutItemCommand({ TableName: "marker", Item: { id: S("m"), expires: N(1_700_000_000) } }));
    expect(await idsOnceSwept(c, "marker", [])).toEqual([]);
    // Reads do not hide expired items still stored (nor does disabled TTL delete them).
    const kept = await c.ddb.send(new GetItemCommand({ TableName: "stops", Key: { id: S("a") } }));
    expect(kept.Item).toEqual({ id: S("a"), expires: N(1_700_000_000) });
  });
});
