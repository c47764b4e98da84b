// Property tests of the whole expression pipeline, text to result: random update and
// condition expressions are written out as text with #name and :value placeholders,
// compiled (parse, resolve, validate) and applied / evaluated on random items, and the
// outcome is compared with a small reference model written here independently of the
// engine, from DynamoDB's documented rules:
// - values are plain JS: numbers as bigints (hundredths), strings, bytes, JS Sets for
//   string and number sets, lists, and maps of scalars (one level deep);
// - UpdateExpression (Developer Guide "Update expressions"; Alternator's
//   test_update_expression.py): every right-hand side reads the item as it was before the
//   update; SET, REMOVE, ADD and DELETE as documented; the three runtime errors;
// - ConditionExpression (Developer Guide "Comparison operator and function reference";
//   Alternator's test_condition_expression.py): a missing operand makes a comparison
//   false (and `<>` true), mismatched types are unequal and unordered, size() of a type
//   without a size is missing.
// Print/parse round trips of random ASTs are in parse.test.ts ("properties").
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DynamoError } from "../../src/errors";
import { applyUpdate } from "../../src/expr/apply-update";
import { compileCondition } from "../../src/expr/compile-condition";
import { compileUpdate } from "../../src/expr/compile-update";
import { ExpressionContext } from "../../src/expr/context";
import { evaluateCondition } from "../../src/expr/evaluate";
import type { AttributeValue, Item } from "../../src/types";
import { itemSize, sizeAfterUpdate } from "../../src/values/size";

// ---------------------------------------------------------------------------------------
// The reference model of values.
// ---------------------------------------------------------------------------------------

/** A value: numbers in hundredths, sets as JS Sets (number members as canonical text). */
type Model =
  | { N: bigint }
  | { S: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: Set<string> }
  | { NS: Set<string> }
  | { L: Model[] }
  | { M: Map<string, Model> };

type ModelItem = Map<string, Model>;

/** A document path: a top-level name, then map member names and list indexes. */
type Path = [string, ...(string | number)[]];

const typeOf = (v: Model): string => Object.keys(v)[0]!;

/** Canonical decimal text of a number in hundredths, as DynamoDB returns numbers. */
function numberText(hundredths: bigint): string {
  const negative = hundredths < 0n;
  const abs = negative ? -hundredths : hundredths;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  const text = fraction === "" ? whole.toString() : `${whole}.${fraction}`;
  return negative && abs !== 0n ? `-${text}` : text;
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function toAttributeValue(v: Model): AttributeValue {
  if ("N" in v) return { N: numberText(v.N) };
  if ("S" in v) return { S: v.S };
  if ("B" in v) return { B: toBase64(v.B) };
  if ("BOOL" in v) return { BOOL: v.BOOL };
  if ("NULL" in v) return { NULL: true };
  if ("SS" in v) return { SS: [...v.SS] };
  if ("NS" in v) return { NS: [...v.NS] };
  if ("L" in v) return { L: v.L.map(toAttributeValue) };
  return { M: Object.fromEntries([...v.M].map(([k, m]) => [k, toAttributeValue(m)])) };
}

const toItem = (item: ModelItem): Item => Object.fromEntries([...item].map(([k, v]) => [k, toAttributeValue(v)]));

/** An item in a form where equal items are deeply equal: set members sorted. */
function canonical(value: AttributeValue): unknown {
  if ("SS" in value) return { SS: [...value.SS].sort() };
  if ("NS" in value) return { NS: [...value.NS].sort() };
  if ("BS" in value) return { BS: [...value.BS].sort() };
  if ("L" in value) return { L: value.L.map(canonical) };
  if ("M" in value) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, canonical(v)])) };
  return value;
}
const canonicalItem = (item: Item): unknown =>
  Object.fromEntries(Object.entries(item).map(([k, v]) => [k, canonical(v)]));

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Unsigned byte order. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function modelsEqual(a: Model, b: Model): boolean {
  if (typeOf(a) !== typeOf(b)) return false;
  if ("N" in a) return a.N === (b as { N: bigint }).N;
  if ("S" in a) return a.S === (b as { S: string }).S;
  if ("B" in a) return bytesEqual(a.B, (b as { B: Uint8Array }).B);
  if ("BOOL" in a) return a.BOOL === (b as { BOOL: boolean }).BOOL;
  if ("NULL" in a) return true;
  if ("SS" in a || "NS" in a) {
    const x = "SS" in a ? a.SS : a.NS;
    const y = "SS" in b ? b.SS : (b as { NS: Set<string> }).NS;
    return x.size === y.size && [...x].every((m) => y.has(m));
  }
  if ("L" in a) {
    const y = (b as { L: Model[] }).L;
    return a.L.length === y.length && a.L.every((m, i) => modelsEqual(m, y[i]!));
  }
  const y = (b as { M: Map<string, Model> }).M;
  return a.M.size === y.size && [...a.M].every(([k, m]) => y.has(k) && modelsEqual(m, y.get(k)!));
}

