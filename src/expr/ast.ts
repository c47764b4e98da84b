// Typed ASTs of DynamoDB's expression languages (condition/filter, key condition,
// projection, update). The peggy grammar (grammar/expressions.peggy) only calls the
// factories at the bottom of this file; names and values are resolved, and every rule
// DynamoDB enforces is checked, in later passes (src/expr/resolve.ts, validate.ts).

import type { AttributeValue } from "../types.js";

/** The kinds of expression written in condition syntax. */
export type ConditionKind =
  "ConditionExpression" | "FilterExpression" | "KeyConditionExpression" | "SearchConditionExpression";

export type ExpressionKind = ConditionKind | "ProjectionExpression" | "UpdateExpression";

/** One step of a document path: an attribute name, a #placeholder, or a [list index]. */
export type PathElement =
  { kind: "name"; name: string } | { kind: "placeholder"; name: string } | { kind: "index"; index: number };

/** A document path such as `a.#b[2].c`. The first element is never an index. */
export interface PathNode {
  kind: "path";
  elements: PathElement[];
  /**
   * Set when the operand was written inside two directly nested pairs of parentheses,
   * `((a))`: DynamoDB accepts one pair around an operand but reports redundant
   * parentheses for more. A single pair is dropped by the parser.
   */
  redundantParens?: true;
}

/** A `:value` placeholder. */
export interface ValueNode {
  kind: "value";
  name: string;
  /** See PathNode.redundantParens. */
  redundantParens?: true;
}

/**
 * A function call, as written: `begins_with(a, :v)`, `size(a)`, `if_not_exists(a, :v)`.
 * The grammar accepts any name and arity; validation decides where each is allowed.
 */
export interface CallNode {
  kind: "call";
  name: string;
  args: OperandNode[];
  /** See PathNode.redundantParens. */
  redundantParens?: true;
}

/** `left + right` / `left - right`, only in SET values. */
export interface ArithmeticNode {
  kind: "arithmetic";
  op: "+" | "-";
  left: OperandNode;
  right: OperandNode;
  /** See PathNode.redundantParens. */
  redundantParens?: true;
}

export type OperandNode = PathNode | ValueNode | CallNode | ArithmeticNode;

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type ConditionNode =
  | { kind: "compare"; op: Comparator; left: OperandNode; right: OperandNode }
  | { kind: "between"; operand: OperandNode; low: OperandNode; high: OperandNode }
  | { kind: "in"; operand: OperandNode; list: OperandNode[] }
  | { kind: "and"; left: ConditionNode; right: ConditionNode }
  | { kind: "or"; left: ConditionNode; right: ConditionNode }
  | { kind: "not"; operand: ConditionNode }
  /** A function used as a condition: attribute_exists(a), begins_with(a, :p), ... */
  | { kind: "function"; call: CallNode }
  /** Kept so validation can report DynamoDB's "redundant parentheses" error. */
  | { kind: "parens"; inner: ConditionNode };

export interface ProjectionNode {
  kind: "projection";
  paths: PathNode[];
}

export interface SetAction {
  path: PathNode;
  value: OperandNode;
}

/** ADD path value / DELETE path value. */
export interface PathValueAction {
  path: PathNode;
  value: OperandNode;
}

export type UpdateClause =
  | { kind: "SET"; actions: SetAction[] }
  | { kind: "REMOVE"; paths: PathNode[] }
  | { kind: "ADD"; actions: PathValueAction[] }
  | { kind: "DELETE"; actions: PathValueAction[] };

/** Clauses in written order; a clause written twice appears twice (validation refuses it). */
export interface UpdateNode {
  kind: "update";
  clauses: UpdateClause[];
}

// ---------------------------------------------------------------------------------------
// Factories: the only functions the grammar's actions call (passed in as parser options).
// ---------------------------------------------------------------------------------------

