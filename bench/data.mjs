// The benchmark's data, shared by the in-object bench (bench/worker.ts, bundled by wrangler)
// and the wire bench (bench/run.mjs, plain Node): deterministic items of about 1 KB of
// wire JSON, shaped like real marshalled items (strings, numbers, sets, a map, a list of
// maps, a binary), with a counter `n` for UpdateItem and a `category` of 100 values for
// a 1%-selective filter.

/** Target size of an item's wire JSON (JSON.stringify of the marshalled item), bytes. */
export const ITEM_BYTES = 1024;
/** `category` takes CATEGORIES values, so `category = :c` selects 1 item in 100. */
export const CATEGORIES = 100;
export const MATCH_CATEGORY = "c42";

const WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore".split(
  " ",
);

/** CreateTable input of the bench's tables: string pk (HASH) and sk (RANGE), on demand. */
export function gridTable(name) {
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
  };
}

export function partitionKey(p) {
  return `p${String(p).padStart(6, "0")}`;
}

export function sortKey(s) {
  return `s${String(s).padStart(4, "0")}`;
}

/** A deterministic pseudo-random sequence (LCG), the same in Node and workerd. */
export function rng(seed) {
  let state = seed >>> 0 || 1;
  return (bound) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % bound;
  };
}

function words(i, count) {
  const out = [];
  for (let k = 0; k < count; k++) out.push(WORDS[(i * 7 + k * 3) % WORDS.length]);
  return out.join(" ");
}

function base64(i, bytes) {
  let text = "";
  for (let k = 0; k < bytes; k++) text += String.fromCharCode((i * 31 + k * 17) & 0xff);
  return btoa(text);
}

/**
 * Item number `i` with key (pk, sk) (sk undefined: a hash-only table), padded with a
 * `body` string so that its wire JSON is ITEM_BYTES long.
 */
export function makeItem(i, pk, sk) {
  const item = { pk: { S: pk } };
  if (sk !== undefined) item.sk = { S: sk };
  Object.assign(item, {
    n: { N: "0" },
    category: { S: `c${i % CATEGORIES}` },
    title: { S: `Item ${i}: ${words(i, 6)}` },
    price: { N: `${i % 1000}.99` },
    quantity: { N: String(i % 250) },
    active: { BOOL: i % 2 === 0 },
    tags: { SS: ["alpha", "beta", `t${i % 7}`] },
    ratings: { NS: ["1", "2", String(3 + (i % 5))] },
    owner: {
      M: {
        id: { S: `user-${i % 977}` },
        name: { S: words(i + 1, 2) },
        email: { S: `user${i % 977}@example.com` },
        since: { N: String(1_600_000_000 + i) },
      },
    },
    history: {
      L: [0, 1, 2].map((k) => ({ M: { at: { N: String(1_700_000_000 + i * 10 + k) }, what: { S: words(i + k, 2) } } })),
    },
    payload: { B: base64(i, 48) },
    body: { S: "" },
  });
  const missing = ITEM_BYTES - JSON.stringify(item).length;
  item.body.S = missing > 0 ? `${words(i, 200)}`.slice(0, missing).padEnd(missing, ".") : "";
  return item;
}
