// Figure I of `npm run bench` (issue 26), run in the bench object's workerd with the
// in-Worker phases: global secondary indexes kept in partitions of their own, through the
// SDK-compatible client in a Worker (the Worker's side: bench/gsi-bench.ts). `ctx` carries
// run.mjs's plumbing: { rpc, rpcNoWait, figure, record, progress, median, config }.
// `rpcNoWait` reaches a second copy of the bench Worker whose DDB_GSI_WAIT_MS is "0" (its
// writes answer without waiting for their index changes, as DynamoDB's do).
import { baseline, calibrate, timed } from "./cluster-phases.mjs";

/** Partition counts of the query figure; the first is the reference. */
const QUERY_SHARDS = [1, 16, 64];
/** GSIs of the write figure's tables (4 partitions each); the first is the reference. */
const PUT_INDEXES = [0, 1, 2];
const PUT_SHARDS = 4;
const LAG_SHARDS = 16;

/** Nearest-rank percentile of `values` (0 < p <= 100). */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * I: a GSI Query's latency on tables of 1, 16 and 64 partitions (same items; goal: 64
 * partitions within 1.2x of one), the PutItem cost of each GSI on a table of 4 partitions
 * (information), and how long an index lags behind writes that do not wait for it, under a
 * steady load on 16 partitions (information).
 */