/** The value at `path`, or undefined when a step is missing or of the wrong type. */
function read(item: ModelItem | undefined, path: Path): Model | undefined {
  let current: Model | undefined = item?.get(path[0]);
  for (const step of path.slice(1)) {
    if (current === undefined) return undefined;
    if (typeof step === "string") current = "M" in current ? current.M.get(step) : undefined;
    else current = "L" in current ? current.L[step] : undefined;
  }
  return current;
}

// ---------------------------------------------------------------------------------------
// Generators of values, items and paths.
// ---------------------------------------------------------------------------------------

/** Attribute names in items; updates also write g and h, which items never have. */
const ITEM_NAMES = ["a", "b", "c", "d", "e", "f"];
const ALL_NAMES = [...ITEM_NAMES, "g", "h"];
const MEMBERS = ["x", "y", "z"];

/**
 * Numbers in hundredths, strings over a tiny alphabet and short byte strings: mostly from
 * small domains, so that equal values (BETWEEN bounds, IN, contains, DELETE emptying a
 * set) come up often.
 */
const numberArb = fc
  .oneof(
    fc.integer({ min: -3, max: 3 }).map((n) => n * 100),
    fc.integer({ min: -2000, max: 2000 }),
  )
  .map((n): Model => ({ N: BigInt(n) }));
const stringArb = fc.oneof(
  fc.constantFrom("a", "b", "c"),
  fc.string({ unit: fc.constantFrom("a", "b", "c", "A"), minLength: 1, maxLength: 4 }),
);
const bytesArb = fc.uint8Array({ minLength: 1, maxLength: 3, max: 4 }).map((b) => Uint8Array.from(b));
const sArb = stringArb.map((s): Model => ({ S: s }));
const bArb = bytesArb.map((b): Model => ({ B: b }));
const ssArb = fc
  .uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 })
  .map((m): Model => ({ SS: new Set(m) }));
const nsArb = fc
  .uniqueArray(fc.constantFrom(-100, 50, 100, 200, 250), { minLength: 1, maxLength: 3 })
  .map((m): Model => ({ NS: new Set(m.map((n) => numberText(BigInt(n)))) }));
const scalarArb: fc.Arbitrary<Model> = fc.oneof(
  numberArb,
  sArb,
  bArb,
  fc.boolean().map((b): Model => ({ BOOL: b })),
  fc.constant<Model>({ NULL: true }),
);
const listArb = fc.array(scalarArb, { maxLength: 3 }).map((l): Model => ({ L: l }));
const mapArb = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...MEMBERS), scalarArb), { maxLength: 3, selector: ([k]) => k })
  .map((members): Model => ({ M: new Map(members) }));
const valueArb: fc.Arbitrary<Model> = fc.oneof(scalarArb, ssArb, nsArb, listArb, mapArb, listArb, mapArb);

/** Numbers and strings from tiny domains: values that equal each other often. */
const tinyScalarArb: fc.Arbitrary<Model> = fc.oneof(
  fc.integer({ min: -1, max: 1 }).map((n): Model => ({ N: BigInt(n * 100) })),
  fc.constantFrom("a", "b").map((s): Model => ({ S: s })),
);

/**
 * The value of attribute `name` in items: a and b are mostly maps, c and d mostly lists
 * (so that paths below them often fit), e mostly a set, f mostly a tiny number or string.
 */
const attributeArb = (name: string): fc.Arbitrary<Model> => {
  const usual = { a: mapArb, b: mapArb, c: listArb, d: listArb, e: fc.oneof(ssArb, ssArb, nsArb), f: tinyScalarArb }[
    name
  ];
  return usual ? fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: valueArb }) : valueArb;
};

/** An item (undefined: no item), each attribute present with probability about 3/4. */
const itemArb: fc.Arbitrary<ModelItem | undefined> = fc.option(
  fc
    .tuple(...ITEM_NAMES.map((name) => fc.option(attributeArb(name), { freq: 3 })))
    .map((values) => new Map(values.flatMap((v, i) => (v === null ? [] : [[ITEM_NAMES[i]!, v] as const])))),
  { freq: 8, nil: undefined },
);

/**
 * A path below `name`: the attribute itself, a map member or a list element (members
 * mostly below the names that are mostly maps, elements below the mostly lists).
 */
