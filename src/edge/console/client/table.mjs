// @ts-check
// One table: tabs Items (browse, Query, Scan, edit), Overview (key schema, indexes, stream,
// TTL, delete), Stream (follow it live) and Vectors (vector indexes and their search).
import { call } from "./api.mjs";
import { bytesText, countText, h, replace } from "./dom.mjs";
import { showItems } from "./items.mjs";
import { showStream } from "./stream.mjs";
import { showVectors } from "./vectors.mjs";
import { describe } from "./tables.mjs";
import { attempt, errorText, notify } from "./ui.mjs";

/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */
/** @typedef {import("@aws-sdk/client-dynamodb").KeySchemaElement} KeySchemaElement */

const TABS = [
  ["items", "Items"],
  ["overview", "Overview"],
  ["stream", "Stream"],
  ["vectors", "Vectors"],
];

/** @param {HTMLElement} main @param {string} name @param {string} tab */
export async function showTable(main, name, tab) {
  const content = h("div", { id: "tab-content" });
  replace(
    main,
    h(
      "section",
      { class: "card" },
      h("div", { class: "row" }, h("h2", { id: "table-title" }, name)),
      h(
        "nav",
        { class: "tabs" },
        TABS.map(([id, label]) =>
          h(
            "a",
            { href: `#/table/${encodeURIComponent(name)}/${id}`, id: `tab-${id}`, class: id === tab ? "active" : "" },
            label ?? "",
          ),
        ),
      ),
      content,
    ),
  );
  await attempt(async () => {
    const table = await describe(name);
    if (tab === "overview") showOverview(content, table);
    else if (tab === "stream") showStream(content, table);
    else if (tab === "vectors") showVectors(content, table);
    else showItems(content, table);
  });
}

/** @param {KeySchemaElement[] | undefined} schema @param {TableDescription} table */
function keys(schema, table) {
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  return (schema ?? [])
    .map(
      (k) =>
        `${k.AttributeName}: ${types.get(k.AttributeName) ?? "?"} (${k.KeyType === "HASH" ? "partition" : "sort"} key)`,
    )
    .join(", ");
}

/** @param {[string, string | number | Node][]} rows */
function facts(rows) {
  return h(
    "dl",
    { class: "facts" },
    rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

/** @param {HTMLElement} el @param {TableDescription} t */
function showOverview(el, t) {
  const ttl = h("span", { id: "ttl-status" }, "…");
  const gsis = t.GlobalSecondaryIndexes ?? [];
  const lsis = t.LocalSecondaryIndexes ?? [];
  const stream = t.StreamSpecification;
  const propagation = propagationOf(t);
  replace(
    el,
    facts([
      ["Key schema", keys(t.KeySchema, t)],
      ["Status", t.TableStatus ?? ""],
      ["Items", countText(t.ItemCount ?? 0)],
      ["Size", bytesText(t.TableSizeBytes ?? 0)],
      ["Billing mode", t.BillingModeSummary?.BillingMode ?? "PROVISIONED"],
      ["Stream", stream?.StreamEnabled ? `${stream.StreamViewType} · ${t.LatestStreamArn ?? ""}` : "off"],
      ["Time to live", ttl],
      ["Deletion protection", t.DeletionProtectionEnabled ? "on" : "off"],
      ["ARN", t.TableArn ?? ""],
    ]),
    h("h3", {}, "Indexes"),
    gsis.length + lsis.length === 0
      ? h("p", {}, "No secondary indexes.")
      : h(
          "table",
          { class: "grid", id: "index-list" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, "Name"),
              h("th", {}, "Type"),
              h("th", {}, "Keys"),
              h("th", {}, "Projection"),
              h("th", { class: "num" }, "Items"),
              h("th", {}, "Layout"),
            ),
          ),
          h(
            "tbody",
            {},
            [...gsis.map((i) => ({ i, type: "global" })), ...lsis.map((i) => ({ i, type: "local" }))].map(
              ({ i, type }) =>
                h(
                  "tr",
                  {},
                  h("td", {}, i.IndexName ?? ""),
                  h("td", {}, type),
                  h("td", {}, keys(i.KeySchema, t)),
                  h(
                    "td",
                    {},
                    [i.Projection?.ProjectionType ?? "", ...(i.Projection?.NonKeyAttributes ?? [])].join(" "),
                  ),
                  h("td", { class: "num" }, countText(i.ItemCount ?? 0)),
                  h("td", {}, layoutText(propagation.get(i.IndexName ?? ""), type)),
                ),
            ),
          ),
        ),
    ...partitionList(t),
    h("h3", {}, "Danger zone"),
    deleteButton(t.TableName ?? ""),
  );
  void (async () => {
    try {
      /** @type {{ TimeToLiveDescription?: { TimeToLiveStatus?: string; AttributeName?: string } }} */
      const out = await call("DescribeTimeToLive", { TableName: t.TableName });
      const d = out.TimeToLiveDescription;
      ttl.textContent =
        d?.TimeToLiveStatus === "ENABLED"
          ? `on (attribute ${d.AttributeName})`
          : (d?.TimeToLiveStatus ?? "DISABLED").toLowerCase();
    } catch (err) {
      ttl.textContent = `unavailable (${errorText(err)})`;
    }
  })();
}

