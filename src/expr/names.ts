// The top-level attribute names an expression reads or writes: Query refuses filters on
// key attributes, LSI reads decide from them whether to fetch the table item, and
// UpdateItem reads only these attributes of the stored item (src/ops/update-patch.ts).
import type { ResolvedCondition, ResolvedOperand, ResolvedUpdate } from "./ast.js";

/** Top-level attribute names the condition's paths start with, in order of appearance. */
export function topLevelNames(cond: ResolvedCondition): string[] {
  const names: string[] = [];
  collect(cond, names);
  return names;
}

/** Top-level attribute names an update expression writes or reads, in order of appearance. */
export function updateNames(update: ResolvedUpdate): string[] {
  const names: string[] = [];
  for (const action of update.set) {
    pushTarget(action.path, names);
    collect(action.value, names);
  }
  for (const path of update.remove) pushTarget(path, names);
  for (const action of update.add) pushTarget(action.path, names);
  for (const action of update.delete) pushTarget(action.path, names);
  return names;
}

/** The top-level name a path starts with, if it starts with a name. */
function pushTarget(path: readonly (string | number)[], names: string[]): void {
  if (typeof path[0] === "string") names.push(path[0]);
}

// Recursion without a closure per node: bundlers that keep function names (wrangler's
// default) turn each named closure into a property definition, paid on every request.
function collect(node: ResolvedCondition | ResolvedOperand, names: string[]): void {
  switch (node.kind) {
    case "path":
      if (typeof node.path[0] === "string") names.push(node.path[0]);
      return;
    case "literal":
      return;
    case "call":
    case "function":
      for (const child of node.args) collect(child, names);
      return;
    case "arithmetic":
      collect(node.left, names);
      collect(node.right, names);
      return;
    case "compare":
      collect(node.left, names);
      collect(node.right, names);
      return;
    case "between":
      for (const child of [node.operand, node.low, node.high]) collect(child, names);
      return;
    case "in":
      collect(node.operand, names);
      for (const child of node.list) collect(child, names);
      return;
    case "and":
    case "or":
      collect(node.left, names);
      collect(node.right, names);
      return;
    case "not":
      collect(node.operand, names);
      return;
  }
}