const pathBelow = (name: string): fc.Arbitrary<Path> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<Path>([name]) },
    { weight: "ab".includes(name) ? 3 : 1, arbitrary: fc.constantFrom(...MEMBERS).map((m): Path => [name, m]) },
    { weight: "cd".includes(name) ? 3 : 1, arbitrary: fc.nat({ max: 3 }).map((i): Path => [name, i]) },
  );
const readPathArb: fc.Arbitrary<Path> = fc.constantFrom(...ALL_NAMES).chain(pathBelow);

// ---------------------------------------------------------------------------------------
// Writing expressions as text with placeholders.
// ---------------------------------------------------------------------------------------

/** Collects ExpressionAttributeNames / Values while an expression is written out. */
class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};

  constructor(private readonly useNames: readonly boolean[]) {}
  private count = 0;

  /** A name written as is or as a #placeholder, as the generated flags say. */
  name(name: string): string {
    const flag = this.useNames[this.count++ % this.useNames.length];
    if (!flag) return name;
    const key = `#n${Object.keys(this.names).length}`;
    this.names[key] = name;
    return key;
  }

  value(value: Model): string {
    const key = `:v${Object.keys(this.values).length}`;
    this.values[key] = toAttributeValue(value);
    return key;
  }

  path(path: Path): string {
    return path
      .map((step, i) => (typeof step === "number" ? `[${step}]` : (i === 0 ? "" : ".") + this.name(step)))
      .join("");
  }

  context(): ExpressionContext {
    const names = Object.keys(this.names).length > 0 ? this.names : undefined;
    const values = Object.keys(this.values).length > 0 ? this.values : undefined;
    return new ExpressionContext(names, values);
  }
}

/** The ValidationException message of `run`, or undefined if it returns. */
function validationOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DynamoError && error.type === "ValidationException") return error.message;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// (a) UpdateExpression
// ---------------------------------------------------------------------------------------

type UExpr =
  | { k: "lit"; v: Model }
  | { k: "path"; p: Path }
  | { k: "arith"; op: "+" | "-"; l: UExpr; r: UExpr }
  | { k: "ifne"; p: Path; x: UExpr }
  | { k: "append"; l: UExpr; r: UExpr };

type Action =
  | { kind: "SET"; path: Path; value: UExpr; parens: boolean }
  | { kind: "REMOVE"; path: Path }
  | { kind: "ADD" | "DELETE"; path: Path; value: Model };

const MISSING = "The provided expression refers to an attribute that does not exist in the item";
const WRONG_TYPE = "An operand in the update expression has an incorrect data type";
const BAD_PATH = "The document path provided in the update expression is invalid for update";

const lit = (v: Model): UExpr => ({ k: "lit", v });
const pathExpr = (p: Path): UExpr => ({ k: "path", p });
const ifneArb = (fallback: fc.Arbitrary<UExpr>): fc.Arbitrary<UExpr> =>
  fc.tuple(readPathArb, fallback).map(([p, x]): UExpr => ({ k: "ifne", p, x }));

/** Operands of + and -: number :values (the only literal type validation lets through), paths, if_not_exists. */
const numberOperand: fc.Arbitrary<UExpr> = fc.oneof(
  numberArb.map(lit),
  readPathArb.map(pathExpr),
  ifneArb(fc.oneof(numberArb.map(lit), readPathArb.map(pathExpr), valueArb.map(lit))),
);
/** Operands of list_append: list :values, paths, if_not_exists. */
const listOperand: fc.Arbitrary<UExpr> = fc.oneof(
  listArb.map(lit),
  readPathArb.map(pathExpr),
  ifneArb(fc.oneof(listArb.map(lit), readPathArb.map(pathExpr), valueArb.map(lit))),
);
const setValueArb: fc.Arbitrary<UExpr> = fc.oneof(
  valueArb.map(lit),
  readPathArb.map(pathExpr),
  ifneArb(fc.oneof(valueArb.map(lit), readPathArb.map(pathExpr))),
  fc
    .tuple(fc.constantFrom<"+" | "-">("+", "-"), numberOperand, numberOperand)
    .map(([op, l, r]): UExpr => ({ k: "arith", op, l, r })),
  fc.tuple(listOperand, listOperand).map(([l, r]): UExpr => ({ k: "append", l, r })),
);

/**
 * An action on attribute `name`. On e (mostly a set in items) DELETE and ADD of sets are
 * frequent, so that sets are often emptied and merged; on f (mostly a tiny number) ADD of
 * numbers.
 */
/** The set of every member ssArb draws from: DELETE of it empties any string set. */
const ALL_STRINGS: Model = { SS: new Set(["a", "b", "c", "d"]) };

