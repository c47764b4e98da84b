// BatchExecuteStatement and ExecuteTransaction over the wire, and SELECT through an index.
import { beforeAll, describe, expect, it } from "vitest";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

const run = (Statement: string, extra: Record<string, unknown> = {}) => ok("ExecuteStatement", { Statement, ...extra });
const get = async (table: string, id: string) =>
  ((await ok("GetItem", { TableName: table, Key: { id: { S: id } } })).Item as Record<string, unknown> | undefined) ??
  null;

describe("BatchExecuteStatement", () => {
  const table = uniqueName("pqb");

  beforeAll(async () => {
    await createHashTable(table);
    await run(`INSERT INTO "${table}" VALUE {'id': 'a', 'v': 1}`);
    await run(`INSERT INTO "${table}" VALUE {'id': 'b', 'v': 2}`);
  }, 60_000);

  it("BatchExecuteStatement: reads answer one item per statement with its table name", async () => {
    const out = await ok("BatchExecuteStatement", {
      Statements: [
        { Statement: `SELECT * FROM "${table}" WHERE id = 'a'` },
        { Statement: `SELECT v FROM "${table}" WHERE id = ?`, Parameters: [{ S: "b" }] },
        { Statement: `SELECT * FROM "${table}" WHERE id = 'none'` },
        { Statement: `SELECT * FROM "${table}" WHERE id = 'a' AND v = 5` },
      ],
    });
    expect(out).toEqual({
      Responses: [
        { TableName: table, Item: { id: { S: "a" }, v: { N: "1" } } },
        { TableName: table, Item: { v: { N: "2" } } },
        { TableName: table },
        { TableName: table },
      ],
    });
  });

  it("BatchExecuteStatement: writes run on their own; a failing one is an Error entry", async () => {
    const out = await ok("BatchExecuteStatement", {
      Statements: [
        { Statement: `INSERT INTO "${table}" VALUE {'id': 'c', 'v': 3}` },
        { Statement: `INSERT INTO "${table}" VALUE {'id': 'a', 'v': 9}` },
        { Statement: `UPDATE "${table}" SET v = 20 WHERE id = 'b' RETURNING ALL NEW *` },
        { Statement: `UPDATE "${table}" SET v = 1 WHERE id = 'zz'` },
        { Statement: `SLECT nothing` },
        { Statement: `DELETE FROM "${uniqueName("absent")}" WHERE id = 'a'` },
      ],
    });
    expect(out.Responses).toEqual([
      { TableName: table },
      { TableName: table, Error: { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" } },
      { TableName: table, Item: { id: { S: "b" }, v: { N: "20" } } },
      { TableName: table, Error: { Code: "ConditionalCheckFailed", Message: "The conditional request failed" } },
      {
        Error: {
          Code: "ValidationError",
          Message: "Statement wasn't well formed, can't be processed: Expected data manipulation",
        },
      },
      expect.objectContaining({ Error: { Code: "ResourceNotFound", Message: "Requested resource not found" } }),
    ]);
    expect(await get(table, "c")).toEqual({ id: { S: "c" }, v: { N: "3" } });
    expect(await get(table, "a")).toEqual({ id: { S: "a" }, v: { N: "1" } });
  });

  it("BatchExecuteStatement: a SELECT must name the primary key", async () => {
    const out = await ok("BatchExecuteStatement", {
      Statements: [{ Statement: `SELECT * FROM "${table}" WHERE v = 1` }],
    });
    expect(out.Responses).toEqual([
      {
        TableName: table,
        Error: {
          Code: "ValidationError",
          Message: "Select statements within BatchExecuteStatement must specify the primary key in the where clause.",
        },
      },
    ]);
  });

  it("BatchExecuteStatement: validates its shape and refuses reads mixed with writes", async () => {
    expect(await fails("BatchExecuteStatement", { Statements: [] })).toEqual([
      "ValidationException",
      "1 validation error detected: Value '[]' at 'statements' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
    const many = Array.from({ length: 26 }, () => ({ Statement: `SELECT * FROM "${table}" WHERE id = 'a'` }));
    const [type, message] = await fails("BatchExecuteStatement", { Statements: many });
    expect(type).toBe("ValidationException");
    expect(message).toContain("Member must have length less than or equal to 25");
    expect(
      await fails("BatchExecuteStatement", {
        Statements: [
          { Statement: `SELECT * FROM "${table}" WHERE id = 'a'` },
          { Statement: `DELETE FROM "${table}" WHERE id = 'a'` },
        ],
      }),
    ).toEqual([
      "ValidationException",
      "BatchExecuteStatement API does not support both read and write operations in the same request.",
    ]);
  });
});

describe("ExecuteTransaction", () => {
  const table = uniqueName("pqt");

  beforeAll(async () => {
    await createHashTable(table);
    await run(`INSERT INTO "${table}" VALUE {'id': 'a', 'v': 1}`);
    await run(`INSERT INTO "${table}" VALUE {'id': 'c', 'v': 1}`);
  }, 60_000);

  it("ExecuteTransaction: writes apply together", async () => {
    const out = await ok("ExecuteTransaction", {
      TransactStatements: [
        { Statement: `INSERT INTO "${table}" VALUE {'id': 't1', 'v': 1}` },
        { Statement: `UPDATE "${table}" SET v = v + 1 WHERE id = 'a'` },
        { Statement: `EXISTS(SELECT * FROM "${table}" WHERE id = ? AND v = 1)`, Parameters: [{ S: "c" }] },
      ],
      ReturnConsumedCapacity: "TOTAL",
    });
    expect(out).toEqual({
      ConsumedCapacity: [{ TableName: table, CapacityUnits: 6, ReadCapacityUnits: 2, WriteCapacityUnits: 4 }],
    });
    expect(await get(table, "t1")).toEqual({ id: { S: "t1" }, v: { N: "1" } });
    expect(await get(table, "a")).toEqual({ id: { S: "a" }, v: { N: "2" } });
  });

  it("ExecuteTransaction: a failing statement cancels the whole transaction", async () => {
    const result = await fails("ExecuteTransaction", {
      TransactStatements: [
        { Statement: `INSERT INTO "${table}" VALUE {'id': 't2'}` },
        { Statement: `UPDATE "${table}" SET v = 5 WHERE id = 'missing'` },
        { Statement: `INSERT INTO "${table}" VALUE {'id': 'a'}` },
      ],
    });
    expect(result).toEqual([
      "TransactionCanceledException",
      "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, DuplicateItem]",
    ]);
    expect(await get(table, "t2")).toBeNull();
  });

  it("ExecuteTransaction: reads answer one entry per statement", async () => {
    const out = await ok("ExecuteTransaction", {
      TransactStatements: [
        { Statement: `SELECT v FROM "${table}" WHERE id = 'a'` },
        { Statement: `SELECT * FROM "${table}" WHERE id = ?`, Parameters: [{ S: "none" }] },
      ],
    });
    expect(out).toEqual({ Responses: [{ Item: { v: { N: "2" } } }, {}] });
  });

  it("ExecuteTransaction: ClientRequestToken makes a transaction idempotent", async () => {
    const request = {
      TransactStatements: [{ Statement: `UPDATE "${table}" SET n = 1 WHERE id = 'a'` }],
      ClientRequestToken: "token-1",
    };
    await ok("ExecuteTransaction", request);
    await ok("ExecuteTransaction", request);
    const [type] = await fails("ExecuteTransaction", {
      ...request,
      TransactStatements: [{ Statement: `UPDATE "${table}" SET n = 2 WHERE id = 'a'` }],
    });
    expect(type).toBe("IdempotentParameterMismatchException");
  });

  it("ExecuteTransaction: refuses reads with writes, RETURNING, index reads and partial keys", async () => {
    expect(
      await fails("ExecuteTransaction", {
        TransactStatements: [
          { Statement: `SELECT * FROM "${table}" WHERE id = 'a'` },
          { Statement: `DELETE FROM "${table}" WHERE id = 'a'` },
        ],
      }),
    ).toEqual([
      "ValidationException",
      "ExecuteTransaction API does not support both read and write operations in the same request.",
    ]);
    expect(
      await fails("ExecuteTransaction", {
        TransactStatements: [{ Statement: `UPDATE "${table}" SET v = 1 WHERE id = 'a' RETURNING ALL NEW *` }],
      }),
    ).toEqual([
      "ValidationException",
      "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.",
    ]);
    expect(
      await fails("ExecuteTransaction", {
        TransactStatements: [{ Statement: `SELECT * FROM "${table}" WHERE v = 1` }],
      }),
    ).toEqual([
      "ValidationException",
      "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause.",
    ]);
    expect(
      await fails("ExecuteTransaction", { TransactStatements: [{ Statement: `SELECT * FROM "${table}" WHERE` }] }),
    ).toEqual([
      "ValidationException",
      "Validation failed in TransactStatements[0]: Statement wasn't well formed, can't be processed: Unexpected term",
    ]);
  });
});

describe("SELECT through an index", () => {
  const table = uniqueName("pqi");

  beforeAll(async () => {
    await ok("CreateTable", {
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "id", AttributeType: "S" },
        { AttributeName: "g", AttributeType: "S" },
        { AttributeName: "r", AttributeType: "N" },
      ],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byG",
          KeySchema: [
            { AttributeName: "g", KeyType: "HASH" },
            { AttributeName: "r", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    });
    for (const [id, g, r] of [
      ["i1", "x", 3],
      ["i2", "x", 1],
      ["i3", "y", 2],
      ["i4", "x", 2],
    ] as const) {
      await run(`INSERT INTO "${table}" VALUE {'id': '${id}', 'g': '${g}', 'r': ${r}}`);
    }
  }, 60_000);

  it("SELECT FROM table.index queries the index in its sort order", async () => {
    const out = await run(`SELECT id FROM "${table}"."byG" WHERE g = 'x' ORDER BY r DESC`);
    expect(out.Items).toEqual([{ id: { S: "i1" } }, { id: { S: "i4" } }, { id: { S: "i2" } }]);
    const ranged = await run(`SELECT id FROM "${table}"."byG" WHERE g = 'x' AND r >= 2`);
    expect(ranged.Items).toEqual([{ id: { S: "i4" } }, { id: { S: "i1" } }]);
  });

  it("SELECT FROM table.index refuses a strongly consistent read of a GSI", async () => {
    expect(
      await fails("ExecuteStatement", {
        Statement: `SELECT * FROM "${table}"."byG" WHERE g = 'x'`,
        ConsistentRead: true,
      }),
    ).toEqual(["ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes"]);
  });
});
