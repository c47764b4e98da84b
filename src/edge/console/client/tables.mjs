// @ts-check
// The table list: every table (ListTables, paginated) with DescribeTable's status, item
// count and size.
import { call } from "./api.mjs";
import { bytesText, countText, h, replace } from "./dom.mjs";
import { attempt, notify } from "./ui.mjs";

/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */

/** @param {string} name @returns {Promise<TableDescription>} */
export async function describe(name) {
  /** @type {{ Table: TableDescription }} */
  const out = await call("DescribeTable", { TableName: name });
  return out.Table;
}

/** @returns {Promise<string[]>} */
async function allTableNames() {
  /** @type {string[]} */
  const names = [];
  /** @type {string | undefined} */
  let start;
  do {
    /** @type {{ TableNames?: string[]; LastEvaluatedTableName?: string }} */
    const out = await call("ListTables", start ? { ExclusiveStartTableName: start } : {});
    names.push(...(out.TableNames ?? []));
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

/** @param {TableDescription} t */
function keyText(t) {
  return (t.KeySchema ?? [])
    .map((k) => `${k.AttributeName} (${k.KeyType === "HASH" ? "partition" : "sort"})`)
    .join(", ");
}

/** @param {HTMLElement} main */
export async function showTables(main) {
  const body = h("tbody", { id: "table-list" });
  replace(
    main,
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "row" },
        h("h2", {}, "Tables"),
        h("a", { class: "button", href: "#/create", id: "create-table-link" }, "Create table"),
        h("button", { onclick: () => void showTables(main) }, "Refresh"),
      ),
      h(
        "table",
        { class: "grid" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Name"),
            h("th", {}, "Status"),
            h("th", {}, "Keys"),
            h("th", { class: "num" }, "Items"),
            h("th", { class: "num" }, "Size"),
          ),
        ),
        body,
      ),
    ),
  );
  await attempt(async () => {
    const names = await allTableNames();
    if (names.length === 0) {
      replace(body, h("tr", {}, h("td", { colspan: 5 }, "No tables yet.")));
      return;
    }
    const tables = await Promise.all(names.map(describe));
    replace(
      body,
      tables.map((t) =>
        h(
          "tr",
          { "data-table": t.TableName ?? "" },
          h("td", {}, h("a", { href: `#/table/${encodeURIComponent(t.TableName ?? "")}/items` }, t.TableName ?? "")),
          h("td", {}, t.TableStatus ?? ""),
          h("td", {}, keyText(t)),
          h("td", { class: "num" }, countText(t.ItemCount ?? 0)),
          h("td", { class: "num" }, bytesText(t.TableSizeBytes ?? 0)),
        ),
      ),
    );
    notify(`${tables.length} table${tables.length === 1 ? "" : "s"}.`);
  });
}
