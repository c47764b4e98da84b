// The console's routes (src/edge/console/serve.ts): off unless DDB_CONSOLE is on, static assets
// with a strict Content-Security-Policy, and the sign-in prefill only when configured.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consoleResponse } from "../../src/edge/console/serve";

const worker = (exports as unknown as { default: Fetcher }).default;
const get = (path: string) => new Request(`http://localhost${path}`);

describe("Console routes", () => {
  it("Console: the deployed Worker (no DDB_CONSOLE) serves no page at /console", async () => {
    const response = await worker.fetch("http://localhost/console");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(await response.text()).not.toContain("<html");
  });

  it("Console: off unless DDB_CONSOLE is on", () => {
    expect(consoleResponse(get("/console"), {})).toBeUndefined();
    expect(consoleResponse(get("/console"), { DDB_CONSOLE: "off" })).toBeUndefined();
    expect(consoleResponse(get("/console"), { DDB_CONSOLE: "on" })?.status).toBe(200);
    expect(consoleResponse(get("/console"), { DDB_CONSOLE: "TRUE" })?.status).toBe(200);
  });

  it("Console: serves the page, its script and stylesheet with a strict CSP", async () => {
    const env = { DDB_CONSOLE: "on" };
    const cases: [string, string, string][] = [
      ["/console", "text/html; charset=utf-8", "<title>durable-dynamodb console</title>"],
      ["/console/", "text/html; charset=utf-8", '<script defer src="/console/app.js"></script>'],
      ["/console/app.js", "text/javascript; charset=utf-8", "DynamoDB_20120810"],
      ["/console/app.css", "text/css; charset=utf-8", "table.grid"],
    ];
    for (const [path, type, snippet] of cases) {
      const response = consoleResponse(get(path), env)!;
      expect([path, response.status, response.headers.get("content-type")]).toEqual([path, 200, type]);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'; script-src 'self'");
      expect(await response.text()).toContain(snippet);
    }
  });

  it("Console: prefills the sign-in only with the pair DDB_CONSOLE_PREFILL names", async () => {
    const none = consoleResponse(get("/console/config.json"), { DDB_CONSOLE: "on" })!;
    expect(await none.json()).toEqual({});
    const local = consoleResponse(get("/console/config.json"), {
      DDB_CONSOLE: "on",
      DDB_CONSOLE_PREFILL: "local:local",
    })!;
    expect(await local.json()).toEqual({ accessKeyId: "local", secretAccessKey: "local" });
  });

  it("Console: leaves other paths and methods to the wire protocol, and 404s unknown console paths", async () => {
    const env = { DDB_CONSOLE: "on" };
    expect(consoleResponse(get("/"), env)).toBeUndefined();
    expect(consoleResponse(get("/consoles"), env)).toBeUndefined();
    expect(
      consoleResponse(new Request("http://localhost/console", { method: "POST", body: "{}" }), env),
    ).toBeUndefined();
    const missing = consoleResponse(get("/console/nope.js"), env)!;
    expect([missing.status, await missing.text()]).toEqual([404, "Not found"]);
  });
});
