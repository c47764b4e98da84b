// Top-level attribute projection (AttributesToGet). Document-path projections arrive
// with ProjectionExpression in the expression engine.
import type { Item } from "../types.js";

export function projectAttributes(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