const actionArb = (name: string): fc.Arbitrary<Action> =>
  pathBelow(name).chain((path) => {
    const sets = fc.oneof(ssArb, nsArb);
    return fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(setValueArb, fc.boolean())
          .map(([value, parens]): Action => ({ kind: "SET", path, value, parens })),
      },
      { weight: 1, arbitrary: fc.constant<Action>({ kind: "REMOVE", path }) },
      {
        weight: 2,
        arbitrary: (name === "e" ? sets : name === "f" ? numberArb : fc.oneof(numberArb, sets)).map(
          (value): Action => ({ kind: "ADD", path, value }),
        ),
      },
      {
        weight: name === "e" ? 4 : 1,
        arbitrary: (name === "e" ? fc.oneof(fc.constant(ALL_STRINGS), sets) : sets).map((value): Action => ({
          kind: "DELETE",
          path,
          value,
        })),
      },
    );
  });

/** Actions on distinct top-level attributes, so that no two paths overlap or conflict. */
const actionsArb: fc.Arbitrary<Action[]> = fc
  .shuffledSubarray(ALL_NAMES, { minLength: 1, maxLength: 3 })
  .chain((names) => fc.tuple(...names.map(actionArb)));

function writeUpdate(
  actions: readonly Action[],
  order: readonly number[],
  lowerCase: boolean,
  p: Placeholders,
): string {
  const operand = (e: UExpr): string => {
    switch (e.k) {
      case "lit":
        return p.value(e.v);
      case "path":
        return p.path(e.p);
      case "ifne":
        return `if_not_exists(${p.path(e.p)}, ${operand(e.x)})`;
      case "append":
        return `list_append(${operand(e.l)}, ${operand(e.r)})`;
      case "arith":
        return `${operand(e.l)} ${e.op} ${operand(e.r)}`;
    }
  };
  const clauses: Record<Action["kind"], string[]> = { SET: [], REMOVE: [], ADD: [], DELETE: [] };
  for (const action of actions) {
    const target = p.path(action.path);
    if (action.kind === "SET") {
      const value = operand(action.value);
      clauses.SET.push(`${target} = ${action.parens ? `(${value})` : value}`);
    } else if (action.kind === "REMOVE") {
      clauses.REMOVE.push(target);
    } else {
      clauses[action.kind].push(`${target} ${p.value(action.value)}`);
    }
  }
  const kinds = (["SET", "REMOVE", "ADD", "DELETE"] as const).filter((k) => clauses[k].length > 0);
  return order
    .filter((i) => i < kinds.length)
    .map((i) => kinds[i]!)
    .map((k) => `${lowerCase ? k.toLowerCase() : k} ${clauses[k].join(", ")}`)
    .join(" ");
}

type Outcome = { errors: Set<string> } | { item: ModelItem; exists: boolean };

/** The value of a SET right-hand side, or the errors DynamoDB may report for it. */
function evaluate(e: UExpr, item: ModelItem | undefined): { value: Model } | { errors: Set<string> } {
  switch (e.k) {
    case "lit":
      return { value: e.v };
    case "path": {
      const value = read(item, e.p);
      return value === undefined ? { errors: new Set([MISSING]) } : { value };
    }
    case "ifne": {
      const value = read(item, e.p);
      return value !== undefined ? { value } : evaluate(e.x, item);
    }
    case "arith":
    case "append": {
      const l = evaluate(e.l, item);
      const r = evaluate(e.r, item);
      if ("errors" in l || "errors" in r) {
        return { errors: new Set([...("errors" in l ? l.errors : []), ...("errors" in r ? r.errors : [])]) };
      }
      if (e.k === "append") {
        if (!("L" in l.value) || !("L" in r.value)) return { errors: new Set([WRONG_TYPE]) };
        return { value: { L: [...l.value.L, ...r.value.L] } };
      }
      if (!("N" in l.value) || !("N" in r.value)) return { errors: new Set([WRONG_TYPE]) };
      return { value: { N: e.op === "+" ? l.value.N + r.value.N : l.value.N - r.value.N } };
    }
  }
}

/** Whether `path`'s parent exists in `item` with the type its last step needs. */
function parentFits(item: ModelItem | undefined, path: Path): boolean {
  if (path.length === 1) return true;
  const parent = read(item, path.slice(0, -1) as Path);
  const last = path[path.length - 1];
  return parent !== undefined && (typeof last === "string" ? "M" in parent : "L" in parent);
}

/** Copies `item` with `value` written at `path` (whose parent fits). */
function write(item: ModelItem, path: Path, value: Model): void {
  if (path.length === 1) {
    item.set(path[0], value);
    return;
  }
  const parent = item.get(path[0])!;
  const step = path[1]!;
  if (typeof step === "string") {
    const members = new Map((parent as { M: Map<string, Model> }).M);
    members.set(step, value);
    item.set(path[0], { M: members });
  } else {
    const list = [...(parent as { L: Model[] }).L];
    if (step >= list.length) list.push(value);
    else list[step] = value;
    item.set(path[0], { L: list });
  }
}

