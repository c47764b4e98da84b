// Typed entry point to grammar/partiql.peggy: statement text -> frozen AST (with `?`
// parameters numbered 0.. in order of appearance) and the parameter count, or
// DynamoDB's ValidationException for a statement that is not well formed. Results are
// kept in a small LRU cache keyed by the statement text (the same statement is commonly
// run many times with different Parameters).
//
// DynamoDB's messages (pinned against AWS by nubo-db/dynamodb-conformance) all start
// "Statement wasn't well formed, can't be processed: " followed by a detail from its
// parser. Those reproduced here:
//   Expected data manipulation                        the text does not start with a DML keyword
//   Unexpected token after expression                 a complete statement followed by more text
//   Missing right-hand side expression of infix operator   a condition ending in AND / OR
//   Unexpected keyword                                WHERE followed by a keyword
//   Unexpected term                                   anything else (e.g. WHERE with nothing after it)
// Other details of DynamoDB's parser are not reproduced: such statements get "Unexpected term".
import { parse, SyntaxError as PeggySyntaxError } from "../../grammar/generated/partiql.js";
import { validation } from "../errors.js";
import type { AttributeValue } from "../types.js";
import { factory, type Statement, type ValueNode } from "./ast.js";

export const NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: ";

export interface Parsed {
  statement: Statement;
  /** Number of `?` parameters in the statement. */
  parameters: number;
}

export const PARAMETER_MISMATCH = "Number of parameters in request and statement don't match.";

/** Parses a statement and checks the request has a value for each `?`; throws DynamoDB's errors. */
export function prepare(text: string, parameters: readonly AttributeValue[]): Statement {
  const parsed = parseStatement(text);
  // Fewer values than `?` is refused; more are accepted (recorded against DynamoDB Local).
  if (parameters.length < parsed.parameters) throw validation(PARAMETER_MISMATCH);
  return parsed.statement;
}

const CACHE_ENTRIES = 500;
const cache = new Map<string, Parsed | string>();

/** Parses one PartiQL statement; throws ValidationException when it is not well formed. */
export function parseStatement(text: string): Parsed {
  let outcome = cache.get(text);
  if (outcome !== undefined) {
    cache.delete(text);
  } else {
    outcome = compute(text);
  }
  cache.set(text, outcome);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  if (typeof outcome === "string") throw validation(outcome);
  return outcome;
}

function compute(text: string): Parsed | string {
  let statement: Statement;
  try {
    statement = parse(text, { startRule: "Statement", factory }) as Statement;
  } catch (error) {
    if (error instanceof PeggySyntaxError) return NOT_WELL_FORMED + syntaxDetail(text);
    throw error;
  }
  const parameters = numberParameters(statement);
  return { statement: deepFreeze(statement), parameters };
}

const DML = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(select|insert|update|delete|exists|from)\b/i;
const KEYWORD =
  /^(select|from|where|and|or|not|in|between|is|missing|null|true|false|insert|into|value|update|set|remove|delete|order|by|limit|returning|exists|as|asc|desc)$/i;

function syntaxDetail(text: string): string {
  if (!DML.test(text)) return "Expected data manipulation";
  if (/\b(and|or)\s*;?\s*$/i.test(text)) return "Missing right-hand side expression of infix operator";
  const where = /\bwhere\b\s*([A-Za-z_]\w*)?/i.exec(text);
  if (where?.[1] !== undefined && KEYWORD.test(where[1]) && !CONDITION_START.test(where[1]))
    return "Unexpected keyword";
  if (prefixParses(text)) {
    // The statement parsed without its WHERE: DynamoDB reports the missing condition.
    if (where && /^\s*;?\s*$/.test(text.slice(where.index + 5))) return "Unexpected term";
    return "Unexpected token after expression";
  }
  return "Unexpected term";
}

/** Keywords that may start a condition. */
const CONDITION_START = /^(not|exists|true|false|null|missing)$/i;

/** Whether a complete statement starts the text (whatever follows it). */
function prefixParses(text: string): boolean {
  try {
    parse(text, { startRule: "Prefix", factory });
    return true;
  } catch (error) {
    if (error instanceof PeggySyntaxError) return false;
    throw error;
  }
}

/** Renumbers `?` parameters (the grammar records their text offsets) as 0, 1, ... in order. */
function numberParameters(root: Statement): number {
  const params: { index: number }[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const value = node as ValueNode;
    if (value.kind === "param") {
      params.push(value);
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(root);
  params.sort((a, b) => a.index - b.index);
  params.forEach((param, i) => (param.index = i));
  return params.length;
}

function deepFreeze<T extends object>(root: T): T {
  const stack: object[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    Object.freeze(node);
    for (const value of Object.values(node)) {
      if (typeof value === "object" && value !== null && !Object.isFrozen(value)) stack.push(value);
    }
  }
  return root;
}
