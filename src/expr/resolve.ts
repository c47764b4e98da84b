// Resolution of #names and :values, shared by every expression kind. Each compile pass
// collects DynamoDB's errors by category and reports the one DynamoDB would: categories
// have a fixed priority, and within a category the first occurrence in the text wins.
import type { AttributeValue } from "../types.js";
import type { DocPath, OperandNode, PathNode, ResolvedOperand } from "./ast.js";
import type { ExpressionContext } from "./context.js";
import { isReservedWord } from "./reserved-words.js";

/** Where resolution and checks report errors, by category. */
export interface ErrorSink<C extends string> {
  add(category: C, message: string): void;
}

/** First error found per category; the compile pass picks by its priority order. */
export class ErrorCollector<C extends string> implements ErrorSink<C> {
  private readonly first = new Map<C, string>();

  add(category: C, message: string): void {
    if (!this.first.has(category)) this.first.set(category, message);
  }

  has(category: C): boolean {
    return this.first.has(category);
  }

  /** The message of the highest-priority category that has one. */
  pick(order: readonly C[]): string | undefined {
    for (const category of order) {
      const message = this.first.get(category);
      if (message !== undefined) return message;
    }
    return undefined;
  }
}

export type ResolveCategory = "reserved" | "attrName" | "attrVal";

/**
 * Resolves a path; undefined placeholders and reserved words are recorded. Returns
 * undefined if the path could not be resolved.
 */
export function resolvePath(
  path: PathNode,
  ctx: ExpressionContext,
  errors: ErrorSink<ResolveCategory>,
): DocPath | undefined {
  const out: DocPath = [];
  let ok = true;
  for (const element of path.elements) {
    switch (element.kind) {
      case "name":
        if (isReservedWord(element.name)) {
          errors.add("reserved", `Attribute name is a reserved keyword; reserved keyword: ${element.name}`);
        }
        out.push(element.name);
        break;
      case "placeholder": {
        const name = ctx.name(element.name);
        if (name === undefined) {
          errors.add(
            "attrName",
            `An expression attribute name used in the document path is not defined; attribute name: ${element.name}`,
          );
          ok = false;
        } else {
          out.push(name);
        }
        break;
      }
      case "index":
        out.push(element.index);
        break;
    }
  }
  return ok ? out : undefined;
}

export function resolveValue(
  name: string,
  ctx: ExpressionContext,
  errors: ErrorSink<ResolveCategory>,
): AttributeValue | undefined {
  const value = ctx.value(name);
  if (value === undefined) {
    errors.add("attrVal", `An expression attribute value used in expression is not defined; attribute value: ${name}`);
  }
  return value;
}

/** Resolves an operand tree; unresolvable leaves become placeholders never evaluated (an error is pending). */
export function resolveOperand(
  node: OperandNode,
  ctx: ExpressionContext,
  errors: ErrorSink<ResolveCategory>,
): ResolvedOperand {
  switch (node.kind) {
    case "path":
      return { kind: "path", path: resolvePath(node, ctx, errors) ?? [] };
    case "value":
      return { kind: "literal", value: resolveValue(node.name, ctx, errors) ?? { NULL: true } };
    case "call":
      return { kind: "call", name: node.name, args: node.args.map((a) => resolveOperand(a, ctx, errors)) };
    case "arithmetic":
      return {
        kind: "arithmetic",
        op: node.op,
        left: resolveOperand(node.left, ctx, errors),
        right: resolveOperand(node.right, ctx, errors),
      };
  }
}

/** Whether an operand (or anything inside it) was written in doubled parentheses, "((a))". */
export function hasRedundantParens(node: OperandNode): boolean {
  if (node.redundantParens) return true;
  if (node.kind === "call") return node.args.some(hasRedundantParens);
  if (node.kind === "arithmetic") return hasRedundantParens(node.left) || hasRedundantParens(node.right);
  return false;
}

export const REDUNDANT_PARENS = "The expression has redundant parentheses;";

/** DynamoDB prints paths in messages as "[a, b, [2]]". */
export function pathText(path: DocPath): string {
  return `[${path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(", ")}]`;
}

/** The type of a literal value ("S", "N", ...). */
export function valueType(value: AttributeValue): string {
  return Object.keys(value)[0] ?? "";
}

/**
 * Reports overlapping and conflicting document paths (UpdateExpression, ProjectionExpression):
 * one path a prefix of another overlaps; a map key and a list index at the same step conflict.
 */
export function checkPathsDistinct(paths: readonly DocPath[], errors: ErrorSink<"pathOverlap" | "pathConflict">): void {
  for (let j = 1; j < paths.length; j++) {
    const later = paths[j] as DocPath;
    for (let i = 0; i < j; i++) {
      const earlier = paths[i] as DocPath;
      const relation = comparePaths(earlier, later);
      const pair = `path one: ${pathText(earlier)}, path two: ${pathText(later)}`;
      if (relation === "conflict") {
        errors.add(
          "pathConflict",
          `Two document paths conflict with each other; must remove or rewrite one of these paths; ${pair}`,
        );
      } else if (relation === "overlap") {
        errors.add(
          "pathOverlap",
          `Two document paths overlap with each other; must remove or rewrite one of these paths; ${pair}`,
        );
      }
    }
  }
}

function comparePaths(a: DocPath, b: DocPath): "overlap" | "conflict" | "distinct" {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (typeof a[i] !== typeof b[i]) return "conflict";
    if (a[i] !== b[i]) return "distinct";
  }
  return "overlap";
}
