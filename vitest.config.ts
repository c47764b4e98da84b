import { availableParallelism } from "node:os";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Unit and integration tests run inside workerd, against the Worker and Durable Object
// declared in wrangler.toml. Test-only additions: the main module is a test entry that
// re-exports the product Worker plus test Durable Object classes, and MIXIN_TEST binds one
// of them (a SQLite-backed class using the withDynamoDB mixin).
//
// One project per front door (test/support/doors.ts): `wire` runs every suite through the
// HTTP edge; `client-4` and `mixin` run the conformance suites again through the SDK
// client's router with tables on 4 shards and through the mixin; `wire-4` runs the GSI suites
// through the HTTP edge with tables on 4 partitions. The client's router with tables on one
// shard is the wire door's path past the HTTP layer (the edge calls the same
// `Router.deliver`), so it has no project of its own. One `vitest run` runs them all;
// `--project wire` (or a door's name) runs one.

/** The suites that check DynamoDB's behaviour operation by operation: run through every door. */
const CONFORMANCE = ["test/ops/**/*.test.ts", "test/query/**/*.test.ts", "test/partiql/**/*.test.ts"];
/** Among them, suites that send no request through a door (unit tests of the SQL translation). */
const DOORLESS = ["test/query/filter-sql.test.ts"];

// Inside the repository the package's own name means its sources, so tests and examples
// run the code as it is (test/e2e/package.test.ts tests the packed dist/).
const source = (file: string): string => new URL(file, import.meta.url).pathname;
const SELF = [
  { find: /^durable-dynamodb$/, replacement: source("./src/index.ts") },
  { find: /^durable-dynamodb\/(lib|do|testing)$/, replacement: source("./src/$1.ts") },
];

const EXCLUDE = ["test/e2e/**", "**/node_modules/**"];

type Door = "wire" | "wire-4" | "client-4" | "mixin";

/** The GSI suites, run again through the HTTP edge with tables over 4 partitions (door wire-4). */
const GSI_SUITES = ["test/ops/indexes-*.test.ts"];

function door(name: Door, include: string[], exclude: string[] = []): TestProjectInlineConfiguration {
  // wire-4: the endpoint creates tables over 4 partitions, whose GSIs live in objects of their own.
  const shards: Record<string, string> = name === "wire-4" ? { DDB_DEFAULT_SHARDS: "4" } : {};
  return {
    extends: true,
    plugins: [
      cloudflareTest({
        main: "./test/client/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          durableObjects: {
            MIXIN_TEST: { className: "MixinTestObject", useSQLite: true },
            EXAMPLE_ROOM: { className: "ChatRoom", useSQLite: true }, // examples/mixin
          },
          // The bucket exports and imports name as S3Bucket (test/cluster/export-import.test.ts).
          r2Buckets: ["exports"],
          // The endpoint requires SigV4 (SECURITY.md); test/support/wire.ts signs with this pair.
          // DDB_TTL_SWEEP_SECONDS: a TTL sweep every second (test/streams/ttl.test.ts).
          // DDB_TEST_DEPTH: `deep` (npm run test:deep) runs the property tests at full size.
          // DDB_SPLIT_BYTES: partitions split past 8 MiB, so suites that write that much see
          // splits happen under them (test/cluster/split-auto.test.ts).
          bindings: {
            DDB_CREDENTIALS: "AKIDVITEST:vitest-secret-access-key",
            DDB_TTL_SWEEP_SECONDS: "1",
            // Transaction recovery alarms are run by hand (test/cluster/transactions-recovery.test.ts);
            // none fires by itself in a slow run.
            DDB_TXN_CHECK_SECONDS: "60",
            // The backup watchdog's test (test/cluster/backup.test.ts) waits for it: 2 s, not 10.
            DDB_BACKUP_WATCH_SECONDS: "2",
            DDB_SPLIT_BYTES: String(8 * 1024 * 1024),
            // Vector indexes past 16,384 numbers per object go approximate (their lists built by
            // the alarm), so test/ops/vector-lists.test.ts sees it with a thousand small vectors.
            DDB_VECTOR_EXACT_FLOATS: "16384",
            // A write waits for its partitioned GSIs' changes (src/gsi/propagation.ts) however
            // slow a loaded run is, so the suites read their own writes through an index.
            DDB_GSI_WAIT_MS: "30000",
            DDB_TEST_DOOR: name,
            DDB_TEST_DEPTH: process.env.DDB_TEST_DEPTH ?? "ci",
            ...shards,
          },
        },
      }),
    ],
    test: { name, include, exclude: [...EXCLUDE, ...exclude] },
  };
}

export default defineConfig({
  resolve: { alias: SELF },
  test: {
    projects: [
      door("wire", ["test/**/*.test.ts", "examples/**/*.test.ts"]),
      door("wire-4", GSI_SUITES),
      door("client-4", CONFORMANCE, DOORLESS),
      door("mixin", CONFORMANCE, DOORLESS),
    ],
    // ElectroDB (examples/electrodb) is CommonJS requiring @aws-sdk/lib-dynamodb: pre-bundled,
    // as the Vitest plugin's docs advise for CommonJS dependencies.
    deps: { optimizer: { ssr: { enabled: true, include: ["electrodb"] } } },
    // A pool worker (one workerd) runs file after file with one module graph, instead of a
    // fresh runtime per file: importing the engine and the AWS SDK once, not 80 times, is
    // most of the suite's time. test/support/file-isolation.ts empties storage per file.
    isolate: false,
    setupFiles: ["test/support/file-isolation.ts"],
    // Vitest's default leaves one core free; on the two-core project machine that is half of it.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // 2 shared cores: the first request of a file starts workerd state and can be slow.
    testTimeout: 30_000,
  },
});
