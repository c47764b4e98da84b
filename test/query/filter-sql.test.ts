// Filters translated to SQL (src/query/filter-sql.ts) must give exactly what the
// TypeScript evaluator gives. The main test stores a generated corpus of items in a real
// SQLite table inside the Durable Object and runs generated filters both ways.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Comparator, DocPath, ResolvedCondition, ResolvedOperand } from "../../src/expr/ast";
import { compileCondition } from "../../src/expr/compile-condition";
import { ExpressionContext } from "../../src/expr/context";
import { evaluateCondition } from "../../src/expr/evaluate";
import { translateFilter } from "../../src/query/filter-sql";
import type { AttributeValue, Item } from "../../src/types";
import { bytesToBase64 } from "../../src/values/base64";
import { normalizeNumber } from "../../src/values/number";
import type { Env } from "../../src/worker";
import { sized } from "../support/depth";

// ---------------------------------------------------------------------------------------
// Generators. Small alphabets and pools so that filters often meet equal, prefix and
// neighbouring values.
// ---------------------------------------------------------------------------------------

/** Characters around every boundary that matters: NUL, controls, quotes, UTF-8 lengths, surrogates (lone too), U+E000, U+FFFF, astral. */
const CHARS = [
  ...["a", "b", "z", "A", "0", "9", " ", ".", "-", "%", "_", "*", "?", "[", '"', "\\"],
  ...["\u0000", "\u001f", "\u007f", "é", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\ufffd", "\uffff"],
  ...["\ud800", "\udbff", "\udc00", "\udfff", "𝄞", "\u{10000}", "\u{10ffff}", "😀"],
];
const text = (maxLength: number) => fc.array(fc.constantFrom(...CHARS), { maxLength }).map((cs) => cs.join(""));

const NUMBER_POOL = [
  ...["0", "1", "-1", "2", "9", "10", "-10", "12", "12.5", "12.45", "123", "0.1", "0.01", "-0.01", "0.5", "1.5"],
  ...["-1.5", "99.99", "100", "1e125", "-1e125", "9.9999999999999999999999999999999999999e125", "1e-130"],
  ...["-1e-130", "12345678901234567890123456789012345678", "-12345678901234567890123456789012345678"],
  ...["0.12345678901234567890123456789012345678", "1.0000000000000000000000000000000000001"],
  ...["1.0000000000000000000000000000000000002", "-1.0000000000000000000000000000000000001", "3", "4"],
];
/** Numbers from few digits, so that equal integer parts and prefixes are common. */
const numberText = fc.oneof(
  fc.constantFrom(...NUMBER_POOL),
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom("0", "1", "2", "9"), { minLength: 1, maxLength: 5 }), fc.nat(5))
    .map(([negative, digits, point]) => `${negative ? "-" : ""}${digits.join("")}e-${point}`),
);
const canonicalNumber = numberText.map((n) => normalizeNumber(n));
const bytes = fc.array(fc.constantFrom(0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xfb, 0xfc, 0xff), { maxLength: 5 });
const base64 = bytes.map((b) => bytesToBase64(Uint8Array.from(b)));

/** Top-level names, and names inside maps; some must be refused as JSON path keys. */
const TOP_NAMES = ["a", "b", "c", "l", "m", "x.y", "é𝄞", "S", "__proto__"];
const NAMES = [...TOP_NAMES, 'q"t', "b\\s", "n\nl", "[0]", "\u2028$*"];

const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  text(4).map((S) => ({ S })),
  canonicalNumber.map((N) => ({ N })),
  base64.map((B) => ({ B })),
  fc.boolean().map((BOOL) => ({ BOOL })),
  fc.constant({ NULL: true as const }),
);

const { value } = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: "value" },
    { weight: 6, arbitrary: scalar },
    fc.uniqueArray(text(3), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
    fc.uniqueArray(canonicalNumber, { minLength: 1, maxLength: 3 }).map((NS) => ({ NS })),
    fc.uniqueArray(base64, { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }).map((L) => ({ L })) },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.tuple(fc.constantFrom(...NAMES), tie("value")), { selector: (e) => e[0], maxLength: 4 })
        .map((members) => ({ M: Object.fromEntries(members) })),
    },
  ),
}));

