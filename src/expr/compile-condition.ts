// Condition and filter expressions: parse, resolve and validate into a ResolvedCondition,
// with DynamoDB's rules and messages. Errors are collected by category and the one with
// the highest priority is reported ("Invalid ConditionExpression: ..."); see ConditionErrors.
import { validation } from "../errors.js";
import type { CallNode, ConditionNode, OperandNode, ResolvedCondition, ResolvedOperand } from "./ast.js";
import type { ExpressionContext, ExpressionKind } from "./context.js";
import { betweenBoundsError } from "./evaluate.js";
import { parseCondition } from "./parse.js";
import {
  ErrorCollector,
  pathText,
  REDUNDANT_PARENS,
  resolveOperand,
  valueType,
  type ErrorSink,
  type ResolveCategory,
} from "./resolve.js";

type Category = ResolveCategory | "parens" | "unknownFunction" | "misusedFunction" | LeafCategory;

/** Errors of one simple condition (comparison, BETWEEN, IN, function): see ConditionErrors. */
type LeafCategory = "operand" | "type" | "distinct" | "function";

/**
 * DynamoDB's priority among the errors of a whole condition. The errors of the first
 * simple condition that has any, or the operator limit if it is reached first, are one
 * entry ("condition"), ranked within it by LEAF_PRIORITY.
 */
const PRIORITY = ["parens", "unknownFunction", "misusedFunction", "reserved", "condition"] as const;

/**
 * Within one simple condition: an undefined #name or :value (whichever comes first in the
 * text), then operand counts, then :values of a type the operator does not take, then
 * operands that must be distinct, then each function's own rules (a document path, an
 * attribute type name, BETWEEN bounds). DynamoDB Local's OperatorValidator checks an
 * operator's operands in this order; dynalite agrees where it checks both.
 */
const LEAF_PRIORITY = ["nameOrValue", "operand", "type", "distinct", "function"] as const;

type GlobalCategory = (typeof PRIORITY)[number];
type LeafSlot = (typeof LEAF_PRIORITY)[number];

/**
 * Where a condition's errors go. Syntax-level ones (redundant parentheses, function names
 * and uses, reserved words) are ranked over the whole expression. The others are decided
 * one simple condition at a time, in the order they are written: the first simple
 * condition with an error reports it, whatever comes after (dynalite's condition grammar,
 * whose tests were checked against DynamoDB: "a = a AND #a = b AND :views > a" reports
 * the non-distinct operands although :views is undefined, "attribute_type(a, size(a)) and
 * a=a" the operand type, "begins_with(:hello, #a, #b)" the undefined :hello; DynamoDB
 * Local's ExpressionValidator validates the tree node by node and stops at the first
 * error, which agrees).
 */
class ConditionErrors implements ErrorSink<Category> {
  readonly global = new ErrorCollector<GlobalCategory>();
  private leaf: ErrorCollector<LeafSlot> | undefined;

  add(category: Category, message: string): void {
    switch (category) {
      case "parens":
      case "unknownFunction":
      case "misusedFunction":
      case "reserved":
        this.global.add(category, message);
        return;
      case "attrName":
      case "attrVal":
        return this.addLeaf("nameOrValue", message);
      default:
        return this.addLeaf(category, message);
    }
  }

  /** Runs `compile` for one simple condition, then reports its errors if it is the first to have any. */
  leafCondition<T>(compile: () => T): T {
    this.leaf = new ErrorCollector<LeafSlot>();
    try {
      return compile();
    } finally {
      const message = this.leaf.pick(LEAF_PRIORITY);
      if (message !== undefined) this.global.add("condition", message);
      this.leaf = undefined;
    }
  }

  private addLeaf(slot: LeafSlot, message: string): void {
    if (this.leaf) this.leaf.add(slot, message);
    else this.global.add("condition", message);
  }
}

/** Functions allowed in conditions and their operand counts. */
const FUNCTIONS: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

/** Functions of update expressions, which DynamoDB names as such in a condition. */
const UPDATE_FUNCTIONS: readonly string[] = ["if_not_exists", "list_append"];

/** The types `<`, `<=`, `>`, `>=` and BETWEEN compare; a :value of another type is an error. */
const ORDERED_TYPES: readonly string[] = ["N", "S", "B"];

const ATTRIBUTE_TYPES = ["S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"];
/** DynamoDB limits (Developer Guide, "Expression parameters"). */
const MAX_IN_OPERANDS = 100;
const MAX_OPERATORS = 300;

export type ConditionKind = Extract<
  ExpressionKind,
  "ConditionExpression" | "FilterExpression" | "KeyConditionExpression" | "SearchConditionExpression"
