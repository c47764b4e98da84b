import { defineConfig } from "vitest/config";

// End-to-end tests: plain Node drives the real HTTP endpoint (scripts/start.mjs, started
// once by the global setup) with the AWS SDK for JavaScript, the AWS CLI and boto3.
// Timeouts are generous and files run one at a time: the CI machine has two slow cores,
// and the Worker, the CLI and Python all compete for them.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    // The global set-up's server builds dist/ (scripts/start.mjs); every server a test or
    // script starts after it serves that build instead of building it again.
    env: { DDB_START_BUILT: "1" },
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
