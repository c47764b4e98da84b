// UpdateItem's in-place path (src/ops/update-patch.ts: only the named attributes are read,
// and written back with jsonb_set/jsonb_remove) must be indistinguishable from the
// whole-item path: the same reply (Attributes, ConsumedCapacity, errors), the same item,
// the same stored text byte for byte, the same table size. Table P takes the in-place
// path; table F has a stream, which needs whole items, so the same requests take the
// whole-item path there. Random items and updates over names that need quoting in a JSON
// path ("we.ird [name]", "ü x") and one that no JSON path can spell ('q"uote', which
// sends P to the whole-item path too).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sized } from "../support/depth";
import { itInOneObject } from "../support/doors";
import { query, tableTid } from "../support/tables";
import { createStreamTwins, ok, wire } from "../support/wire";
import { armShardFault, faultFired, storedState } from "../robustness/support";

type Value = Record<string, unknown>;

const NAMES = ["a", "b", "we.ird [name]", "ü x", 'q"uote'];

const numberArb = fc.oneof(
  fc.integer({ min: -50, max: 50 }).map(String),
  fc.constantFrom("0.5", "1E+2", "-3.25", "99999999999999999999999999999999999999"),
);
const scalarArb: fc.Arbitrary<Value> = fc.oneof(
  numberArb.map((n) => ({ N: n })),
  fc.string({ maxLength: 4 }).map((s) => ({ S: s })),
  fc.constant({ BOOL: true }),
);
const setArb: fc.Arbitrary<Value> = fc.oneof(
  fc.uniqueArray(fc.constantFrom("p", "q", "r"), { minLength: 1, maxLength: 3 }).map((ss) => ({ SS: ss })),
  fc.uniqueArray(fc.constantFrom("1", "2", "3"), { minLength: 1, maxLength: 3 }).map((ns) => ({ NS: ns })),
);
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  scalarArb,
  setArb,
  fc.array(scalarArb, { maxLength: 3 }).map((l) => ({ L: l })),
  fc.record({ x: scalarArb }, { requiredKeys: [] }).map((m) => ({ M: m })),
);

/** Mostly the type the clauses expect of each name (a number, a list, a map, a set), so most updates apply. */
const USUAL: Record<string, fc.Arbitrary<Value>> = {
  a: numberArb.map((n) => ({ N: n })),
  b: fc.array(scalarArb, { minLength: 1, maxLength: 3 }).map((l) => ({ L: l })),
  "we.ird [name]": fc.record({ x: scalarArb }, { requiredKeys: [] }).map((m) => ({ M: m })),
  "ü x": setArb,
};
const attributeArb = (name: string): fc.Arbitrary<Value> =>
  USUAL[name] ? fc.oneof({ weight: 3, arbitrary: USUAL[name] }, { weight: 1, arbitrary: valueArb }) : valueArb;

/** An item at `key` with some of the names, or none (the update then creates it). */
const itemArb = fc.option(
  fc
    .tuple(...NAMES.map((name) => fc.option(attributeArb(name), { freq: 4 })))
    .map((values) => NAMES.flatMap((name, i) => (values[i] ? [[name, values[i]] as const] : []))),
  { freq: 6 },
);

interface Clause {
  kind: "SET" | "REMOVE" | "ADD" | "DELETE";
  text: (target: string, other: string, value: string) => string;
  value?: fc.Arbitrary<Value>;
}

const CLAUSES: Clause[] = [
  { kind: "SET", text: (t, _o, v) => `${t} = ${v}`, value: valueArb },
  { kind: "SET", text: (t, o, v) => `${t} = ${o} + ${v}`, value: numberArb.map((n) => ({ N: n })) },
  { kind: "SET", text: (t, _o, v) => `${t} = ${t} - ${v}`, value: numberArb.map((n) => ({ N: n })) },
  { kind: "SET", text: (t, _o, v) => `${t} = list_append(${t}, ${v})`, value: fc.constant({ L: [{ S: "z" }] }) },
  { kind: "SET", text: (t, o, v) => `${t} = if_not_exists(${o}, ${v})`, value: scalarArb },
  { kind: "SET", text: (t, _o, v) => `${t}.x = ${v}`, value: scalarArb },
  { kind: "SET", text: (t, _o, v) => `${t}[0] = ${v}`, value: scalarArb },
  { kind: "REMOVE", text: (t) => t },
  { kind: "REMOVE", text: (t) => `${t}.x` },
  { kind: "REMOVE", text: (t) => `${t}[1]` },
  {
    kind: "ADD",
    text: (t, _o, v) => `${t} ${v}`,
    value: fc.oneof(
      numberArb.map((n) => ({ N: n })),
      setArb,
    ),
  },
  { kind: "DELETE", text: (t, _o, v) => `${t} ${v}`, value: setArb },
];

