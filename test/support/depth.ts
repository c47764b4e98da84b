// How large the random (property, fuzz and model) tests run. `npm test` runs them at a size
// that keeps the whole suite within minutes on two cores, smaller again on the doors other
// than the wire (they deliver the same requests to the same engine); `npm run test:deep`
// (DDB_TEST_DEPTH=deep, vitest.config.ts) runs them at the size they were written for on
// every door. Seeds are fixed either way, so a failure replays at the depth it was found.
import { env } from "cloudflare:workers";
import { testDoor } from "./doors";

export const DEEP = (env as { DDB_TEST_DEPTH?: string }).DDB_TEST_DEPTH === "deep";

/** `deep` cases in `npm run test:deep`; in `npm test`, `ci` on the wire and `doors` elsewhere. */
export function sized(ci: number, deep: number, doors = ci): number {
  if (DEEP) return deep;
  return testDoor() === "wire" ? ci : doors;
}
