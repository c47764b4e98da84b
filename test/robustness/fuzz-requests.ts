// Request generators for the wire fuzz test (fuzz.test.ts): fast-check mutations of the
// valid templates (fuzz-templates.ts) (members dropped, duplicated or retyped; huge
// strings; deep nesting; random unicode; invalid numbers; random expressions with random
// names and values), and wholly random bodies.
import fc from "fast-check";

/** Raw JSON text emitted as is by `toText` (invalid numbers, duplicated members, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object whose members are emitted in order, repeats included. */
export class Members {
  constructor(readonly entries: [string, Node][]) {}
}

export type Node = Raw | Members | null | boolean | number | string | Node[] | { [key: string]: Node };

export function toText(node: Node): string {
  if (node instanceof Raw) return node.text;
  if (node instanceof Members)
    return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(",")}}`;
  if (Array.isArray(node)) return `[${node.map(toText).join(",")}]`;
  if (node !== null && typeof node === "object") {
    return `{${Object.entries(node)
      .map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(node);
}

// ---- value arbitraries

const INVALID_NUMBERS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "1e-999",
  "0x10",
  "1.2.3",
  " 1",
  "1 ",
  "",
  "-",
  "+1",
  ".",
  "1e",
  "١٢",
  "9".repeat(39),
  `1${"0".repeat(126)}`,
  "1E-131",
  "--1",
];
const names = fc.constantFrom("pk", "sk", "a", "n", "g", "l", "m", "ss", "b", "z", "cnt", "x");
const unicode = fc.string({ unit: "binary", maxLength: 24 });
const anyName = fc.oneof(names, unicode, fc.constantFrom("", "#", ":", "a.b", "[0]", "__proto__", "constructor"));
const numberText = fc.oneof(
  fc.constantFrom(...INVALID_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.bigInt().map(String),
);

/** AttributeValues, valid and not, as JSON nodes. */
const attributeValue: fc.Arbitrary<Node> = fc.letrec<{ av: Node }>((tie) => ({
  av: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    unicode.map((s) => ({ S: s })),
    numberText.map((n) => ({ N: n })),
    fc.constantFrom("AAEC", "", "A", "####", "AA==").map((b) => ({ B: b })),
    fc.boolean().map((b) => ({ BOOL: b })),
    fc.constant({ NULL: true }),
    fc.array(unicode, { maxLength: 4 }).map((ss) => ({ SS: ss })),
    fc.array(numberText, { maxLength: 3 }).map((ns) => ({ NS: ns })),
    fc.array(tie("av"), { maxLength: 3 }).map((l) => ({ L: l })),
    fc.dictionary(anyName, tie("av"), { maxKeys: 3 }).map((m) => ({ M: m })),
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Node>,
    fc.record({ S: unicode, N: numberText }),
  ),
})).av;

const TOKENS = [
  "=",
  "<>",
  "<",
  "<=",
  ">",
  ">=",
  "AND",
  "OR",
  "NOT",
  "BETWEEN",
  "IN",
  "(",
  ")",
  ",",
  ".",
  "[0]",
  "[",
  "]",
  "SET",
  "REMOVE",
  "ADD",
  "DELETE",
  "+",
  "-",
  "attribute_exists(",
  "attribute_not_exists(",
  "attribute_type(",
  "begins_with(",
  "contains(",
  "size(",
  "if_not_exists(",
  "list_append(",
  "#n0",
  "#n1",
  ":v0",
  ":v1",
  ":v2",
  "pk",
  "sk",
  "a",
  "m.c[1]",
  "n",
  "x",
];

/** Random expressions: token soup, with random names and values to go with them. */
const expression = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...TOKENS), anyName), { minLength: 1, maxLength: 14 }).map((t) => t.join(" ")),
  unicode,
);
const expressionNames = fc.dictionary(fc.constantFrom("#n0", "#n1", "#x", "n0", "#"), anyName, { maxKeys: 3 });
const expressionValues = fc.dictionary(fc.constantFrom(":v0", ":v1", ":v2", ":x", "v0", ":"), attributeValue, {
  maxKeys: 3,
});
const EXPRESSION_MEMBERS = [
  "ConditionExpression",
  "UpdateExpression",
  "KeyConditionExpression",
  "FilterExpression",
  "ProjectionExpression",
];

const deep = fc
  .record({ depth: fc.constantFrom(33, 64, 200, 999, 1001, 100_000), kind: fc.constantFrom("M", "L", "obj", "arr") })
  .map(({ depth, kind }) => {
    const [open, leaf, close] =
      kind === "M"
        ? ['{"M":{"a":', '{"S":"x"}', "}}"]
        : kind === "L"
          ? ['{"L":[', '{"N":"1"}', "]}"]
          : kind === "obj"
            ? ['{"a":', "{}", "}"]
            : ["[", "[]", "]"];
    return new Raw(open.repeat(depth) + leaf + close.repeat(depth));
  });

