// PartiQL conditions, paths and SET values -> DynamoDB expression text. Every attribute
// name becomes a generated `#nK` placeholder and every value a `:vK` placeholder, so no
// user text is ever spliced into an expression; the existing operations then parse,
// validate and evaluate the expressions as they do for their own callers.
import { validation } from "../errors.js";
import type { AttributeValue } from "../types.js";
import type { Condition, Operand, Path, SetValue } from "./ast.js";
import { bindValue } from "./values.js";

/** The ExpressionAttributeNames / ExpressionAttributeValues one request accumulates. */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly byName = new Map<string, string>();
  private valueCount = 0;

  constructor(readonly parameters: readonly AttributeValue[]) {}

  name(name: string): string {
    let placeholder = this.byName.get(name);
    if (placeholder === undefined) {
      placeholder = `#n${this.byName.size}`;
      this.byName.set(name, placeholder);
      this.names[placeholder] = name;
    }
    return placeholder;
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** The members to add to a request (only those that are non-empty, as DynamoDB requires). */
  members(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    return {
      ...(this.byName.size > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export function pathText(path: Path, p: Placeholders): string {
  let out = "";
  for (const element of path.elements) {
    if (typeof element === "number") out += `[${element}]`;
    else out += (out === "" ? "" : ".") + p.name(element);
  }
  return out;
}

/** PartiQL's IS type names -> DynamoDB's attribute_type codes. */
const IS_TYPES: Record<string, string> = {
  NULL: "NULL",
  BOOLEAN: "BOOL",
  BOOL: "BOOL",
  STRING: "S",
  NUMERIC: "N",
  BLOB: "B",
  LIST: "L",
  STRUCT: "M",
  TUPLE: "M",
};

const CONDITION_FUNCTIONS: Record<string, number> = {
  begins_with: 2,
  contains: 2,
  attribute_type: 2,
  attribute_exists: 1,
  attribute_not_exists: 1,
};

export function conditionText(c: Condition, p: Placeholders): string {
  switch (c.kind) {
    case "compare":
      return `${operandText(c.left, p)} ${c.op} ${operandText(c.right, p)}`;
    case "between":
      return `${operandText(c.operand, p)} BETWEEN ${operandText(c.low, p)} AND ${operandText(c.high, p)}`;
    case "in":
      if (c.operand.kind !== "path" || c.values.length === 0) {
        throw validation(
          "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member",
        );
      }
      return `${operandText(c.operand, p)} IN (${c.values.map((v) => operandText(v, p)).join(", ")})`;
    case "and":
      return `(${conditionText(c.left, p)}) AND (${conditionText(c.right, p)})`;
    case "or":
      return `(${conditionText(c.left, p)}) OR (${conditionText(c.right, p)})`;
    case "not":
      return `NOT (${conditionText(c.operand, p)})`;
    case "is":
      return isText(c, p);
    case "function": {
      const arity = CONDITION_FUNCTIONS[c.name];
      if (arity === undefined) throw validation(`Unrecognized function: ${c.name}`);
      if (c.args.length !== arity)
        throw validation(
          `Incorrect number of operands for operator or function; operator or function: ${c.name}, number of operands: ${c.args.length}`,
        );
      return `${c.name}(${c.args.map((a) => operandText(a, p)).join(", ")})`;
    }
    case "exists":
      throw validation("EXISTS can only be used in ExecuteTransaction write requests.");
  }
}

function isText(c: Extract<Condition, { kind: "is" }>, p: Placeholders): string {
  if (c.operand.kind !== "path") {
    throw validation("The left hand side argument to IS must be a Variable Reference, Literal, or Path");
  }
  const path = pathText(c.operand, p);
  if (c.type === "MISSING") return c.negated ? `attribute_exists(${path})` : `attribute_not_exists(${path})`;
  const code = IS_TYPES[c.type];
  if (code === undefined) {
    throw validation(
      `Unsupported data type for IS operator: ${c.type}. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]`,
    );
  }
  const test = `attribute_type(${path}, ${p.value({ S: code })})`;
  return c.negated ? `NOT ${test}` : test;
}

export function operandText(o: Operand, p: Placeholders): string {
  switch (o.kind) {
    case "path":
      return pathText(o, p);
    case "call":
      if (o.name === "size" && o.args.length === 1) return `size(${operandText(o.args[0]!, p)})`;
      throw validation(`Unrecognized function: ${o.name}`);
    default:
      return p.value(bindValue(o, p.parameters));
  }
}

/** One SET assignment's right-hand side as UpdateExpression text, or an ADD / DELETE clause. */
export function setValueText(v: SetValue, p: Placeholders): string {
  if (v.kind === "arith") return `${operandText(v.left, p)} ${v.op} ${operandText(v.right, p)}`;
  const value = v.value;
  if (value.kind === "call") {
    if (value.name === "list_append" && value.args.length === 2) {
      return `list_append(${operandText(value.args[0]!, p)}, ${operandText(value.args[1]!, p)})`;
    }
    if (value.name === "if_not_exists" && value.args.length === 2) {
      return `if_not_exists(${operandText(value.args[0]!, p)}, ${operandText(value.args[1]!, p)})`;
    }
    throw validation(`Unrecognized function: ${value.name}`);
  }
  return operandText(value, p);
}