/** Clauses (indexes into CLAUSES) that fit each name's usual type. */
const SUITABLE: Record<string, number[]> = {
  a: [0, 1, 2, 4, 7, 10],
  b: [0, 3, 6, 7, 9],
  "we.ird [name]": [0, 4, 5, 7, 8],
  "ü x": [0, 7, 10, 11],
};

const CONDITIONS = [
  (t: string) => `attribute_exists(${t})`,
  (t: string) => `attribute_not_exists(${t})`,
  (t: string) => `size(${t}) > :c`,
];

const updateArb = fc.record({
  // One clause per top-level name (two paths under one name mostly overlap, refused early).
  clauses: fc.uniqueArray(
    fc.nat(NAMES.length - 1).chain((target) =>
      fc.record({
        clause: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...(SUITABLE[NAMES[target] as string] ?? [0])) },
          { weight: 1, arbitrary: fc.nat(CLAUSES.length - 1) },
        ),
        target: fc.constant(target),
        other: fc.nat(NAMES.length - 1),
        value: fc.integer(),
      }),
    ),
    { minLength: 1, maxLength: 3, selector: (c) => c.target },
  ),
  condition: fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ which: fc.nat(CONDITIONS.length - 1), target: fc.nat(NAMES.length - 1) }) },
  ),
  returnValues: fc.constantFrom("NONE", "UPDATED_OLD", "UPDATED_NEW", "ALL_NEW", undefined),
  capacity: fc.boolean(),
  values: fc.array(valueArb, { minLength: 3, maxLength: 3 }),
});

type UpdateCase = typeof updateArb extends fc.Arbitrary<infer T> ? T : never;

