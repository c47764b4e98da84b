// Every test file starts from empty storage. The Workers pool runs files without per-file
// isolation (vitest.config.ts: one workerd and one module graph per pool worker), so this
// setup file gives each file what a fresh runtime would: no stored data, and no Durable
// Object instance still holding the previous file's state in memory. Storage goes first:
// an instance reset before it could wake again (an alarm) on the old data and, once the
// data is gone under it, keep its old TTL or stream schedule alive across later files.
import { abortAllDurableObjects, reset } from "cloudflare:test";
import { beforeAll } from "vitest";

beforeAll(async () => {
  await reset();
  await abortAllDurableObjects();
});