export const factory = {
  name: (name: string): PathElement => ({ kind: "name", name }),
  placeholder: (name: string): PathElement => ({ kind: "placeholder", name }),
  index: (index: number): PathElement => ({ kind: "index", index }),
  path: (elements: PathElement[]): PathNode => ({ kind: "path", elements }),
  value: (name: string): ValueNode => ({ kind: "value", name }),
  call: (name: string, args: OperandNode[]): CallNode => ({ kind: "call", name, args }),
  arithmetic: (op: "+" | "-", left: OperandNode, right: OperandNode): ArithmeticNode => ({
    kind: "arithmetic",
    op,
    left,
    right,
  }),
  compare: (op: Comparator, left: OperandNode, right: OperandNode): ConditionNode => ({
    kind: "compare",
    op,
    left,
    right,
  }),
  between: (operand: OperandNode, low: OperandNode, high: OperandNode): ConditionNode => ({
    kind: "between",
    operand,
    low,
    high,
  }),
  in: (operand: OperandNode, list: OperandNode[]): ConditionNode => ({ kind: "in", operand, list }),
  and: (left: ConditionNode, right: ConditionNode): ConditionNode => ({ kind: "and", left, right }),
  or: (left: ConditionNode, right: ConditionNode): ConditionNode => ({ kind: "or", left, right }),
  not: (operand: ConditionNode): ConditionNode => ({ kind: "not", operand }),
  functionCondition: (call: CallNode): ConditionNode => ({ kind: "function", call }),
  parens: (inner: ConditionNode): ConditionNode => ({ kind: "parens", inner }),
  redundantParens: <T extends OperandNode>(operand: T): T => ({ ...operand, redundantParens: true }),
  projection: (paths: PathNode[]): ProjectionNode => ({ kind: "projection", paths }),
  setClause: (actions: SetAction[]): UpdateClause => ({ kind: "SET", actions }),
  removeClause: (paths: PathNode[]): UpdateClause => ({ kind: "REMOVE", paths }),
  addClause: (actions: PathValueAction[]): UpdateClause => ({ kind: "ADD", actions }),
  deleteClause: (actions: PathValueAction[]): UpdateClause => ({ kind: "DELETE", actions }),
  setAction: (path: PathNode, value: OperandNode): SetAction => ({ path, value }),
  pathValue: (path: PathNode, value: OperandNode): PathValueAction => ({ path, value }),
  update: (clauses: UpdateClause[]): UpdateNode => ({ kind: "update", clauses }),
};

export type AstFactory = typeof factory;

// ---------------------------------------------------------------------------------------
// Resolved forms: after #names and :values are substituted (src/expr/resolve.ts).
// ---------------------------------------------------------------------------------------

/** A resolved document path: attribute names and list indexes. */
export type DocPath = (string | number)[];

export type ResolvedOperand =
  | { kind: "path"; path: DocPath }
  | { kind: "literal"; value: AttributeValue }
  | { kind: "call"; name: string; args: ResolvedOperand[] }
  | { kind: "arithmetic"; op: "+" | "-"; left: ResolvedOperand; right: ResolvedOperand };

export type ResolvedCondition =
  | { kind: "compare"; op: Comparator; left: ResolvedOperand; right: ResolvedOperand }
  | { kind: "between"; operand: ResolvedOperand; low: ResolvedOperand; high: ResolvedOperand }
  | { kind: "in"; operand: ResolvedOperand; list: ResolvedOperand[] }
  | { kind: "and"; left: ResolvedCondition; right: ResolvedCondition }
  | { kind: "or"; left: ResolvedCondition; right: ResolvedCondition }
  | { kind: "not"; operand: ResolvedCondition }
  | { kind: "function"; name: string; args: ResolvedOperand[] };

/** A validated update: actions grouped by clause, paths and values resolved. */
export interface ResolvedUpdate {
  set: { path: DocPath; value: ResolvedOperand }[];
  remove: DocPath[];
  add: { path: DocPath; value: AttributeValue }[];
  delete: { path: DocPath; value: AttributeValue }[];
}
