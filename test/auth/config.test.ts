// Where credentials come from (DDB_CREDENTIALS), what happens with none, and the DDB_AUTH=off
// switch for local use.
import { describe, expect, it } from "vitest";
import { parseCredentials } from "../../src/edge/auth-config";
import { authenticate } from "../../src/edge/auth";
import { signedRequest } from "../support/wire";
import { callWith, errorOf, JSON_HEADERS, unsigned } from "./helpers";

const MISSING = [
  400,
  "com.amazon.coral.service#MissingAuthenticationTokenException",
  "Request is missing Authentication Token",
];
const UNRECOGNIZED = [
  400,
  "com.amazon.coral.service#UnrecognizedClientException",
  "The security token included in the request is invalid.",
];

const listTables = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  signedRequest(
    "http://localhost/",
    { method: "POST", headers: JSON_HEADERS("ListTables"), body: "{}" },
    { credentials },
  );

describe("Auth configuration", () => {
  it("Auth: with no credentials configured every request is refused", async () => {
    expect(errorOf(await callWith({}, unsigned("ListTables")))).toEqual(MISSING);
    const vitest = { accessKeyId: "AKIDVITEST", secretAccessKey: "vitest-secret-access-key" };
    expect(errorOf(await callWith({}, await listTables(vitest)))).toEqual(UNRECOGNIZED);
    expect(errorOf(await callWith({ DDB_CREDENTIALS: " , " }, await listTables(vitest)))).toEqual(UNRECOGNIZED);
  });

  it("Auth: the health check answers with no credentials configured", async () => {
    const { handleHttp } = await import("../../src/edge/http");
    const { env } = await import("./helpers");
    const response = await handleHttp(new Request("http://localhost/"), { DYNAMODB: env.DYNAMODB });
    expect([response.status, await response.text()]).toEqual([200, "healthy: localhost"]);
  });

  it("Auth: DDB_AUTH=off accepts unsigned requests", async () => {
    const reply = await callWith({ DDB_AUTH: "off" }, unsigned("ListTables"));
    expect(reply.status).toBe(200);
    // ...and any signature, even a wrong one.
    const wrong = await listTables({ accessKeyId: "anyone", secretAccessKey: "anything" });
    expect((await callWith({ DDB_AUTH: "OFF", DDB_CREDENTIALS: "a:b" }, wrong)).status).toBe(200);
    // Any other value keeps verification on.
    expect(errorOf(await callWith({ DDB_AUTH: "no" }, unsigned("ListTables")))).toEqual(MISSING);
  });

  it("Auth: every pair of DDB_CREDENTIALS signs, and a secret may contain a colon", async () => {
    const env = { DDB_CREDENTIALS: "AKIDONE:one-secret, AKIDTWO:two:secret" };
    expect(
      (await callWith(env, await listTables({ accessKeyId: "AKIDONE", secretAccessKey: "one-secret" }))).status,
    ).toBe(200);
    expect(
      (await callWith(env, await listTables({ accessKeyId: "AKIDTWO", secretAccessKey: "two:secret" }))).status,
    ).toBe(200);
    const [status, type] = errorOf(
      await callWith(env, await listTables({ accessKeyId: "AKIDTWO", secretAccessKey: "two" })),
    );
    expect([status, type]).toEqual([400, "com.amazon.coral.service#InvalidSignatureException"]);
  });

  it("Auth: DDB_CREDENTIALS entries that are not id:secret are ignored", () => {
    expect([...parseCredentials("AKIDA:a,broken,:nokey,AKIDB:,AKIDC : c ")]).toEqual([
      ["AKIDA", "a"],
      ["AKIDC", "c"],
    ]);
  });

  it("Auth: verification with cached signing keys stays cheap (1,000 requests)", async () => {
    const env = { DDB_CREDENTIALS: "AKIDLOOP:loop-secret" };
    const body = JSON.stringify({ TableName: "t", Item: { id: { S: "x".repeat(1000) } } });
    const request = await signedRequest(
      "http://localhost/",
      { method: "POST", headers: JSON_HEADERS("PutItem"), body },
      { credentials: { accessKeyId: "AKIDLOOP", secretAccessKey: "loop-secret" } },
    );
    const bytes = new TextEncoder().encode(body);
    const started = performance.now();
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      const outcome = await authenticate(request, bytes, env);
      if (outcome.ok) accepted++;
    }
    // workerd freezes timers between I/O, so this figure is indicative at best.
    console.log(`auth: 1000 verifications of a 1 KB PutItem in ${(performance.now() - started).toFixed(1)} ms`);
    expect(accepted).toBe(1000);
  });
});
