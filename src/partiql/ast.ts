// The AST of DynamoDB's PartiQL dialect, built by grammar/partiql.peggy through `factory`
// (the grammar's actions do nothing else). Discriminated unions throughout; every check
// DynamoDB makes beyond syntax happens in the planner (./plan-*.ts).
import type { AttributeValue } from "../types.js";

/** A document path: a top-level name, then map keys (strings) and list indexes (numbers). */
export interface Path {
  kind: "path";
  elements: (string | number)[];
}

/** A value written in the statement: a literal, a `?` parameter, or a collection of them. */
export type ValueNode =
  | { kind: "literal"; value: AttributeValue }
  /** A number literal, kept as written until bound (DynamoDB's number rules apply then). */
  | { kind: "number"; text: string }
  | { kind: "param"; index: number }
  | { kind: "list"; items: ValueNode[] }
  | { kind: "map"; entries: { key: string; value: ValueNode }[] }
  | { kind: "bag"; items: ValueNode[] };

export type Operand = Path | ValueNode | { kind: "call"; name: string; args: Operand[] };

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Condition =
  | { kind: "compare"; op: Comparator; left: Operand; right: Operand }
  | { kind: "between"; operand: Operand; low: Operand; high: Operand }
  | { kind: "in"; operand: Operand; values: Operand[] }
  | { kind: "and"; left: Condition; right: Condition }
  | { kind: "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "is"; operand: Operand; type: string; negated: boolean }
  | { kind: "function"; name: string; args: Operand[] }
  /** EXISTS(SELECT ...): a condition check, only in ExecuteTransaction writes. */
  | { kind: "exists"; select: SelectStatement };

/** FROM "table" or "table"."index", and an alias when one was written (DynamoDB refuses it). */
export interface Source {
  table: string;
  index: string | undefined;
  /** Extra path components after the index (refused: at most 2). */
  extra: number;
  alias: boolean;
}

export interface OrderKey {
  path: Path;
  descending: boolean;
}

export interface SelectStatement {
  kind: "select";
  /** undefined for `*`. */
  projection: Path[] | undefined;
  source: Source;
  where: Condition | undefined;
  orderBy: OrderKey[];
  /** Clauses DynamoDB parses but does not support (LIMIT, ...). */
  unsupported: string | undefined;
}

export interface InsertStatement {
  kind: "insert";
  source: Source;
  value: ValueNode;
  /** A RETURNING clause was written (DynamoDB refuses it on INSERT). */
  returning: boolean;
}

export type SetValue =
  { kind: "value"; value: Operand } | { kind: "arith"; op: "+" | "-"; left: Operand; right: Operand };

export type UpdateAction = { kind: "set"; path: Path; value: SetValue } | { kind: "remove"; path: Path };

export type Returning = "ALL OLD" | "ALL NEW" | "MODIFIED OLD" | "MODIFIED NEW";

export interface UpdateStatement {
  kind: "update";
  source: Source;
  actions: UpdateAction[];
  where: Condition | undefined;
  returning: Returning | undefined;
}

export interface DeleteStatement {
  kind: "delete";
  source: Source;
  where: Condition | undefined;
  returning: Returning | undefined;
}

/** EXISTS(SELECT ...) written as a statement: a condition check in ExecuteTransaction. */
export interface ExistsStatement {
  kind: "exists";
  select: SelectStatement;
}

export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

/** What the grammar's actions call; nothing else builds AST nodes. */
export const factory = {
  path: (head: string, rest: (string | number)[]): Path => ({ kind: "path", elements: [head, ...rest] }),
  string: (value: string): ValueNode => ({ kind: "literal", value: { S: value } }),
  number: (text: string): ValueNode => ({ kind: "number", text }),
  boolean: (value: boolean): ValueNode => ({ kind: "literal", value: { BOOL: value } }),
  null: (): ValueNode => ({ kind: "literal", value: { NULL: true } }),
  param: (index: number): ValueNode => ({ kind: "param", index }),
  list: (items: ValueNode[]): ValueNode => ({ kind: "list", items }),
  map: (entries: { key: string; value: ValueNode }[]): ValueNode => ({ kind: "map", entries }),
  bag: (items: ValueNode[]): ValueNode => ({ kind: "bag", items }),
  call: (name: string, args: Operand[]): Operand => ({ kind: "call", name, args }),
  compare: (op: Comparator, left: Operand, right: Operand): Condition => ({ kind: "compare", op, left, right }),
  between: (operand: Operand, low: Operand, high: Operand, negated: boolean): Condition =>
    negate({ kind: "between", operand, low, high }, negated),
  in: (operand: Operand, values: Operand[], negated: boolean): Condition =>
    negate({ kind: "in", operand, values }, negated),
  and: (left: Condition, right: Condition): Condition => ({ kind: "and", left, right }),
  or: (left: Condition, right: Condition): Condition => ({ kind: "or", left, right }),
  not: (operand: Condition): Condition => ({ kind: "not", operand }),
  is: (operand: Operand, type: string, negated: boolean): Condition => ({ kind: "is", operand, type, negated }),
  function: (name: string, args: Operand[]): Condition => ({ kind: "function", name, args }),
  exists: (select: SelectStatement): Condition => ({ kind: "exists", select }),
  existsStatement: (select: SelectStatement): ExistsStatement => ({ kind: "exists", select }),
  source: (table: string, index: string | undefined, extra: number, alias: boolean): Source => ({
    table,
    index,
    extra,
    alias,
  }),
  select: (
    projection: Path[] | undefined,
    source: Source,
    where: Condition | undefined,
    orderBy: OrderKey[],
    unsupported: string | undefined,
  ): SelectStatement => ({ kind: "select", projection, source, where, orderBy, unsupported }),
  insert: (source: Source, value: ValueNode, returning: boolean): InsertStatement => ({
    kind: "insert",
    source,
    value,
    returning,
  }),
  set: (path: Path, value: SetValue): UpdateAction => ({ kind: "set", path, value }),
  remove: (path: Path): UpdateAction => ({ kind: "remove", path }),
  value: (value: Operand): SetValue => ({ kind: "value", value }),
  arith: (op: "+" | "-", left: Operand, right: Operand): SetValue => ({ kind: "arith", op, left, right }),
  update: (
    source: Source,
    actions: UpdateAction[],
    where: Condition | undefined,
    returning: Returning | undefined,
  ): UpdateStatement => ({ kind: "update", source, actions, where, returning }),
  delete: (source: Source, where: Condition | undefined, returning: Returning | undefined): DeleteStatement => ({
    kind: "delete",
    source,
    where,
    returning,
  }),
};

export type PartiqlFactory = typeof factory;

function negate(condition: Condition, negated: boolean): Condition {
  return negated ? { kind: "not", operand: condition } : condition;
}
