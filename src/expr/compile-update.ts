// UpdateExpression: parse, resolve and validate into a ResolvedUpdate, with DynamoDB's
// rules and messages ("Invalid UpdateExpression: ...").
import { validation } from "../errors.js";
import type { AttributeValue } from "../types.js";
import type { DocPath, OperandNode, ResolvedOperand, ResolvedUpdate } from "./ast.js";
import type { ExpressionContext } from "./context.js";
import { parseUpdate } from "./parse.js";
import {
  checkPathsDistinct,
  ErrorCollector,
  hasRedundantParens,
  REDUNDANT_PARENS,
  resolveOperand,
  resolvePath,
  resolveValue,
  valueType,
  type ResolveCategory,
} from "./resolve.js";

type Category =
  ResolveCategory | "parens" | "unknownFunction" | "section" | "pathOverlap" | "pathConflict" | "operand" | "function";

/**
 * DynamoDB's priority among update expression errors (dynalite's update grammar, checked
 * against DynamoDB; redundant parentheses, which dynalite does not know, are a parse error
 * in DynamoDB Local and come first). "unknownFunction" also holds the functions not
 * allowed in updates and list_append nested where it may not be (see checkFunctions).
 */
const PRIORITY: readonly Category[] = [
  "parens",
  "reserved",
  "unknownFunction",
  "section",
  "attrName",
  "attrVal",
  "pathOverlap",
  "pathConflict",
  "operand",
  "function",
];

const FUNCTIONS: Readonly<Record<string, number>> = { if_not_exists: 2, list_append: 2 };

/** Functions of conditions, which DynamoDB names as such in an update. */
const CONDITION_FUNCTIONS: readonly string[] = [
  "attribute_exists",
  "attribute_not_exists",
  "attribute_type",
  "begins_with",
  "contains",
  "size",
];

/** Type names DynamoDB uses in "operand type" messages of ADD and DELETE. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  S: "STRING",
  N: "NUMBER",
  B: "BINARY",
  NULL: "NULL",
  BOOL: "BOOLEAN",
  L: "LIST",
  M: "MAP",
};

export function compileUpdate(text: string, ctx: ExpressionContext): ResolvedUpdate {
  const ast = parseUpdate(text, { reservedWords: false });
  const errors = new ErrorCollector<Category>();
  const result: ResolvedUpdate = { set: [], remove: [], add: [], delete: [] };
  const seen = new Set<string>();
  const paths: DocPath[] = [];

  for (const clause of ast.clauses) {
    if (seen.has(clause.kind)) {
      errors.add("section", `The "${clause.kind}" section can only be used once in an update expression;`);
    }
    seen.add(clause.kind);
    switch (clause.kind) {
      case "SET":
        for (const action of clause.actions) {
          const path = tracked(resolvePath(action.path, ctx, errors), paths);
          result.set.push({ path, value: setValue(action.value, ctx, errors) });
        }
        break;
      case "REMOVE":
        for (const node of clause.paths) result.remove.push(tracked(resolvePath(node, ctx, errors), paths));
        break;
      case "ADD":
      case "DELETE":
        for (const action of clause.actions) {
          const path = tracked(resolvePath(action.path, ctx, errors), paths);
          const value = actionValue(clause.kind, action.value, ctx, errors);
          (clause.kind === "ADD" ? result.add : result.delete).push({ path, value });
        }
        break;
    }
  }
  checkPathsDistinct(paths, errors);
  const message = errors.pick(PRIORITY);
  if (message !== undefined) throw validation(`Invalid UpdateExpression: ${message}`);
  return result;
}

/** ADD and DELETE take a :value of a set type (ADD also a number). */
function actionValue(
  operator: "ADD" | "DELETE",
  node: OperandNode,
  ctx: ExpressionContext,
  errors: ErrorCollector<Category>,
): AttributeValue {
  if (node.kind !== "value") {
    // The grammar only produces :values here; anything else is a syntax-level slip.
    errors.add("operand", `Incorrect operand type for operator or function; operator: ${operator}, operand type: PATH`);
    return { NULL: true };
  }
  const value = resolveValue(node.name, ctx, errors);
  if (!value) return { NULL: true };
  const type = valueType(value);
  const word = TYPE_WORDS[type];
  if (word !== undefined && !(operator === "ADD" && type === "N")) {
    errors.add(
      "operand",
      `Incorrect operand type for operator or function; operator: ${operator}, operand type: ${word}`,
    );
  }
  return value;
}

/** A SET right-hand side: operand, function call or `a + b` / `a - b`. */
function setValue(node: OperandNode, ctx: ExpressionContext, errors: ErrorCollector<Category>): ResolvedOperand {
  if (hasRedundantParens(node)) errors.add("parens", REDUNDANT_PARENS);
  const resolved = resolveOperand(node, ctx, errors);
  checkFunctions(resolved, errors, 0);
  return resolved;
}

/**
 * Function names, where each may be used, arities and the operand types DynamoDB checks
 * before evaluation. Names are checked before the operands, as DynamoDB Local's
 * ASTListener does when it enters a call:
 * - a condition function is "not allowed in an update expression", any other unknown
 *   name is an "Invalid function name";
 * - list_append may not be nested in another function or in `+`/`-` ("The function is not
 *   allowed to be used this way in an expression; function: list_append", quoted from
 *   DynamoDB in Alternator's test_update_expression_function_nesting); if_not_exists may.
 * Operand types are those of :values only (dynalite's update grammar, checked against
 * DynamoDB, types only immediate values): what a nested if_not_exists returns is known
 * only when it runs.
 */
function checkFunctions(node: ResolvedOperand, errors: ErrorCollector<Category>, depth: number): void {
  if (node.kind === "literal" || node.kind === "path") return;
  const name = node.kind === "call" ? node.name : node.op;
  const args = node.kind === "call" ? node.args : [node.left, node.right];
  const arity = node.kind === "call" ? FUNCTIONS[node.name] : 2;
  if (arity === undefined) {
    errors.add(
      "unknownFunction",
      CONDITION_FUNCTIONS.includes(name)
        ? `The function is not allowed in an update expression; function: ${name}`
        : `Invalid function name; function: ${name}`,
    );
  } else if (name === "list_append" && depth > 0) {
    errors.add(
      "unknownFunction",
      `The function is not allowed to be used this way in an expression; function: ${name}`,
    );
  }
  for (const arg of args) checkFunctions(arg, errors, depth + 1);
  if (arity === undefined) return;
  if (args.length !== arity) {
    errors.add(
      "function",
      `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
    );
    return;
  }
  if (name === "if_not_exists") {
    if (args[0]?.kind !== "path") {
      errors.add("function", `Operator or function requires a document path; operator or function: ${name}`);
    }
    return;
  }
  // list_append takes lists; + and - take numbers.
  const expected = name === "list_append" ? "L" : "N";
  for (const arg of args) {
    const type = arg.kind === "literal" ? valueType(arg.value) : undefined;
    if (type !== undefined && type !== expected) {
      errors.add(
        "function",
        `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
      );
    }
  }
}

/** A resolved path, noted in `paths` (a path that did not resolve stands as [] after its error). */
function tracked(path: DocPath | undefined, paths: DocPath[]): DocPath {
  if (path) paths.push(path);
  return path ?? [];
}
