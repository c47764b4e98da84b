// Typed entry points to the expression grammar (grammar/expressions.peggy), with DynamoDB's
// errors for empty, oversized, too deeply nested and syntactically invalid expressions,
// the reserved-word check, and a bounded cache of parse results.
//
// Error texts (each thrown as a ValidationException):
//   Invalid <kind>: The expression can not be empty;
//   Invalid <kind>: Expression size has exceeded the maximum allowed size; expression size: <bytes>
//   Invalid <kind>: Syntax error; token: "<token>", near: "<text>"
//   Invalid <kind>: Attribute name is a reserved keyword; reserved keyword: <name>
//   Invalid <kind>: The expression has too many nested parentheses; nesting depth: <n>, maximum: <max>
// The last one is this engine's own (DynamoDB documents no nesting limit); see MAX_NESTING.

import { parse, SyntaxError as PeggySyntaxError } from "../../grammar/generated/expressions.js";
import {
  factory,
  type ConditionKind,
  type ConditionNode,
  type ExpressionKind,
  type ProjectionNode,
  type UpdateNode,
} from "./ast.js";
import { validation } from "../errors.js";
import { firstReservedName, reservedWordReason } from "./reserved-words.js";

/** DynamoDB's limit on any expression string, in UTF-8 bytes. */
export const MAX_EXPRESSION_BYTES = 4096;

/**
 * Deepest parenthesis nesting handed to the parser: this engine's limit, as DynamoDB
 * documents none. The generated parser recurses two stack frames per level of
 * parenthesised conditions and one or two per nested call or operand pair; in workerd it
 * ran out of stack at about 2300 levels of `((((a<b))))`, so a pre-scan refuses more
 * than 1024 levels before parsing, leaving room for a deeper caller. DynamoDB parses
 * anything within 4096 bytes (ScyllaDB Alternator's test_limits.py: 2046 levels of
 * `((a<b))` are "redundant parentheses", `a < f(f(...))` 1355 deep an "invalid function
 * name"), but nothing nested that deep is valid there: every level needs an operator (300
 * at most per expression), a redundant pair of parentheses, or a call (only if_not_exists
 * nests validly, about 150 levels in 4 KB). So only the message for an
 * already invalid expression differs. Brackets never nest in the grammar (`a[[1]]` fails
 * at the second `[`) and NOT runs are read in a loop, so neither is counted.
 */
export const MAX_NESTING = 1024;

/** Entries kept per start rule by the parse cache. */
export const CACHE_ENTRIES = 1000;

export interface ParseOptions {
  /**
   * Refuse attribute names that are reserved words (default true). A caller that reports
   * DynamoDB's errors in its own priority order (for conditions, redundant parentheses
   * and bad functions come before reserved words) passes false and checks them itself
   * with checkReservedWords / firstReservedName.
   */
  reservedWords?: boolean;
}

/**
 * Parses a ConditionExpression, FilterExpression or KeyConditionExpression (the last is
 * condition syntax; key rules are validated later). The AST comes from a shared cache
 * and is deeply frozen: never mutate it (copy it instead). Same for the functions below.
 */
export function parseCondition(text: string, kind: ConditionKind, options?: ParseOptions): ConditionNode {
  const rule = kind === "KeyConditionExpression" ? "KeyCondition" : "Condition";
  return parseWith(rule, text, kind, options) as ConditionNode;
}

/** Parses a KeyConditionExpression. */
export function parseKeyCondition(text: string, options?: ParseOptions): ConditionNode {
  return parseWith("KeyCondition", text, "KeyConditionExpression", options) as ConditionNode;
}

/** Parses a ProjectionExpression. */
export function parseProjection(text: string, options?: ParseOptions): ProjectionNode {
  return parseWith("Projection", text, "ProjectionExpression", options) as ProjectionNode;
}

/** Parses an UpdateExpression; a clause written twice appears twice. */
export function parseUpdate(text: string, options?: ParseOptions): UpdateNode {
  return parseWith("Update", text, "UpdateExpression", options) as UpdateNode;
}

// ---------------------------------------------------------------------------------------

type StartRule = "Condition" | "KeyCondition" | "Projection" | "Update";
type Ast = ConditionNode | ProjectionNode | UpdateNode;

/**
 * A cached parse result: the frozen AST and its first reserved attribute name, or the
 * error text after "Invalid <kind>: " (the kind differs between callers of one rule).
 */
type Outcome = { ast: Ast; reserved: string | undefined; reason?: undefined } | { ast?: undefined; reason: string };

/** A small LRU map: Map keeps insertion order, so a hit is moved to the end. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

const caches: Record<StartRule, Lru<Outcome>> = {
  Condition: new Lru(CACHE_ENTRIES),
  KeyCondition: new Lru(CACHE_ENTRIES),
  Projection: new Lru(CACHE_ENTRIES),
  Update: new Lru(CACHE_ENTRIES),
};

/** For tests: the number of cached results per start rule, and a way to empty them. */
export const parseCache = {
  size: (rule: StartRule): number => caches[rule].size,
  clear: (): void => Object.values(caches).forEach((cache) => cache.clear()),
};

