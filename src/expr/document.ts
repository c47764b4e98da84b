// Document paths over items: reading (conditions, filters, update right-hand sides),
// projecting (ProjectionExpression, ReturnValues UPDATED_OLD/UPDATED_NEW) and writing
// (UpdateExpression SET/REMOVE).
//
// Every function here is pure: items and values are never modified. `setPath` and
// `removePath` copy only the containers along the path and share every untouched
// subtree with their input, so results must be treated as immutable too (the engine
// stores items as JSON and never mutates them in place).
//
// Attribute names are arbitrary strings ("__proto__", "constructor"...), so reads go
// through Object.hasOwn and writes through defineProperty, never `obj[name] = v`.
import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import type { DocPath } from "./ast.js";

/**
 * DynamoDB's message when an update writes below something that is missing or of the
 * wrong type: SET a.b with no map `a`, SET a[0] on a string, REMOVE a.b.c with no `a.b`
 * (Alternator's test_nested_attribute_update_bad_path_dot/_array, which quote DynamoDB).
 */
export const INVALID_UPDATE_PATH_MESSAGE = "The document path provided in the update expression is invalid for update";

type MapValue = Record<string, AttributeValue>;

function own(map: MapValue, name: string): AttributeValue | undefined {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}

/** Sets an own member; "__proto__" too, as data, without touching the prototype. */
function setOwn(map: MapValue, name: string, value: AttributeValue): void {
  if (name === "__proto__") {
    Object.defineProperty(map, name, { value, writable: true, enumerable: true, configurable: true });
  } else {
    map[name] = value;
  }
}

/** A copy of `map` with `name` set to `value` (in place if present, added last if new). */
function withMember(map: MapValue, name: string, value: AttributeValue): MapValue {
  // Spread copies own members as data properties ("__proto__" included) in key order.
  const out: MapValue = { ...map };
  setOwn(out, name, value);
  return out;
}

function withoutMember(map: MapValue, name: string): MapValue {
  const out: MapValue = {};
  for (const key of Object.keys(map)) if (key !== name) setOwn(out, key, map[key] as AttributeValue);
  return out;
}

/**
 * The value at `path`, or undefined when the item is missing, any step is missing, or a
 * step does not fit the value's type (a name on a non-map, an index on a non-list).
 */
export function getPath(item: Item | undefined, path: DocPath): AttributeValue | undefined {
  if (item === undefined || path.length === 0) return undefined;
  const [first, ...rest] = path;
  if (typeof first !== "string") return undefined;
  let current = own(item, first);
  for (const step of rest) {
    if (current === undefined) return undefined;
    if (typeof step === "string") {
      current = "M" in current ? own(current.M, step) : undefined;
    } else {
      current = "L" in current ? current.L[step] : undefined;
    }
  }
  return current;
}

function invalidPath(): never {
  throw validation(INVALID_UPDATE_PATH_MESSAGE);
}

/** `container` with `path[i..]` set to `value`; see setPath. */
function setIn(container: AttributeValue, path: DocPath, i: number, value: AttributeValue): AttributeValue {
  const step = path[i] as string | number;
  const last = i === path.length - 1;
  if (typeof step === "string") {
    if (!("M" in container)) return invalidPath();
    if (last) return { M: withMember(container.M, step, value) };
    const child = own(container.M, step);
    if (child === undefined) return invalidPath();
    return { M: withMember(container.M, step, setIn(child, path, i + 1, value)) };
  }
  if (!("L" in container)) return invalidPath();
  const list = container.L;
  if (last) {
    // "If the element does not already exist, SET will append the new element at the end
    // of the list" (Developer Guide, Update expressions; Alternator's
    // test_nested_attribute_update_array_out_of_bounds).
    if (step >= list.length) return { L: [...list, value] };
    return { L: list.map((element, j) => (j === step ? value : element)) };
  }
  const child = list[step];
  if (child === undefined) return invalidPath();
  const updated = setIn(child, path, i + 1, value);
  return { L: list.map((element, j) => (j === step ? updated : element)) };
}

/**
 * A copy of `item` with `value` at `path`, as UpdateExpression SET writes it:
 * - every step before the last must exist and fit (a map for a name, a list for an
 *   index), otherwise DynamoDB's ValidationException INVALID_UPDATE_PATH_MESSAGE;
 * - a last name adds or replaces that member;
 * - a last index replaces that element, or appends to the list when the index is past
 *   its end (the new element then has index `length`, not the index written).
 */
export function setPath(item: Item, path: DocPath, value: AttributeValue): Item {
  if (path.length === 0 || typeof path[0] !== "string") return invalidPath();
  const result = setIn({ M: item }, path, 0, value);
  return (result as { M: Item }).M;
}

