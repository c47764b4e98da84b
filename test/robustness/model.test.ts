// Model-based test (issue #9): random sequences of PutItem, UpdateItem, DeleteItem,
// GetItem, Query, Scan, BatchWriteItem, BatchGetItem and TransactWriteItems on a
// hash+range table, run through the HTTP edge and against a small in-memory reference
// written here; every answer (items, old/new values, conditional failures, cancellation
// reasons, pages) must equal the reference's at every step. fast-check generates the
// sequences (fc.commands) and shrinks a failing one to a minimal replay.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sized } from "../support/depth";
import { createHashRangeTable, ok, uniqueName, wire } from "../support/wire";
import { canonical } from "./support";

// ---- the reference

interface Row {
  pk: string;
  sk: number;
  s?: string;
  n?: number;
  v?: number;
}
type Model = Map<string, Row>;
type Cond = { kind: "none" } | { kind: "exists" } | { kind: "absent" } | { kind: "version"; v: number };

const PKS = ["a", "b", "c"];
const SKS = [1, 2, 3, 4];
const id = (pk: string, sk: number) => `${pk}|${sk}`;

function holds(cond: Cond, row: Row | undefined): boolean {
  if (cond.kind === "none") return true;
  if (cond.kind === "exists") return row !== undefined;
  if (cond.kind === "absent") return row === undefined;
  return row?.v === cond.v;
}

function updated(row: Row | undefined, pk: string, sk: number, s: string, d: number): Row {
  return { ...(row ?? { pk, sk }), s, n: (row?.n ?? 0) + d, v: (row?.v ?? 0) + 1 };
}

// ---- wire shapes

type Wire = Record<string, Record<string, string>>;
const key = (pk: string, sk: number): Wire => ({ pk: { S: pk }, sk: { N: String(sk) } });

function toWire(row: Row): Wire {
  const out = key(row.pk, row.sk);
  if (row.s !== undefined) out.s = { S: row.s };
  if (row.n !== undefined) out.n = { N: String(row.n) };
  if (row.v !== undefined) out.v = { N: String(row.v) };
  return out;
}

/** The ConditionExpression and its values for a condition (undefined: none). */
function condition(cond: Cond): { ConditionExpression?: string; ExpressionAttributeValues?: Wire } {
  if (cond.kind === "none") return {};
  if (cond.kind === "exists") return { ConditionExpression: "attribute_exists(pk)" };
  if (cond.kind === "absent") return { ConditionExpression: "attribute_not_exists(pk)" };
  return { ConditionExpression: "v = :ver", ExpressionAttributeValues: { ":ver": { N: String(cond.v) } } };
}

function update(pk: string, sk: number, s: string, d: number, cond: Cond): Record<string, unknown> {
  const c = condition(cond);
  return {
    Key: key(pk, sk),
    UpdateExpression: "SET s = :s, v = if_not_exists(v, :zero) + :one ADD n :d",
    ...c,
    ExpressionAttributeValues: {
      ...c.ExpressionAttributeValues,
      ":s": { S: s },
      ":zero": { N: "0" },
      ":one": { N: "1" },
      ":d": { N: String(d) },
    },
  };
}

/** Items as canonical JSON texts, sorted: compares unordered results by value. */
const sortWire = (items: Wire[]) => items.map(canonical).sort();
const sortedRows = (model: Model) => sortWire([...model.values()].map(toWire));

const CONDITIONAL_FAILED = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException";

// ---- commands

interface Real {
  table: string;
}
let steps = 0;

type Cmd = fc.AsyncCommand<Model, Real>;
const check = (): boolean => true;

function cmd(label: string, run: (m: Model, r: Real) => Promise<void>): Cmd {
  return {
    check,
    run: async (m, r) => {
      steps++;
      await run(m, r);
    },
    toString: () => label,
  };
}

const pk = fc.constantFrom(...PKS);
const sk = fc.constantFrom(...SKS);
const str = fc.constantFrom("x", "y", "zz", "");
const delta = fc.integer({ min: -3, max: 5 });
const cond: fc.Arbitrary<Cond> = fc.oneof(
  fc.constant({ kind: "none" } as const),
  fc.constant({ kind: "exists" } as const),
  fc.constant({ kind: "absent" } as const),
  fc.integer({ min: 0, max: 3 }).map((v) => ({ kind: "version", v }) as const),
);
const keyPair = fc.tuple(pk, sk);

