// The stored rows a Query's key condition selects: the partition's stored key, and bounds
// on the stored sort key. A key of one attribute each side compares by that attribute's
// encoding; a GSI with multi-attribute keys stores its keys as tuples (src/keys/index-key.ts),
// where equalities on the first RANGE attributes fix a prefix and the condition on the
// next one bounds the component after it.
import { encodeKey } from "../keys/encode.js";
import { afterComponent, concat, escapeZeros, keyBytes, tupleComponent } from "../keys/index-key.js";
import { storedPartitionKey, storedPartitionKeyOf } from "../keys/partition.js";
import type { KeyLists } from "../schema/table-def.js";
import type { Bound } from "../storage/ranges.js";
import type { AttributeValue, KeyAttribute } from "../types.js";
import { compositeKeyCondition, keyConditionFor, type Leaf, type SortCondition } from "./key-condition.js";

export interface KeyRange {
  /** The stored partition key. */
  pk: Uint8Array;
  lower?: Bound;
  upper?: Bound;
}

export function keyRange(leaves: Leaf[], keys: KeyLists): KeyRange {
  const { hashes, ranges } = keys;
  if (hashes.length === 1 && ranges.length <= 1) {
    const hash = hashes[0] as KeyAttribute;
    const range = ranges[0];
    const key = keyConditionFor(leaves, hash, range);
    const pk = storedPartitionKeyOf(hash.type, scalar(key.hash));
    return { pk, ...(key.sort && range ? sortBounds(key.sort, range) : {}) };
  }
  const condition = compositeKeyCondition(leaves, keys);
  const pk = storedPartitionKey(keyBytes(hashes, condition.hashValues.map(scalar)));
  const prefix = concat(
    condition.equal.map((v, i) => tupleComponent(encodeKey((ranges[i] as KeyAttribute).type, scalar(v)))),
  );
  const next = ranges[condition.equal.length];
  if (!condition.last || !next) return { pk, ...prefixBounds(prefix) };
  return { pk, ...componentBounds(prefix, condition.last, next) };
}

/** Bounds of a one-attribute sort key's condition on its encodings. */
function sortBounds(sort: SortCondition, range: KeyAttribute): { lower?: Bound; upper?: Bound } {
  const enc = (v: AttributeValue) => encodeKey(range.type, scalar(v));
  switch (sort.op) {
    case "=": {
      const k = enc(sort.value);
      return { lower: { key: k, inclusive: true }, upper: { key: k, inclusive: true } };
    }
    case "<":
      return { upper: { key: enc(sort.value), inclusive: false } };
    case "<=":
      return { upper: { key: enc(sort.value), inclusive: true } };
    case ">":
      return { lower: { key: enc(sort.value), inclusive: false } };
    case ">=":
      return { lower: { key: enc(sort.value), inclusive: true } };
    case "BETWEEN":
      return { lower: { key: enc(sort.low), inclusive: true }, upper: { key: enc(sort.high), inclusive: true } };
    case "begins_with":
      // S and B encodings are the raw bytes, so a prefix is a byte range [p, next(p)).
      return prefixBounds(enc(sort.prefix));
  }
}

/** Bounds of the tuples after `prefix` whose next component (of `attr`) meets `sort`. */
function componentBounds(
  prefix: Uint8Array,
  sort: SortCondition,
  attr: KeyAttribute,
): { lower?: Bound; upper?: Bound } {
  const enc = (v: AttributeValue) => encodeKey(attr.type, scalar(v));
  const at = (bytes: Uint8Array) => concat([prefix, bytes]);
  const within = prefixBounds(prefix);
  switch (sort.op) {
    case "=":
      return prefixBounds(at(tupleComponent(enc(sort.value))));
    case "<":
      return { ...within, upper: { key: at(tupleComponent(enc(sort.value))), inclusive: false } };
    case "<=":
      return { ...within, upper: { key: at(afterComponent(enc(sort.value))), inclusive: false } };
    case ">":
      return { ...within, lower: { key: at(afterComponent(enc(sort.value))), inclusive: true } };
    case ">=":
      return { ...within, lower: { key: at(tupleComponent(enc(sort.value))), inclusive: true } };
    case "BETWEEN":
      return {
        lower: { key: at(tupleComponent(enc(sort.low))), inclusive: true },
        upper: { key: at(afterComponent(enc(sort.high))), inclusive: false },
      };
    case "begins_with":
      return prefixBounds(at(escapeZeros(enc(sort.prefix))));
  }
}

/** Every key starting with `prefix`: [prefix, next(prefix)); nothing for an empty prefix. */
function prefixBounds(prefix: Uint8Array): { lower?: Bound; upper?: Bound } {
  if (prefix.length === 0) return {};
  const next = prefixEnd(prefix);
  return { lower: { key: prefix, inclusive: true }, ...(next ? { upper: { key: next, inclusive: false } } : {}) };
}

/** The smallest byte string greater than every string starting with `prefix`, if any. */
function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.slice(0, i + 1);
    }
  }
  return undefined;
}

function scalar(value: AttributeValue): string {
  return Object.values(value)[0] as string;
}