function parseWith(rule: StartRule, text: string, kind: ExpressionKind, options: ParseOptions | undefined): Ast {
  // Empty and oversized expressions are refused before the cache, so no key is longer
  // than the size limit.
  if (isBlank(text)) throw validation(`Invalid ${kind}: The expression can not be empty;`);
  const size = utf8Length(text);
  if (size > MAX_EXPRESSION_BYTES) {
    throw validation(
      `Invalid ${kind}: Expression size has exceeded the maximum allowed size; expression size: ${size}`,
    );
  }
  const cache = caches[rule];
  let outcome = cache.get(text);
  if (outcome === undefined) {
    outcome = compute(rule, text);
    cache.set(text, outcome);
  }
  if (outcome.reason !== undefined) throw validation(`Invalid ${kind}: ${outcome.reason}`);
  if (outcome.reserved !== undefined && options?.reservedWords !== false) {
    throw validation(`Invalid ${kind}: ${reservedWordReason(outcome.reserved)}`);
  }
  return outcome.ast;
}

/** Parses and finds the first reserved word (checkReservedWords, split for the cache). */
function compute(rule: StartRule, text: string): Outcome {
  const depth = nesting(text);
  if (depth > MAX_NESTING) {
    return {
      reason: `The expression has too many nested parentheses; nesting depth: ${depth}, maximum: ${MAX_NESTING}`,
    };
  }
  let ast: Ast;
  try {
    ast = parse(text, { startRule: rule, factory }) as Ast;
  } catch (error) {
    if (error instanceof PeggySyntaxError) return { reason: syntaxError(text, error.location.start.offset) };
    throw error;
  }
  return { ast: deepFreeze(ast), reserved: firstReservedName(ast) };
}

/** Whitespace as the grammar knows it: space, tab, CR, LF. */
function isBlank(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}

/** UTF-8 byte length without allocating an encoded copy. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Deepest `(` nesting, counting unmatched `)` as closing nothing. */
function nesting(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x28) {
      depth++;
      if (depth > max) max = depth;
    } else if (unit === 0x29 && depth > 0) depth--;
  }
  return max;
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

// ---------------------------------------------------------------------------------------
// Syntax errors, the way DynamoDB words them.
//
// DynamoDB tokenises the expression and reports the first token its parser cannot accept:
// `token` is that token's text (`<EOF>` at the end), `near` the source text from the start
// of the token before it to the end of the token after it (whitespace between them kept
// as written). Observed messages this reproduces, from threads quoting DynamoDB:
//   "SET _123 = :val1"  -> token: "_", near: "SET _123"      (`_` cannot start a name)
//   "ADD hits : incr"   -> token: ":", near: "hits : incr"   (`:` needs a name after it)
//   "a = = b"           -> token: "=", near: "= = b"
//   "now()"             -> token: ")", near: "()"            (a call needs an argument)
//   "!!! INVALID !!!"   -> token: "!", near: "!!"
//   "a b"               -> token: "b", near: "a b"
//   "attribute_not_exists(" -> token: "<EOF>", near: "("
//   "SET #a = :a, #b = :b," -> token: "<EOF>", near: ","
// The parser reports the offset of the furthest token it expected and did not find (the
// grammar gives every token rule a display name, so the offset is always a token start);
// the tokenizer below splits the text as DynamoDB's lexer does to name that token.
// ---------------------------------------------------------------------------------------

interface Token {
  start: number;
  end: number;
}

function syntaxError(text: string, offset: number): string {
  const tokens = tokenize(text);
  let at = tokens.findIndex((token) => token.end > offset);
  if (at === -1) at = tokens.length; // end of input
  const eof: Token = { start: text.length, end: text.length };
  const token = tokens[at] ?? eof;
  const from = at > 0 ? tokens[at - 1]!.start : token.start;
  const to = at < tokens.length ? (tokens[at + 1] ?? eof).end : eof.end;
  const shown = at < tokens.length ? text.slice(token.start, token.end) : "<EOF>";
  return `Syntax error; token: "${shown}", near: "${text.slice(from, to)}"`;
}

const WHITESPACE = /[ \t\r\n]/;
const NAME_START = /[A-Za-z]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/**
 * Splits text into DynamoDB's tokens: names, #names and :values, integers, the two-char
 * comparators, and any other single character (an invalid one is a token of its own).
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const run = (from: number, pattern: RegExp): number => {
    let j = from;
    while (j < text.length && pattern.test(text[j]!)) j++;
    return j;
  };
  while (i < text.length) {
    const c = text[i]!;
    let end: number;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    } else if (NAME_START.test(c)) end = run(i + 1, NAME_PART);
    else if (DIGIT.test(c)) end = run(i + 1, DIGIT);
    else if (c === "#" || c === ":") end = Math.max(run(i + 1, NAME_PART), i + 1);
    else if ((c === "<" && (text[i + 1] === ">" || text[i + 1] === "=")) || (c === ">" && text[i + 1] === "=")) {
      end = i + 2;
    } else end = i + String.fromCodePoint(text.codePointAt(i)!).length;
    tokens.push({ start: i, end });
    i = end;
  }
  return tokens;
}
