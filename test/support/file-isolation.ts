// Every test file starts from empty storage. The Workers pool runs files without per-file
// isolation (vitest.config.ts: one workerd and one module graph per pool worker), so this
// setup file gives each file what a fresh runtime would: no Durable Object instances, no
// stored data.
import { abortAllDurableObjects, reset } from "cloudflare:test";
import { beforeAll } from "vitest";

beforeAll(async () => {
  await abortAllDurableObjects();
  await reset();
});
