// Application of a resolved UpdateExpression to an item (UpdateItem), and the
// ReturnValues UPDATED_OLD / UPDATED_NEW projections.
//
// DynamoDB's rules, with sources (AWS Developer Guide, "Update expressions"; ScyllaDB
// Alternator's test_update_expression.py and test_returnvalues.py, verified against
// DynamoDB; dynalite; moto; emulator reports verified against AWS where noted):
// - Every right-hand side, and every ADD/DELETE, reads the item as it was BEFORE the
//   update: "SET x = :v, y = x" reads the old x, "REMOVE a SET b = a" copies the old a
//   (test_update_expression_set_copy, test_update_expression_multi_with_copy).
// - List indexes in one update all refer to the original list: "REMOVE a[1] SET a[3] = :v"
//   on [2,3,4,5,6,7] gives [2,4,:v,6,7] (test_update_expression_nested_remove_list_item_original_number).
//   That holds here because writes (SET, ADD, DELETE leaving a set) are applied first in
//   ascending path order, then removals in descending path order, each checked against
//   the original item. Validation has already refused overlapping and conflicting paths,
//   so no two actions touch the same value.
// - SET to an index past the end of a list appends, several such in index order
//   (test_nested_attribute_update_array_out_of_bounds); SET below a missing or mistyped
//   parent is "The document path provided in the update expression is invalid for update".
// - REMOVE of something missing is a no-op (also an index past the end); below a missing
//   or mistyped parent it is the invalid-path error, except that DynamoDB ignores it
//   entirely when the item does not exist (test_nested_attribute_remove_from_missing_item).
// - A path on the right-hand side that does not exist: "The provided expression refers
//   to an attribute that does not exist in the item" (test_update_expression_set_copy;
//   list_append of a missing attribute: floci PR #1702, verified against AWS).
// - `+`/`-` on non-numbers, list_append of a non-list, ADD to something that is neither a
//   number nor a set (or with a value of another type), DELETE from something that is not
//   a set of the value's type: "An operand in the update expression has an incorrect data
//   type" (Alternator's test_update_expression_add_numbers; floci PR #1702 for
//   list_append of a NULL attribute, verified against AWS). The same mistakes with
//   literal operands are refused earlier by validation ("Incorrect operand type ...").
// - Arithmetic is exact; a result needing more than 38 digits or out of range is the
//   number module's ValidationException (src/values/number.ts).
// - ADD to a missing attribute creates it (a number as if added to 0, a set as given);
//   sets union without duplicates. DELETE removes members; a set left empty removes the
//   attribute (or list element); DELETE of a missing attribute is a no-op
//   (test_update_expression_delete_sets).
// - Key attributes cannot be updated: "One or more parameter values were invalid: Cannot
//   update attribute p. This attribute is part of the key" (moto, and users quoting DynamoDB).
// - An update of a missing item creates it only if it writes something: SET or ADD. REMOVE
//   and DELETE alone leave no item (test_update_item_returnvalues_all_new).
import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { compareStrings, setMemberKey } from "../values/compare.js";
import { addNumbers, normalizeNumber, subtractNumbers } from "../values/number.js";
import type { DocPath, ResolvedOperand, ResolvedUpdate } from "./ast.js";
import { INVALID_UPDATE_PATH_MESSAGE, getPath, parentIsValid, projectPaths, removePath, setPath } from "./document.js";

export const INCORRECT_DATA_TYPE_MESSAGE = "An operand in the update expression has an incorrect data type";
export const MISSING_ATTRIBUTE_MESSAGE =
  "The provided expression refers to an attribute that does not exist in the item";
export const keyAttributeUpdateMessage = (name: string): string =>
  `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`;

const incorrectDataType = () => validation(INCORRECT_DATA_TYPE_MESSAGE);

/**
 * The value of a SET right-hand side, read from `item` as it was before the update
 * (undefined: the item does not exist). Throws DynamoDB's ValidationExceptions.
 */