function remove(item: ModelItem, path: Path): void {
  if (path.length === 1) {
    item.delete(path[0]);
    return;
  }
  const parent = item.get(path[0])!;
  const step = path[1]!;
  if (typeof step === "string") {
    const members = new Map((parent as { M: Map<string, Model> }).M);
    members.delete(step);
    item.set(path[0], { M: members });
  } else {
    item.set(path[0], { L: (parent as { L: Model[] }).L.filter((_, i) => i !== step) });
  }
}

/**
 * The reference UpdateItem: every action reads the original item; the actions touch
 * distinct top-level attributes, so they are independent. When some actions fail, any of
 * their errors may be the one reported.
 */
function referenceUpdate(item: ModelItem | undefined, actions: readonly Action[]): Outcome {
  const errors = new Set<string>();
  const result: ModelItem = new Map(item ?? []);
  const apply: (() => void)[] = [];
  for (const action of actions) {
    const { path } = action;
    switch (action.kind) {
      case "SET": {
        const value = evaluate(action.value, item);
        if ("errors" in value) value.errors.forEach((e) => errors.add(e));
        else if (!parentFits(item, path)) errors.add(BAD_PATH);
        else apply.push(() => write(result, path, value.value));
        break;
      }
      case "REMOVE":
        // REMOVE of anything from an item that does not exist is a no-op.
        if (item === undefined) break;
        if (!parentFits(item, path)) errors.add(BAD_PATH);
        else if (read(item, path) !== undefined) apply.push(() => remove(result, path));
        break;
      case "ADD": {
        if (!parentFits(item, path)) {
          errors.add(BAD_PATH);
          break;
        }
        const current = read(item, path);
        const value = action.value;
        let sum: Model | undefined;
        if (current === undefined) sum = value;
        else if ("N" in current && "N" in value) sum = { N: current.N + value.N };
        else if ("SS" in current && "SS" in value) sum = { SS: new Set([...current.SS, ...value.SS]) };
        else if ("NS" in current && "NS" in value) sum = { NS: new Set([...current.NS, ...value.NS]) };
        if (sum === undefined) errors.add(WRONG_TYPE);
        else apply.push(() => write(result, path, sum));
        break;
      }
      case "DELETE": {
        // Like REMOVE, DELETE on an item that does not exist does nothing (the engine's
        // choice; DynamoDB's behaviour for a nested path there is unconfirmed).
        if (item === undefined) break;
        if (!parentFits(item, path)) {
          errors.add(BAD_PATH);
          break;
        }
        const current = read(item, path);
        if (current === undefined) break;
        const value = action.value;
        let left: Set<string> | undefined;
        if ("SS" in current && "SS" in value) left = new Set([...current.SS].filter((m) => !value.SS.has(m)));
        if ("NS" in current && "NS" in value) left = new Set([...current.NS].filter((m) => !value.NS.has(m)));
        if (left === undefined) errors.add(WRONG_TYPE);
        else if (left.size === 0) apply.push(() => remove(result, path));
        else apply.push(() => write(result, path, "SS" in current ? { SS: left } : { NS: left }));
        break;
      }
    }
  }
  if (errors.size > 0) return { errors };
  apply.forEach((f) => f());
  const exists = item !== undefined || actions.some((a) => a.kind === "SET" || a.kind === "ADD");
  return { item: result, exists };
}

describe("UpdateExpression text through the pipeline", () => {
  it("random updates on random items agree with the reference model", () => {
    const useNames = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
    const clauseOrder = fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(itemArb, actionsArb, useNames, clauseOrder, fc.boolean(), (item, actions, flags, order, lower) => {
        const p = new Placeholders(flags);
        const text = writeUpdate(actions, order, lower, p);
        const ctx = p.context();
        const compiled = compileUpdate(text, ctx);
        ctx.checkAllUsed();

        const expected = referenceUpdate(item, actions);
        let outcome: ReturnType<typeof applyUpdate> | undefined;
        const message = validationOf(() => {
          outcome = applyUpdate(item && toItem(item), compiled, []);
        });
        if ("errors" in expected) {
          expect(message, text).toBeDefined();
          expect([...expected.errors], text).toContain(message);
        } else {
          expect(message, text).toBeUndefined();
          expect(outcome!.exists, text).toBe(expected.exists);
          expect(canonicalItem(outcome!.item), text).toEqual(canonicalItem(toItem(expected.item)));
          // UpdateItem sizes an existing item's update by difference (src/values/size.ts).
          if (item) {
            const before = toItem(item);
            expect(sizeAfterUpdate(before, itemSize(before), outcome!.item, outcome!.changedAttributes), text).toBe(
              itemSize(outcome!.item),
            );
          }
        }
      }),
      { numRuns: 2500 },
    );
  });

  it("every runtime error of the reference model occurs", () => {
    // The three messages are each reached by some generated input (the property above
    // would pass vacuously if, say, no input ever hit a bad path).
    const seen = new Set<string>();
    fc.assert(
      fc.property(itemArb, actionsArb, (item, actions) => {
        const expected = referenceUpdate(item, actions);
        if ("errors" in expected) expected.errors.forEach((e) => seen.add(e));
      }),
      { numRuns: 1000, seed: 42 },
    );
    expect([...seen].sort()).toEqual([BAD_PATH, WRONG_TYPE, MISSING].sort());
  });
});

