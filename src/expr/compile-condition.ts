// Condition and filter expressions: parse, resolve and validate into a ResolvedCondition,
// with DynamoDB's rules and messages. Errors are collected by category and the one with
// the highest priority is reported ("Invalid ConditionExpression: ...").
import { validation } from "../errors";
import type { CallNode, ConditionNode, OperandNode, ResolvedCondition, ResolvedOperand } from "./ast";
import type { ExpressionContext, ExpressionKind } from "./context";
import { betweenBoundsError } from "./evaluate";
import { parseCondition } from "./parse";
import { ErrorCollector, pathText, REDUNDANT_PARENS, resolveOperand, valueType, type ResolveCategory } from "./resolve";

type Category =
  | ResolveCategory
  | "parens"
  | "unknownFunction"
  | "misusedFunction"
  | "tooManyOperators"
  | "operand"
  | "distinct"
  | "function";

/** DynamoDB's priority among the errors one condition can have. */
const PRIORITY: readonly Category[] = [
  "tooManyOperators",
  "parens",
  "unknownFunction",
  "misusedFunction",
  "reserved",
  "attrName",
  "attrVal",
  "operand",
  "distinct",
  "function",
];

/** Functions allowed in conditions and their operand counts. */
const FUNCTIONS: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

const ATTRIBUTE_TYPES = ["S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"];
/** DynamoDB limits (Developer Guide, "Expression parameters"). */
const MAX_IN_OPERANDS = 100;
const MAX_OPERATORS = 300;

export type ConditionKind = Extract<
  ExpressionKind,
  "ConditionExpression" | "FilterExpression" | "KeyConditionExpression"
>;

export function compileCondition(text: string, kind: ConditionKind, ctx: ExpressionContext): ResolvedCondition {
  const ast = parseCondition(text, kind, { reservedWords: false });
  const compiler = new ConditionCompiler(ctx);
  const resolved = compiler.condition(ast);
  if (compiler.operators > MAX_OPERATORS) {
    compiler.errors.add(
      "tooManyOperators",
      `The expression contains too many operators; operator count: ${compiler.operators}`,
    );
  }
  const message = compiler.errors.pick(PRIORITY);
  if (message !== undefined) throw validation(`Invalid ${kind}: ${message}`);
  return resolved;
}

class ConditionCompiler {
  readonly errors = new ErrorCollector<Category>();
  operators = 0;

  constructor(private readonly ctx: ExpressionContext) {}

  condition(node: ConditionNode): ResolvedCondition {
    switch (node.kind) {
      case "parens":
        // One pair of parentheses is fine; a pair directly around another is "redundant".
        if (node.inner.kind === "parens") this.errors.add("parens", REDUNDANT_PARENS);
        return this.condition(node.inner);
      case "and":
      case "or":
        this.operators++;
        return { kind: node.kind, left: this.condition(node.left), right: this.condition(node.right) };
      case "not":
        this.operators++;
        return { kind: "not", operand: this.condition(node.operand) };
      case "compare": {
        this.operators++;
        this.checkOperandsNotFunctions([node.left, node.right]);
        const left = this.operand(node.left);
        const right = this.operand(node.right);
        this.checkDistinct(node.op, left, right);
        return { kind: "compare", op: node.op, left, right };
      }
      case "between": {
        this.operators++;
        this.checkOperandsNotFunctions([node.operand, node.low, node.high]);
        const operand = this.operand(node.operand);
        const low = this.operand(node.low);
        const high = this.operand(node.high);
        this.checkBetweenBounds(low, high);
        return { kind: "between", operand, low, high };
      }
      case "in": {
        this.operators++;
        this.checkOperandsNotFunctions([node.operand, ...node.list]);
        if (node.list.length > MAX_IN_OPERANDS) {
          this.errors.add(
            "operand",
            `The IN operator is provided with too many operands; number of operands: ${node.list.length}`,
          );
        }
        return { kind: "in", operand: this.operand(node.operand), list: node.list.map((o) => this.operand(o)) };
      }
      case "function": {
        this.operators++;
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
      this.operators++;
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
      this.errors.add("unknownFunction", `Invalid function name; function: ${call.name}`);
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
        "function",
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
        if (type !== "S") return fail(type ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
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

  /** `a = a`, `begins_with(a, a)`: DynamoDB refuses an operator applied to one path twice. */
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