/** `container` without `path[i..]`, the same object when there is nothing to remove. */
function removeIn(container: AttributeValue, path: DocPath, i: number): AttributeValue {
  const step = path[i] as string | number;
  const last = i === path.length - 1;
  if (typeof step === "string") {
    if (!("M" in container)) return invalidPath();
    const child = own(container.M, step);
    if (last) return child === undefined ? container : { M: withoutMember(container.M, step) };
    if (child === undefined) return invalidPath();
    const updated = removeIn(child, path, i + 1);
    return updated === child ? container : { M: withMember(container.M, step, updated) };
  }
  if (!("L" in container)) return invalidPath();
  const list = container.L;
  if (last) return step >= list.length ? container : { L: list.filter((_, j) => j !== step) };
  const child = list[step];
  if (child === undefined) return invalidPath();
  const updated = removeIn(child, path, i + 1);
  return updated === child ? container : { L: list.map((element, j) => (j === step ? updated : element)) };
}

/**
 * A copy of `item` without the value at `path`, as UpdateExpression REMOVE does it:
 * - a missing last step (an absent member, an index past the end of the list) is a no-op
 *   and returns `item` itself (Alternator's test_update_expression_nested_remove_list_item_after_end);
 * - a missing or mistyped step before the last is DynamoDB's INVALID_UPDATE_PATH_MESSAGE
 *   (test_nested_attribute_update_bad_path_dot: REMOVE a.c on a string, REMOVE c.c with no c);
 * - removing a list element shifts the following ones down.
 */
export function removePath(item: Item, path: DocPath): Item {
  if (path.length === 0 || typeof path[0] !== "string") return invalidPath();
  const result = removeIn({ M: item }, path, 0);
  return (result as { M: Item }).M;
}

/**
 * Whether REMOVE or DELETE of `path` may proceed in `item`: every step before the last
 * exists and fits. (The target itself may be missing.)
 */
export function parentIsValid(item: Item, path: DocPath): boolean {
  if (path.length === 0) return false;
  if (path.length === 1) return typeof path[0] === "string";
  const parent = getPath(item, path.slice(0, -1));
  if (parent === undefined) return false;
  return typeof path[path.length - 1] === "string" ? "M" in parent : "L" in parent;
}

// ---------------------------------------------------------------------------------------
// Projection
// ---------------------------------------------------------------------------------------

/** What to keep of a value: all of it, or some of its map members or list elements. */
interface KeepNode {
  whole: boolean;
  members: Map<string, KeepNode> | undefined;
  indexes: Map<number, KeepNode> | undefined;
}

const newNode = (): KeepNode => ({ whole: false, members: undefined, indexes: undefined });

function buildKeepTree(paths: readonly DocPath[]): Map<string, KeepNode> {
  const top = new Map<string, KeepNode>();
  for (const path of paths) {
    const [first, ...rest] = path;
    if (typeof first !== "string") continue;
    let node = top.get(first);
    if (!node) top.set(first, (node = newNode()));
    for (const step of rest) {
      let next: KeepNode | undefined;
      if (typeof step === "string") {
        node.members ??= new Map();
        next = node.members.get(step);
        if (!next) node.members.set(step, (next = newNode()));
      } else {
        node.indexes ??= new Map();
        next = node.indexes.get(step);
        if (!next) node.indexes.set(step, (next = newNode()));
      }
      node = next;
    }
    node.whole = true;
  }
  return top;
}

/** The kept part of `value`, or undefined when nothing of it is kept. */
function keep(value: AttributeValue, node: KeepNode): AttributeValue | undefined {
  if (node.whole) return value;
  if (node.members && "M" in value) {
    const out: MapValue = {};
    let any = false;
    for (const key of Object.keys(value.M)) {
      const child = node.members.get(key);
      if (!child) continue;
      const kept = keep(value.M[key] as AttributeValue, child);
      if (kept !== undefined) {
        setOwn(out, key, kept);
        any = true;
      }
    }
    return any ? { M: out } : undefined;
  }
  if (node.indexes && "L" in value) {
    const out: AttributeValue[] = [];
    value.L.forEach((element, i) => {
      const child = node.indexes?.get(i);
      if (!child) return;
      const kept = keep(element, child);
      if (kept !== undefined) out.push(kept);
    });
    return out.length > 0 ? { L: out } : undefined;
  }
  return undefined;
}

/**
 * The item as ProjectionExpression returns it (Alternator's test_projection_expression.py,
 * verified against DynamoDB):
 * - a nested path keeps its nesting: `a.b` on {a: {b: 1, c: 2}} gives {a: {b: 1}};
 * - list indexes give a list of the selected elements in list order, whatever the order
 *   of the paths: `a[2], a[0]` gives {a: [a0, a2]}, and `a.b[2].y` gives {a: {b: [{y: ..}]}};
 * - several paths merge into one document (`a.b[0], a.c` gives {a: {b: [..], c: ..}});
 * - paths that are missing or do not fit the item's types (an index on a map, a name on
 *   a list or a scalar, an index past the end) contribute nothing, and a map or list left
 *   empty by that is left out, so the result may be {}.
 * Overlapping or conflicting paths are refused by validation before this runs; if given,
 * a whole-value path wins over a deeper one. Members keep the item's order.
 */
export function projectPaths(item: Item, paths: readonly DocPath[]): Item {
  const tree = buildKeepTree(paths);
  const out: Item = {};
  for (const name of Object.keys(item)) {
    const node = tree.get(name);
    if (!node) continue;
    const kept = keep(item[name] as AttributeValue, node);
    if (kept !== undefined) setOwn(out, name, kept);
  }
  return out;
}