/** The UpdateItem request (without TableName) for one generated case. */
function request(key: string, u: UpdateCase): Record<string, unknown> {
  const names: Record<string, string> = {};
  const values: Record<string, Value> = {};
  const groups = new Map<string, string[]>();
  u.clauses.forEach((c, i) => {
    const clause = CLAUSES[c.clause] as Clause;
    const value = `:v${i}`;
    const text = clause.text(`#t${c.target}`, `#t${c.other}`, value);
    if (clause.value) values[value] = fc.sample(clause.value, { seed: c.value, numRuns: 1 })[0] as Value;
    groups.set(clause.kind, [...(groups.get(clause.kind) ?? []), text]);
  });
  const UpdateExpression = [...groups].map(([kind, texts]) => `${kind} ${texts.join(", ")}`).join(" ");
  const input: Record<string, unknown> = { Key: { id: { S: key } }, UpdateExpression };
  if (u.condition) {
    input.ConditionExpression = (CONDITIONS[u.condition.which] as (t: string) => string)(`#t${u.condition.target}`);
    if (u.condition.which === 2) values[":c"] = { N: "1" };
  }
  // Only the names used: DynamoDB refuses unused ones.
  const used = `${UpdateExpression} ${String(input.ConditionExpression ?? "")}`.match(/#t\d/g) ?? [];
  for (const name of used) names[name] = NAMES[Number(name.slice(2))] as string;
  input.ExpressionAttributeNames = names;
  if (Object.keys(values).length > 0) input.ExpressionAttributeValues = values;
  if (u.returnValues) input.ReturnValues = u.returnValues;
  if (u.capacity) input.ReturnConsumedCapacity = "TOTAL";
  return input;
}

/** A reply with the table's name taken out (ConsumedCapacity names it). */
/** A reply compared by its parts (status and JSON body), members in any order; the table named "<table>". */
function reply(result: { status: number; body: Record<string, unknown> }, table: string): unknown {
  const { status, body } = result;
  return JSON.parse(JSON.stringify({ status, body }).replaceAll(table, "<table>"));
}

async function createTables(): Promise<{ patched: string; whole: string }> {
  const [patched, whole] = await createStreamTwins("patch", "whole");
  return { patched, whole };
}

/** Runs `runs` random cases on both tables, asserting each pair of replies and items equal. */
async function runCases(patched: string, whole: string, runs: number): Promise<{ applied: number; failed: number }> {
  let applied = 0;
  let failed = 0;
  let k = 0;
  await fc.assert(
    fc.asyncProperty(itemArb, updateArb, async (item, update) => {
      const key = `k${k++ % 8}`;
      for (const table of [patched, whole]) {
        await ok("DeleteItem", { TableName: table, Key: { id: { S: key } } });
        if (item) {
          await ok("PutItem", { TableName: table, Item: { id: { S: key }, ...Object.fromEntries(item) } });
        }
      }
      const input = request(key, update);
      const p = await wire("UpdateItem", { TableName: patched, ...input });
      const w = await wire("UpdateItem", { TableName: whole, ...input });
      expect(reply(p, patched), JSON.stringify(input)).toEqual(reply(w, whole));
      if (p.status === 200) applied++;
      else failed++;
      const got = await Promise.all(
        [patched, whole].map((table) => ok("GetItem", { TableName: table, Key: { id: { S: key } } })),
      );
      // As text: the attributes' order too (new ones are appended in the same order).
      expect(JSON.stringify(got[0]), JSON.stringify(input)).toBe(JSON.stringify(got[1]));
    }),
    { numRuns: runs, seed: 20261206 },
  );
  return { applied, failed };
}

describe("UpdateItem in place", () => {
  it("UpdateItem: in place and on the whole item, replies and items are the same", { timeout: 120_000 }, async () => {
    const { patched, whole } = await createTables();
    const runs = sized(60, 300, 40);
    const { applied, failed } = await runCases(patched, whole, runs);
    console.log(`update-patch: ${applied} updates applied, ${failed} refused, the same on both paths`);
    // Both outcomes occur often enough for the comparison to mean something.
    expect(applied).toBeGreaterThan(runs / 3);
    expect(failed).toBeGreaterThan(runs / 8);
    const sizes = await Promise.all(
      [patched, whole].map(async (table) => {
        const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
        return [described.ItemCount, described.TableSizeBytes];
      }),
    );
    expect(sizes[0]).toEqual(sizes[1]);
  });

  itInOneObject("UpdateItem: in place, the stored text and size are the whole-item path's byte for byte", async () => {
    const { patched, whole } = await createTables();
    await runCases(patched, whole, sized(50, 150, 20));
    const rows = await Promise.all(
      [patched, whole].map(async (table) =>
        query<{ d: string; size: number }>(
          table,
          "SELECT json(doc) AS d, size FROM items WHERE tid = ? ORDER BY pk",
          await tableTid(table),
        ),
      ),
    );
    expect(rows[0]?.length).toBeGreaterThan(0);
    expect(rows[0]).toEqual(rows[1]);
  });

  itInOneObject("UpdateItem: in place, a fault before its one statement leaves nothing behind", async () => {
    const { patched } = await createTables();
    const key = { id: { S: "f" } };
    await ok("PutItem", { TableName: patched, Item: { ...key, a: { N: "1" }, b: { S: "x" } } });
    const input = {
      TableName: patched,
      Key: key,
      UpdateExpression: "SET c = :c, a = a + :one REMOVE b",
      ExpressionAttributeValues: { ":c": { S: "new" }, ":one": { N: "1" } },
    };
    const stored = await storedState(); // every row of every SQLite table
    await armShardFault(patched, "before-row");
    const reply = await wire("UpdateItem", input);
    expect(faultFired()).toBe(true);
    expect(reply.status).toBe(500);
    expect(await storedState()).toEqual(stored);
    expect((await wire("UpdateItem", input)).status).toBe(200);
    expect((await ok("GetItem", { TableName: patched, Key: key })).Item).toEqual({
      ...key,
      a: { N: "2" },
      c: { S: "new" },
    });
  });

  for (const [what, expression] of [
    ["size unchanged", "SET a = :two"],
    ["size changed", "SET a = :two, c = :c REMOVE b"],
  ] as const) {
    itInOneObject(`UpdateItem: in place, one statement is the whole write (${what}), after a fault too`, async () => {
      const { patched, whole } = await createTables();
      const key = { id: { S: "g" } };
      const input = {
        Key: key,
        UpdateExpression: expression,
        ExpressionAttributeValues: {
          ":two": { N: "2" },
          ...(expression.includes(":c") ? { ":c": { S: "a longer new value" } } : {}),
        },
      };
      for (const table of [patched, whole]) {
        await ok("PutItem", { TableName: table, Item: { ...key, a: { N: "1" }, b: { S: "x" } } });
      }
      // Failed after its statement: the statement is the whole update, counters included
      // (they follow the row by trigger), so the item and the table's counters are what the
      // same update leaves on the whole-item path.
      await armShardFault(patched, "after-row");
      expect((await wire("UpdateItem", { TableName: patched, ...input })).status).toBe(500);
      expect(faultFired()).toBe(true);
      await ok("UpdateItem", { TableName: whole, ...input });
      const [p, w] = await Promise.all(
        [patched, whole].map(async (table) => {
          const got = await ok("GetItem", { TableName: table, Key: key });
          const described = (await ok("DescribeTable", { TableName: table })).Table as Record<string, unknown>;
          return [got.Item, described.ItemCount, described.TableSizeBytes];
        }),
      );
      expect(p).toEqual(w);
      // id "g" 3 bytes, a = 2 3 bytes, b = "x" 2 bytes; or c = 18 characters 19 bytes for b.
      expect(p?.[2]).toBe(expression.includes(":c") ? 25 : 8);
    });
  }
});