// ---------------------------------------------------------------------------------------
// (b) ConditionExpression
// ---------------------------------------------------------------------------------------

type COperand = { k: "path"; p: Path } | { k: "lit"; v: Model } | { k: "size"; p: Path };

type Cond =
  | { k: "cmp"; op: "=" | "<>" | "<" | "<=" | ">" | ">="; l: COperand; r: COperand }
  | { k: "between"; x: COperand; lo: COperand; hi: COperand }
  | { k: "in"; x: COperand; list: COperand[] }
  | { k: "exists" | "not_exists"; p: Path }
  | { k: "type"; p: Path; t: string }
  | { k: "begins"; p: Path; x: COperand }
  | { k: "contains"; p: Path; x: COperand }
  | { k: "and" | "or"; l: Cond; r: Cond }
  | { k: "not"; c: Cond };

const samePath = (a: COperand, b: COperand) =>
  a.k === "path" && b.k === "path" && JSON.stringify(a.p) === JSON.stringify(b.p);

const ORDERED = fc.oneof(numberArb, sArb, bArb);
const cPath = readPathArb.map((p): COperand => ({ k: "path", p }));
const cSize = readPathArb.map((p): COperand => ({ k: "size", p }));
const cLit = (arb: fc.Arbitrary<Model>) => arb.map((v): COperand => ({ k: "lit", v }));
/** An operand of = / <> / IN: any :value, a path or size(). */
const anyOperand = fc.oneof(cPath, cPath, cSize, cLit(valueArb));
/** An operand of an ordering: paths, size() and :values of the types that order. */
const orderedOperand = fc.oneof(cPath, cSize, cLit(ORDERED), cLit(numberArb));

/** Replaces a right operand that repeats the left path (validation refuses `a = a`). */
const distinctFrom = (left: COperand, right: COperand): COperand =>
  samePath(left, right) ? { k: "size", p: (right as { p: Path }).p } : right;

/** Two :values for BETWEEN bounds: of one type and in order (validation refuses others). */
const boundsArb: fc.Arbitrary<[COperand, COperand]> = fc.oneof(
  fc.tuple(fc.integer({ min: -1, max: 1 }), fc.integer({ min: 0, max: 2 })).map(([a, b]) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return [
      { k: "lit", v: { N: BigInt(lo * 100) } },
      { k: "lit", v: { N: BigInt(hi * 100) } },
    ] as [COperand, COperand];
  }),
  fc.tuple(numberArb, numberArb).map(([a, b]) => {
    const [lo, hi] = (a as { N: bigint }).N <= (b as { N: bigint }).N ? [a, b] : [b, a];
    return [
      { k: "lit", v: lo },
      { k: "lit", v: hi },
    ] as [COperand, COperand];
  }),
  fc.tuple(stringArb, stringArb).map(([a, b]) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return [
      { k: "lit", v: { S: lo } },
      { k: "lit", v: { S: hi } },
    ] as [COperand, COperand];
  }),
  fc.tuple(orderedOperand, cPath),
  fc.tuple(cPath, orderedOperand),
);

/** Values that are members of the generated sets, or elements of lists, often. */
const memberArb: fc.Arbitrary<Model> = fc.oneof(
  fc.constantFrom("a", "b", "c", "d").map((s): Model => ({ S: s })),
  fc.constantFrom(-100, 0, 50, 100, 250).map((n): Model => ({ N: BigInt(n) })),
);

/** Paths for contains(): mostly the attributes that are usually sets (e) and lists (c, d). */
const containerPathArb: fc.Arbitrary<Path> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Path>(["e"], ["c"], ["d"]) },
  { weight: 1, arbitrary: readPathArb },
);

const TYPE_NAMES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"];

