// @ts-check
// Follows a table's stream live: DescribeStream for the shards, one iterator per shard,
// GetRecords every second (DynamoDB Streams' documented polling model), newest first.
import { call, ApiError } from "./api.mjs";
import { cellText } from "./convert.mjs";
import { h, replace, valueOf } from "./dom.mjs";
import { attempt, errorText, notify } from "./ui.mjs";

/** @typedef {import("./api.mjs").WireItem} WireItem */
/** @typedef {import("@aws-sdk/client-dynamodb").TableDescription} TableDescription */
/** @typedef {{ ShardId?: string; ParentShardId?: string; SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string } }} Shard */
/** @typedef {{ eventID?: string; eventName?: string; dynamodb?: { ApproximateCreationDateTime?: number; Keys?: WireItem; NewImage?: WireItem; OldImage?: WireItem; SequenceNumber?: string } }} StreamRecord */

const POLL_MS = 1000;
const REDESCRIBE_MS = 10_000;
const MAX_SHOWN = 500;
let generation = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/** Stops the follower (leaving the page or switching tables). */
export function stopFollowing() {
  generation += 1;
  clearTimeout(timer);
}

/** @param {HTMLElement} el @param {TableDescription} table */
export function showStream(el, table) {
  const spec = table.StreamSpecification;
  if (!spec?.StreamEnabled || !table.LatestStreamArn) {
    const views = ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"];
    replace(
      el,
      h("p", { id: "stream-off" }, "This table has no stream."),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          {},
          "View type",
          h(
            "select",
            { id: "stream-view-type" },
            views.map((v) => h("option", { value: v }, v)),
          ),
        ),
        h("button", { id: "enable-stream", onclick: () => void enable(table) }, "Enable stream"),
      ),
    );
    return;
  }
  const list = h("tbody", { id: "stream-records" });
  const follow = h("button", { id: "follow-stream", class: "primary", onclick: () => start() }, "Follow");
  const stop = h(
    "button",
    {
      id: "stop-stream",
      disabled: true,
      onclick: () => (stopFollowing(), (follow.disabled = false), (stop.disabled = true), notify("Stopped following.")),
    },
    "Stop",
  );
  const start = () => {
    follow.disabled = true;
    stop.disabled = false;
    replace(list);
    void poll(/** @type {string} */ (table.LatestStreamArn), valueOf("stream-position"), list);
  };
  replace(
    el,
    h("p", {}, `Stream ${spec.StreamViewType ?? ""}: ${table.LatestStreamArn}`),
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        "From",
        h(
          "select",
          { id: "stream-position" },
          h("option", { value: "TRIM_HORIZON" }, "the oldest record kept (TRIM_HORIZON)"),
          h("option", { value: "LATEST" }, "now on (LATEST)"),
        ),
      ),
      follow,
      stop,
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
          h("th", {}, "Time"),
          h("th", {}, "Event"),
          h("th", {}, "Keys"),
          h("th", {}, "Old image"),
          h("th", {}, "New image"),
        ),
      ),
      list,
    ),
  );
}

/** @param {TableDescription} table */
async function enable(table) {
  await attempt(async () => {
    await call("UpdateTable", {
      TableName: table.TableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: valueOf("stream-view-type") },
    });
    notify("Stream enabled.");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
}

/** @param {WireItem | undefined} item */
function compact(item) {
  if (!item) return "";
  return Object.entries(item)
    .map(([k, v]) => `${k}=${cellText(v)}`)
    .join(", ");
}

/**
 * @param {string} arn
 * @param {string} position TRIM_HORIZON or LATEST, for the shards open when following starts
 * @param {HTMLElement} list
 */
async function poll(arn, position, list) {
  stopFollowing();
  const mine = generation;
  /** shard id -> iterator; null once the shard is closed and read to its end */
  /** @type {Map<string, string | null>} */
  const iterators = new Map();
  /** @type {Map<string, string>} */
  const lastSeq = new Map();
  let described = 0;
  let first = true;

  /** @param {string} shardId @param {string} type */
  const iterator = async (shardId, type) => {
    const seq = lastSeq.get(shardId);
    /** @type {{ ShardIterator?: string }} */
    const out = await call(
      "GetShardIterator",
      seq
        ? { StreamArn: arn, ShardId: shardId, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: seq }
        : { StreamArn: arn, ShardId: shardId, ShardIteratorType: type },
      "streams",
    );
    return out.ShardIterator ?? null;
  };

  const tick = async () => {
    if (mine !== generation) return;
    try {
      if (Date.now() - described > REDESCRIBE_MS) {
        described = Date.now();
        for (const shard of await shards(arn)) {
          const id = shard.ShardId ?? "";
          if (iterators.has(id)) continue;
          const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
          // LATEST on a closed shard never yields; shards found later start at their beginning.
          if (first && position === "LATEST" && closed) continue;
          iterators.set(id, await iterator(id, first ? position : "TRIM_HORIZON"));
        }
        first = false;
      }
      for (const [id, it] of iterators) {
        if (!it || mine !== generation) continue;
        /** @type {{ Records?: StreamRecord[]; NextShardIterator?: string }} */
        let out;
        try {
          out = await call("GetRecords", { ShardIterator: it, Limit: 1000 }, "streams");
        } catch (err) {
          if (err instanceof ApiError && err.type === "ExpiredIteratorException") {
            iterators.set(id, await iterator(id, "TRIM_HORIZON"));
            continue;
          }
          throw err;
        }
        iterators.set(id, out.NextShardIterator ?? null);
        for (const record of out.Records ?? []) {
          if (record.dynamodb?.SequenceNumber) lastSeq.set(id, record.dynamodb.SequenceNumber);
          show(list, record);
        }
      }
    } catch (err) {
      notify(`Stream: ${errorText(err)}`, "error");
    }
    if (mine === generation) timer = setTimeout(() => void tick(), POLL_MS);
  };
  notify("Following the stream…");
  await tick();
}

/** @param {string} arn @returns {Promise<Shard[]>} */
async function shards(arn) {
  /** @type {Shard[]} */
  const all = [];
  /** @type {string | undefined} */
  let start;
  do {
    /** @type {{ StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string } }} */
    const out = await call(
      "DescribeStream",
      { StreamArn: arn, ...(start ? { ExclusiveStartShardId: start } : {}) },
      "streams",
    );
    all.push(...(out.StreamDescription?.Shards ?? []));
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return all;
}

/** @param {HTMLElement} list @param {StreamRecord} record */
function show(list, record) {
  const d = record.dynamodb ?? {};
  const when = d.ApproximateCreationDateTime ? new Date(d.ApproximateCreationDateTime * 1000).toLocaleTimeString() : "";
  list.prepend(
    h(
      "tr",
      { "data-event": record.eventName ?? "" },
      h("td", {}, when),
      h("td", {}, record.eventName ?? ""),
      h("td", {}, compact(d.Keys)),
      h("td", {}, compact(d.OldImage)),
      h("td", {}, compact(d.NewImage)),
    ),
  );
  while (list.children.length > MAX_SHOWN) list.lastElementChild?.remove();
}
