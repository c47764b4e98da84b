// UpdateExpression: parse, resolve and validate into a ResolvedUpdate, with DynamoDB's
// rules and messages ("Invalid UpdateExpression: ...").
import { validation } from "../errors";
import type { AttributeValue } from "../types";
import type { DocPath, OperandNode, ResolvedOperand, ResolvedUpdate } from "./ast";
import type { ExpressionContext } from "./context";
import { parseUpdate } from "./parse";
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
} from "./resolve";

type Category =
  ResolveCategory | "parens" | "unknownFunction" | "section" | "pathOverlap" | "pathConflict" | "operand" | "function";

/** DynamoDB's priority among update expression errors. */
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
  const track = (path: DocPath | undefined): DocPath => {
    if (path) paths.push(path);
    return path ?? [];
  };

  for (const clause of ast.clauses) {
    if (seen.has(clause.kind)) {
      errors.add("section", `The "${clause.kind}" section can only be used once in an update expression;`);
    }
    seen.add(clause.kind);
    switch (clause.kind) {
      case "SET":
        for (const action of clause.actions) {
          const path = track(resolvePath(action.path, ctx, errors));
          result.set.push({ path, value: setValue(action.value, ctx, errors) });
        }
        break;
      case "REMOVE":
        for (const node of clause.paths) result.remove.push(track(resolvePath(node, ctx, errors)));
        break;
      case "ADD":
      case "DELETE":
        for (const action of clause.actions) {
          const path = track(resolvePath(action.path, ctx, errors));
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
  checkFunctions(resolved, errors);
  return resolved;
}

/**
 * Function names, arities and the operand types DynamoDB can check before evaluation
 * (those of :values and of nested functions). Returns the operand's static type.
 */
function checkFunctions(node: ResolvedOperand, errors: ErrorCollector<Category>): string | undefined {
  if (node.kind === "literal") return valueType(node.value);
  if (node.kind === "path") return undefined;
  const name = node.kind === "call" ? node.name : node.op;
  const args = node.kind === "call" ? node.args : [node.left, node.right];
  const types = args.map((a) => checkFunctions(a, errors));
  const arity = node.kind === "call" ? FUNCTIONS[node.name] : 2;
  if (arity === undefined) {
    errors.add("unknownFunction", `Invalid function name; function: ${name}`);
    return undefined;
  }
  if (args.length !== arity) {
    errors.add(
      "function",
      `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
    );
    return undefined;
  }
  if (name === "if_not_exists") {
    if (args[0]?.kind !== "path") {
      errors.add("function", `Operator or function requires a document path; operator or function: ${name}`);
    }
    return types[1];
  }
  // list_append takes lists; + and - take numbers.
  const expected = name === "list_append" ? "L" : "N";
  for (const type of types) {
    if (type !== undefined && type !== expected) {
      errors.add(
        "function",
        `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
      );
    }
  }
  return expected;
}
