import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Unit and integration tests run inside workerd, against the Worker and Durable Object
// declared in wrangler.toml. Test-only additions: the main module is a test entry that
// re-exports the product Worker plus test Durable Object classes, and MIXIN_TEST binds one
// of them (a SQLite-backed class using the withDynamoDB mixin).
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test/client/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        durableObjects: { MIXIN_TEST: { className: "MixinTestObject", useSQLite: true } },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // 2 shared cores: the first request of a file starts workerd state and can be slow.
    testTimeout: 30_000,
    exclude: ["test/e2e/**"],
  },
});