const itemArb: fc.Arbitrary<Item> = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...TOP_NAMES, 'q"t'), value), { selector: (e) => e[0], maxLength: 6 })
  .map((attributes) => Object.fromEntries(attributes));

const pathArb: fc.Arbitrary<DocPath> = fc
  .tuple(
    fc.constantFrom(...TOP_NAMES, 'q"t'),
    fc.array(fc.oneof(fc.constantFrom(...NAMES), fc.nat(2)), { maxLength: 2 }),
  )
  .map(([first, rest]) => [first, ...rest]);

type Operand = ResolvedOperand;
const pathOperand: fc.Arbitrary<Operand> = pathArb.map((path) => ({ kind: "path", path }));
const sizeOperand: fc.Arbitrary<Operand> = pathOperand.map((p) => ({ kind: "call", name: "size", args: [p] }));
const literal = (arb: fc.Arbitrary<AttributeValue>): fc.Arbitrary<Operand> =>
  arb.map((v): Operand => ({ kind: "literal", value: v }));
const stringLiteral = literal(text(3).map((S) => ({ S })));
const numberLiteral = literal(
  fc
    .oneof(
      canonicalNumber,
      // Sizes, and numbers as a request may write them: literals are normalised by the translation.
      fc.constantFrom("0", "1", "2", "3", "1.5", "-1", "2.0", "1.50", "01", "1e1", "-0", "+2", "9e99"),
    )
    .map((N) => ({ N })),
);
const binaryLiteral = literal(base64.map((B) => ({ B })));
const anyLiteral = fc.oneof(stringLiteral, numberLiteral, binaryLiteral, literal(scalar), literal(value));
/** Numbers near the sizes of the corpus's values, and around them. */
const sizeLiteral = literal(
  fc.constantFrom("0", "1", "2", "3", "4", "1.5", "2.5", "-1", "2.0", "9e99").map((N) => ({ N })),
);
const sizeLikeLiteral = fc.oneof({ weight: 3, arbitrary: sizeLiteral }, anyLiteral);

/** A path with literals of any type, or size(path) with mostly numbers. */
const operandWith = <T>(literals: (lit: fc.Arbitrary<Operand>) => fc.Arbitrary<T>): fc.Arbitrary<[Operand, T]> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(pathOperand, literals(anyLiteral)) },
    fc.tuple(sizeOperand, literals(sizeLikeLiteral)),
  );

const comparator = fc.constantFrom<Comparator>("=", "<>", "<", "<=", ">", ">=");
const TYPE_NAMES = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"];
const call = (name: string, args: Operand[]): ResolvedCondition => ({ kind: "function", name, args });

const leaf: fc.Arbitrary<ResolvedCondition> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        comparator,
        operandWith((l) => l),
        fc.boolean(),
      )
      .map(([op, [s, l], flip]): ResolvedCondition => ({
        kind: "compare",
        op,
        left: flip ? l : s,
        right: flip ? s : l,
      })),
  },
  fc
    .tuple(comparator, pathOperand, pathOperand)
    .map(([op, left, right]): ResolvedCondition => ({ kind: "compare", op, left, right })),
  fc
    .tuple(comparator, anyLiteral, anyLiteral)
    .map(([op, left, right]): ResolvedCondition => ({ kind: "compare", op, left, right })),
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.tuple(pathOperand, fc.oneof(fc.tuple(stringLiteral, stringLiteral), fc.tuple(numberLiteral, numberLiteral))),
        operandWith((l) => fc.tuple(l, l)),
      )
      .map(([operand, [low, high]]): ResolvedCondition => ({ kind: "between", operand, low, high })),
  },
  operandWith((l) => fc.array(l, { minLength: 1, maxLength: 4 })).map(([operand, list]): ResolvedCondition => ({
    kind: "in",
    operand,
    list,
  })),
  pathOperand.map((p) => call("attribute_exists", [p])),
  pathOperand.map((p) => call("attribute_not_exists", [p])),
  fc
    .tuple(pathOperand, fc.constantFrom(...TYPE_NAMES, "X"))
    .map(([p, t]) => call("attribute_type", [p, { kind: "literal", value: { S: t } }])),
  {
    weight: 2,
    arbitrary: fc
      .tuple(pathOperand, fc.oneof(stringLiteral, binaryLiteral, anyLiteral))
      .map(([p, l]) => call("begins_with", [p, l])),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(pathOperand, fc.oneof(stringLiteral, numberLiteral, anyLiteral))
      .map(([p, l]) => call("contains", [p, l])),
  },
);

