// ExecuteStatement's refusals: request shape, syntax, unsupported clauses, sources,
// ORDER BY, key types and literals, with DynamoDB's error types and messages.
import { beforeAll, describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName } from "../support/wire";

const refuse = (Statement: string, extra: Record<string, unknown> = {}) =>
  fails("ExecuteStatement", { Statement, ...extra });
const WELL = "Statement wasn't well formed, can't be processed: ";

describe("ExecuteStatement errors", () => {
  const table = uniqueName("pqe");
  const hash = uniqueName("pqeh");

  beforeAll(async () => {
    await createHashRangeTable(table, "S", "N");
    await createHashTable(hash);
    await ok("ExecuteStatement", { Statement: `INSERT INTO "${hash}" VALUE {'id': 'x', 'v': 1}` });
  }, 60_000);

  it("ExecuteStatement: validates the request shape", async () => {
    expect(await fails("ExecuteStatement", {})).toEqual([
      "ValidationException",
      "1 validation error detected: Value null at 'statement' failed to satisfy constraint: Member must not be null",
    ]);
    expect(await fails("ExecuteStatement", { Statement: `SELECT * FROM "${hash}"`, Limit: 0 })).toEqual([
      "ValidationException",
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ]);
    const long = `SELECT * FROM "${hash}" WHERE id = '${"x".repeat(8200)}'`;
    const [type, message] = await fails("ExecuteStatement", { Statement: long });
    expect(type).toBe("ValidationException");
    expect(message).toContain("Member must have length less than or equal to 8192");
    expect(await fails("ExecuteStatement", { Statement: 5 })).toEqual([
      "SerializationException",
      "NUMBER_VALUE cannot be converted to String",
    ]);
  });

  it.each([
    ["SLECT * FROM t", "Expected data manipulation"],
    ["", "Expected data manipulation"],
    [`SELECT * FROM "T" WHERE pk = 1 foo`, "Unexpected token after expression"],
    [`DELETE FROM "T" WHERE pk = 1 ORDER BY pk`, "Unexpected token after expression"],
    [`SELECT * FROM "T" WHERE`, "Unexpected term"],
    [`SELECT * FROM "T" WHERE pk = 'p1' AND`, "Missing right-hand side expression of infix operator"],
    [`SELECT * FROM "T" WHERE pk = 'p1' OR`, "Missing right-hand side expression of infix operator"],
    [`SELECT * FROM "T" WHERE ORDER BY pk`, "Unexpected keyword"],
  ])("ExecuteStatement: %j is not well formed", async (statement, detail) => {
    const [type, message] = await refuse(statement.replace('"T"', `"${hash}"`));
    if (statement === "") {
      // An empty statement fails the shape's length check first.
      expect(type).toBe("ValidationException");
      expect(message).toContain("Member must have length greater than or equal to 1");
      return;
    }
    expect([type, message]).toEqual(["ValidationException", WELL + detail]);
  });

  it("ExecuteStatement: comments, lower-case keywords and a final semicolon are accepted", async () => {
    const out = await ok("ExecuteStatement", {
      Statement: `-- a comment\nselect /* inline */ v from "${hash}" where id = 'x';`,
    });
    expect(out).toEqual({ Items: [{ v: { N: "1" } }] });
  });

  it("ExecuteStatement: refuses LIMIT, aliases and three-part sources", async () => {
    expect(await refuse(`SELECT * FROM "${hash}" WHERE id = 'x' LIMIT 1`)).toEqual([
      "ValidationException",
      "Unsupported clause: LIMIT",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}" t WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "Aliasing is not supported",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}" AS t WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "Aliasing is not supported",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}"."a"."b" WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "A path may contain at most 2 components in the FROM clause",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}"."" WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "Path component cannot be an empty string",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}"."nope" WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "The table does not have the specified index",
    ]);
  });

  it("ExecuteStatement: a missing table is a ResourceNotFoundException", async () => {
    expect(await refuse(`SELECT * FROM "${uniqueName("absent")}"`)).toEqual([
      "ResourceNotFoundException",
      "Requested resource not found",
    ]);
  });

  it("ExecuteStatement: ORDER BY needs a WHERE on the partition key and a key attribute", async () => {
    expect(await refuse(`SELECT * FROM "${table}" ORDER BY sk`)).toEqual([
      "ValidationException",
      "Must have WHERE clause in the statement when using ORDER BY clause.",
    ]);
    expect(await refuse(`SELECT * FROM "${table}" WHERE sk = 1 ORDER BY sk`)).toEqual([
      "ValidationException",
      "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
    ]);
    expect(await refuse(`SELECT * FROM "${table}" WHERE pk = 'a' ORDER BY other`)).toEqual([
      "ValidationException",
      "Variable reference other in ORDER BY clause must be part of the primary key",
    ]);
  });

  it("ExecuteStatement: a key value of the wrong type is refused", async () => {
    expect(await refuse(`SELECT * FROM "${table}" WHERE pk = 1`)).toEqual([
      "ValidationException",
      "Key attribute's data type should match its data type in table's schema: Key pk",
    ]);
    expect(await refuse(`INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 'not a number'}`)).toEqual([
      "ValidationException",
      "Key attribute's data type should match its data type in table's schema: Key sk",
    ]);
    expect(await refuse(`INSERT INTO "${table}" VALUE {'pk': 'a'}`)).toEqual([
      "ValidationException",
      "Key attribute should be present in the item: Key sk",
    ]);
  });

  it("ExecuteStatement: INSERT takes a tuple, bags must be non-empty and of one type", async () => {
    expect(await refuse(`INSERT INTO "${hash}" VALUE ['id']`)).toEqual([
      "ValidationException",
      "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.",
    ]);
    expect(await refuse(`INSERT INTO "${hash}" VALUE {'id': 'b1', 's': <<>>}`)).toEqual([
      "ValidationException",
      "Empty bags are not supported",
    ]);
    expect(await refuse(`INSERT INTO "${hash}" VALUE {'id': 'b1', 's': <<'a', 1>>}`)).toEqual([
      "ValidationException",
      "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
    ]);
  });

  it("ExecuteStatement: an ordering comparison with a BOOL is an operand type error", async () => {
    expect(await refuse(`SELECT id FROM "${hash}" WHERE id = 'x' AND v < ?`, { Parameters: [{ BOOL: true }] })).toEqual(
      [
        "ValidationException",
        "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
      ],
    );
  });

  it("ExecuteStatement: refuses RETURNING on INSERT", async () => {
    expect(await refuse(`INSERT INTO "${hash}" VALUE {'id': 'r1'} RETURNING ALL OLD *`)).toEqual([
      "ValidationException",
      "RETURNING is not supported in INSERT",
    ]);
  });

  it("ExecuteStatement: refuses EXISTS outside a transaction and IS with an unknown type", async () => {
    expect(await refuse(`EXISTS(SELECT * FROM "${hash}" WHERE id = 'x' AND v = 1)`)).toEqual([
      "ValidationException",
      "EXISTS can only be used in ExecuteTransaction write requests.",
    ]);
    expect(await refuse(`SELECT * FROM "${hash}" WHERE v IS DATE`)).toEqual([
      "ValidationException",
      "Unsupported data type for IS operator: DATE. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]",
    ]);
  });

  it("ExecuteStatement: writes to an index are refused", async () => {
    expect(await refuse(`DELETE FROM "${hash}"."idx" WHERE id = 'x'`)).toEqual([
      "ValidationException",
      "The table does not have the specified index",
    ]);
  });
});
