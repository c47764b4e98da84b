// ExecuteStatement over the wire: each statement kind, literals, parameters and the
// WHERE operators, answered as DynamoDB answers them.
import { beforeAll, describe, expect, it } from "vitest";
import { createHashRangeTable, createHashTable, fails, ok, uniqueName, wire } from "../support/wire";

const run = (Statement: string, extra: Record<string, unknown> = {}) => ok("ExecuteStatement", { Statement, ...extra });
const refuse = (Statement: string, extra: Record<string, unknown> = {}) =>
  fails("ExecuteStatement", { Statement, ...extra });
const items = async (Statement: string, extra: Record<string, unknown> = {}) =>
  (await run(Statement, extra)).Items as Record<string, unknown>[];

describe("ExecuteStatement", () => {
  const table = uniqueName("pq");
  const hash = uniqueName("pqh");

  beforeAll(async () => {
    await createHashRangeTable(table, "S", "N");
    await createHashTable(hash);
    for (let i = 1; i <= 5; i++) {
      await run(`INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': ${i}, 'n': ${i * 10}, 'tag': 'x${i}'}`);
    }
    await run(
      `INSERT INTO "${table}" VALUE {'pk': 'b', 'sk': 1, 'm': {'k': [1, 'two', {'z': true}]}, 'l': ['p', 'q']}`,
    );
  }, 60_000);

  it("ExecuteStatement: INSERT then SELECT by the full key returns the item", async () => {
    expect(await items(`SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 3`)).toEqual([
      { pk: { S: "a" }, sk: { N: "3" }, n: { N: "30" }, tag: { S: "x3" } },
    ]);
  });

  it("ExecuteStatement: INSERT answers an empty Items list", async () => {
    expect(await run(`INSERT INTO "${hash}" VALUE {'id': 'ins-1'}`)).toEqual({ Items: [] });
  });

  it("ExecuteStatement: literals of every type round-trip", async () => {
    await run(
      `INSERT INTO "${hash}" VALUE {'id': 'lit', 's': 'it''s', 'n': -1.50, 'e': 15E-1, 't': TRUE, 'f': false, 'z': NULL, ` +
        `'ss': <<'b', 'a'>>, 'ns': <<1, 2>>, 'l': [1, 'x', [true]], 'm': {'a': {'b': 'c'}}}`,
    );
    expect(await items(`SELECT * FROM "${hash}" WHERE id = 'lit'`)).toEqual([
      {
        id: { S: "lit" },
        s: { S: "it's" },
        n: { N: "-1.5" },
        e: { N: "1.5" },
        t: { BOOL: true },
        f: { BOOL: false },
        z: { NULL: true },
        ss: { SS: ["b", "a"] },
        ns: { NS: ["1", "2"] },
        l: { L: [{ N: "1" }, { S: "x" }, { L: [{ BOOL: true }] }] },
        m: { M: { a: { M: { b: { S: "c" } } } } },
      },
    ]);
  });

  it("ExecuteStatement: ? parameters are bound in order", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': ?, 'v': ?, 'b': ?}`, {
      Parameters: [{ S: "par" }, { N: "7" }, { B: "AAE=" }],
    });
    expect(await items(`SELECT v, b FROM "${hash}" WHERE id = ?`, { Parameters: [{ S: "par" }] })).toEqual([
      { v: { N: "7" }, b: { B: "AAE=" } },
    ]);
  });

  it("ExecuteStatement: refuses fewer parameters than ? marks", async () => {
    expect(await refuse(`SELECT * FROM "${hash}" WHERE id = ? AND v = ?`, { Parameters: [{ S: "x" }] })).toEqual([
      "ValidationException",
      "Number of parameters in request and statement don't match.",
    ]);
  });

  it("ExecuteStatement: INSERT of an existing key is a DuplicateItemException", async () => {
    expect(await refuse(`INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 1}`)).toEqual([
      "DuplicateItemException",
      "Duplicate primary key exists in table",
    ]);
  });

  it("ExecuteStatement: a partition-key query answers in sort-key order, DESC reverses it", async () => {
    const asc = await items(`SELECT sk FROM "${table}" WHERE pk = 'a'`);
    expect(asc.map((i) => i.sk)).toEqual([1, 2, 3, 4, 5].map((n) => ({ N: String(n) })));
    const desc = await items(`SELECT sk FROM "${table}" WHERE pk = 'a' ORDER BY sk DESC`);
    expect(desc.map((i) => i.sk)).toEqual([5, 4, 3, 2, 1].map((n) => ({ N: String(n) })));
  });

  it.each([
    ["sk > 3", [4, 5]],
    ["sk >= 3", [3, 4, 5]],
    ["sk < 2", [1]],
    ["sk <= 2", [1, 2]],
    ["sk <> 2 AND sk <> 4", [1, 3, 5]],
    ["sk BETWEEN 2 AND 4", [2, 3, 4]],
    ["sk IN [1, 5]", [1, 5]],
    ["sk = 1 OR sk = 2", [1, 2]],
    ["NOT sk = 1 AND NOT (sk = 2 OR sk = 3)", [4, 5]],
    ["begins_with(tag, 'x4')", [4]],
    ["contains(tag, '5')", [5]],
    ["attribute_type(n, 'N') AND n > 30", [4, 5]],
    ["size(tag) = 2 AND sk < 3", [1, 2]],
    ["absent IS MISSING AND sk = 1", [1]],
    ["tag IS NOT MISSING AND sk = 2", [2]],
    ["n = 20", [2]],
  ])("ExecuteStatement: WHERE pk = 'a' AND %s", async (condition, expected) => {
    const found = await items(`SELECT sk FROM "${table}" WHERE pk = 'a' AND (${condition})`);
    expect(found.map((i) => Number((i.sk as { N: string }).N))).toEqual(expected);
  });

  it("ExecuteStatement: pk IN [...] reads each partition, in key order with ORDER BY", async () => {
    const keys = (found: Record<string, unknown>[]) =>
      found.map((i) => `${(i.pk as { S: string }).S}${(i.sk as { N: string }).N}`);
    expect(
      keys(await items(`SELECT pk, sk FROM "${table}" WHERE pk IN ['b', 'a'] AND sk <= 2 ORDER BY pk DESC`)),
    ).toEqual(["b1", "a1", "a2"]);
    expect(
      keys(await items(`SELECT pk, sk FROM "${table}" WHERE pk IN ['b', 'a'] AND sk <= 2 ORDER BY pk, sk DESC`)),
    ).toEqual(["a2", "a1", "b1"]);
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await run(`SELECT pk, sk FROM "${table}" WHERE pk IN ['a', 'b', 'none'] ORDER BY pk`, {
        Limit: 4,
        ...(NextToken ? { NextToken } : {}),
      });
      seen.push(...keys(page.Items as Record<string, unknown>[]));
      NextToken = page.NextToken as string | undefined;
    } while (NextToken);
    expect(seen).toEqual(["a1", "a2", "a3", "a4", "a5", "b1"]);
  });

  it("ExecuteStatement: a WHERE without the partition key scans the table", async () => {
    const found = await items(`SELECT pk, sk FROM "${table}" WHERE n >= 40`);
    expect(found).toEqual([
      { pk: { S: "a" }, sk: { N: "4" } },
      { pk: { S: "a" }, sk: { N: "5" } },
    ]);
  });

  it("ExecuteStatement: nested paths and list indexes are answered under their last name", async () => {
    expect(await items(`SELECT m.k[1], l[0], m.k[2].z FROM "${table}" WHERE pk = 'b'`)).toEqual([
      { "k[1]": { S: "two" }, "l[0]": { S: "p" }, z: { BOOL: true } },
    ]);
    expect(await items(`SELECT pk FROM "${table}" WHERE pk = 'b' AND m.k[0] = 1`)).toEqual([{ pk: { S: "b" } }]);
  });

  it("ExecuteStatement: refuses two projected paths with one last name", async () => {
    expect(await refuse(`SELECT a.z, b.z FROM "${table}" WHERE pk = 'b'`)).toEqual([
      "ValidationException",
      "Duplicate identifiers in select clause: z",
    ]);
  });

  it("ExecuteStatement: Limit and NextToken page through a query", async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await run(`SELECT sk FROM "${table}" WHERE pk = 'a'`, {
        Limit: 2,
        ...(NextToken ? { NextToken } : {}),
      });
      for (const item of page.Items as { sk: { N: string } }[]) seen.push(item.sk.N);
      NextToken = page.NextToken as string | undefined;
      pages++;
    } while (NextToken);
    expect(seen).toEqual(["1", "2", "3", "4", "5"]);
    expect(pages).toBe(3);
  });

  it("ExecuteStatement: Limit counts the items read, not the items that match", async () => {
    const page = await run(`SELECT sk FROM "${table}" WHERE pk = 'a' AND n > 30`, { Limit: 2 });
    expect(page.Items).toEqual([]);
    expect(typeof page.NextToken).toBe("string");
    const rest = await run(`SELECT sk FROM "${table}" WHERE pk = 'a' AND n > 30`, { NextToken: page.NextToken });
    expect(rest).toEqual({ Items: [{ sk: { N: "4" } }, { sk: { N: "5" } }] });
  });

  it("ExecuteStatement: refuses a NextToken of another statement and an unreadable one", async () => {
    const page = await run(`SELECT sk FROM "${table}" WHERE pk = 'a'`, { Limit: 1 });
    expect(await refuse(`SELECT * FROM "${table}" WHERE pk = 'a'`, { NextToken: page.NextToken })).toEqual([
      "ValidationException",
      "The provided starting key is invalid",
    ]);
    expect(await refuse(`SELECT * FROM "${table}" WHERE pk = 'a'`, { NextToken: "garbage!" })).toEqual([
      "ValidationException",
      "Invalid NextToken",
    ]);
  });

  it("ExecuteStatement: UPDATE sets and removes attributes and answers RETURNING ALL NEW", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': 'u1', 'a': 1, 'b': 'x', 'l': [1], 's': <<'p'>>}`);
    const out = await run(
      `UPDATE "${hash}" SET a = a + 2 SET c = 'new', l = list_append(l, [2]) SET s = set_add(s, <<'q'>>) REMOVE b WHERE id = 'u1' RETURNING ALL NEW *`,
    );
    expect(out).toEqual({
      Items: [
        { id: { S: "u1" }, a: { N: "3" }, c: { S: "new" }, l: { L: [{ N: "1" }, { N: "2" }] }, s: { SS: ["p", "q"] } },
      ],
    });
  });

  it("ExecuteStatement: UPDATE answers RETURNING MODIFIED OLD and an empty list without RETURNING", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': 'u2', 'a': 1, 'b': 2}`);
    expect(await run(`UPDATE "${hash}" SET a = 5 WHERE id = 'u2' RETURNING MODIFIED OLD *`)).toEqual({
      Items: [{ a: { N: "1" } }],
    });
    expect(await run(`UPDATE "${hash}" SET b = 3 WHERE id = 'u2'`)).toEqual({ Items: [] });
  });

  it("ExecuteStatement: UPDATE of a missing item fails its condition and writes nothing", async () => {
    expect(await refuse(`UPDATE "${hash}" SET a = 1 WHERE id = 'nobody'`)).toEqual([
      "ConditionalCheckFailedException",
      "The conditional request failed",
    ]);
    expect(await items(`SELECT * FROM "${hash}" WHERE id = 'nobody'`)).toEqual([]);
  });

  it("ExecuteStatement: UPDATE with a false extra condition fails, ALL_OLD returns the item", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': 'u3', 'v': 1}`);
    const result = await wire("ExecuteStatement", {
      Statement: `UPDATE "${hash}" SET v = 2 WHERE id = 'u3' AND v = 9`,
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      message: "The conditional request failed",
      Item: { id: { S: "u3" }, v: { N: "1" } },
    });
    expect(await items(`SELECT v FROM "${hash}" WHERE id = 'u3'`)).toEqual([{ v: { N: "1" } }]);
    await run(`UPDATE "${hash}" SET v = 2 WHERE id = 'u3' AND v = 1`);
    expect(await items(`SELECT v FROM "${hash}" WHERE id = 'u3'`)).toEqual([{ v: { N: "2" } }]);
  });

  it("ExecuteStatement: UPDATE and DELETE need an equality on every key attribute", async () => {
    const message = ["ValidationException", "Where clause does not contain a mandatory equality on all key attributes"];
    expect(await refuse(`UPDATE "${table}" SET v = 1 WHERE pk = 'a'`)).toEqual(message);
    expect(await refuse(`DELETE FROM "${table}" WHERE pk = 'a' OR sk = 1`)).toEqual(message);
    expect(await refuse(`DELETE FROM "${table}" WHERE sk = 1`)).toEqual(message);
    expect(await refuse(`UPDATE "${hash}" SET v = 1`)).toEqual(message);
  });

  it("ExecuteStatement: DELETE removes the item, a missing item is no error, RETURNING ALL OLD answers it", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': 'd1', 'v': 1}`);
    expect(await run(`DELETE FROM "${hash}" WHERE id = 'd1' RETURNING ALL OLD *`)).toEqual({
      Items: [{ id: { S: "d1" }, v: { N: "1" } }],
    });
    expect(await run(`DELETE FROM "${hash}" WHERE id = 'd1'`)).toEqual({ Items: [] });
    expect(await run(`DELETE FROM "${hash}" WHERE id = 'd1' AND v = 5`)).toEqual({ Items: [] });
  });

  it("ExecuteStatement: DELETE with a false extra condition fails and keeps the item", async () => {
    await run(`INSERT INTO "${hash}" VALUE {'id': 'd2', 'v': 1}`);
    expect(await refuse(`DELETE FROM "${hash}" WHERE id = 'd2' AND v = 2`)).toEqual([
      "ConditionalCheckFailedException",
      "The conditional request failed",
    ]);
    expect(await items(`SELECT id FROM "${hash}" WHERE id = 'd2'`)).toEqual([{ id: { S: "d2" } }]);
  });

  it("ExecuteStatement: refuses DELETE RETURNING other than ALL OLD", async () => {
    expect(await refuse(`DELETE FROM "${hash}" WHERE id = 'x' RETURNING ALL NEW *`)).toEqual([
      "ValidationException",
      "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
    ]);
  });

  it("ExecuteStatement: ConsumedCapacity is returned when asked for", async () => {
    const out = await run(`SELECT * FROM "${hash}" WHERE id = 'lit'`, { ReturnConsumedCapacity: "TOTAL" });
    expect(out.ConsumedCapacity).toEqual({ TableName: hash, CapacityUnits: 0.5 });
  });
});
