// Figure group P (npm run bench): a simulation, not a measurement. All Durable Objects of
// `npm start` share one workerd thread, so a table of 1,000 partitions under a skewed load
// cannot be watched splitting here; this models it with Cloudflare's per-object limit and
// reports how many splits it takes and how long until no object is over its limit.
//
// The model, in one-second steps:
// - A table of `partitions` equal hash ranges over `keys` partition keys with random 32-bit
//   hashes. Writes follow a Zipf law over the keys (exponent `zipf`, ranks shuffled over the
//   hash space), `meanLoad` of the object limit per partition on average. A key is capped
//   at `keyLimit` writes/s (DynamoDB throttles one partition key at 1,000 WCU); the excess
//   is reported, since no split can serve it.
// - An object over `splitAt` of its limit for `sustain` seconds splits in two; the move
//   takes its rows (`rowsPerKey` per key) at `moveRate` rows/s, during which the source
//   keeps serving the whole range, then the halves are two objects. Splits of different
//   objects run at once; a half may split again once its own move is done.
// - Split points: `halve` cuts the hash range in the middle; `median` cuts where half of
//   the range's load lies below, between two keys, so a hot key is isolated in a few cuts.

/** xorshift32: fixed-seed, so every run simulates the same table. */
function rng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const HASH_SPACE = 2 ** 32;
/** Over the limit beyond rounding: a key capped at the limit alone in its object is not over it. */
const OVER = 1 + 1e-9;

/**
 * @param {{ partitions: number; keys: number; zipf: number; meanLoad: number; limit: number;
 *   keyLimit: number; splitAt: number; sustain: number; rowsPerKey: number; moveRate: number;
 *   policy: "halve" | "median"; maxSeconds: number; seed: number }} o
 */
export function simulateSplits(o) {
  const random = rng(o.seed);
  // Keys sorted by hash; each with its write rate.
  const hashes = new Float64Array(o.keys);
  for (let i = 0; i < o.keys; i++) hashes[i] = Math.floor(random() * HASH_SPACE);
  hashes.sort();
  const ranks = Array.from({ length: o.keys }, (_, i) => i + 1);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
  }
  let harmonic = 0;
  for (let r = 1; r <= o.keys; r++) harmonic += r ** -o.zipf;
  const total = o.partitions * o.limit * o.meanLoad;
  const rate = new Float64Array(o.keys);
  let throttled = 0;
  let throttledKeys = 0;
  for (let i = 0; i < o.keys; i++) {
    const wanted = (total * ranks[i] ** -o.zipf) / harmonic;
    rate[i] = Math.min(wanted, o.keyLimit);
    if (wanted > o.keyLimit) {
      throttled += wanted - o.keyLimit;
      throttledKeys++;
    }
  }
  // Prefix sums of the rates over the sorted keys: a range's load in O(1).
  const prefix = new Float64Array(o.keys + 1);
  for (let i = 0; i < o.keys; i++) prefix[i + 1] = prefix[i] + rate[i];
  /** First key index with hash >= h. */
  const keyAt = (h) => {
    let lo = 0;
    let hi = o.keys;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** Objects: hash range [low, high), key index range [from, to), state of its split. */
  let objects = Array.from({ length: o.partitions }, (_, k) => {
    const low = Math.ceil((k * HASH_SPACE) / o.partitions);
    const high = Math.ceil(((k + 1) * HASH_SPACE) / o.partitions);
    return { low, high, from: keyAt(low), to: keyAt(high), hotFor: 0, movingUntil: -1, cut: -1 };
  });
  const load = (obj) => prefix[obj.to] - prefix[obj.from];

  /** Where to cut an object in two: a key index strictly inside (from, to), or -1 if it holds one key. */
  const cutOf = (obj) => {
    if (obj.to - obj.from < 2) return -1;
    if (o.policy === "halve") {
      const at = keyAt(obj.low + Math.floor((obj.high - obj.low) / 2));
      return Math.min(Math.max(at, obj.from + 1), obj.to - 1);
    }
    const half = prefix[obj.from] + load(obj) / 2;
    let lo = obj.from + 1;
    let hi = obj.to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prefix[mid] < half) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  let splits = 0;
  let settledAt = -1;
  let second = 0;
  for (; second < o.maxSeconds; second++) {
    const next = [];
    for (const obj of objects) {
      if (obj.movingUntil >= 0 && second >= obj.movingUntil) {
        // Cut-over: the upper half is its own object from now on.
        const mid = hashes[obj.cut];
        next.push({ low: obj.low, high: mid, from: obj.from, to: obj.cut, hotFor: 0, movingUntil: -1, cut: -1 });
        next.push({ low: mid, high: obj.high, from: obj.cut, to: obj.to, hotFor: 0, movingUntil: -1, cut: -1 });
        splits++;
        continue;
      }
      const l = load(obj);
      if (obj.movingUntil < 0) {
        obj.hotFor = l > o.splitAt * o.limit ? obj.hotFor + 1 : 0;
        if (obj.hotFor >= o.sustain) {
          const cut = cutOf(obj);
          if (cut >= 0) {
            obj.cut = cut;
            const rows = (obj.to - cut) * o.rowsPerKey;
            obj.movingUntil = second + Math.max(1, Math.ceil(rows / o.moveRate));
          }
        }
      }
      next.push(obj);
    }
    objects = next;
    if (objects.every((obj) => obj.movingUntil < 0 && load(obj) <= o.limit * OVER)) {
      settledAt = second;
      break;
    }
  }
  const loads = objects.map(load);
  return {
    splits,
    settledSeconds: settledAt,
    partitions: objects.length,
    maxLoadOverLimit: Math.max(...loads) / o.limit,
    overLimit: loads.filter((l) => l > o.limit * OVER).length,
    throttledKeys,
    throttledShare: throttled / total,
  };
}
