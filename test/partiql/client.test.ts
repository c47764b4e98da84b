// PartiQL through the SDK-compatible client (ExecuteStatementCommand and lib-dynamodb's
// ExecuteStatementCommand with native JS values), on a one-shard and a four-shard table,
// and through an engine embedded in a Durable Object by the withDynamoDB mixin.
import { runInDurableObject } from "cloudflare:test";
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BatchExecuteStatementCommand as DocBatchExecuteStatementCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand as DocExecuteStatementCommand,
  ExecuteTransactionCommand as DocExecuteTransactionCommand,
} from "../../src/lib";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DuplicateItemException,
  DynamoDBClient,
  ExecuteStatementCommand,
  TransactionCanceledException,
} from "../../src/index";
import type { Env } from "../../src/worker";
import type { MixinTestObject } from "../client/mixin-object";
import { uniqueName } from "../support/wire";

const env = workerEnv as unknown as Env & { MIXIN_TEST: DurableObjectNamespace<MixinTestObject> };

async function createTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

for (const shards of [1, 4]) {
  describe(`PartiQL through the client (${shards} shard${shards > 1 ? "s" : ""})`, () => {
    const client = new DynamoDBClient({ shards });
    const doc = DynamoDBDocumentClient.from(client);

    it(`ExecuteStatementCommand: insert, select, update and delete (${shards} shards)`, async () => {
      const table = uniqueName("pqc");
      await createTable(client, table);
      for (let i = 0; i < 12; i++) {
        await client.send(
          new ExecuteStatementCommand({
            Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'v': ?}`,
            Parameters: [{ S: `p${i % 4}` }, { N: String(i) }, { S: `v${i}` }],
          }),
        );
      }
      const one = await client.send(
        new ExecuteStatementCommand({ Statement: `SELECT sk FROM "${table}" WHERE pk = 'p1' ORDER BY sk DESC` }),
      );
      expect(one.Items).toEqual([{ sk: { N: "9" } }, { sk: { N: "5" } }, { sk: { N: "1" } }]);

      // A scan over every shard, paged with Limit and NextToken.
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new ExecuteStatementCommand({ Statement: `SELECT v FROM "${table}" WHERE sk >= 2`, Limit: 3, NextToken }),
        );
        for (const item of page.Items ?? []) seen.push(item.v!.S!);
        NextToken = page.NextToken;
      } while (NextToken);
      expect(seen.sort()).toEqual(["v10", "v11", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);

      await client.send(
        new ExecuteStatementCommand({ Statement: `UPDATE "${table}" SET v = 'new' WHERE pk = 'p2' AND sk = 2` }),
      );
      await client.send(
        new ExecuteStatementCommand({ Statement: `DELETE FROM "${table}" WHERE pk = 'p3' AND sk = 3` }),
      );
      const after = await client.send(
        new ExecuteStatementCommand({ Statement: `SELECT * FROM "${table}" WHERE pk IN ['p2', 'p3'] AND sk < 4` }),
      );
      expect(after.Items).toEqual([{ pk: { S: "p2" }, sk: { N: "2" }, v: { S: "new" } }]);

      const duplicate = await rejection(
        client.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${table}" VALUE {'pk': 'p0', 'sk': 0}` })),
      );
      expect(duplicate).toBeInstanceOf(DuplicateItemException);
      expect((duplicate as Error).message).toBe("Duplicate primary key exists in table");
      const missing = await rejection(
        client.send(
          new ExecuteStatementCommand({ Statement: `UPDATE "${table}" SET v = 1 WHERE pk = 'p0' AND sk = 99` }),
        ),
      );
      expect(missing).toBeInstanceOf(ConditionalCheckFailedException);
    });

    it(`lib-dynamodb ExecuteStatementCommand takes and answers native values (${shards} shards)`, async () => {
      const table = uniqueName("pqd");
      await createTable(client, table);
      await doc.send(
        new DocExecuteStatementCommand({
          Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'tags': ?, 'meta': ?}`,
          Parameters: ["user", 1, new Set(["a", "b"]), { n: 2, ok: true, list: [1, "x"] }],
        }),
      );
      const out = await doc.send(
        new DocExecuteStatementCommand({
          Statement: `SELECT * FROM "${table}" WHERE pk = ? AND sk = ?`,
          Parameters: ["user", 1],
        }),
      );
      expect(out.Items).toEqual([
        { pk: "user", sk: 1, tags: new Set(["a", "b"]), meta: { n: 2, ok: true, list: [1, "x"] } },
      ]);

      const batch = await doc.send(
        new DocBatchExecuteStatementCommand({
          Statements: [
            { Statement: `SELECT meta.n FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["user", 1] },
            { Statement: `SELECT * FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["nobody", 1] },
          ],
        }),
      );
      expect(batch.Responses).toEqual([{ TableName: table, Item: { n: 2 } }, { TableName: table }]);

      const cancelled = await rejection(
        doc.send(
          new DocExecuteTransactionCommand({
            TransactStatements: [
              { Statement: `INSERT INTO "${table}" VALUE {'pk': 'other', 'sk': 5}` },
              { Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?}`, Parameters: ["user", 1] },
            ],
          }),
        ),
      );
      expect(cancelled).toBeInstanceOf(TransactionCanceledException);
      expect((cancelled as TransactionCanceledException).CancellationReasons).toEqual([
        { Code: "None" },
        { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" },
      ]);
      const other = await doc.send(
        new DocExecuteStatementCommand({ Statement: `SELECT * FROM "${table}" WHERE pk = 'other'` }),
      );
      expect(other.Items).toEqual([]);
    });
  });
}

describe("PartiQL in an embedded engine (withDynamoDB)", () => {
  it("ExecuteStatementCommand runs against the object's own tables", async () => {
    const stub = env.MIXIN_TEST.get(env.MIXIN_TEST.idFromName(uniqueName("mixin-pq")));
    const items = await runInDurableObject(stub, async (object: MixinTestObject) => {
      await object.ensureTable("notes");
      await object.dynamodb.send(
        new ExecuteStatementCommand({ Statement: `INSERT INTO "notes" VALUE {'id': 'n1', 'text': 'hello'}` }),
      );
      await object.dynamodb.send(
        new ExecuteStatementCommand({ Statement: `UPDATE "notes" SET text = 'bye' WHERE id = 'n1'` }),
      );
      const out = await object.dynamodb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "notes"` }));
      return out.Items;
    });
    expect(items).toEqual([{ id: { S: "n1" }, text: { S: "bye" } }]);
  });
});