const huge = fc
  .constantFrom(5_000, 70_000, 410_000)
  .chain((n) => fc.constantFrom("x", "é", "😀").map((c) => c.repeat(n / c.length)));

// ---- mutations

export type Mutation =
  | { kind: "drop"; at: number }
  | { kind: "duplicate"; at: number; value: Node }
  | { kind: "retype"; at: number; value: Node }
  | { kind: "add"; at: number; name: string; value: Node }
  | { kind: "expression"; member: string; text: string; names: Node; values: Node };

const value: fc.Arbitrary<Node> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Node> },
  { weight: 3, arbitrary: attributeValue },
  { weight: 2, arbitrary: unicode },
  { weight: 2, arbitrary: numberText.map((n) => new Raw(/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(n) ? n : JSON.stringify(n))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      new Raw("1e999"),
      new Raw("-0"),
      new Raw("123456789012345678901234567890"),
      new Raw("1.5"),
      new Raw("-1"),
    ),
  },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: huge },
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), value }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("retype" as const), at: fc.nat(), value }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("add" as const), at: fc.nat(), name: anyName, value }) },
  // Deep nesting put in place of any member (AttributeValues included).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("retype" as const), at: fc.nat(), value: deep }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("expression" as const),
      member: fc.constantFrom(...EXPRESSION_MEMBERS),
      text: expression,
      names: expressionNames,
      values: expressionValues,
    }),
  },
);

type Container = { [key: string]: Node } | Node[];

interface Site {
  node: Container;
  /** Where the node hangs (undefined for the request itself). */
  parent?: Container;
  at?: string;
}

/** Every object or array in `node`, in document order (the mutation sites). */
function sites(node: Node, out: Site[] = [], parent?: Container, at?: string): Site[] {
  if (node instanceof Raw || node instanceof Members || node === null || typeof node !== "object") return out;
  out.push(parent === undefined ? { node } : { node, parent, at });
  const entries: [string, Node][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
  for (const [k, child] of entries) sites(child, out, node, k);
  return out;
}

function put(container: Container, k: string, v: Node): void {
  if (Array.isArray(container)) container[Number(k)] = v;
  // An own member even when named "__proto__" (an assignment would set the prototype).
  else Object.defineProperty(container, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * A fresh copy of a generated value (Raw and Members stay as they are: mutations never
 * reach inside them): fast-check may hand the same instance to two mutations, and adding
 * a value inside itself would make the request a cycle.
 */
function copy(node: Node): Node {
  if (node instanceof Raw || node instanceof Members || node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(copy);
  const out: { [key: string]: Node } = {};
  for (const [k, v] of Object.entries(node)) put(out, k, copy(v));
  return out;
}

/** Applies mutations to a deep copy of `request` and returns the JSON text to send. */
export function mutate(request: Record<string, unknown>, mutations: Mutation[]): string {
  const root = structuredClone(request) as { [key: string]: Node };
  for (const original of mutations) {
    const m = "value" in original ? { ...original, value: copy(original.value) } : original;
    if (m.kind === "expression") {
      root[m.member] = m.text;
      root.ExpressionAttributeNames = m.names;
      root.ExpressionAttributeValues = m.values;
      continue;
    }
    const all = sites(root);
    const site = all[m.at % all.length] as Site;
    const node = site.node;
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    const k = keys.length > 0 ? (keys[m.at % keys.length] as string) : undefined;
    if (m.kind === "add") {
      if (Array.isArray(node)) node.push(m.value);
      else put(node, m.name, m.value);
    } else if (k === undefined) {
      continue;
    } else if (m.kind === "drop") {
      if (Array.isArray(node)) node.splice(Number(k), 1);
      else Reflect.deleteProperty(node, k);
    } else if (m.kind === "retype") {
      put(node, k, m.value);
    } else if (Array.isArray(node)) {
      node.push(node[Number(k)] as Node);
    } else {
      // A member named twice, the second time with another value.
      const twice = new Members([...Object.entries(node), [k, m.value]]);
      if (site.parent === undefined) return toText(twice);
      put(site.parent, site.at as string, twice);
    }
  }
  return toText(root);
}

/** Wholly random bodies: any JSON value, or any text at all. */
export const randomBody: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.constantFrom(
    "",
    "{",
    "}",
    "{}}",
    '{"TableName":',
    "null",
    "[]",
    '"x"',
    '{"a":1,}',
    "\u0000",
    '{"TableName":"fz-main"}',
  ),
);