export function evaluateUpdateOperand(operand: ResolvedOperand, item: Item | undefined): AttributeValue {
  switch (operand.kind) {
    case "literal":
      return operand.value;
    case "path": {
      const value = getPath(item, operand.path);
      if (value === undefined) throw validation(MISSING_ATTRIBUTE_MESSAGE);
      return value;
    }
    case "arithmetic": {
      const left = evaluateUpdateOperand(operand.left, item);
      const right = evaluateUpdateOperand(operand.right, item);
      if (!("N" in left) || !("N" in right)) throw incorrectDataType();
      return { N: operand.op === "+" ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
    case "call": {
      const [first, second] = operand.args;
      if (operand.name === "if_not_exists" && operand.args.length === 2 && first && second) {
        if (first.kind !== "path") {
          throw validation(
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists",
          );
        }
        // The fallback is only evaluated when needed: a missing path there is no error
        // while the first one exists.
        return getPath(item, first.path) ?? evaluateUpdateOperand(second, item);
      }
      if (operand.name === "list_append" && operand.args.length === 2 && first && second) {
        const a = evaluateUpdateOperand(first, item);
        const b = evaluateUpdateOperand(second, item);
        if (!("L" in a) || !("L" in b)) throw incorrectDataType();
        return { L: [...a.L, ...b.L] };
      }
      throw validation(`Invalid UpdateExpression: Invalid function name; function: ${operand.name}`);
    }
  }
}

type SetType = "SS" | "NS" | "BS";

function setOf(value: AttributeValue): { type: SetType; members: string[] } | undefined {
  if ("SS" in value) return { type: "SS", members: value.SS };
  if ("NS" in value) return { type: "NS", members: value.NS };
  if ("BS" in value) return { type: "BS", members: value.BS };
  return undefined;
}

function makeSet(type: SetType, members: string[]): AttributeValue {
  if (type === "SS") return { SS: members };
  if (type === "NS") return { NS: members };
  return { BS: members };
}

/** Members of `set` (in their order) then those of `more` not already there, without duplicates. */
function union(type: SetType, set: readonly string[], more: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const member of [...set, ...more]) {
    const key = setMemberKey(type, member);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(type === "NS" ? key : member);
  }
  return out;
}

/** ADD `value` to `current` (undefined: missing). */
function addTo(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  const valueSet = setOf(value);
  if (current === undefined) {
    if ("N" in value) return { N: normalizeNumber(value.N) };
    if (valueSet) return makeSet(valueSet.type, union(valueSet.type, [], valueSet.members));
    throw incorrectDataType();
  }
  if ("N" in current) {
    if (!("N" in value)) throw incorrectDataType();
    return { N: addNumbers(current.N, value.N) };
  }
  const currentSet = setOf(current);
  if (!currentSet || !valueSet || currentSet.type !== valueSet.type) throw incorrectDataType();
  return makeSet(currentSet.type, union(currentSet.type, currentSet.members, valueSet.members));
}

/** DELETE `value`'s members from the set `current`; undefined when nothing is left. */
function deleteFrom(current: AttributeValue, value: AttributeValue): AttributeValue | undefined {
  const currentSet = setOf(current);
  const valueSet = setOf(value);
  if (!currentSet || !valueSet || currentSet.type !== valueSet.type) throw incorrectDataType();
  const type = currentSet.type;
  const removed = new Set(valueSet.members.map((m) => setMemberKey(type, m)));
  const left = currentSet.members.filter((m) => !removed.has(setMemberKey(type, m)));
  return left.length === 0 ? undefined : makeSet(type, left);
}

/** Path order: component by component, indexes numerically and before names. */
function comparePaths(a: DocPath, b: DocPath): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return compareStrings(x, y);
  }
  return a.length - b.length;
}

/** Every path an update names, in clause order: SET, REMOVE, ADD, DELETE. */
export function updatePaths(update: ResolvedUpdate): DocPath[] {
  return [
    ...update.set.map((a) => a.path),
    ...update.remove,
    ...update.add.map((a) => a.path),
    ...update.delete.map((a) => a.path),
  ];
}

