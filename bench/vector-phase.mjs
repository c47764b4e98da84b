// Figure V of `npm run bench` (issue 25), run in the bench object's workerd with the in-object
// phases: vector search over one partition (the object's side: bench/vector-bench.ts).
// `ctx` carries run.mjs's plumbing: { rpc, sample, calibrate, figure, record, progress,
// skipped, config }.

/**
 * V (issue 25): SearchVectors TopK 10 over a vector index of one partition (100,000 vectors
 * of 768 dimensions; quick: 2,000 of 64), exact, against the floor of a plain TypeScript
 * loop over the same vectors held as Float32Arrays in memory; recall@10 against that loop;
 * what the index adds to a PutItem (bench/vector-bench.ts).
 */
export async function phaseV(ctx) {
  const { rpc, sample, calibrate, figure, record, progress, skipped, config } = ctx;
  const QUICK = config.quick;
  const dims = QUICK ? 64 : 768;
  const count = QUICK ? 2_000 : 100_000;
  // An index small enough for an object to hold in memory (src/storage/vector-cache.ts:
  // 4M floats); in quick mode the main index is that small already.
  const heldCount = QUICK ? 0 : 4_000;
  await rpc("vecSetup", dims, heldCount > 0);
  // The large index goes approximate once the alarm builds its lists: held back until its
  // exact searches are timed.
  await rpc("vecHold");
  const load = async (table, total) => {
    for (let from = 0; from < total; from += 500) {
      progress(`bench: V loading ${table}: ${from}/${total} vectors of ${dims} dimensions`);
      await rpc("vecLoad", table, from, Math.min(total, from + 500), dims);
    }
    progress(`bench: V the floor's copy of ${table} in memory`);
    const held = await rpc("vecFloor", table);
    if (held !== total) throw new Error(`vector index of ${table} holds ${held} rows, expected ${total}`);
  };
  await load("vectors", count);
  if (heldCount > 0) await load("vectors-held", heldCount);
  const searchFigure = (id, n, held) =>
    figure({
      id,
      group: "V",
      name: `${held ? "  information: " : ""}SearchVectors TopK 10 over ${n.toLocaleString("en")} vectors of ${dims} dimensions in one partition, exact: ms per query vs a plain TypeScript loop over the same Float32Arrays in memory${held ? " (an index the object holds in memory)" : ""}`,
      unit: "ms",
      refLabel: "TS loop",
      ratio: "ours/ref",
      ratioMeaning: "engine ms per query / in-memory loop ms per query",
      goal: held ? null : { op: "<=", value: 1.5 },
      lowerIsBetter: true,
    });
  const search = searchFigure("V.exact", count, false);
  const heldSearch = heldCount > 0 ? searchFigure("V.exact.held", heldCount, true) : undefined;
  const recallFigure = figure({
    id: "V.recall",
    group: "V",
    name: `  recall@10 of the engine's search against the loop's exact answer (16 queries)`,
    unit: "ratio",
    refLabel: "",
    ratio: "ours/ref",
    ratioMeaning: "share of the exact top 10 found",
    goal: { op: ">=", value: 0.95 },
  });
  const puts = figure({
    id: "V.put",
    group: "V",
    name: `  information: PutItem of an item with a ${dims}-dimension vector, with the vector index vs the same table without one`,
    unit: "ops/s",
    refLabel: "no vector index",
    ratio: "ref/ours",
    ratioMeaning: "rate without the index / rate with it (the index's cost)",
    goal: null,
  });
  const approx = QUICK
    ? undefined
    : figure({
        id: "V.approx",
        group: "V",
        name: `  information: the same searches once the index's lists are built (approximate): ms per query vs the loop`,
        unit: "ms",
        refLabel: "TS loop",
        ratio: "ours/ref",
        ratioMeaning: "engine ms per query / in-memory loop ms per query",
        goal: null,
        lowerIsBetter: true,
      });
  const approxRecall = QUICK
    ? undefined
    : figure({
        id: "V.recall.approx",
        group: "V",
        name: `  recall@10 of the approximate search against the loop's exact answer (16 queries)`,
        unit: "ratio",
        refLabel: "",
        ratio: "ours/ref",
        ratioMeaning: "share of the exact top 10 found",
        goal: { op: ">=", value: 0.95 },
      });
  const buildTime = QUICK
    ? undefined
    : figure({
        id: "V.lists.build",
        group: "V",
        name: `  information: building the index's lists (k-means on a sample, every row assigned), by the alarm`,
        unit: "s",
        refLabel: "",
        ratio: "none",
        goal: null,
      });
  if (QUICK) {
    skipped.push({
      id: "V.approx",
      figure: "SearchVectors over the same index, approximate (recall, ms per query)",
      reason: "quick mode: the index is small enough to search exactly",
    });
  }
  const recall = await rpc("vecRecall", "vectors", dims);
  recallFigure.rounds.push({ ours: recall, ref: 1, ratio: recall });
  progress("bench: V calibrating");
  const kinds = ["exact", "floor", "put", "plain", ...(heldSearch ? ["heldexact", "heldfloor"] : [])];
  const sizes = {};
  for (const w of kinds) sizes[w] = await calibrate(`vec.${w}.${dims}`);
  const pair = async (round, a, b) => {
    const out = {};
    for (const w of round % 2 ? [b, a] : [a, b]) {
      progress(`bench: V round ${round + 1}/${config.rounds}: ${w}`);
      out[w] = await sample(`vec.${w}.${dims}`, sizes[w]);
    }
    return out;
  };
  const msPerQuery = (s) => (s.seconds * 1000) / s.n;
  for (let round = 0; round < config.rounds; round++) {
    const searched = await pair(round, "exact", "floor");
    record(search, msPerQuery(searched.exact), msPerQuery(searched.floor));
    if (heldSearch) {
      const held = await pair(round, "heldexact", "heldfloor");
      record(heldSearch, msPerQuery(held.heldexact), msPerQuery(held.heldfloor));
    }
  }
  if (approx && approxRecall && buildTime) {
    progress("bench: V building the large index's lists (the alarm's steps)");
    const built = await rpc("vecBuildLists");
    buildTime.rounds.push({ ours: built.ms / 1000, ref: null, ratio: null });
    const recalled = await rpc("vecRecall", "vectors", dims);
    approxRecall.rounds.push({ ours: recalled, ref: 1, ratio: recalled });
    sizes.approx = await calibrate(`vec.approx.${dims}`);
    for (let round = 0; round < config.rounds; round++) {
      const searched = await pair(round, "approx", "floor");
      record(approx, msPerQuery(searched.approx), msPerQuery(searched.floor));
    }
  }
  for (let round = 0; round < config.rounds; round++) {
    const written = await pair(round, "put", "plain");
    record(puts, written.put.rate, written.plain.rate);
  }
}
