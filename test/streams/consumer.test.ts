// pumpStream: Workers-native delivery of a stream's records, at least once, in order,
// resuming from the stored checkpoint.
import type { _Record } from "@aws-sdk/client-dynamodb-streams";
import { describe, expect, it } from "vitest";
import { CreateTableCommand, PutItemCommand, pumpStream, queueDeliverer, type CheckpointStore } from "../../src/index";
import { clients, type Clients } from "./support";

/** A CheckpointStore over a Map (a Durable Object's storage has the same get/put). */
function memoryStore(): CheckpointStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: <T>(key: string) => Promise.resolve(map.get(key) as T | undefined),
    put: <T>(key: string, value: T) => {
      map.set(key, value);
      return Promise.resolve();
    },
  };
}

async function streamTable(c: Clients, name: string): Promise<string> {
  const { TableDescription } = await c.ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  return TableDescription?.LatestStreamArn as string;
}

const put = (c: Clients, table: string, id: string) =>
  c.ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id } } }));

const idsOf = (records: _Record[]) => records.map((r) => r.dynamodb?.Keys?.id?.S);

describe("pumpStream", () => {
  it("pumpStream: delivers each record once across runs, resuming from its checkpoint", async () => {
    const c = clients(2);
    const arn = await streamTable(c, "pumped");
    for (const id of ["a", "b", "c"]) await put(c, "pumped", id);
    const checkpoints = memoryStore();
    const got: _Record[] = [];
    const deliver = (records: _Record[]) => {
      got.push(...records);
      return Promise.resolve();
    };
    expect(await pumpStream({ client: c.streams, streamArn: arn, checkpoints, deliver, batchSize: 2 })).toEqual({
      delivered: 3,
    });
    expect(idsOf(got).sort()).toEqual(["a", "b", "c"]);
    expect(await pumpStream({ client: c.streams, streamArn: arn, checkpoints, deliver })).toEqual({ delivered: 0 });
    await put(c, "pumped", "d");
    expect(await pumpStream({ client: c.streams, streamArn: arn, checkpoints, deliver })).toEqual({ delivered: 1 });
    expect(idsOf(got).sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("pumpStream: a failed delivery is retried from the same record on the next run", async () => {
    const c = clients();
    const arn = await streamTable(c, "retried");
    for (const id of ["a", "b", "c"]) await put(c, "retried", id);
    const checkpoints = memoryStore();
    const got: (string | undefined)[] = [];
    let fail = true;
    const deliver = (records: _Record[]) => {
      if (fail && idsOf(records).includes("c")) return Promise.reject(new Error("consumer down"));
      got.push(...idsOf(records));
      return Promise.resolve();
    };
    await expect(pumpStream({ client: c.streams, streamArn: arn, checkpoints, deliver, batchSize: 2 })).rejects.toThrow(
      "consumer down",
    );
    expect(got).toEqual(["a", "b"]);
    fail = false;
    await pumpStream({ client: c.streams, streamArn: arn, checkpoints, deliver, batchSize: 2 });
    expect(got).toEqual(["a", "b", "c"]);
  });

  it("queueDeliverer: sends one Queue message per record, in order", async () => {
    const c = clients();
    const arn = await streamTable(c, "queued");
    for (const id of ["a", "b"]) await put(c, "queued", id);
    const sent: unknown[] = [];
    const queue = {
      sendBatch: (messages: Iterable<MessageSendRequest>) => {
        for (const m of messages) sent.push(m.body);
        return Promise.resolve() as unknown as ReturnType<Queue["sendBatch"]>;
      },
    };
    await pumpStream({ client: c.streams, streamArn: arn, checkpoints: memoryStore(), deliver: queueDeliverer(queue) });
    expect(idsOf(sent as _Record[])).toEqual(["a", "b"]);
  });
});