const { condition } = fc.letrec<{ condition: ResolvedCondition }>((tie) => ({
  condition: fc.oneof(
    { maxDepth: 3, depthIdentifier: "condition" },
    { weight: 5, arbitrary: leaf },
    fc
      .tuple(tie("condition"), tie("condition"))
      .map(([left, right]): ResolvedCondition => ({ kind: "and", left, right })),
    fc
      .tuple(tie("condition"), tie("condition"))
      .map(([left, right]): ResolvedCondition => ({ kind: "or", left, right })),
    tie("condition").map((operand): ResolvedCondition => ({ kind: "not", operand })),
  ),
}));

// ---------------------------------------------------------------------------------------
// Running a filter both ways
// ---------------------------------------------------------------------------------------

function shard(): DurableObjectStub {
  const ns = (env as unknown as Env).DYNAMODB;
  return ns.get(ns.idFromName("filter-sql-test"));
}

/** Stores `items` in a fresh `ftest` table of the test object and runs `body` beside it. */
async function withTable(items: readonly Item[], body: (sql: SqlStorage, stored: Item[]) => void): Promise<void> {
  await runInDurableObject(shard(), (_instance, state) => {
    const sql = state.storage.sql;
    sql.exec("DROP TABLE IF EXISTS ftest");
    // Documents stored as the engine stores them: JSONB (src/storage/items.ts).
    sql.exec("CREATE TABLE ftest (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)");
    items.forEach((item, id) => sql.exec("INSERT INTO ftest (id, doc) VALUES (?, jsonb(?))", id, JSON.stringify(item)));
    // Evaluate on the documents as stored and read back, as the engine does.
    const stored = sql
      .exec<{ doc: string }>("SELECT json(doc) AS doc FROM ftest ORDER BY id")
      .toArray()
      .map((row) => JSON.parse(row.doc) as Item);
    body(sql, stored);
  });
}

type Outcome = { translated: false } | { translated: true; matches: number };

/** Runs `cond` through SQL (when it translates) and TypeScript; fails on any difference. */
function checkBothWays(sql: SqlStorage, stored: readonly Item[], cond: ResolvedCondition): Outcome {
  const translation = translateFilter(cond);
  let expected: number[];
  try {
    expected = stored.flatMap((item, id) => (evaluateCondition(cond, item, "FilterExpression") ? [id] : []));
  } catch (err) {
    // A static error: it must be left to the TypeScript evaluation to report.
    expect(translation, `translated a condition whose evaluation throws: ${String(err)}`).toBeUndefined();
    return { translated: false };
  }
  if (!translation) return { translated: false };
  const rows = sql
    .exec<{ id: number; v: SqlStorageValue }>(
      `SELECT id, (${translation.sql}) AS v FROM ftest ORDER BY id`,
      ...translation.params,
    )
    .toArray();
  const notBoolean = rows.filter((row) => row.v !== 0 && row.v !== 1);
  expect(notBoolean, `${translation.sql} is not 0/1`).toEqual([]);
  const actual = rows.filter((row) => row.v === 1).map((row) => row.id);
  expect(actual, `SQL: ${translation.sql}\nparams: ${JSON.stringify(translation.params)}`).toEqual(expected);
  return { translated: true, matches: expected.length };
}

describe("translateFilter: SQL and TypeScript agree", () => {
  it("on generated filters over a generated corpus", { timeout: 60000 }, async () => {
    const items = fc.sample(itemArb, { seed: 20260101, numRuns: 1000 });
    await withTable(items, (sql, stored) => {
      let translated = 0;
      let refused = 0;
      let selective = 0;
      fc.assert(
        fc.property(condition, (cond) => {
          const outcome = checkBothWays(sql, stored, cond);
          if (!outcome.translated) refused++;
          else {
            translated++;
            if (outcome.matches > 0 && outcome.matches < stored.length) selective++;
          }
        }),
        { seed: 424242, numRuns: sized(1000, 3000) },
      );
      console.log(
        `filters: ${translated} translated (${selective} selecting some but not all items), ${refused} refused`,
      );
      // Not vacuous: most filters translate and many select a proper subset.
      expect(translated).toBeGreaterThan(refused);
      expect(selective).toBeGreaterThan(translated / 4);
    });
  });

  it("on random filters with a fresh seed each run", { timeout: 60000 }, async () => {
    const items = fc.sample(itemArb, { numRuns: 400 });
    await withTable(items, (sql, stored) => {
      fc.assert(
        fc.property(condition, (cond) => {
          checkBothWays(sql, stored, cond);
        }),
        { numRuns: sized(300, 1000) },
      );
    });
  });
});

