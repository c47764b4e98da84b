// ProjectionExpression: a list of document paths, resolved and checked for overlaps.
import { validation } from "../errors.js";
import type { DocPath } from "./ast.js";
import type { ExpressionContext } from "./context.js";
import { parseProjection } from "./parse.js";
import { checkPathsDistinct, ErrorCollector, resolvePath, type ResolveCategory } from "./resolve.js";

type Category = ResolveCategory | "depth" | "pathOverlap" | "pathConflict";
const PRIORITY: readonly Category[] = ["reserved", "attrName", "depth", "pathOverlap", "pathConflict"];

/** The deepest document path DynamoDB projects: 32 elements (Alternator's test_projection_expression.py, run against AWS). */
const MAX_PATH_DEPTH = 32;

export function compileProjection(text: string, ctx: ExpressionContext): DocPath[] {
  const ast = parseProjection(text, { reservedWords: false });
  const errors = new ErrorCollector<Category>();
  const paths: DocPath[] = [];
  for (const node of ast.paths) {
    const path = resolvePath(node, ctx, errors);
    if (path && path.length > MAX_PATH_DEPTH) {
      errors.add("depth", `The document path has too many nesting levels; nesting levels: ${path.length}`);
    }
    if (path) paths.push(path);
  }
  checkPathsDistinct(paths, errors);
  const message = errors.pick(PRIORITY);
  if (message !== undefined) throw validation(`Invalid ProjectionExpression: ${message}`);
  return paths;
}