>;

export function compileCondition(text: string, kind: ConditionKind, ctx: ExpressionContext): ResolvedCondition {
  const ast = parseCondition(text, kind, { reservedWords: false });
  const compiler = new ConditionCompiler(ctx);
  const resolved = compiler.condition(ast);
  const message = compiler.errors.global.pick(PRIORITY);
  if (message !== undefined) throw validation(`Invalid ${kind}: ${message}`);
  return resolved;
}

class ConditionCompiler {
  readonly errors = new ConditionErrors();
  private operators = 0;
  /** Function calls met as operands so far (counted as operators with their condition). */
  private calls = 0;

  constructor(private readonly ctx: ExpressionContext) {}

  /**
   * Counts operators (comparators, BETWEEN, IN, AND, OR, NOT, function calls) after their
   * operands, as DynamoDB Local's ExpressionValidator does. At the 301st DynamoDB stops
   * with "operator count: 301" whatever the total (Alternator's test_limits.py quotes it
   * for an expression of 909 operators), unless an earlier simple condition already had
   * an error.
   */
  private count(operators: number): void {
    const before = this.operators;
    this.operators += operators;
    if (before <= MAX_OPERATORS && this.operators > MAX_OPERATORS) {
      this.errors.global.add(
        "condition",
        `The expression contains too many operators; operator count: ${MAX_OPERATORS + 1}`,
      );
    }
  }

  condition(node: ConditionNode): ResolvedCondition {
    switch (node.kind) {
      case "parens":
        // One pair of parentheses is fine; a pair directly around another is "redundant".
        if (node.inner.kind === "parens") this.errors.add("parens", REDUNDANT_PARENS);
        return this.condition(node.inner);
      case "and":
      case "or": {
        const left = this.condition(node.left);
        const right = this.condition(node.right);
        this.count(1);
        return { kind: node.kind, left, right };
      }
      case "not": {
        const operand = this.condition(node.operand);
        this.count(1);
        return { kind: "not", operand };
      }
      default: {
        const callsBefore = this.calls;
        const resolved = this.errors.leafCondition(() => this.leaf(node));
        this.count(this.calls - callsBefore + 1);
        return resolved;
      }
    }
  }

  private leaf(node: Exclude<ConditionNode, { kind: "and" | "or" | "not" | "parens" }>): ResolvedCondition {
    switch (node.kind) {
      case "compare": {
        this.checkOperandsNotFunctions([node.left, node.right]);
        const left = this.operand(node.left);
        const right = this.operand(node.right);
        if (node.op !== "=" && node.op !== "<>") this.checkOrdered(node.op, [left, right]);
        this.checkDistinct(node.op, left, right);
        return { kind: "compare", op: node.op, left, right };
      }
      case "between": {
        this.checkOperandsNotFunctions([node.operand, node.low, node.high]);
        const operand = this.operand(node.operand);
        const low = this.operand(node.low);
        const high = this.operand(node.high);
        this.checkOrdered("BETWEEN", [operand, low, high]);
        this.checkDistinct("BETWEEN", operand, low);
        this.checkDistinct("BETWEEN", operand, high);
        this.checkBetweenBounds(low, high);
        return { kind: "between", operand, low, high };
      }
      case "in": {
        this.checkOperandsNotFunctions([node.operand, ...node.list]);
        const operand = this.operand(node.operand);
        const list = node.list.map((o) => this.operand(o));
        if (list.length > MAX_IN_OPERANDS) {
          this.errors.add(
            "operand",
            `The IN operator is provided with too many operands; number of operands: ${list.length}`,
          );
        }
        for (const item of list) this.checkDistinct("IN", operand, item);
        return { kind: "in", operand, list };
      }
      case "function": {
        if (node.call.name === "size") {
          this.errors.add(
            "misusedFunction",
            "The function is not allowed to be used this way in an expression; function: size",
          );
        }
        const args = this.functionArgs(node.call);
        return { kind: "function", name: node.call.name, args };
      }
    }
  }

  private operand(node: OperandNode): ResolvedOperand {
    if (node.redundantParens) this.errors.add("parens", REDUNDANT_PARENS);
    if (node.kind === "call") {
      this.calls++;
      return { kind: "call", name: node.name, args: this.functionArgs(node) };
    }
    if (node.kind === "arithmetic") {
      // The condition grammar has no arithmetic; treat it as DynamoDB treats unknown syntax.
      this.errors.add("unknownFunction", `Invalid function name; function: ${node.op}`);
    }
    return resolveOperand(node, this.ctx, this.errors);
  }

