// Canonical expression text from an AST: single spaces, upper-case keywords, `, ` between
// list items, and parentheses only where the AST has them (`parens` nodes, operands
// marked `redundantParens`). Parsing the printed text of a parsed AST gives that AST back.
//
// For a hand-built AST whose shape the parser could not produce (an OR directly under an
// AND, say) the printer adds the parentheses the meaning needs, so the text still means
// what the AST means; parsing it then yields an extra `parens` node.

import type {
  ConditionNode,
  OperandNode,
  PathNode,
  ProjectionNode,
  UpdateClause,
  UpdateNode,
} from "../../src/expr/ast.js";

export function printCondition(node: ConditionNode): string {
  return condition(node, OR);
}

export function printProjection(node: ProjectionNode): string {
  return node.paths.map(printPath).join(", ");
}

export function printUpdate(node: UpdateNode): string {
  return node.clauses.map(clause).join(" ");
}

export function printOperand(node: OperandNode): string {
  const text = operandText(node);
  return node.redundantParens ? `((${text}))` : text;
}

export function printPath(path: PathNode): string {
  const text = pathText(path);
  return path.redundantParens ? `((${text}))` : text;
}

function pathText(path: PathNode): string {
  let text = "";
  for (const [i, element] of path.elements.entries()) {
    if (element.kind === "index") text += `[${element.index}]`;
    else text += (i === 0 ? "" : ".") + element.name;
  }
  return text;
}

// Binding strength, loosest first.
const OR = 0;
const AND = 1;
const NOT = 2;
const PRIMARY = 3;

function strength(node: ConditionNode): number {
  switch (node.kind) {
    case "or":
      return OR;
    case "and":
      return AND;
    case "not":
      return NOT;
    default:
      return PRIMARY;
  }
}

/** Prints `node` where something binding at least `min` is expected. */
function condition(node: ConditionNode, min: number): string {
  const text = conditionText(node);
  return strength(node) < min ? `(${text})` : text;
}

function conditionText(node: ConditionNode): string {
  switch (node.kind) {
    case "or":
      return `${condition(node.left, OR)} OR ${condition(node.right, AND)}`;
    case "and":
      return `${condition(node.left, AND)} AND ${condition(node.right, NOT)}`;
    case "not":
      return `NOT ${condition(node.operand, NOT)}`;
    case "parens":
      return `(${condition(node.inner, OR)})`;
    case "compare":
      return `${printOperand(node.left)} ${node.op} ${printOperand(node.right)}`;
    case "between":
      return `${printOperand(node.operand)} BETWEEN ${printOperand(node.low)} AND ${printOperand(node.high)}`;
    case "in":
      return `${printOperand(node.operand)} IN (${node.list.map(printOperand).join(", ")})`;
    case "function":
      // A call that is itself a condition is never marked (`((f(a)))` reads as parens).
      return operandText(node.call);
  }
}

function operandText(node: OperandNode): string {
  switch (node.kind) {
    case "path":
      return pathText(node);
    case "value":
      return node.name;
    case "call":
      return `${node.name}(${node.args.map(printOperand).join(", ")})`;
    case "arithmetic":
      return `${arithmeticSide(node.left)} ${node.op} ${arithmeticSide(node.right)}`;
  }
}

/** One operator per SET value: a nested one keeps its meaning inside parentheses. */
function arithmeticSide(node: OperandNode): string {
  return node.kind === "arithmetic" && !node.redundantParens ? `(${printOperand(node)})` : printOperand(node);
}

function clause(node: UpdateClause): string {
  switch (node.kind) {
    case "SET":
      return `SET ${node.actions.map((a) => `${printPath(a.path)} = ${printOperand(a.value)}`).join(", ")}`;
    case "REMOVE":
      return `REMOVE ${node.paths.map(printPath).join(", ")}`;
    case "ADD":
    case "DELETE":
      return `${node.kind} ${node.actions.map((a) => `${printPath(a.path)} ${printOperand(a.value)}`).join(", ")}`;
  }
}