export async function phaseI(ctx) {
  const { rpc, rpcNoWait, figure, record, progress, config } = ctx;
  const QUICK = config.quick;
  // 100 groups (bench/gsi-bench.ts): a Query returns items / 100 items.
  const items = QUICK ? 400 : 2_000;
  // Each round's sample of a figure is taken in this many calls, interleaved with the others'.
  const SLICES = QUICK ? 1 : 4;
  const perQuery = items / 100;

  for (const shards of QUERY_SHARDS) {
    progress(`bench: I loading ${items} items into a table of ${shards} partition(s) with a GSI`);
    await rpc("gsi.query.setup", shards, items);
  }
  for (const indexes of PUT_INDEXES) {
    progress(`bench: I loading the write table of ${PUT_SHARDS} partitions with ${indexes} GSI(s)`);
    await rpc("gsi.put.setup", indexes, PUT_SHARDS, items);
  }

  const queries = {};
  for (const shards of QUERY_SHARDS.slice(1)) {
    queries[shards] = figure({
      id: `I.query.${shards}`,
      group: "I",
      name: `${shards === 64 ? "" : "  information: "}GSI Query (${perQuery} items, ProjectionType ALL) via the client in a Worker: a table of ${shards} partitions vs 1 partition`,
      unit: "µs/op",
      refLabel: "1 partition",
      ratio: "ours/ref",
      ratioMeaning: `µs per Query on ${shards} partitions / µs per Query on 1 partition (same items)`,
      goal: shards === 64 ? { op: "<=", value: 1.2 } : null,
      lowerIsBetter: true,
      note: "1 partition: the GSI's entries beside the items in the table's one object; N partitions: the GSI in N objects of its own, partitioned by the index's partition key, so a Query reads one of them",
    });
  }
  const puts = {};
  for (const indexes of PUT_INDEXES.slice(1)) {
    puts[indexes] = figure({
      id: `I.put.${indexes}`,
      group: "I",
      name: `  information: PutItem via the client on a table of ${PUT_SHARDS} partitions with ${indexes} GSI${indexes > 1 ? "s" : ""} (ALL) vs none, the write waiting for its index changes (default DDB_GSI_WAIT_MS)`,
      unit: "µs/op",
      refLabel: "no GSI",
      ratio: "ours/ref",
      ratioMeaning: `µs per PutItem with ${indexes} GSI(s) / µs per PutItem without`,
      goal: null,
      lowerIsBetter: true,
    });
  }
  const added = figure({
    id: "I.put.added",
    group: "I",
    name: `  information: µs a GSI adds to a PutItem (${PUT_SHARDS} partitions, waiting): (2 GSIs - none) / 2`,
    unit: "µs/op",
    refLabel: "",
    ratio: "none",
    goal: null,
  });
  const lagInfo = (id, name, unit) => figure({ id, group: "I", name, unit, refLabel: "", ratio: "none", goal: null });
  const writers = QUICK ? 4 : 8;
  const probes = 2;
  const seconds = QUICK ? 2 : 5;
  const timeoutMs = QUICK ? 5_000 : 10_000;
  const lagLabel = `${writers} writers + ${probes} probes, PutItem not waiting (DDB_GSI_WAIT_MS 0), a table of ${LAG_SHARDS} partitions`;
  const lagP50 = lagInfo(
    "I.lag.p50",
    `  information: index lag under a steady write load (${lagLabel}): ms from a PutItem's acknowledgement until a Query of the GSI returns the entry, median`,
    "ms",
  );
  const lagP99 = lagInfo("I.lag.p99", "  same: p99", "ms");
  const lagWrites = lagInfo("I.lag.writes", "  same: PutItem rate of the load", "ops/s");
  const lagPending = lagInfo(
    "I.lag.pending.max",
    "  same: largest PendingChanges DescribeTable's extension showed during the load",
    "count",
  );
  const lagMillis = lagInfo(
    "I.lag.lagmillis.max",
    "  same: largest LagMillis DescribeTable's extension showed during the load",
    "ms",
  );
  const unseen = figure({
    id: "I.lag.problems",
    group: "I",
    name: `  same: sampled writes whose entry no Query returned within ${timeoutMs / 1000} s (timed out)`,
    unit: "count",
    refLabel: "none",
    ratio: "ours-ref",
    goal: { op: "<=", value: 0 },
  });

  progress("bench: I calibrating");
  const base = await baseline(ctx);
  const n = {};
  for (const shards of QUERY_SHARDS) n[`q${shards}`] = await calibrate(ctx, base, "gsi.query", shards);
  for (const indexes of PUT_INDEXES) n[`p${indexes}`] = await calibrate(ctx, base, "gsi.put", indexes);
  /**
   * µs per operation of each of `args` (method(arg, n[key(arg)])), each sample cut in SLICES
   * calls taken in turn (a b c c b a a b c ...), so that the machine's drift within a round
   * falls on every side alike.
   */
  const interleaved = async (round, method, args, key) => {
    const seconds = Object.fromEntries(args.map((a) => [a, 0]));
    const counts = Object.fromEntries(args.map((a) => [a, 0]));
    for (let slice = 0; slice < SLICES; slice++) {
      for (const arg of (round + slice) % 2 ? [...args].reverse() : args) {
        const count = Math.max(1, Math.round(n[key(arg)] / SLICES));
        const { seconds: s, check } = await timed(ctx, base, method, arg, count);
        if (method === "gsi.query" && check !== count * perQuery)
          throw new Error(`I: ${count} Queries returned ${check} items, expected ${count * perQuery}`);
        seconds[arg] += s;
        counts[arg] += count;
      }
    }
    return Object.fromEntries(args.map((a) => [a, (seconds[a] * 1e6) / counts[a]]));
  };
  const lagPlan = {
    shards: LAG_SHARDS,
    writers,
    seconds,
    probes,
    timeoutMs,
    describeEveryWrites: 25,
  };
  for (let round = 0; round < config.rounds; round++) {
    progress(`bench: I round ${round + 1}/${config.rounds}: GSI Query on ${QUERY_SHARDS.join(", ")} partitions`);
    const q = await interleaved(round, "gsi.query", QUERY_SHARDS, (shards) => `q${shards}`);
    for (const shards of QUERY_SHARDS.slice(1)) record(queries[shards], q[shards], q[1]);
    progress(`bench: I round ${round + 1}/${config.rounds}: PutItem with ${PUT_INDEXES.join(", ")} GSIs`);
    const p = await interleaved(round, "gsi.put", PUT_INDEXES, (indexes) => `p${indexes}`);
    for (const indexes of PUT_INDEXES.slice(1)) record(puts[indexes], p[indexes], p[0]);
    // A difference below a microsecond is noise (and a quick run's samples are short).
    added.rounds.push({ ours: Math.max(1, (p[2] - p[0]) / 2), ref: null, ratio: null });
  }
  // The lag's rounds come after the others': what its load leaves behind (changes still
  // being delivered) must not fall on the timed loops.
  let unseenNoted = false;
  for (let round = 0; round < config.rounds; round++) {
    progress(`bench: I round ${round + 1}/${config.rounds}: index lag under ${seconds} s of writes`);
    const lag = await rpcNoWait("gsi.lag", lagPlan);
    if (lag.waitMs !== "0") throw new Error(`I: the no-wait Worker has DDB_GSI_WAIT_MS ${lag.waitMs}`);
    const info = (entry, value) => entry.rounds.push({ ours: value, ref: null, ratio: null });
    if (lag.lags.length > 0) {
      info(lagP50, percentile(lag.lags, 50));
      info(lagP99, percentile(lag.lags, 99));
    } else if (!unseenNoted) {
      // Every sampled write timed out: its changes were never applied (I.lag.problems says how many).
      unseenNoted = true;
      ctx.skip(
        "I.lag.p50",
        "index lag under a steady write load, median and p99",
        `no sampled write's entry was returned by a Query within ${lagPlan.timeoutMs / 1000} s (all ${lag.unseen} of round ${round + 1})`,
      );
    }
    info(lagWrites, lag.writes / lag.seconds);
    info(lagPending, lag.maxPending);
    info(lagMillis, lag.maxLagMillis);
    record(unseen, lag.unseen, 0);
  }
}
