import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Unit and integration tests run inside workerd, against the Worker and Durable Object
// declared in wrangler.toml. Test-only additions: the main module is a test entry that
// re-exports the product Worker plus test Durable Object classes, and MIXIN_TEST binds one
// of them (a SQLite-backed class using the withDynamoDB mixin).
/** Suites that look at the HTTP edge itself or inside shard 0's SQLite: the wire door only. */
const WIRE_ONLY: string[] = [];

// Inside the repository the package's own name means its sources, so tests and examples
// run the code as it is (test/e2e/package.test.ts tests the packed dist/).
const source = (file: string): string => new URL(file, import.meta.url).pathname;
const SELF = [
  { find: /^durable-dynamodb$/, replacement: source("./src/index.ts") },
  { find: /^durable-dynamodb\/(lib|do|testing)$/, replacement: source("./src/$1.ts") },
];

export default defineConfig({
  resolve: { alias: SELF },
  plugins: [
    cloudflareTest({
      main: "./test/client/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        durableObjects: {
          MIXIN_TEST: { className: "MixinTestObject", useSQLite: true },
          EXAMPLE_ROOM: { className: "ChatRoom", useSQLite: true }, // examples/mixin
        },
        // The endpoint requires SigV4 (SECURITY.md); test/support/wire.ts signs with this pair.
        // DDB_TTL_SWEEP_SECONDS: a TTL sweep every second (test/streams/ttl.test.ts).
        // DDB_TEST_DOOR: `npm run test:doors` runs the conformance suites through the SDK
        // client's router (1 and 4 shards) and the mixin (test/support/doors.ts).
        bindings: {
          DDB_CREDENTIALS: "AKIDVITEST:vitest-secret-access-key",
          DDB_TTL_SWEEP_SECONDS: "1",
          DDB_TEST_DOOR: process.env.DDB_TEST_DOOR ?? "wire",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    // ElectroDB (examples/electrodb) is CommonJS requiring @aws-sdk/lib-dynamodb: pre-bundled,
    // as the Vitest plugin's docs advise for CommonJS dependencies.
    deps: { optimizer: { ssr: { enabled: true, include: ["electrodb"] } } },
    // 2 shared cores: the first request of a file starts workerd state and can be slow.
    testTimeout: 30_000,
    exclude: ["test/e2e/**", ...(process.env.DDB_TEST_DOOR ? WIRE_ONLY : [])],
  },
});