  /** Checks a call's name, arity and operand types; returns its resolved arguments. */
  private functionArgs(call: CallNode): ResolvedOperand[] {
    const arity = FUNCTIONS[call.name];
    if (arity === undefined) {
      // DynamoDB Local's ASTListener: a function of the other expression kind has its own message.
      this.errors.add(
        "unknownFunction",
        UPDATE_FUNCTIONS.includes(call.name)
          ? `The function is not allowed in a condition expression; function: ${call.name}`
          : `Invalid function name; function: ${call.name}`,
      );
    }
    this.checkOperandsNotFunctions(call.args);
    const args = call.args.map((a) => this.operand(a));
    if (arity === undefined) return args;
    if (args.length !== arity) {
      this.errors.add(
        "operand",
        `Incorrect number of operands for operator or function; operator or function: ${call.name}, number of operands: ${args.length}`,
      );
      return args;
    }
    if (args.length === 2) this.checkDistinct(call.name, args[0] as ResolvedOperand, args[1] as ResolvedOperand);
    this.checkFunctionTypes(call.name, args);
    return args;
  }

  private checkFunctionTypes(name: string, args: ResolvedOperand[]): void {
    const fail = (type: string) =>
      this.errors.add(
        "type",
        `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
      );
    switch (name) {
      case "attribute_exists":
      case "attribute_not_exists":
        if (args[0]?.kind !== "path") {
          this.errors.add("function", `Operator or function requires a document path; operator or function: ${name}`);
        }
        return;
      case "begins_with":
        for (const arg of args) {
          const type = staticType(arg);
          if (type !== undefined && type !== "S" && type !== "B") return fail(type);
        }
        return;
      case "attribute_type": {
        const arg = args[1] as ResolvedOperand;
        const type = staticType(arg);
        if (type !== "S") {
          this.errors.add(
            "function",
            `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"}`,
          );
          return;
        }
        const typeName = arg.kind === "literal" && "S" in arg.value ? arg.value.S : "";
        if (!ATTRIBUTE_TYPES.includes(typeName)) {
          this.errors.add(
            "function",
            `Invalid attribute type name found; type: ${typeName}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
          );
        }
        return;
      }
      case "size": {
        const type = staticType(args[0] as ResolvedOperand);
        if (type === "N" || type === "BOOL" || type === "NULL") fail(type);
        return;
      }
      default:
        return;
    }
  }

  /**
   * `<`, `<=`, `>`, `>=` and BETWEEN order N, S and B only: a :value of another type is a
   * ValidationException (Alternator's test_update_condition_lt and friends, verified
   * against DynamoDB: `a < :oldval` with a list), while an item attribute of another type
   * just makes the condition false. The message is DynamoDB Local's OperatorValidator's.
   */
  private checkOrdered(operator: string, operands: readonly ResolvedOperand[]): void {
    for (const operand of operands) {
      const type = staticType(operand);
      if (type !== undefined && !ORDERED_TYPES.includes(type)) {
        this.errors.add(
          "type",
          `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`,
        );
        return;
      }
    }
  }

  /** Only size() may stand where an operand is expected. */
  private checkOperandsNotFunctions(operands: readonly OperandNode[]): void {
    for (const operand of operands) {
      if (operand.kind === "call" && operand.name !== "size") {
        this.errors.add(
          "misusedFunction",
          `The function is not allowed to be used this way in an expression; function: ${operand.name}`,
        );
      }
    }
  }

  /**
   * `a = a`, `begins_with(a, a)`, `a BETWEEN a AND :x`, `a IN (:x, a)`: DynamoDB refuses an
   * operator applied to one path twice (DynamoDB Local's OperatorValidator compares the
   * first operand with every later one, for every operator of two or more operands).
   */
  private checkDistinct(operator: string, left: ResolvedOperand, right: ResolvedOperand): void {
    if (left.kind !== "path" || right.kind !== "path" || left.path.length !== right.path.length) return;
    if (left.path.every((step, i) => step === right.path[i]) && left.path.length > 0) {
      this.errors.add(
        "distinct",
        `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${pathText(left.path)}`,
      );
    }
  }

  private checkBetweenBounds(low: ResolvedOperand, high: ResolvedOperand): void {
    if (low.kind !== "literal" || high.kind !== "literal") return;
    const message = betweenBoundsError(low.value, high.value);
    if (message !== undefined) this.errors.add("function", message);
  }
}

/** The type an operand is known to have before evaluation, if any. */
function staticType(operand: ResolvedOperand): string | undefined {
  if (operand.kind === "literal") return valueType(operand.value);
  if (operand.kind === "call" && operand.name === "size") return "N";
  return undefined;
}