// ---------------------------------------------------------------------------------------
// Coverage: every construct that translates is exercised, and selects a proper subset
// ---------------------------------------------------------------------------------------

/** "compare < path S", "size", "between path N", "begins_with B", ... */
function category(cond: ResolvedCondition): string {
  const type = (op: ResolvedOperand | undefined) =>
    op?.kind === "literal" ? Object.keys(op.value)[0] : op?.kind === "call" ? "size" : op?.kind;
  switch (cond.kind) {
    case "compare": {
      const [s, l] = cond.left.kind === "literal" ? [cond.right, cond.left] : [cond.left, cond.right];
      const op = cond.op === "=" || cond.op === "<>" ? cond.op : "<";
      return `compare ${op} ${type(s)} ${type(l)}`;
    }
    case "between":
      return `between ${type(cond.operand)} ${type(cond.low)}`;
    case "in":
      return `in ${type(cond.operand)}`;
    case "function":
      return `${cond.name} ${cond.name === "attribute_exists" || cond.name === "attribute_not_exists" ? "" : type(cond.args[1])}`;
    default:
      return cond.kind;
  }
}

/** Categories that must translate at least sometimes and then select a proper subset. */
const MUST_TRANSLATE = [
  ...["compare = path S", "compare = path N", "compare = path B", "compare = path BOOL", "compare = path NULL"],
  ...["compare <> path S", "compare <> path N", "compare < path S", "compare < path N", "compare = size N"],
  ...["compare < size N", "between path S", "between path N", "between size N", "in path", "in size"],
  ...["attribute_exists ", "attribute_not_exists ", "attribute_type S", "begins_with S", "begins_with B"],
  ...["contains S", "contains N", "contains BOOL", "contains NULL"],
];