/**
 * @typedef {{ IndexName: string; PartitionCount: number; PendingChanges: number; LagMillis: number }} Propagation
 */

/**
 * GSIs kept in partitions of their own, from DescribeTable's `DurableDynamoDB` extension:
 * their partition counts and what the table's partitions have yet to apply to them.
 * @param {TableDescription} t
 * @returns {Map<string, Propagation>}
 */
function propagationOf(t) {
  const described = /** @type {{ DurableDynamoDB?: { GlobalSecondaryIndexes?: Propagation[] } }} */ (
    /** @type {unknown} */ (t)
  );
  return new Map((described.DurableDynamoDB?.GlobalSecondaryIndexes ?? []).map((p) => [p.IndexName, p]));
}

/** @param {Propagation | undefined} p @param {string} type */
function layoutText(p, type) {
  if (!p) return type === "local" ? "with the items" : "with the items (every partition)";
  return `${p.PartitionCount} partitions of its own · ${p.PendingChanges} changes pending · lag ${p.LagMillis} ms`;
}

/**
 * The table's partitions, from DescribeTable's `DurableDynamoDB` extension (tables of more
 * than one partition): each one's hash range, items and size.
 * @param {TableDescription} t
 */
function partitionList(t) {
  /** @typedef {{ HashStart: number; HashEnd: number; ItemCount: number; TableSizeBytes: number }} Partition */
  const described = /** @type {{ DurableDynamoDB?: { PartitionMapVersion?: number; Partitions?: Partition[] } }} */ (
    /** @type {unknown} */ (t)
  );
  const extension = described.DurableDynamoDB;
  const partitions = extension?.Partitions;
  if (!partitions) return [];
  const hex = (/** @type {number} */ n) => n.toString(16).padStart(8, "0");
  return [
    h("h3", {}, `Partitions (map version ${extension?.PartitionMapVersion ?? 1})`),
    h(
      "table",
      { class: "grid", id: "partition-list" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, "Hash range"), h("th", { class: "num" }, "Items"), h("th", { class: "num" }, "Size")),
      ),
      h(
        "tbody",
        {},
        partitions.map((p) =>
          h(
            "tr",
            {},
            h("td", {}, `${hex(p.HashStart)}–${hex(p.HashEnd - 1)}`),
            h("td", { class: "num" }, countText(p.ItemCount)),
            h("td", { class: "num" }, bytesText(p.TableSizeBytes)),
          ),
        ),
      ),
    ),
  ];
}

/** A two-step delete: the first click asks, the second deletes. @param {string} name */
function deleteButton(name) {
  const box = h("div", { class: "row" });
  const ask = h(
    "button",
    {
      id: "delete-table",
      class: "danger",
      onclick: () =>
        replace(
          box,
          h("span", {}, `Delete ${name} and all its items?`),
          h("button", { id: "confirm-delete-table", class: "danger", onclick: () => void remove(name) }, "Yes, delete"),
          h("button", { onclick: () => replace(box, ask) }, "Cancel"),
        ),
    },
    "Delete table",
  );
  replace(box, ask);
  return box;
}

/** @param {string} name */
async function remove(name) {
  await attempt(async () => {
    await call("DeleteTable", { TableName: name });
    notify(`Deleted table ${name}.`);
    location.hash = "#/tables";
  });
}
