// `npm run split-load` (scripts/split-load.mjs) in a short version: through `npm start`, a
// table written to many times DDB_SPLIT_BYTES while other clients query and scan it ends
// up over many partitions with every acknowledged write there once, every read exact, and
// every change in its stream once, in order per item.
import { describe, expect, it } from "vitest";
import { runScript } from "./run-script";

describe("split load (short)", () => {
  it(
    "SplitPartition: a table growing through splits under load keeps every write, read and stream record exact",
    { timeout: 240_000 },
    async () => {
      const { code, output } = await runScript("scripts/split-load.mjs", [
        "--mb",
        "3",
        "--split-kb",
        "256",
        "--writers",
        "4",
        "--readers",
        "2",
      ]);
      expect(code, output).toBe(0);
      expect(output).toContain("split-load: 0 problems");
      const partitions = Number(/: (\d+) partitions \(map version/.exec(output)?.[1]);
      expect(partitions, output).toBeGreaterThanOrEqual(8);
      const shards = Number(/stream of (\d+) shards/.exec(output)?.[1]);
      expect(shards, output).toBe(2 * partitions - 1);
    },
  );
});
