// PartiQL against the real HTTP endpoint: @aws-sdk/client-dynamodb (signed requests,
// typed exceptions) and the AWS CLI's `aws dynamodb execute-statement`.
import { aws, AWS_SKIP_REASON } from "./aws-cli";
import {
  BatchExecuteStatementCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DuplicateItemException,
  DynamoDBServiceException,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ExecuteStatementCommand as DocExecuteStatementCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, sdkClient } from "./support";

const client = sdkClient();
const doc = DynamoDBDocumentClient.from(client);

const SKIP_REASON = AWS_SKIP_REASON;

describe("PartiQL over HTTP", () => {
  const table = uniqueName("e2e-pq");

  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
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
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
  });

  it("ExecuteStatement through the SDK: insert, query, typed errors", async () => {
    for (let i = 1; i <= 3; i++) {
      await client.send(
        new ExecuteStatementCommand({
          Statement: `INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': ?, 'v': ?}`,
          Parameters: [{ N: String(i) }, { S: `v${i}` }],
        }),
      );
    }
    const out = await client.send(
      new ExecuteStatementCommand({ Statement: `SELECT sk, v FROM "${table}" WHERE pk = 'a' AND sk >= 2` }),
    );
    expect(out.Items).toEqual([
      { sk: { N: "2" }, v: { S: "v2" } },
      { sk: { N: "3" }, v: { S: "v3" } },
    ]);
    const err = await client
      .send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 1}` }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(DuplicateItemException);
    const syntax = await client.send(new ExecuteStatementCommand({ Statement: "SLECT" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(syntax).toBeInstanceOf(DynamoDBServiceException);
    expect((syntax as Error).name).toBe("ValidationException");
    expect((syntax as Error).message).toBe(
      "Statement wasn't well formed, can't be processed: Expected data manipulation",
    );
  });

  it("lib-dynamodb ExecuteStatementCommand, batch and transaction through the SDK", async () => {
    await doc.send(
      new DocExecuteStatementCommand({
        Statement: `UPDATE "${table}" SET tags = ? WHERE pk = ? AND sk = ?`,
        Parameters: [new Set(["x"]), "a", 1],
      }),
    );
    const got = await doc.send(
      new DocExecuteStatementCommand({
        Statement: `SELECT tags FROM "${table}" WHERE pk = ? AND sk = ?`,
        Parameters: ["a", 1],
      }),
    );
    expect(got.Items).toEqual([{ tags: new Set(["x"]) }]);
    const batch = await client.send(
      new BatchExecuteStatementCommand({
        Statements: [{ Statement: `SELECT v FROM "${table}" WHERE pk = 'a' AND sk = 3` }],
      }),
    );
    expect(batch.Responses).toEqual([{ TableName: table, Item: { v: { S: "v3" } } }]);
    await client.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `DELETE FROM "${table}" WHERE pk = 'a' AND sk = 3` },
          { Statement: `INSERT INTO "${table}" VALUE {'pk': 'b', 'sk': 1}` },
        ],
      }),
    );
    const rest = await client.send(new ExecuteStatementCommand({ Statement: `SELECT pk, sk FROM "${table}"` }));
    expect(rest.Items?.length).toBe(3);
  });

  it.skipIf(SKIP_REASON !== undefined)("aws dynamodb execute-statement", async () => {
    const result = await aws(
      "execute-statement",
      "--statement",
      `SELECT v FROM "${table}" WHERE pk = ? AND sk = ?`,
      "--parameters",
      JSON.stringify([{ S: "a" }, { N: "2" }]),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ Items: [{ v: { S: "v2" } }] });
    const failed = await aws("execute-statement", "--statement", `INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 2}`);
    expect(failed.code).toBe(254);
    expect(failed.stderr).toContain("DuplicateItemException");
    expect(failed.stderr).toContain("Duplicate primary key exists in table");
  });
});
