// @ts-check
// DynamoDB JSON <-> plain JSON for the item editor, and compact text for table cells.
// Plain JSON cannot say "set", "binary" or "38-digit number": the editor warns when a
// round trip through plain JSON would change the item, and saves plain JSON as
// DynamoDB does in its own console (arrays as lists, strings as S, numbers as N).

/** @typedef {import("./api.mjs").WireValue} WireValue */
/** @typedef {import("./api.mjs").WireItem} WireItem */
/** @typedef {string | number | boolean | null | unknown[] | { [key: string]: unknown }} PlainValue  (nested values are PlainValues too) */

/** @param {WireValue} v @returns {PlainValue} */
export function toPlain(v) {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.B !== undefined) return v.B;
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.SS !== undefined) return v.SS;
  if (v.NS !== undefined) return v.NS.map(Number);
  if (v.BS !== undefined) return v.BS;
  if (v.L !== undefined) return v.L.map(toPlain);
  if (v.M !== undefined) return itemToPlain(v.M);
  return null;
}

/** @param {WireItem} item @returns {{ [key: string]: PlainValue }} */
export function itemToPlain(item) {
  /** @type {{ [key: string]: PlainValue }} */
  const out = {};
  for (const [k, v] of Object.entries(item)) out[k] = toPlain(v);
  return out;
}

/** @param {PlainValue} v @returns {WireValue} */
export function fromPlain(v) {
  if (typeof v === "string") return { S: v };
  if (typeof v === "number") return { N: String(v) };
  if (typeof v === "boolean") return { BOOL: v };
  if (v === null) return { NULL: true };
  if (Array.isArray(v)) return { L: v.map((e) => fromPlain(/** @type {PlainValue} */ (e))) };
  return { M: itemFromPlain(v) };
}

/** @param {{ [key: string]: unknown }} obj @returns {WireItem} */
export function itemFromPlain(obj) {
  /** @type {WireItem} */
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fromPlain(/** @type {PlainValue} */ (v));
  return out;
}

/** Whether editing the item as plain JSON would change types or digits. @param {WireItem} item */
export function plainIsLossy(item) {
  return JSON.stringify(sortKeys(itemFromPlain(itemToPlain(item)))) !== JSON.stringify(sortKeys(item));
}

/** @param {unknown} v @returns {unknown} */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const obj = /** @type {Record<string, unknown>} */ (v);
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return v;
}

/** A cell's text: scalars as themselves, sets and documents as compact JSON. @param {WireValue | undefined} v */
export function cellText(v) {
  if (v === undefined) return "";
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return v.N;
  if (v.BOOL !== undefined) return String(v.BOOL);
  if (v.NULL !== undefined) return "null";
  if (v.B !== undefined) return `<binary ${v.B}>`;
  return JSON.stringify(toPlain(v));
}

/** Text for the editor: DynamoDB JSON or plain JSON, two-space indented. @param {WireItem} item @param {"ddb" | "plain"} mode */
export function itemText(item, mode) {
  return JSON.stringify(mode === "ddb" ? item : itemToPlain(item), null, 2);
}

/**
 * Parses the editor's text back into an item; throws an Error whose message says what is wrong.
 * @param {string} text
 * @param {"ddb" | "plain"} mode
 * @returns {WireItem}
 */
export function parseItemText(text, mode) {
  /** @type {unknown} */
  const parsed = JSON.parse(text);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("An item is a JSON object of attributes.");
  return mode === "ddb"
    ? /** @type {WireItem} */ (parsed)
    : itemFromPlain(/** @type {{ [key: string]: PlainValue }} */ (parsed));
}