const put = fc.record({ pk, sk, s: str, n: delta, v: fc.integer({ min: 0, max: 3 }), cond }).map((a) =>
  cmd(`Put ${JSON.stringify(a)}`, async (m, r) => {
    const old = m.get(id(a.pk, a.sk));
    const row: Row = { pk: a.pk, sk: a.sk, s: a.s, n: a.n, v: a.v };
    const reply = await wire("PutItem", {
      TableName: r.table,
      Item: toWire(row),
      ReturnValues: "ALL_OLD",
      ...condition(a.cond),
    });
    if (!holds(a.cond, old)) return expect(reply.body.__type).toBe(CONDITIONAL_FAILED);
    expect(reply.body).toEqual(old ? { Attributes: toWire(old) } : {});
    m.set(id(a.pk, a.sk), row);
  }),
);

const upd = fc.record({ pk, sk, s: str, d: delta, cond }).map((a) =>
  cmd(`Update ${JSON.stringify(a)}`, async (m, r) => {
    const old = m.get(id(a.pk, a.sk));
    const reply = await wire("UpdateItem", {
      TableName: r.table,
      ...update(a.pk, a.sk, a.s, a.d, a.cond),
      ReturnValues: "ALL_NEW",
    });
    if (!holds(a.cond, old)) return expect(reply.body.__type).toBe(CONDITIONAL_FAILED);
    const row = updated(old, a.pk, a.sk, a.s, a.d);
    expect(reply.body).toEqual({ Attributes: toWire(row) });
    m.set(id(a.pk, a.sk), row);
  }),
);

const del = fc.record({ pk, sk, cond }).map((a) =>
  cmd(`Delete ${JSON.stringify(a)}`, async (m, r) => {
    const old = m.get(id(a.pk, a.sk));
    const reply = await wire("DeleteItem", {
      TableName: r.table,
      Key: key(a.pk, a.sk),
      ReturnValues: "ALL_OLD",
      ...condition(a.cond),
    });
    if (!holds(a.cond, old)) return expect(reply.body.__type).toBe(CONDITIONAL_FAILED);
    expect(reply.body).toEqual(old ? { Attributes: toWire(old) } : {});
    m.delete(id(a.pk, a.sk));
  }),
);

const get = keyPair.map(([p, s]) =>
  cmd(`Get ${p} ${s}`, async (m, r) => {
    const reply = await ok("GetItem", { TableName: r.table, Key: key(p, s), ConsistentRead: true });
    const row = m.get(id(p, s));
    expect(reply).toEqual(row ? { Item: toWire(row) } : {});
  }),
);

const query = fc
  .record({ pk, from: sk, forward: fc.boolean(), limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) })
  .map((a) =>
    cmd(`Query ${JSON.stringify(a)}`, async (m, r) => {
      const reply = await ok("Query", {
        TableName: r.table,
        KeyConditionExpression: "pk = :p AND sk >= :from",
        ExpressionAttributeValues: { ":p": { S: a.pk }, ":from": { N: String(a.from) } },
        ScanIndexForward: a.forward,
        ConsistentRead: true,
        ...(a.limit === undefined ? {} : { Limit: a.limit }),
      });
      let rows = [...m.values()].filter((row) => row.pk === a.pk && row.sk >= a.from).sort((x, y) => x.sk - y.sk);
      if (!a.forward) rows.reverse();
      // DynamoDB: a page that stops at Limit carries a LastEvaluatedKey, even if nothing follows.
      const cut = a.limit !== undefined && rows.length >= a.limit;
      if (a.limit !== undefined) rows = rows.slice(0, a.limit);
      const last = rows[rows.length - 1];
      expect(reply).toEqual({
        Items: rows.map(toWire),
        Count: rows.length,
        ScannedCount: rows.length,
        ...(cut && last ? { LastEvaluatedKey: key(last.pk, last.sk) } : {}),
      });
    }),
  );

const scan = fc.constant(
  cmd("Scan", async (m, r) => {
    const reply = await ok("Scan", { TableName: r.table, ConsistentRead: true });
    expect(sortWire(reply.Items as Wire[])).toEqual(sortedRows(m));
    expect(reply.Count).toBe(m.size);
  }),
);

