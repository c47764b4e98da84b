import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Unit and integration tests run inside workerd, against the Worker and Durable Object
// declared in wrangler.toml.
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: {
    include: ["test/**/*.test.ts"],
    // 2 shared cores: the first request of a file starts workerd state and can be slow.
    testTimeout: 30_000,
    exclude: ["test/e2e/**"],
  },
});
