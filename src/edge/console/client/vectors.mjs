// @ts-check
// A table's vector indexes (DescribeTable's VectorIndexes) and a search form: SearchVectors
// with a vector typed as a JSON array of numbers, TopK and an optional search condition;
// results as a table of the items' attributes with their scores, best first.
import { call } from "./api.mjs";
import { cellText } from "./convert.mjs";
import { countText, h, replace, valueOf } from "./dom.mjs";
import { attempt, notify } from "./ui.mjs";

/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */
/** @typedef {import("./api.mjs").WireItem} WireItem */

/** @param {HTMLElement} el @param {TableDescription} t */
export function showVectors(el, t) {
  const indexes = t.VectorIndexes ?? [];
  if (indexes.length === 0) {
    replace(el, h("p", {}, "No vector indexes. UpdateTable's VectorIndexUpdates adds one."));
    return;
  }
  const results = h("div", { id: "vector-results" });
  const search = () =>
    attempt(async () => {
      const numbers = JSON.parse(valueOf("vector-query"));
      if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === "number")) {
        throw new Error("The vector must be a JSON array of numbers");
      }
      /** @type {Record<string, unknown>} */
      const input = {
        TableName: t.TableName,
        IndexName: valueOf("vector-index"),
        SearchVector: numbers.map((n) => ({ N: String(n) })),
        TopK: Number(valueOf("vector-topk")),
      };
      const condition = valueOf("vector-condition").trim();
      if (condition) {
        input.SearchConditionExpression = condition;
        input.ExpressionAttributeValues = JSON.parse(valueOf("vector-values") || "{}");
      }
      /** @type {{ SearchResults?: { Item?: WireItem; Score?: number }[] }} */
      const out = await call("SearchVectors", input);
      const found = out.SearchResults ?? [];
      const columns = [...new Set(found.flatMap((r) => Object.keys(r.Item ?? {})))].sort();
      replace(
        results,
        found.length === 0
          ? h("p", {}, "No items.")
          : h(
              "table",
              { class: "grid", id: "vector-result-list" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", { class: "num" }, "Score"),
                  columns.map((c) => h("th", {}, c)),
                ),
              ),
              h(
                "tbody",
                {},
                found.map((r) =>
                  h(
                    "tr",
                    {},
                    h("td", { class: "num" }, String(r.Score ?? "")),
                    columns.map((c) => h("td", {}, cellText(r.Item?.[c]))),
                  ),
                ),
              ),
            ),
      );
      notify(`SearchVectors: ${countText(found.length)} items.`);
    });
  replace(
    el,
    h(
      "table",
      { class: "grid", id: "vector-index-list" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Name", "Status", "Attribute", "Dimensions", "Distance", "Search schema", "Projection"].map((c) =>
            h("th", {}, c),
          ),
          h("th", { class: "num" }, "Items"),
        ),
      ),
      h(
        "tbody",
        {},
        indexes.map((i) =>
          h(
            "tr",
            {},
            h("td", {}, i.IndexName ?? ""),
            h("td", {}, `${i.IndexStatus ?? ""}${i.Backfilling ? " (backfilling)" : ""}`),
            h("td", {}, i.VectorAttribute?.AttributeName ?? ""),
            h("td", {}, String(i.Dimensions ?? "")),
            h("td", {}, i.DistanceFunction ?? ""),
            h(
              "td",
              {},
              (i.SearchSchema ?? []).map((e) => `${e.AttributeName} (${e.SearchSchemaElementType})`).join(", "),
            ),
            h("td", {}, [i.Projection?.ProjectionType ?? "", ...(i.Projection?.NonKeyAttributes ?? [])].join(" ")),
            h("td", { class: "num" }, countText(i.ItemCount ?? 0)),
          ),
        ),
      ),
    ),
    h("h3", {}, "Search"),
    h(
      "label",
      {},
      "Index",
      h(
        "select",
        { id: "vector-index" },
        indexes.map((i) => h("option", { value: i.IndexName ?? "" }, i.IndexName ?? "")),
      ),
    ),
    h(
      "label",
      {},
      "Vector",
      h("textarea", { id: "vector-query", rows: 3, spellcheck: "false", placeholder: "[0.12, -0.5, 0.33]" }),
    ),
    h("label", {}, "TopK", h("input", { id: "vector-topk", type: "number", min: "1", max: "100", value: "10" })),
    h(
      "label",
      {},
      "Condition",
      h("input", { id: "vector-condition", spellcheck: "false", placeholder: "tenant = :t" }),
    ),
    h(
      "label",
      {},
      "Values",
      h("input", { id: "vector-values", spellcheck: "false", placeholder: '{":t":{"S":"acme"}}' }),
    ),
    h("div", { class: "row" }, h("button", { id: "run-vector-search", class: "primary", onclick: search }, "Search")),
    results,
  );
}
