// @ts-check
// A PartiQL box: ExecuteStatement with optional parameters (a JSON array of DynamoDB JSON
// values), results as a table, NextToken for more.
import { call } from "./api.mjs";
import { cellText } from "./convert.mjs";
import { countText, h, replace, valueOf } from "./dom.mjs";
import { attempt, notify } from "./ui.mjs";

/** @typedef {import("./api.mjs").WireItem} WireItem */

/** @param {HTMLElement} main */
export function showPartiql(main) {
  const results = h("div", { id: "partiql-results" });
  const more = h("div", { class: "row" });
  /** @param {string | undefined} token */
  const run = (token) =>
    attempt(async () => {
      /** @type {Record<string, unknown>} */
      const input = { Statement: valueOf("partiql") };
      if (valueOf("partiql-params").trim()) input.Parameters = JSON.parse(valueOf("partiql-params"));
      if (token) input.NextToken = token;
      /** @type {{ Items?: WireItem[]; NextToken?: string }} */
      const out = await call("ExecuteStatement", input);
      const items = out.Items ?? [];
      const columns = [...new Set(items.flatMap((i) => Object.keys(i)))].sort();
      replace(
        results,
        items.length === 0
          ? h("p", {}, "Done; no items returned.")
          : h(
              "table",
              { class: "grid" },
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
                items.map((i) =>
                  h(
                    "tr",
                    {},
                    columns.map((c) => h("td", {}, cellText(i[c]))),
                  ),
                ),
              ),
            ),
      );
      replace(
        more,
        out.NextToken ? h("button", { id: "partiql-more", onclick: () => void run(out.NextToken) }, "More") : null,
      );
      notify(`ExecuteStatement: ${countText(items.length)} items.`);
    });
  replace(
    main,
    h(
      "section",
      { class: "card" },
      h("h2", {}, "PartiQL"),
      h("textarea", {
        id: "partiql",
        rows: 5,
        spellcheck: "false",
        placeholder: `SELECT * FROM "Music" WHERE Artist = ?`,
      }),
      h(
        "label",
        {},
        "Parameters",
        h("input", { id: "partiql-params", spellcheck: "false", placeholder: '[{"S":"Acme"}]' }),
      ),
      h(
        "div",
        { class: "row" },
        h("button", { id: "run-partiql", class: "primary", onclick: () => void run(undefined) }, "Run"),
      ),
      results,
      more,
    ),
  );
}
