// What a WHERE clause says about a table's or index's key: its top-level AND terms, the
// equality that fixes an attribute, and the full primary key of a single-item statement.
import { validation } from "../errors.js";
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import type { Condition, Operand, Source, ValueNode } from "./ast.js";
import { bindValue } from "./values.js";
import {
  hashKeyOf,
  indexKeysOf,
  indexOf,
  rangeKeyOf,
  vectorIndexOf,
  type IndexDef,
  type TableDef,
} from "../schema/table-def.js";

export const INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes";

/** The conjuncts of a condition's top-level AND chain. */
export function conjuncts(c: Condition | undefined): Condition[] {
  if (c === undefined) return [];
  if (c.kind === "and") return [...conjuncts(c.left), ...conjuncts(c.right)];
  return [c];
}

/** Joins conditions back with AND (undefined for none). */
export function joinAnd(terms: Condition[]): Condition | undefined {
  let out: Condition | undefined;
  for (const term of terms) out = out === undefined ? term : { kind: "and", left: out, right: term };
  return out;
}

export function isValueNode(o: Operand): o is ValueNode {
  return o.kind !== "path" && o.kind !== "call";
}

/** A top-level attribute named `name` (no document path). */
export function isAttribute(o: Operand, name: string): boolean {
  return o.kind === "path" && o.elements.length === 1 && o.elements[0] === name;
}

/** The value a term `name = value` (either way round) fixes, if it is one. */
export function equalityOn(term: Condition, name: string): ValueNode | undefined {
  if (term.kind !== "compare" || term.op !== "=") return undefined;
  if (isAttribute(term.left, name) && isValueNode(term.right)) return term.right;
  if (isAttribute(term.right, name) && isValueNode(term.left)) return term.left;
  return undefined;
}

/** The key attributes of the source: the table's, or the named index's. */
export function sourceKeys(
  def: TableDef,
  index: IndexDef | undefined,
): { hash: KeyAttribute; range: KeyAttribute | undefined } {
  if (!index) return { hash: hashKeyOf(def), range: rangeKeyOf(def) };
  // checkSource refused indexes with multi-attribute keys: one attribute each side here.
  const { hashes, ranges } = indexKeysOf(def, index);
  return { hash: hashes[0] as KeyAttribute, range: ranges[0] };
}

/** DynamoDB's checks of a FROM source; returns the index it names, if any. */
export function checkSource(source: Source, def: TableDef): IndexDef | undefined {
  if (source.table === "" || source.index === "") throw validation("Path component cannot be an empty string");
  if (source.extra > 0) throw validation("A path may contain at most 2 components in the FROM clause");
  if (source.alias) throw validation("Aliasing is not supported");
  if (source.index === undefined) return undefined;
  const index = indexOf(def, source.index);
  // A vector index is read by SearchVectors only (DynamoDB's text for a SELECT naming one).
  if (!index && vectorIndexOf(def, source.index)) throw validation("Scan operation not supported on this index type");
  if (!index) throw validation("The table does not have the specified index");
  // DynamoDB's text, though it is the index, not the table, that has such keys: its base
  // table and its other indexes stay readable.
  if (index.keySchema.length > 2 || index.keySchema.filter((k) => k.KeyType === "HASH").length > 1) {
    throw validation(
      "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
    );
  }
  return index;
}

/** Checks that a bound key value has the key attribute's type. */
export function checkKeyType(key: KeyAttribute, value: AttributeValue): void {
  if (!(key.type in value)) {
    throw validation(`Key attribute's data type should match its data type in table's schema: Key ${key.name}`);
  }
}

/**
 * The full primary key a single-item statement's WHERE fixes (an equality on every key
 * attribute, at the top level of an AND chain), and the other terms, which become the
 * write's condition.
 */
export function fullKey(
  def: TableDef,
  where: Condition | undefined,
  parameters: readonly AttributeValue[],
  message = INCOMPLETE_KEY,
): { key: Item; rest: Condition[] } {
  const terms = conjuncts(where);
  const used = new Set<Condition>();
  const key: Item = {};
  for (const attribute of [hashKeyOf(def), rangeKeyOf(def)]) {
    if (!attribute) continue;
    const term = terms.find((t) => !used.has(t) && equalityOn(t, attribute.name) !== undefined);
    if (!term) throw validation(message);
    used.add(term);
    const value = bindValue(equalityOn(term, attribute.name)!, parameters);
    checkKeyType(attribute, value);
    key[attribute.name] = value;
  }
  return { key, rest: terms.filter((t) => !used.has(t)) };
}
