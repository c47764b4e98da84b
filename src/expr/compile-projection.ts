// ProjectionExpression: a list of document paths, resolved and checked for overlaps.
import { validation } from "../errors.js";
import type { DocPath } from "./ast.js";
import type { ExpressionContext } from "./context.js";
import { parseProjection } from "./parse.js";
import { checkPathsDistinct, ErrorCollector, resolvePath, type ResolveCategory } from "./resolve.js";

type Category = ResolveCategory | "pathOverlap" | "pathConflict";
const PRIORITY: readonly Category[] = ["reserved", "attrName", "pathOverlap", "pathConflict"];

export function compileProjection(text: string, ctx: ExpressionContext): DocPath[] {
  const ast = parseProjection(text, { reservedWords: false });
  const errors = new ErrorCollector<Category>();
  const paths: DocPath[] = [];
  for (const node of ast.paths) {
    const path = resolvePath(node, ctx, errors);
    if (path) paths.push(path);
  }
  checkPathsDistinct(paths, errors);
  const message = errors.pick(PRIORITY);
  if (message !== undefined) throw validation(`Invalid ProjectionExpression: ${message}`);
  return paths;
}