const leafArb: fc.Arbitrary<Cond> = fc.oneof(
  fc
    .tuple(fc.constantFrom<"=" | "<>">("=", "<>"), anyOperand, anyOperand)
    .map(([op, l, r]): Cond => ({ k: "cmp", op, l, r: distinctFrom(l, r) })),
  fc
    .tuple(fc.constantFrom<"<" | "<=" | ">" | ">=">("<", "<=", ">", ">="), orderedOperand, orderedOperand)
    .map(([op, l, r]): Cond => ({ k: "cmp", op, l, r: distinctFrom(l, r) })),
  fc
    .tuple(fc.oneof(fc.constant<COperand>({ k: "path", p: ["f"] }), cPath, cSize), boundsArb)
    .map(([x, [lo, hi]]): Cond => ({ k: "between", x, lo: distinctFrom(x, lo), hi: distinctFrom(x, hi) })),
  fc
    .tuple(fc.oneof(cPath, cSize), fc.array(anyOperand, { minLength: 1, maxLength: 4 }))
    .map(([x, list]): Cond => ({ k: "in", x, list: list.map((o) => distinctFrom(x, o)) })),
  readPathArb.map((p): Cond => ({ k: "exists", p })),
  readPathArb.map((p): Cond => ({ k: "not_exists", p })),
  fc.tuple(readPathArb, fc.constantFrom(...TYPE_NAMES)).map(([p, t]): Cond => ({ k: "type", p, t })),
  fc
    .tuple(readPathArb, fc.oneof(cLit(sArb), cLit(bArb), cPath))
    // begins_with(a, size(a)) would be a static type error: a repeated path becomes a string.
    .map(([p, x]): Cond => ({ k: "begins", p, x: samePath({ k: "path", p }, x) ? { k: "lit", v: { S: "a" } } : x })),
  fc
    .tuple(containerPathArb, fc.oneof(cLit(tinyScalarArb), cLit(memberArb), cLit(valueArb), cPath))
    .map(([p, x]): Cond => ({ k: "contains", p, x: distinctFrom({ k: "path", p }, x) })),
);

const { condArb } = fc.letrec<{ condArb: Cond }>((tie) => ({
  condArb: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc
      .tuple(fc.constantFrom<"and" | "or">("and", "or"), tie("condArb"), tie("condArb"))
      .map(([k, l, r]): Cond => ({ k, l, r })),
    tie("condArb").map((c): Cond => ({ k: "not", c })),
  ),
}));

// Reference evaluation.

/** An operand's value: undefined for a missing path and for size() of a value without one. */
function operandValue(o: COperand, item: ModelItem | undefined): Model | undefined {
  if (o.k === "lit") return o.v;
  const value = read(item, o.p);
  if (o.k === "path" || value === undefined) return value;
  let size: number | undefined;
  if ("S" in value) size = value.S.length;
  else if ("B" in value) size = value.B.length;
  else if ("SS" in value) size = value.SS.size;
  else if ("NS" in value) size = value.NS.size;
  else if ("L" in value) size = value.L.length;
  else if ("M" in value) size = value.M.size;
  return size === undefined ? undefined : { N: BigInt(size) * 100n };
}

/** Order of two values of one orderable type (N, S, B), else undefined. */
function order(a: Model, b: Model): number | undefined {
  if ("N" in a && "N" in b) return a.N < b.N ? -1 : a.N > b.N ? 1 : 0;
  if ("S" in a && "S" in b) return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if ("B" in a && "B" in b) return Math.sign(compareBytes(a.B, b.B));
  return undefined;
}

function contains(container: Model, x: Model): boolean {
  if ("S" in container) return "S" in x && container.S.includes(x.S);
  if ("B" in container) {
    if (!("B" in x)) return false;
    for (let i = 0; i + x.B.length <= container.B.length; i++) {
      if (bytesEqual(container.B.subarray(i, i + x.B.length), x.B)) return true;
    }
    return false;
  }
  if ("SS" in container) return "S" in x && container.SS.has(x.S);
  if ("NS" in container) return "N" in x && container.NS.has(numberText(x.N));
  if ("L" in container) return container.L.some((m) => modelsEqual(m, x));
  return false;
}

