// SigV4 on the HTTP endpoint: the forms SDKs use are accepted, and every way a signature
// can be wrong gets DynamoDB's error type, message and status (SECURITY.md).
import { describe, expect, it } from "vitest";
import { SIGNATURE_MISMATCH } from "../../src/edge/auth-errors";
import { sha256Hex } from "../../src/edge/auth-hash";
import { signedRequest, TEST_CREDENTIALS } from "../support/wire";
import { basic, errorOf, JSON_HEADERS, presigned, replyOf, unsigned, worker, type Reply } from "./helpers";

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
const INVALID = "com.amazon.coral.service#InvalidSignatureException";
const INCOMPLETE = "com.amazon.coral.service#IncompleteSignatureException";
const encoder = new TextEncoder();

async function send(request: Request | Promise<Request>): Promise<Reply> {
  return replyOf(await worker.fetch(await request));
}

const sign = (operation: string, body = "{}", options: Parameters<typeof signedRequest>[2] = {}) =>
  signedRequest("http://localhost/", { method: "POST", headers: JSON_HEADERS(operation), body }, options);

/** A signed request whose Authorization header is then replaced (to test its parsing). */
async function withAuthorization(authorization: string, drop: string[] = []): Promise<Request> {
  const request = await sign("ListTables");
  const headers = new Headers(request.headers);
  headers.set("authorization", authorization);
  for (const name of drop) headers.delete(name);
  return new Request(request.url, { method: "POST", headers, body: "{}" });
}

function authorizationOf(request: Request): string {
  return request.headers.get("authorization")!;
}