export interface UpdateOutcome {
  /**
   * The item after the update: a new object sharing unmodified subtrees with the input
   * (which is never modified). For an item that did not exist, only what the update
   * wrote: the caller adds the key attributes.
   */
  item: Item;
  /** Whether the item exists after the update (false: it did not exist and the update only removed). */
  exists: boolean;
  /** Top-level attributes named by the update's actions, without repeats, in the order first named. */
  changedAttributes: string[];
}

/**
 * Applies `update` to `item` (undefined: no item with that key) as DynamoDB's UpdateItem
 * does; see the rules at the top of this file. `keyNames` are the table's key attribute
 * names, which no action may name (checked first, before anything is read).
 */
export function applyUpdate(
  item: Item | undefined,
  update: ResolvedUpdate,
  keyNames: readonly string[],
): UpdateOutcome {
  const paths = updatePaths(update);
  const changedAttributes: string[] = [];
  for (const path of paths) {
    const name = path[0];
    if (typeof name !== "string") throw validation(INVALID_UPDATE_PATH_MESSAGE);
    if (keyNames.includes(name)) throw validation(keyAttributeUpdateMessage(name));
    if (!changedAttributes.includes(name)) changedAttributes.push(name);
  }

  const original: Item = item ?? {};
  const writes: { path: DocPath; value: AttributeValue }[] = [];
  const removals: DocPath[] = [];

  // Everything is computed from the original item before anything is applied.
  for (const action of update.set) writes.push({ path: action.path, value: evaluateUpdateOperand(action.value, item) });
  for (const action of update.add) {
    if (!parentIsValid(original, action.path)) throw validation(INVALID_UPDATE_PATH_MESSAGE);
    writes.push({ path: action.path, value: addTo(getPath(original, action.path), action.value) });
  }
  for (const action of update.delete) {
    // Like REMOVE, DELETE on an item that does not exist has nothing to do (not confirmed
    // against DynamoDB for a nested path).
    if (item === undefined) continue;
    if (!parentIsValid(original, action.path)) throw validation(INVALID_UPDATE_PATH_MESSAGE);
    const current = getPath(original, action.path);
    if (current === undefined) continue;
    const remaining = deleteFrom(current, action.value);
    if (remaining === undefined) removals.push(action.path);
    else writes.push({ path: action.path, value: remaining });
  }
  if (item !== undefined) removals.push(...update.remove);

  let result = original;
  // Ascending order: several appends to one list land in index order.
  for (const { path, value } of [...writes].sort((a, b) => comparePaths(a.path, b.path))) {
    result = setPath(result, path, value);
  }
  // Descending order: removing a list element never shifts one still to be removed.
  for (const path of [...removals].sort((a, b) => comparePaths(b, a))) {
    if (getPath(original, path) !== undefined) {
      result = removePath(result, path);
    } else if (!parentIsValid(original, path)) {
      throw validation(INVALID_UPDATE_PATH_MESSAGE);
    }
  }

  const exists = item !== undefined || update.set.length > 0 || update.add.length > 0;
  return { item: result, exists, changedAttributes };
}

/**
 * ReturnValues UPDATED_OLD and UPDATED_NEW of an update: the old and the new item
 * projected on the paths the update names, so only the updated nested parts, inside
 * their enclosing maps and lists (Alternator's test_update_item_returnvalues_nested,
 * verified against DynamoDB: SET a.b returns {a: {b: ..}}, SET a.c[1] returns
 * {a: {c: [..]}}). A consequence DynamoDB shares: what an action created but not at its
 * path (SET a[100] appending) or removed is absent from UPDATED_NEW, and after REMOVE
 * a[1] UPDATED_NEW shows the element that moved into a[1]. An empty result means the
 * response has no Attributes member.
 */
export function updatedAttributes(
  oldItem: Item | undefined,
  newItem: Item | undefined,
  update: ResolvedUpdate,
): { updatedOld: Item; updatedNew: Item } {
  const paths = updatePaths(update);
  return {
    updatedOld: oldItem ? projectPaths(oldItem, paths) : {},
    updatedNew: newItem ? projectPaths(newItem, paths) : {},
  };
}
