// The top-level attribute names a condition reads: Query refuses filters on key
// attributes, and LSI reads decide from them whether to fetch the table item.
import type { ResolvedCondition, ResolvedOperand } from "./ast";

/** Top-level attribute names the condition's paths start with, in order of appearance. */
export function topLevelNames(cond: ResolvedCondition): string[] {
  const names: string[] = [];
  const visit = (node: ResolvedCondition | ResolvedOperand): void => {
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
  };
  visit(cond);
  return names;
}