describe("SigV4: accepted", () => {
  it("SigV4: accepts a request signed in the Authorization header", async () => {
    const reply = await send(sign("ListTables"));
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.body.TableNames)).toBe(true);
  });

  it("SigV4: accepts a presigned (query-string) request", async () => {
    const reply = await send(presigned("ListTables", "{}"));
    expect(reply.status).toBe(200);
  });

  it("SigV4: accepts any region in the credential scope", async () => {
    const reply = await send(sign("ListTables", "{}", { region: "eu-west-3" }));
    expect(reply.status).toBe(200);
  });

  it("SigV4: accepts a request dated 14 minutes either side of the clock", async () => {
    const past = await send(sign("ListTables", "{}", { signingDate: new Date(Date.now() - 14 * 60_000) }));
    const future = await send(sign("ListTables", "{}", { signingDate: new Date(Date.now() + 14 * 60_000) }));
    expect([past.status, future.status]).toEqual([200, 200]);
  });

  it("SigV4: accepts a signed body with non-ASCII text", async () => {
    const reply = await send(sign("GetItem", '{"TableName":"no-such-table","Key":{"id":{"S":"caf\u00e9-\u{1F600}"}}}'));
    // Past authentication: the engine's own answer.
    expect(errorOf(reply)).toEqual([
      400,
      "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
      "Requested resource not found",
    ]);
  });

  it("SigV4: accepts the DynamoDB Streams target, which SDKs sign with service dynamodb", async () => {
    const streams = await send(
      signedRequest("http://localhost/", {
        method: "POST",
        headers: JSON_HEADERS("ListStreams", "DynamoDBStreams_20120810"),
        body: "{}",
      }),
    );
    // Whatever the streams target answers, it is past authentication.
    expect(String(streams.body.__type)).not.toMatch(/Authentication|Signature|UnrecognizedClient/);
  });

  it("SigV4: accepts a client that also signed headers SDKs never sign (User-Agent)", async () => {
    const { SignatureV4 } = await import("@smithy/signature-v4");
    const { Sha256 } = await import("../../src/edge/auth-hash");
    const signer = new SignatureV4({
      service: "dynamodb",
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      sha256: Sha256,
    });
    const headers = { ...JSON_HEADERS("ListTables"), host: "localhost", "user-agent": "custom/1.0" };
    const signed = await signer.sign(
      { method: "POST", protocol: "http:", hostname: "localhost", path: "/", headers, body: "{}" },
      { signableHeaders: new Set(["user-agent"]) },
    );
    expect(authorizationOf(new Request("http://localhost/", { headers: signed.headers }))).toContain("user-agent");
    const reply = await send(new Request("http://localhost/", { method: "POST", headers: signed.headers, body: "{}" }));
    expect(reply.status).toBe(200);
  });

  it("SigV4: accepts the HTTP Date header in place of X-Amz-Date", async () => {
    // smithy never signs a Date header, so the canonical request is written out here and
    // only the HMAC chain is smithy's (signString).
    const { SignatureV4 } = await import("@smithy/signature-v4");
    const { Sha256 } = await import("../../src/edge/auth-hash");
    const signer = new SignatureV4({
      service: "dynamodb",
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      sha256: Sha256,
    });
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const longDate = basic(now.getTime());
    const canonical =
      `POST\n/\n\ndate:${now.toUTCString()}\nhost:localhost\nx-amz-target:DynamoDB_20120810.ListTables\n\n` +
      `date;host;x-amz-target\n${sha256Hex(encoder.encode("{}"))}`;
    const scope = `${longDate.slice(0, 8)}/us-east-1/dynamodb/aws4_request`;
    const signature = await signer.sign(
      `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(encoder.encode(canonical))}`,
      {
        signingDate: now,
      },
    );
    const headers = {
      ...JSON_HEADERS("ListTables"),
      date: now.toUTCString(),
      authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=date;host;x-amz-target, Signature=${signature}`,
    };
    const reply = await send(new Request("http://localhost/", { method: "POST", headers, body: "{}" }));
    expect(reply.status).toBe(200);
  });
});

describe("SigV4: refused", () => {
  it("SigV4: refuses a request with no authentication", async () => {
    expect(errorOf(await send(unsigned("ListTables")))).toEqual(MISSING);
  });

  it("SigV4: refuses another authorization scheme as missing authentication", async () => {
    expect(errorOf(await send(unsigned("ListTables", "{}", { authorization: "Bearer abc" })))).toEqual(MISSING);
  });

  it("SigV4: authentication comes before the operation is even looked at", async () => {
    expect(errorOf(await send(unsigned("Frobnicate")))).toEqual(MISSING);
    expect(errorOf(await send(unsigned("DescribeEndpoints")))).toEqual(MISSING);
    const other = await worker.fetch("http://localhost/other", { method: "GET" });
    expect(errorOf(await replyOf(other))).toEqual(MISSING);
  });

  it("SigV4: the health check needs no authentication", async () => {
    const response = await worker.fetch("http://localhost/");
    expect([response.status, await response.text()]).toEqual([200, "healthy: localhost"]);
  });

  it("SigV4: refuses an unknown access key id", async () => {
    const reply = await send(
      sign("ListTables", "{}", { credentials: { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" } }),
    );
    expect(errorOf(reply)).toEqual(UNRECOGNIZED);
  });

  it("SigV4: refuses a wrong secret, showing the canonical request and string to sign", async () => {
    const date = new Date();
    const reply = await send(
      sign("ListTables", "{}", { signingDate: date, credentials: { ...TEST_CREDENTIALS, secretAccessKey: "wrong" } }),
    );
    const longDate = basic(date.getTime());
    const hash = sha256Hex(encoder.encode("{}"));
    const canonical =
      `POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:localhost\nx-amz-content-sha256:${hash}\n` +
      `x-amz-date:${longDate}\nx-amz-target:DynamoDB_20120810.ListTables\n\n` +
      `content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target\n${hash}`;
    const toSign = `AWS4-HMAC-SHA256\n${longDate}\n${longDate.slice(0, 8)}/us-east-1/dynamodb/aws4_request\n${sha256Hex(encoder.encode(canonical))}`;
    expect(errorOf(reply)).toEqual([
      400,
      INVALID,
      `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n` +
        `The String-to-Sign should have been\n'${toSign}'\n`,
    ]);
    expect(SIGNATURE_MISMATCH).toBe(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  });

  it("SigV4: refuses a body changed after signing", async () => {
    const request = await sign("PutItem", '{"TableName":"a","Item":{"id":{"S":"1"}}}');
    const tampered = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: '{"TableName":"b","Item":{"id":{"S":"1"}}}',
    });
    const [status, type, message] = errorOf(await send(tampered));
    expect([status, type]).toEqual([400, INVALID]);
    expect(String(message).startsWith(`${SIGNATURE_MISMATCH}\n\n`)).toBe(true);
  });

  it("SigV4: refuses an x-amz-content-sha256 that is not the body's hash, even UNSIGNED-PAYLOAD", async () => {
    for (const claimed of ["UNSIGNED-PAYLOAD", sha256Hex(encoder.encode("{ }"))]) {
      // Signed over the claimed hash, as a client declaring it does.
      const { SignatureV4 } = await import("@smithy/signature-v4");
      const { Sha256 } = await import("../../src/edge/auth-hash");
      const signer = new SignatureV4({
        service: "dynamodb",
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        sha256: Sha256,
      });
      const signed = await signer.sign({
        method: "POST",
        protocol: "http:",
        hostname: "localhost",
        path: "/",
        headers: { ...JSON_HEADERS("ListTables"), host: "localhost", "x-amz-content-sha256": claimed },
        body: "{}",
      });
      const reply = await send(
        new Request("http://localhost/", { method: "POST", headers: signed.headers, body: "{}" }),
      );
      expect(errorOf(reply).slice(0, 2)).toEqual([400, INVALID]);
    }
  });

  it("SigV4: refuses signed header names no header can have, without failing", async () => {
    const auth = authorizationOf(await sign("ListTables")).replace("SignedHeaders=", "SignedHeaders=;bad name;");
    const [status, type] = errorOf(await send(withAuthorization(auth)));
    expect([status, type]).toEqual([400, INVALID]);
  });

  it("SigV4: refuses a signature of the wrong length without failing", async () => {
    const request = await sign("ListTables");
    const auth = authorizationOf(request).replace(/Signature=[0-9a-f]+/, "Signature=abc");
    const [status, type] = errorOf(await send(withAuthorization(auth)));
    expect([status, type]).toEqual([400, INVALID]);
  });

  it("SigV4: refuses a request signed more than 15 minutes ago", async () => {
    const signed = Date.now() - 16 * 60_000;
    const reply = await send(sign("ListTables", "{}", { signingDate: new Date(signed) }));
    const [status, type, message] = errorOf(reply);
    expect([status, type]).toEqual([400, INVALID]);
    expect(message).toMatch(
      new RegExp(
        `^Signature expired: ${basic(signed)} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 15 min\\.\\)$`,
      ),
    );
  });

  it("SigV4: an expired date is reported before an unknown key, a wrong scope or a missing Host", async () => {
    const signed = Date.now() - 20 * 60_000;
    const request = await sign("ListTables", "{}", {
      signingDate: new Date(signed),
      credentials: { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" },
    });
    // DynamoDB judges the time window first: the rest of the header is not looked at.
    const auth = authorizationOf(request)
      .replace("/dynamodb/", "/s3/")
      .replace(/SignedHeaders=[^,]+/, "SignedHeaders=x-amz-date");
    const headers = new Headers(request.headers);
    headers.set("authorization", auth);
    const [status, type, message] = errorOf(
      await send(new Request(request.url, { method: "POST", headers, body: "{}" })),
    );
    expect([status, type]).toEqual([400, INVALID]);
    expect(message).toMatch(new RegExp(`^Signature expired: ${basic(signed)} is now earlier than `));
  });

  it("SigV4: refuses a request dated more than 15 minutes ahead", async () => {
    const signed = Date.now() + 16 * 60_000;
    const [status, type, message] = errorOf(await send(sign("ListTables", "{}", { signingDate: new Date(signed) })));
    expect([status, type]).toEqual([400, INVALID]);
    expect(message).toMatch(
      new RegExp(
        `^Signature not yet current: ${basic(signed)} is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 15 min\\.\\)$`,
      ),
    );
  });

  it("SigV4: refuses a presigned request past its X-Amz-Expires", async () => {
    const signed = Date.now() - 120_000;
    const [status, type, message] = errorOf(
      await send(presigned("ListTables", "{}", { expiresIn: 60, signingDate: new Date(signed) })),
    );
    expect([status, type]).toEqual([400, INVALID]);
    expect(message).toMatch(
      new RegExp(
        `^Signature expired: ${basic(signed)} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 60 sec\\.\\)$`,
      ),
    );
  });

  it("SigV4: a presigned request lives its X-Amz-Expires, beyond 15 minutes", async () => {
    const reply = await send(
      presigned("ListTables", "{}", { expiresIn: 3600, signingDate: new Date(Date.now() - 30 * 60_000) }),
    );
    expect(reply.status).toBe(200);
  });

  it("SigV4: refuses both the header and the query-string form at once", async () => {
    const request = await presigned("ListTables", "{}");
    const headers = new Headers(request.headers);
    headers.set("authorization", authorizationOf(await sign("ListTables")));
    const reply = await send(new Request(request.url, { method: "POST", headers, body: "{}" }));
    expect(errorOf(reply)).toEqual([
      400,
      INVALID,
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    ]);
  });

  it("SigV4: refuses an Authorization header missing its parts", async () => {
    const auth = "AWS4-HMAC-SHA256 Credential=AKIDVITEST/20260101/us-east-1/dynamodb/aws4_request";
    const reply = await send(withAuthorization(auth, ["x-amz-date"]));
    expect(errorOf(reply)).toEqual([
      400,
      INCOMPLETE,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        `Authorization=${auth}`,
    ]);
  });

  it("SigV4: refuses an Authorization parameter that is not key=value", async () => {
    const auth = "AWS4-HMAC-SHA256 Signature=b, Credential, SignedHeaders=host";
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INCOMPLETE,
      `'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`,
    ]);
  });

  it("SigV4: refuses a presigned URL missing parameters", async () => {
    const request = new Request("http://localhost/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z", {
      method: "POST",
      headers: JSON_HEADERS("ListTables"),
      body: "{}",
    });
    expect(errorOf(await send(request))).toEqual([
      400,
      INCOMPLETE,
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    ]);
  });

  it("SigV4: refuses a date not in ISO 8601 basic format", async () => {
    const request = await sign("ListTables");
    const headers = new Headers(request.headers);
    headers.set("x-amz-date", "2026-01-01T00:00:00Z");
    const reply = await send(new Request(request.url, { method: "POST", headers, body: "{}" }));
    expect(errorOf(reply)).toEqual([
      400,
      INCOMPLETE,
      "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    ]);
  });

  it("SigV4: refuses a signature that does not cover Host", async () => {
    const auth = authorizationOf(await sign("ListTables")).replace("content-type;host;", "content-type;");
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INVALID,
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    ]);
  });

  it("SigV4: refuses another signing algorithm", async () => {
    const auth = authorizationOf(await sign("ListTables")).replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INCOMPLETE,
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    ]);
  });

  it("SigV4: refuses a credential without five parts", async () => {
    const auth = authorizationOf(await sign("ListTables")).replace(/Credential=[^,]+/, "Credential=a/b/c/d");
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INCOMPLETE,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'",
    ]);
  });

  it("SigV4: refuses a credential scoped to another service, terminator or day", async () => {
    const request = await sign("ListTables");
    const longDate = request.headers.get("x-amz-date")!;
    const auth = authorizationOf(request).replace(
      /Credential=[^,]+/,
      "Credential=AKIDVITEST/19990101/us-east-1/s3/aws4_other/",
    );
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INVALID,
      "Credential should be scoped to correct service: 'dynamodb'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_other'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
        `'19990101' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
    ]);
  });

  it("SigV4: refuses a credential scoped to something that is not a region", async () => {
    const auth = authorizationOf(await sign("ListTables")).replace("/us-east-1/", "/US East/");
    expect(errorOf(await send(withAuthorization(auth)))).toEqual([
      400,
      INVALID,
      "Credential should be scoped to a valid region, not 'US East'. ",
    ]);
  });
});