function holds(c: Cond, item: ModelItem | undefined): boolean {
  const value = (o: COperand) => operandValue(o, item);
  switch (c.k) {
    case "cmp": {
      const l = value(c.l);
      const r = value(c.r);
      if (c.op === "<>") return l === undefined || r === undefined || !modelsEqual(l, r);
      if (l === undefined || r === undefined) return false;
      if (c.op === "=") return modelsEqual(l, r);
      const o = order(l, r);
      if (o === undefined) return false;
      return { "<": o < 0, "<=": o <= 0, ">": o > 0, ">=": o >= 0 }[c.op];
    }
    case "between": {
      const [x, lo, hi] = [value(c.x), value(c.lo), value(c.hi)];
      if (x === undefined || lo === undefined || hi === undefined) return false;
      const a = order(x, lo);
      const b = order(x, hi);
      return a !== undefined && b !== undefined && a >= 0 && b <= 0;
    }
    case "in": {
      const x = value(c.x);
      return (
        x !== undefined &&
        c.list.some((o) => {
          const candidate = value(o);
          return candidate !== undefined && modelsEqual(x, candidate);
        })
      );
    }
    case "exists":
      return read(item, c.p) !== undefined;
    case "not_exists":
      return read(item, c.p) === undefined;
    case "type": {
      const v = read(item, c.p);
      return v !== undefined && typeOf(v) === c.t;
    }
    case "begins": {
      const v = read(item, c.p);
      const x = value(c.x);
      if (v === undefined || x === undefined) return false;
      if ("S" in v && "S" in x) return v.S.startsWith(x.S);
      if ("B" in v && "B" in x) return x.B.length <= v.B.length && bytesEqual(v.B.subarray(0, x.B.length), x.B);
      return false;
    }
    case "contains": {
      const v = read(item, c.p);
      const x = value(c.x);
      return v !== undefined && x !== undefined && contains(v, x);
    }
    case "and":
      return holds(c.l, item) && holds(c.r, item);
    case "or":
      return holds(c.l, item) || holds(c.r, item);
    case "not":
      return !holds(c.c, item);
  }
}

// Writing conditions out: parentheses where precedence needs them (NOT binds tighter than
// AND, AND than OR), plus random single pairs that change nothing; never two directly
// nested pairs, which DynamoDB refuses as redundant.

const OR = 0;
const AND = 1;
const NOT = 2;
const PRIMARY = 3;
const strength = (c: Cond) => (c.k === "or" ? OR : c.k === "and" ? AND : c.k === "not" ? NOT : PRIMARY);

function writeCondition(c: Cond, p: Placeholders, extraParens: () => boolean): string {
  const operand = (o: COperand): string => {
    const text = o.k === "lit" ? p.value(o.v) : o.k === "path" ? p.path(o.p) : `size(${p.path(o.p)})`;
    return extraParens() ? `(${text})` : text;
  };
  const sub = (child: Cond, min: number): string => {
    const text = inner(child);
    return strength(child) < min || extraParens() ? `(${text})` : text;
  };
  const inner = (n: Cond): string => {
    switch (n.k) {
      case "or":
        return `${sub(n.l, OR)} OR ${sub(n.r, AND)}`;
      case "and":
        return `${sub(n.l, AND)} AND ${sub(n.r, NOT)}`;
      case "not":
        return `NOT ${sub(n.c, NOT)}`;
      case "cmp":
        return `${operand(n.l)} ${n.op} ${operand(n.r)}`;
      case "between":
        return `${operand(n.x)} BETWEEN ${operand(n.lo)} AND ${operand(n.hi)}`;
      case "in":
        return `${operand(n.x)} IN (${n.list.map(operand).join(", ")})`;
      case "exists":
        return `attribute_exists(${p.path(n.p)})`;
      case "not_exists":
        return `attribute_not_exists(${p.path(n.p)})`;
      case "type":
        return `attribute_type(${p.path(n.p)}, ${p.value({ S: n.t })})`;
      case "begins":
        return `begins_with(${p.path(n.p)}, ${operand(n.x)})`;
      case "contains":
        return `contains(${p.path(n.p)}, ${operand(n.x)})`;
    }
  };
  return sub(c, OR);
}

describe("ConditionExpression text through the pipeline", () => {
  it("random conditions on random items agree with the reference evaluator", () => {
    const flags = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
    const parens = fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(itemArb, condArb, flags, parens, (item, cond, nameFlags, parenDraws) => {
        const p = new Placeholders(nameFlags);
        let draw = 0;
        const text = writeCondition(cond, p, () => parenDraws[draw++ % parenDraws.length] === 0);
        const ctx = p.context();
        const compiled = compileCondition(text, "ConditionExpression", ctx);
        ctx.checkAllUsed();
        expect(evaluateCondition(compiled, item && toItem(item)), text).toBe(holds(cond, item));
      }),
      { numRuns: 3000 },
    );
  });

  it("the generated conditions are true and false about equally often", () => {
    // Guards against a generator whose conditions are almost always false (missing paths).
    let trues = 0;
    const runs = 2000;
    fc.assert(
      fc.property(itemArb, condArb, (item, cond) => {
        if (holds(cond, item)) trues++;
      }),
      { numRuns: runs, seed: 7 },
    );
    expect(trues).toBeGreaterThan(runs * 0.2);
    expect(trues).toBeLessThan(runs * 0.8);
  });
});
