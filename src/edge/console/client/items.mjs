// @ts-check
// Items of a table or index, page by page: Scan by default (browsing), or Query with a key
// condition; filter, projection, names/values and order as the API takes them. A row
// opens the full item (GetItem on the base table's key) in the editor.
import { call } from "./api.mjs";
import { cellText } from "./convert.mjs";
import { countText, h, replace, valueOf } from "./dom.mjs";
import { keyOf, openEditor } from "./editor.mjs";
import { attempt, notify } from "./ui.mjs";

/** @typedef {import("./api.mjs").WireItem} WireItem */
/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */
/** @typedef {{ Items?: WireItem[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: WireItem }} Page */

/** @param {string} label @param {string} id @param {import("./dom.mjs").Attrs} [attrs] */
function field(label, id, attrs = {}) {
  return h("label", {}, label, h("input", { id, spellcheck: "false", ...attrs }));
}

/** @param {HTMLElement} el @param {TableDescription} table */
export function showItems(el, table) {
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map(
    (i) => i.IndexName ?? "",
  );
  const results = h("div", { id: "results" });
  const editor = h("div", { id: "editor-slot" });
  const pager = h("div", { class: "row", id: "pager" });
  /** Start keys of the pages seen so far (undefined = the first page). @type {(WireItem | undefined)[]} */
  let starts = [undefined];

  const form = h(
    "form",
    { id: "query-form", class: "query", onsubmit: (e) => (e.preventDefault(), (starts = [undefined]), void run()) },
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        "Operation",
        h("select", { id: "mode" }, h("option", { value: "scan" }, "Scan"), h("option", { value: "query" }, "Query")),
      ),
      h(
        "label",
        {},
        "Table or index",
        h(
          "select",
          { id: "index" },
          h("option", { value: "" }, `${table.TableName} (table)`),
          indexes.map((i) => h("option", { value: i }, i)),
        ),
      ),
      h(
        "label",
        {},
        "Order",
        h(
          "select",
          { id: "order" },
          h("option", { value: "asc" }, "Ascending"),
          h("option", { value: "desc" }, "Descending"),
        ),
      ),
      field("Page size", "page-size", { type: "number", min: 1, value: 25 }),
    ),
    field("Key condition (Query)", "key-condition", { placeholder: "#pk = :pk AND begins_with(sk, :prefix)" }),
    field("Filter", "filter", { placeholder: "attribute_exists(price) AND price > :min" }),
    field("Projection", "projection", { placeholder: "pk, sk, #name" }),
    h(
      "div",
      { class: "row" },
      field("Expression attribute names", "names", { placeholder: '{"#pk":"pk"}' }),
      field("Expression attribute values", "values", { placeholder: '{":pk":{"S":"a"}}' }),
    ),
    h(
      "div",
      { class: "row" },
      h("button", { type: "submit", id: "run-query", class: "primary" }, "Run"),
      h(
        "button",
        { type: "button", id: "new-item", onclick: () => openEditor(editor, table, undefined, () => run(true)) },
        "Create item",
      ),
    ),
  );
  replace(el, form, editor, pager, results);

  /** @param {boolean} [quiet] no status line (a refresh after an edit) */
  async function run(quiet = false) {
    await attempt(async () => {
      const mode = valueOf("mode");
      const start = starts[starts.length - 1];
      /** @type {Record<string, unknown>} */
      const input = { TableName: table.TableName, Limit: Number(valueOf("page-size")) || 25 };
      if (valueOf("index")) input.IndexName = valueOf("index");
      if (start) input.ExclusiveStartKey = start;
      if (mode === "query") {
        input.KeyConditionExpression = valueOf("key-condition");
        input.ScanIndexForward = valueOf("order") !== "desc";
      }
      if (valueOf("filter").trim()) input.FilterExpression = valueOf("filter");
      if (valueOf("projection").trim()) input.ProjectionExpression = valueOf("projection");
      if (valueOf("names").trim()) input.ExpressionAttributeNames = JSON.parse(valueOf("names"));
      if (valueOf("values").trim()) input.ExpressionAttributeValues = JSON.parse(valueOf("values"));
      /** @type {Page} */
      const page = await call(mode === "query" ? "Query" : "Scan", input);
      render(page);
      if (!quiet)
        notify(
          `${mode === "query" ? "Query" : "Scan"}: ${countText(page.Count ?? 0)} items on page ${starts.length} (${countText(page.ScannedCount ?? 0)} scanned).`,
        );
    });
  }

  /** @param {Page} page */
  function render(page) {
    const items = page.Items ?? [];
    const keyNames = (table.KeySchema ?? []).map((k) => k.AttributeName ?? "");
    const others = [...new Set(items.flatMap((i) => Object.keys(i)))].filter((n) => !keyNames.includes(n)).sort();
    const columns = [...keyNames, ...others];
    replace(
      pager,
      h(
        "button",
        { id: "prev-page", disabled: starts.length <= 1, onclick: () => (starts.pop(), void run()) },
        "‹ Previous",
      ),
      h("span", {}, `Page ${starts.length}`),
      h(
        "button",
        {
          id: "next-page",
          disabled: !page.LastEvaluatedKey,
          onclick: () => (starts.push(page.LastEvaluatedKey), void run()),
        },
        "Next ›",
      ),
    );
    replace(
      results,
      items.length === 0
        ? h("p", { id: "no-items" }, "No items.")
        : h(
            "table",
            { class: "grid items" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                columns.map((c) => h("th", {}, c)),
              ),
            ),
            h(
              "tbody",
              {},
              items.map((item) =>
                h(
                  "tr",
                  { "data-row": JSON.stringify(keyOf(table, item)), onclick: () => void open(item) },
                  columns.map((c) => h("td", {}, cellText(item[c]))),
                ),
              ),
            ),
          ),
    );
  }

  /** The whole item from the base table (an index or a projection may hold only part of it). @param {WireItem} item */
  async function open(item) {
    await attempt(async () => {
      const key = keyOf(table, item);
      if (Object.keys(key).length !== (table.KeySchema ?? []).length) {
        notify("This row lacks the table's key attributes (projection): it cannot be opened.", "error");
        return;
      }
      /** @type {{ Item?: WireItem }} */
      const out = await call("GetItem", { TableName: table.TableName, Key: key, ConsistentRead: true });
      if (!out.Item) {
        notify("That item no longer exists.", "error");
        return;
      }
      openEditor(editor, table, out.Item, () => run(true));
    });
  }

  void run();
}
