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
  const target = (path: readonly (string | number)[]): void => {
    if (typeof path[0] === "string") names.push(path[0]);
  };
  for (const action of update.set) {
    target(action.path);
    collect(action.value, names);
  }
  update.remove.forEach(target);
  for (const action of update.add) target(action.path);
  for (const action of update.delete) target(action.path);
  return names;
}

function collect(node: ResolvedCondition | ResolvedOperand, names: string[]): void {
  const visit = (child: ResolvedCondition | ResolvedOperand): void => collect(child, names);
  switch (node.kind) {
    case "path":
      if (typeof node.path[0] === "string") names.push(node.path[0]);
      return;
    case "literal":
      return;
    case "call":
    case "function":
      node.args.forEach(visit);
      return;
    case "arithmetic":
      visit(node.left);
      visit(node.right);
      return;
    case "compare":
      visit(node.left);
      visit(node.right);
      return;
    case "between":
      [node.operand, node.low, node.high].forEach(visit);
      return;
    case "in":
      [node.operand, ...node.list].forEach(visit);
      return;
    case "and":
    case "or":
      visit(node.left);
      visit(node.right);
      return;
    case "not":
      visit(node.operand);
      return;
  }
}
