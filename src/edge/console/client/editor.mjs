// @ts-check
// One item's JSON, as DynamoDB JSON or plain JSON: save (PutItem), delete (DeleteItem).
// Key attributes can be edited too: that saves a new item, as PutItem does.
import { call } from "./api.mjs";
import { itemText, parseItemText, plainIsLossy } from "./convert.mjs";
import { h, replace } from "./dom.mjs";
import { attempt, notify } from "./ui.mjs";

/** @typedef {import("./api.mjs").WireItem} WireItem */
/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */

/** @param {TableDescription} table @param {WireItem} item @returns {WireItem} */
export function keyOf(table, item) {
  /** @type {WireItem} */
  const key = {};
  for (const k of table.KeySchema ?? []) {
    const v = item[k.AttributeName ?? ""];
    if (v) key[k.AttributeName ?? ""] = v;
  }
  return key;
}

/** A new item's starting text: the key attributes with their types. @param {TableDescription} table */
function template(table) {
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  /** @type {WireItem} */
  const item = {};
  for (const k of table.KeySchema ?? []) {
    const type = types.get(k.AttributeName) ?? "S";
    item[k.AttributeName ?? ""] = type === "N" ? { N: "0" } : type === "B" ? { B: "" } : { S: "" };
  }
  return item;
}

/**
 * @param {HTMLElement} el where the editor goes
 * @param {TableDescription} table
 * @param {WireItem | undefined} original undefined for a new item
 * @param {() => Promise<unknown>} onChange called after a save or delete (refreshes the list quietly)
 */
export function openEditor(el, table, original, onChange) {
  /** @type {"ddb" | "plain"} */
  let mode = "ddb";
  let item = original ?? template(table);
  /** The text last put in the editor. */
  let shown = itemText(item, mode);
  const text = /** @type {HTMLTextAreaElement} */ (
    h("textarea", { id: "item-json", rows: 16, spellcheck: "false" }, shown)
  );
  const warning = h(
    "p",
    { id: "lossy", class: "warning", hidden: true },
    "Plain JSON has no sets, binaries or numbers beyond 15 digits: saving from this view turns sets into lists, binaries into strings and rounds long numbers.",
  );
  /** @param {"ddb" | "plain"} next */
  const switchTo = (next) => {
    try {
      // Re-read the text only if it was edited: an untouched plain-JSON view must not
      // replace the item with its lossy plain form.
      if (text.value !== shown) item = parseItemText(text.value, mode);
    } catch (err) {
      notify(`The item is not valid JSON: ${/** @type {Error} */ (err).message}`, "error");
      return;
    }
    mode = next;
    text.value = shown = itemText(item, mode);
    warning.hidden = !(mode === "plain" && plainIsLossy(item));
    ddbButton.classList.toggle("active", mode === "ddb");
    plainButton.classList.toggle("active", mode === "plain");
  };
  const ddbButton = h("button", { id: "format-ddb", class: "active", onclick: () => switchTo("ddb") }, "DynamoDB JSON");
  const plainButton = h("button", { id: "format-plain", onclick: () => switchTo("plain") }, "Plain JSON");
  const save = () =>
    attempt(async () => {
      const next = text.value === shown ? item : parseItemText(text.value, mode);
      await call("PutItem", { TableName: table.TableName, Item: next });
      item = next;
      shown = text.value;
      // A new item, once saved, is an existing one: edit it from here on (with Delete).
      if (!original) openEditor(el, table, next, onChange);
      await onChange();
      notify("Item saved.");
    });
  const remove = () =>
    attempt(async () => {
      if (!original) return;
      await call("DeleteItem", { TableName: table.TableName, Key: keyOf(table, original) });
      replace(el);
      await onChange();
      notify("Item deleted.");
    });
  replace(
    el,
    h(
      "div",
      { class: "editor card" },
      h(
        "div",
        { class: "row" },
        h("h3", { id: "editor-title" }, original ? "Edit item" : "New item"),
        ddbButton,
        plainButton,
      ),
      text,
      warning,
      h(
        "div",
        { class: "row" },
        h("button", { id: "save-item", class: "primary", onclick: () => void save() }, "Save"),
        original
          ? h("button", { id: "delete-item", class: "danger", onclick: () => void remove() }, "Delete item")
          : null,
        h("button", { id: "close-editor", onclick: () => replace(el) }, "Close"),
      ),
    ),
  );
  text.focus();
}
