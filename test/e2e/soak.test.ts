// `npm run soak` (scripts/soak.mjs) in a short version, so it cannot rot: a few seconds of
// mixed load from 8 clients, then one SIGKILL of the whole server mid-load and a restart on
// the same state. Every acknowledged write must be there afterwards, transactions whole,
// ItemCount equal to the items, and no unexpected error during the load.
import { describe, expect, it } from "vitest";
import { runScript } from "./run-script";

describe("soak (short)", () => {
  it("Soak: mixed load, a crash mid-load and a restart lose no acknowledged write", { timeout: 180_000 }, async () => {
    const { code, output } = await runScript("scripts/soak.mjs", [
      "--seconds",
      "4",
      "--clients",
      "8",
      "--crashes",
      "1",
      "--crash-seconds",
      "4",
    ]);
    expect(code, output).toBe(0);
    expect(output).toContain("crash 1: SIGKILL mid-load, restarted; 0 problems");
    expect(output).toContain("soak: 0 lost or inconsistent writes; 0 unexpected errors during the load");
    for (const op of [
      "PutItem",
      "UpdateItem",
      "GetItem",
      "DeleteItem",
      "Query",
      "BatchWriteItem",
      "TransactWriteItems",
    ]) {
      expect(output).toMatch(new RegExp(`^${op} +[1-9]\\d* `, "m"));
    }
  });
});
