// @ts-check
// Create a table: name, partition key, optional sort key, optional stream; on-demand
// billing (the API has every other option).
import { call } from "./api.mjs";
import { h, replace, valueOf } from "./dom.mjs";
import { attempt, notify } from "./ui.mjs";

/** @param {string} id */
function typeSelect(id) {
  return h(
    "select",
    { id },
    h("option", { value: "S" }, "String"),
    h("option", { value: "N" }, "Number"),
    h("option", { value: "B" }, "Binary"),
  );
}

/** @param {HTMLElement} main */
export function showCreateTable(main) {
  const create = () =>
    attempt(async () => {
      const name = valueOf("new-table-name").trim();
      const pk = valueOf("pk-name").trim();
      const sk = valueOf("sk-name").trim();
      const stream = valueOf("new-stream-view");
      const attrs = [{ AttributeName: pk, AttributeType: valueOf("pk-type") }];
      const keys = [{ AttributeName: pk, KeyType: "HASH" }];
      if (sk) {
        attrs.push({ AttributeName: sk, AttributeType: valueOf("sk-type") });
        keys.push({ AttributeName: sk, KeyType: "RANGE" });
      }
      await call("CreateTable", {
        TableName: name,
        AttributeDefinitions: attrs,
        KeySchema: keys,
        BillingMode: "PAY_PER_REQUEST",
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream } } : {}),
      });
      notify(`Created table ${name}.`);
      location.hash = `#/table/${encodeURIComponent(name)}/items`;
    });
  replace(
    main,
    h(
      "form",
      { id: "create-table-form", class: "card", onsubmit: (e) => (e.preventDefault(), void create()) },
      h("h2", {}, "Create table"),
      h("label", {}, "Table name", h("input", { id: "new-table-name", required: true })),
      h(
        "div",
        { class: "row" },
        h("label", {}, "Partition key", h("input", { id: "pk-name", required: true })),
        h("label", {}, "Type", typeSelect("pk-type")),
      ),
      h(
        "div",
        { class: "row" },
        h("label", {}, "Sort key (optional)", h("input", { id: "sk-name" })),
        h("label", {}, "Type", typeSelect("sk-type")),
      ),
      h(
        "label",
        {},
        "Stream",
        h(
          "select",
          { id: "new-stream-view" },
          h("option", { value: "" }, "off"),
          ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"].map((v) => h("option", { value: v }, v)),
        ),
      ),
      h("p", { class: "hint" }, "On-demand billing. Indexes, TTL and the rest: use the API."),
      h("button", { id: "create-table-button", type: "submit", class: "primary" }, "Create table"),
    ),
  );
}