describe("translateFilter: coverage of the both-ways test", () => {
  it("translates every construct it claims to, on leaves that select some items", { timeout: 60000 }, async () => {
    const items = fc.sample(itemArb, { seed: 7, numRuns: 600 });
    await withTable(items, (sql, stored) => {
      const stats = new Map<string, { translated: number; refused: number; selective: number }>();
      for (const cond of fc.sample(leaf, { seed: 11, numRuns: 4000 })) {
        const key = category(cond);
        const entry = stats.get(key) ?? { translated: 0, refused: 0, selective: 0 };
        stats.set(key, entry);
        const outcome = checkBothWays(sql, stored, cond);
        if (!outcome.translated) entry.refused++;
        else {
          entry.translated++;
          if (outcome.matches > 0 && outcome.matches < stored.length) entry.selective++;
        }
      }
      const rows = MUST_TRANSLATE.map((key) => `${key.padEnd(24)} ${JSON.stringify(stats.get(key))}`);
      console.log(`leaves by construct (translated / refused / selecting a proper subset):\n${rows.join("\n")}`);
      for (const key of MUST_TRANSLATE) {
        expect(stats.get(key)?.selective ?? 0, key).toBeGreaterThan(0);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------
// What translates and what is refused
// ---------------------------------------------------------------------------------------

const VALUES: Item = {
  ":s": { S: "abc" },
  ":s2": { S: "abd" },
  ":empty": { S: "" },
  ":private": { S: "a\ue000" },
  ":astral": { S: "😀" },
  ":lone": { S: "a\ud800" },
  ":n": { N: "12345678901234567890123456789012345678" },
  ":n2": { N: "-1.5" },
  ":nLoose": { N: "1.50" },
  ":b": { B: "AAE=" },
  ":b2": { B: "AAH/" },
  ":t": { BOOL: true },
  ":null": { NULL: true },
  ":ss": { SS: ["a"] },
  ":ns": { NS: ["1"] },
  ":l": { L: [{ S: "a" }] },
  ":m": { M: { a: { S: "a" } } },
  ":type": { S: "SS" },
};
const NAMES_MAP: Record<string, string> = { "#dots": "x.y", "#quote": 'q"t', "#backslash": "b\\s", "#newline": "n\nl" };

function compile(expression: string): ResolvedCondition {
  return compileCondition(expression, "FilterExpression", new ExpressionContext(NAMES_MAP, VALUES));
}

describe("translateFilter: which constructs translate", () => {
  it.each([
    ["attribute_exists(a)", "json_type of the value's wrapper"],
    ["attribute_not_exists(a.b[1].c)", "nested map members and list indexes"],
    ["attribute_exists(#dots)", "names with dots are quoted"],
    ["attribute_type(a, :type)", "the wrapper's key is the type"],
    ["a = :s", "S equality: WTF-8 is one-to-one"],
    ["a = :lone", "even with lone surrogates"],
    ["a <> :n", "N equality of canonical text; <> true when missing or another type"],
    ["a = :nLoose", "literals are normalised"],
    ["a = :b", "B equality: canonical base64"],
    ["a = :t", "BOOL"],
    ["a = :null", "NULL"],
    ["a < :s", "S order with a literal below U+D800: byte order"],
    ["a BETWEEN :s AND :s2", "BETWEEN on S"],
    ["a >= :n", "N order: exact comparison of canonical text"],
    ["a BETWEEN :n2 AND :n", "BETWEEN on N"],
    ["size(a) > :n2", "size() of any type, compared as a whole number"],
    ["size(a) = :nLoose", "size() against a fraction"],
    ["a IN (:s, :n, :b, :t)", "IN: OR of equalities"],
    ["begins_with(a, :s)", "S prefix: bytes"],
    ["begins_with(a, :empty)", "empty S prefix"],
    ["begins_with(a, :b)", "B prefix: a GLOB over base64"],
    ["contains(a, :s)", "S substring, SS member, L element"],
    ["contains(a, :n)", "NS member, L element"],
    ["contains(a, :t)", "L element BOOL"],
    ["NOT (a = :s OR a < :n) AND attribute_exists(b)", "AND, OR, NOT of exact parts"],
  ])("%s (%s)", (expression) => {
    expect(translateFilter(compile(expression))).toBeDefined();
  });
});

describe("translateFilter: which constructs are refused", () => {
  it.each([
    ["a = :ss", "set equality: sets are unordered"],
    ["a = :ns", "set equality"],
    ["a = :l", "list equality: deep"],
    ["a = :m", "map equality: deep"],
    ["a < :b", "B order: base64 text does not sort like bytes"],
    ["a BETWEEN :b AND :b2", "B order"],
    ["a < :private", "S order with a literal from U+E000: lone surrogates sort differently"],
    ["a > :astral", "S order with an astral literal"],
    ["begins_with(a, :lone)", "S prefix with a lone surrogate"],
    ["contains(a, :lone)", "S substring with a lone surrogate"],
    ["contains(a, :b)", "B substring: not a base64 substring"],
    ["contains(a, :l)", "L element equal to a document: deep"],
    ["contains(a, :ss)", "L element equal to a set"],
    ["a = b", "two paths: types unknown"],
    ["a < b", "two paths"],
    ["a IN (:s, b)", "IN with a path in the list"],
    ["#quote = :s", 'names with " cannot be quoted in a JSON path'],
    ["#backslash = :s", "names with \\"],
    ["#newline = :s", "names with control characters"],
    ["a = :s AND a = :ss", "AND with a refused conjunct"],
    ["a = :s OR a = :ss", "OR with a refused operand"],
    ["NOT (a < :b)", "NOT of a refused condition"],
  ])("%s (%s)", (expression) => {
    expect(translateFilter(compile(expression))).toBeUndefined();
  });

  it("refuses what evaluation reports as an error", () => {
    const path: Operand = { kind: "path", path: ["a"] };
    const lit = (value: AttributeValue): Operand => ({ kind: "literal", value });
    expect(translateFilter(call("attribute_type", [path, lit({ S: "X" })]))).toBeUndefined();
    expect(translateFilter(call("attribute_exists", [lit({ S: "a" })]))).toBeUndefined();
    expect(translateFilter(call("no_such_function", [path]))).toBeUndefined();
    expect(translateFilter(call("begins_with", [path]))).toBeUndefined();
  });

  it("folds conditions that read nothing from the item", () => {
    const lit = (value: AttributeValue): Operand => ({ kind: "literal", value });
    expect(translateFilter({ kind: "compare", op: "=", left: lit({ N: "1" }), right: lit({ N: "1.0" }) })?.sql).toBe(
      "1",
    );
    expect(translateFilter({ kind: "compare", op: "<", left: lit({ S: "b" }), right: lit({ S: "a" }) })?.sql).toBe("0");
  });
});

// ---------------------------------------------------------------------------------------
// Hand-picked edge cases, both ways, with the expected answer spelled out
// ---------------------------------------------------------------------------------------

describe("translateFilter: edge cases", () => {
  const EDGE_ITEMS: Item[] = [
    { a: { S: "a\u0000b😀\ud800" } }, // 0: size 6 (UTF-16), 5 characters, NUL inside
    { a: { S: "" } }, // 1
    { a: { S: "\ud800" } }, // 2: lone surrogate: above "\ud7ff" both ways
    { a: { S: "\ue000" } }, // 3
    { a: { N: "12.5" } }, // 4
    { a: { N: "12.45" } }, // 5
    { a: { N: "-12.5" } }, // 6
    { a: { N: "0.05" } }, // 7
    { a: { N: "12345678901234567890123456789012345678" } }, // 8
    { a: { N: "12345678901234567890123456789012345677" } }, // 9
    { a: { B: "AAE=" } }, // 10: bytes 00 01 (size 2)
    { a: { B: "AAH/" } }, // 11: bytes 00 01 ff
    { a: { B: "AA==" } }, // 12: byte 00
    { a: { L: [{ N: "1" }, { S: "x" }, { BOOL: false }, { NULL: true }] } }, // 13
    { a: { SS: ["x", "y\u0000"] } }, // 14
    { a: { NS: ["1", "-2.5"] } }, // 15
    { a: { M: { "x.y": { S: "q" }, "": { N: "0" } } } }, // 16
  ];

  const cases: [string, Item, number[]][] = [
    ["size(a) = :n", { ":n": { N: "6" } }, [0]],
    ["size(a) BETWEEN :lo AND :hi", { ":lo": { N: "1.5" }, ":hi": { N: "2.5" } }, [10, 14, 15, 16]],
    ["size(a) = :n", { ":n": { N: "1" } }, [2, 3, 12]],
    ["a > :s", { ":s": { S: "\ud7ff" } }, [2, 3]],
    ["a < :n", { ":n": { N: "12.5" } }, [5, 6, 7]],
    ["a >= :n", { ":n": { N: "12345678901234567890123456789012345678" } }, [8]],
    ["a > :n", { ":n": { N: "-12.50" } }, [4, 5, 7, 8, 9]],
    ["begins_with(a, :b)", { ":b": { B: "AAE=" } }, [10, 11]],
    ["begins_with(a, :b)", { ":b": { B: "AA==" } }, [10, 11, 12]],
    ["begins_with(a, :s)", { ":s": { S: "a\u0000" } }, [0]],
    ["contains(a, :s)", { ":s": { S: "\u0000b" } }, [0]],
    ["contains(a, :s)", { ":s": { S: "y\u0000" } }, [14]],
    ["contains(a, :n)", { ":n": { N: "1.0" } }, [13, 15]],
    ["contains(a, :n)", { ":n": { N: "-2.50" } }, [15]],
    ["contains(a, :t)", { ":t": { BOOL: false } }, [13]],
    ["contains(a, :null)", { ":null": { NULL: true } }, [13]],
    ["a.#dots = :s", { ":s": { S: "q" } }, [16]],
    ["attribute_type(a, :t)", { ":t": { S: "M" } }, [16]],
  ];

  it.each(cases)("%s with %j", async (expression, values, expected) => {
    const names = expression.includes("#dots") ? { "#dots": "x.y" } : undefined;
    const cond = compileCondition(expression, "FilterExpression", new ExpressionContext(names, values));
    await withTable(EDGE_ITEMS, (sql, stored) => {
      const ids = stored.flatMap((item, id) => (evaluateCondition(cond, item) ? [id] : []));
      expect(ids).toEqual(expected);
      expect(checkBothWays(sql, stored, cond)).toEqual({ translated: true, matches: expected.length });
    });
  });
});