const batchWrite = fc
  .uniqueArray(fc.record({ k: keyPair, put: fc.boolean(), s: str, n: delta }), {
    minLength: 1,
    maxLength: 6,
    selector: (x) => id(...x.k),
  })
  .map((writes) =>
    cmd(`BatchWrite ${JSON.stringify(writes)}`, async (m, r) => {
      const requests = writes.map(({ k: [p, s], put: isPut, s: text, n }) =>
        isPut ? { PutRequest: { Item: toWire({ pk: p, sk: s, s: text, n }) } } : { DeleteRequest: { Key: key(p, s) } },
      );
      const reply = await ok("BatchWriteItem", { RequestItems: { [r.table]: requests } });
      expect(reply).toEqual({ UnprocessedItems: {} });
      for (const {
        k: [p, s],
        put: isPut,
        s: text,
        n,
      } of writes) {
        if (isPut) m.set(id(p, s), { pk: p, sk: s, s: text, n });
        else m.delete(id(p, s));
      }
    }),
  );

const batchGet = fc.uniqueArray(keyPair, { minLength: 1, maxLength: 6, selector: ([p, s]) => id(p, s) }).map((keys) =>
  cmd(`BatchGet ${JSON.stringify(keys)}`, async (m, r) => {
    const reply = await ok("BatchGetItem", {
      RequestItems: { [r.table]: { Keys: keys.map(([p, s]) => key(p, s)), ConsistentRead: true } },
    });
    const expected = keys.flatMap(([p, s]) => {
      const row = m.get(id(p, s));
      return row ? [toWire(row)] : [];
    });
    expect(sortWire((reply.Responses as Record<string, Wire[]>)[r.table] ?? [])).toEqual(sortWire(expected));
    expect(reply.UnprocessedKeys).toEqual({});
  }),
);

type Action =
  | { kind: "Put"; s: string; n: number }
  | { kind: "Update"; s: string; d: number }
  | { kind: "Delete" }
  | { kind: "ConditionCheck" };
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("Put" as const), s: str, n: delta }),
  fc.record({ kind: fc.constant("Update" as const), s: str, d: delta }),
  fc.record({ kind: fc.constant("Delete" as const) }),
  fc.record({ kind: fc.constant("ConditionCheck" as const) }),
);

const transact = fc
  .uniqueArray(fc.record({ k: keyPair, action, cond }), { minLength: 1, maxLength: 5, selector: (x) => id(...x.k) })
  .map((items) =>
    cmd(`TransactWrite ${JSON.stringify(items)}`, async (m, r) => {
      const TransactItems = items.map(({ k: [p, s], action: a, cond: c }) => {
        const base = { TableName: r.table, ...condition(c) };
        if (a.kind === "Put") return { Put: { ...base, Item: toWire({ pk: p, sk: s, s: a.s, n: a.n }) } };
        if (a.kind === "Update") return { Update: { TableName: r.table, ...update(p, s, a.s, a.d, c) } };
        if (a.kind === "Delete") return { Delete: { ...base, Key: key(p, s) } };
        // A ConditionCheck needs a condition: "exists" stands in for none.
        return {
          ConditionCheck: { ...base, ...condition(c.kind === "none" ? { kind: "exists" } : c), Key: key(p, s) },
        };
      });
      const reply = await wire("TransactWriteItems", { TransactItems });
      const reasons = items.map(({ k: [p, s], action: a, cond: c }) =>
        holds(a.kind === "ConditionCheck" && c.kind === "none" ? { kind: "exists" } : c, m.get(id(p, s)))
          ? "None"
          : "ConditionalCheckFailed",
      );
      if (reasons.some((code) => code !== "None")) {
        expect(reply.body.__type).toBe("com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
        expect((reply.body.CancellationReasons as { Code: string }[]).map((x) => x.Code)).toEqual(reasons);
        return;
      }
      expect(reply).toMatchObject({ status: 200, body: {} });
      for (const {
        k: [p, s],
        action: a,
      } of items) {
        if (a.kind === "Put") m.set(id(p, s), { pk: p, sk: s, s: a.s, n: a.n });
        else if (a.kind === "Update") m.set(id(p, s), updated(m.get(id(p, s)), p, s, a.s, a.d));
        else if (a.kind === "Delete") m.delete(id(p, s));
      }
    }),
  );

describe("model-based", () => {
  it("Model: random sequences of item, batch and transaction operations match an in-memory reference at every step", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.commands([put, upd, del, get, query, scan, batchWrite, batchGet, transact], {
          maxCommands: 40,
          size: "max",
        }),
        async (cmds) => {
          runs++;
          const table = uniqueName("model");
          await createHashRangeTable(table, "S", "N");
          await fc.asyncModelRun(() => Promise.resolve({ model: new Map<string, Row>(), real: { table } }), cmds);
        },
      ),
      { numRuns: sized(20, 40), seed: 20261122 },
    );
    console.log(`model: ${steps} steps in ${runs} sequences, every result equal to the reference`);
  }, 240_000);
});
