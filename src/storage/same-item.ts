// Whether two items hold the same data, as DynamoDB judges "a write that changes nothing"
// for streams: same attributes with equal values; map member order and set member order do
// not matter, list order does. Numbers are compared as stored (already normalised).
import type { AttributeValue, Item } from "../types.js";

export function sameItem(a: Item, b: Item): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every(
    (name) => Object.hasOwn(b, name) && sameValue(a[name] as AttributeValue, b[name] as AttributeValue),
  );
}

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if ("S" in a) return "S" in b && a.S === b.S;
  if ("N" in a) return "N" in b && a.N === b.N;
  if ("B" in a) return "B" in b && a.B === b.B;
  if ("BOOL" in a) return "BOOL" in b && a.BOOL === b.BOOL;
  if ("NULL" in a) return "NULL" in b;
  if ("SS" in a) return "SS" in b && sameSet(a.SS, b.SS);
  if ("NS" in a) return "NS" in b && sameSet(a.NS, b.NS);
  if ("BS" in a) return "BS" in b && sameSet(a.BS, b.BS);
  if ("L" in a)
    return "L" in b && a.L.length === b.L.length && a.L.every((v, i) => sameValue(v, b.L[i] as AttributeValue));
  if ("M" in a) return "M" in b && sameItem(a.M, b.M);
  return false;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((m) => members.has(m));
}
