// DynamoDB's HTTP layer around the JSON protocol: compressed requests and responses, CORS,
// Date and Server headers, empty bodies, JSON syntax errors. What DynamoDB does here is
// recorded by Alternator's tests run against DynamoDB (test_compressed_request.py,
// test_compressed_response.py, test_crc.py, test_cors.py, test_http_headers.py, test_tag.py);
// where this endpoint answers otherwise, the test says so.
import { crc32 } from "@aws-crypto/crc32";
import { exports } from "cloudflare:workers";
import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { chooseCoding } from "../../src/edge/encoding";
import { MAX_REQUEST_BYTES } from "../../src/edge/limits";
import { createHashTable, ok, signedRequest, uniqueName } from "../support/wire";

const worker = (exports as unknown as { default: Fetcher }).default;
const encoder = new TextEncoder();

/** A signed call with the given raw body (signed as sent) and extra headers. */
async function call(
  operation: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = await signedRequest("http://localhost/", {
    method: "POST",
    headers: {
      "x-amz-target": `DynamoDB_20120810.${operation}`,
      "content-type": "application/x-amz-json-1.0",
      ...headers,
    },
    body,
  });
  // "manual": the bytes as sent, not decoded by the runtime, as a client on the wire sees them.
  return worker.fetch(request, { encodeResponseBody: "manual" });
}

async function errorOf(response: Response): Promise<[number, string, string | undefined]> {
  const body = (await response.json()) as { __type: string; message?: string };
  return [response.status, body.__type.split("#")[1] ?? "", body.message];
}

async function tableWithItem(value: string): Promise<string> {
  const name = uniqueName("http");
  await createHashTable(name);
  await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, v: { S: value } } });
  return name;
}

const getA = (name: string): string =>
  JSON.stringify({ TableName: name, Key: { id: { S: "a" } }, ConsistentRead: true });

describe("HTTP: compressed requests", () => {
  it("HTTP: a gzip request body is decoded after the signature is checked over the bytes sent", async () => {
    const name = await tableWithItem("x");
    const response = await call("GetItem", gzipSync(getA(name)), { "content-encoding": "gzip" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Item: { id: { S: "a" }, v: { S: "x" } } });
  });

  it("HTTP: deflate (zlib) bodies, two gzip members in a row, and GZIP in capitals are decoded", async () => {
    const name = await tableWithItem("x");
    const text = getA(name);
    const half = Math.floor(text.length / 2);
    const members = new Uint8Array([...gzipSync(text.slice(0, half)), ...gzipSync(text.slice(half))]);
    for (const [body, coding] of [
      [deflateSync(text), "deflate"],
      [members, "gzip"],
      [gzipSync(text), "GZIP"],
      [gzipSync(deflateSync(text)), "deflate, gzip"],
    ] as const) {
      const response = await call("GetItem", body, { "content-encoding": coding });
      expect([coding, response.status]).toEqual([coding, 200]);
      expect(await response.json()).toEqual({ Item: { id: { S: "a" }, v: { S: "x" } } });
    }
  });

  // DynamoDB answers these with a 500 InternalServerError and no message; a 500 makes SDKs
  // retry what can never succeed, so this endpoint answers 400 SerializationException.
  it("HTTP: an unknown coding, a body that is not what its coding says, a truncated or empty one are refused", async () => {
    const text = JSON.stringify({});
    const gz = gzipSync(text);
    const cases: [Uint8Array | string, string, string][] = [
      [text, "garbage", "Unsupported Content-Encoding: garbage (supported: gzip, deflate, identity)"],
      [text, "gzip", "The request body could not be decoded as gzip: "],
      [text, "deflate", "The request body could not be decoded as deflate: "],
      [gz.subarray(0, gz.length - 1), "gzip", "The request body could not be decoded as gzip: "],
      ["", "gzip", "The request body is empty but its Content-Encoding is gzip"],
      ["", "deflate", "The request body is empty but its Content-Encoding is deflate"],
    ];
    for (const [body, coding, message] of cases) {
      const [status, type, text] = await errorOf(await call("ListTables", body, { "content-encoding": coding }));
      expect([coding, status, type]).toEqual([coding, 400, "SerializationException"]);
      expect(text?.startsWith(message), `${coding}: ${text}`).toBe(true);
    }
  });

  it("HTTP: the 16 MB cap applies to the decoded body: a small body may not inflate past it", async () => {
    const bomb = gzipSync(new Uint8Array(MAX_REQUEST_BYTES + 1).fill(32));
    expect(bomb.length).toBeLessThan(100_000);
    expect(await errorOf(await call("ListTables", bomb, { "content-encoding": "gzip" }))).toEqual([
      413,
      "ValidationException",
      `Request size exceeded ${MAX_REQUEST_BYTES} bytes`,
    ]);
  });

  it("HTTP: a compressed body whose signature covers the decoded text is refused", async () => {
    const request = await signedRequest("http://localhost/", {
      headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-encoding": "gzip" },
      body: "{}",
    });
    const tampered = new Request(request, { body: gzipSync("{}") });
    const [status, type] = await errorOf(await worker.fetch(tampered));
    expect([status, type]).toEqual([400, "InvalidSignatureException"]);
  });
});

describe("HTTP: compressed responses", () => {
  it("HTTP: a response over 4 KB is compressed when asked, with the CRC of the bytes sent", async () => {
    const name = await tableWithItem("x".repeat(5000));
    for (const [accept, coding, decode] of [
      ["gzip", "gzip", gunzipSync],
      ["deflate", "deflate", inflateSync],
      ["gzip;q=0.5, deflate", "deflate", inflateSync],
    ] as const) {
      const response = await call("GetItem", getA(name), { "accept-encoding": accept });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([accept, response.headers.get("content-encoding")]).toEqual([accept, coding]);
      expect(response.headers.get("x-amz-crc32")).toBe(String(crc32(bytes)));
      expect(JSON.parse(new TextDecoder().decode(decode(bytes)))).toEqual({
        Item: { id: { S: "a" }, v: { S: "x".repeat(5000) } },
      });
    }
  });

  it("HTTP: small responses, and requests that do not accept gzip or deflate, are not compressed", async () => {
    const small = await tableWithItem("x");
    const large = await tableWithItem("x".repeat(5000));
    for (const [name, accept] of [
      [small, "gzip"],
      [large, "identity"],
      [large, "br"],
      [large, "gzip;q=0, deflate;q=0"],
    ] as const) {
      const response = await call("GetItem", getA(name), { "accept-encoding": accept });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([accept, response.headers.get("content-encoding")]).toEqual([accept, null]);
      expect(response.headers.get("x-amz-crc32")).toBe(String(crc32(bytes)));
      expect((JSON.parse(new TextDecoder().decode(bytes)) as { Item: unknown }).Item).toBeDefined();
    }
  });

  it("HTTP: Accept-Encoding is read as DynamoDB reads it (q-values, *, identity, malformed entries)", () => {
    const cases: [string, string | undefined][] = [
      ["gzip, deflate", "gzip"],
      ["br, identity, deflate, gzip", "deflate"],
      ["GZIP, identity", "gzip"],
      ["dog, gzip ,, cat", "gzip"],
      ["gzip;q=0.8, deflate;q=0.5", "gzip"],
      ["br, gzip;q=0, deflate; q = 0.5 , identity;q=0", "deflate"],
      ["deflate;q=0.5, gzip;q=0.2", "deflate"],
      ["br,identity;q=0.5,gzip;q=0.0001", "gzip"],
      ["*", "gzip"],
      ["*, deflate;q=0.5", "gzip"],
      ["*, deflate", "deflate"],
      ["*, identity", "gzip"],
      ["*, gzip;q=0.5", "deflate"],
      ["gzip ;q=0", undefined],
      ["identity;q=0", undefined],
      ["*;q=0", undefined],
      ["*;q=0.5,identity", "gzip"],
      ["gzip;q=0.5,identity;q=0.8", "gzip"],
      ["br;q=0.8,identity;q=0.5,*;q=0", undefined],
      ['"gzip"', undefined],
      ["gzip br", undefined],
      ["gzip:q=1", undefined],
      ["deflate;q=0.5, gzip;q=31", "gzip"],
      ["gzip;q=31,deflate;q=51", "gzip"],
      ["deflate;q=0.5, gzip;q=1;q=0.2", "gzip"],
      ["deflate;q=0.5,gzip;q=0.", "deflate"],
      ["deflate;q=0.5,gzip;q=0.x", "gzip"],
      ["deflate;q=-0.5,gzip;q=0.2", "gzip"],
      ["gzip;q= 0;q=1", undefined],
      ["gzip;q =0;q=1", "gzip"],
      ["gzip; q=0;q=1", undefined],
      ["gzip;q=0, gzip;q=1, gzip;q=0", undefined],
    ];
    expect(cases.map(([header]) => [header, chooseCoding(header)])).toEqual(cases);
  });
});

describe("HTTP: headers of every answer", () => {
  it("HTTP: success and error answers carry Date and Server; no CORS headers without an Origin", async () => {
    for (const response of [await call("ListTables", "{}"), await call("GetItem", "{}")]) {
      expect(Date.now() - Date.parse(response.headers.get("date") ?? "")).toBeLessThan(5_000);
      expect(response.headers.get("server")).toBe("Server");
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      await response.arrayBuffer();
    }
  });

  it("HTTP: with an Origin, every answer allows any origin and exposes the headers SDKs read", async () => {
    const origin = { origin: "http://example.com" };
    const answers = [
      await call("ListTables", "{}", origin),
      await call("GetItem", "{}", origin),
      await worker.fetch("http://localhost/", { headers: origin }),
      await worker.fetch("http://localhost/", { method: "POST", headers: origin, body: "{}" }), // unsigned
    ];
    for (const response of answers) {
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-expose-headers")).toBe(
        "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-crc32, Date",
      );
      expect(response.headers.get("access-control-max-age")).toBeNull(); // only the preflight
      await response.arrayBuffer();
    }
  });

  it("HTTP: a CORS preflight is answered without a signature, allowing what it asks", async () => {
    const response = await worker.fetch("http://localhost/", {
      method: "OPTIONS",
      headers: {
        origin: "http://example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, x-amz-target, amz-sdk-invocation-id",
      },
    });
    expect(response.status).toBe(200);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control")))).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "authorization, x-amz-target, amz-sdk-invocation-id",
      "access-control-expose-headers": "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-crc32, Date",
      "access-control-max-age": "86400",
    });
    const plain = await worker.fetch("http://localhost/", { method: "OPTIONS" });
    expect([plain.status, [...plain.headers.keys()].filter((k) => k.startsWith("access-control"))]).toEqual([200, []]);
  });
});

describe("HTTP: bodies", () => {
  it("HTTP: TagResource and UntagResource succeed with an empty body", async () => {
    const name = uniqueName("http");
    await createHashTable(name);
    const arn = ((await ok("DescribeTable", { TableName: name })).Table as { TableArn: string }).TableArn;
    const tag = await call("TagResource", JSON.stringify({ ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] }));
    expect([tag.status, await tag.text()]).toEqual([200, ""]);
    const untag = await call("UntagResource", JSON.stringify({ ResourceArn: arn, TagKeys: ["k"] }));
    expect([untag.status, await untag.text()]).toEqual([200, ""]);
  });

  it("HTTP: a JSON syntax error's message says where the body stops being JSON", async () => {
    const cases: [string, string][] = [
      ["{", "line 1, column 2 (offset 1)"],
      ['{"TableName": }', "line 1, column 15 (offset 14)"],
      ['{"a": 1}}', "line 1, column 9 (offset 8)"],
      ['{\n  "a": [1,\n  ]\n}', "line 3, column 3 (offset 15)"],
      ["habababa", "line 1, column 1 (offset 0)"],
    ];
    for (const [body, where] of cases) {
      expect(await errorOf(await call("ListTables", body))).toEqual([
        400,
        "SerializationException",
        `Unexpected character found when decoding JSON at ${where}`,
      ]);
    }
  });

  it("HTTP: a binary that is not base64 is a SerializationException, the request being signed correctly", async () => {
    const name = uniqueName("http");
    await createHashTable(name);
    const body = JSON.stringify({ TableName: name, Item: { id: { S: "a" }, b: { B: "YWJj??!!" } } });
    const [status, type] = await errorOf(await call("PutItem", body));
    expect([status, type]).toEqual([400, "SerializationException"]);
    expect(encoder.encode(body).length).toBeGreaterThan(0);
  });
});

describe("HTTP: authentication", () => {
  // DynamoDB checks the date before the key and the signature (Alternator's
  // test_authorization.py, run against DynamoDB, signs with a bogus scope and signature).
  it("HTTP: a request dated outside the 15-minute window is expired or not yet current, whatever else its header holds", async () => {
    const cases: [string, string][] = [
      ["20170101T010101Z", "Signature expired: 20170101T010101Z is now earlier than "],
      ["30200101T010101Z", "Signature not yet current: 30200101T010101Z is still later than "],
    ];
    for (const [date, start] of cases) {
      const response = await worker.fetch("http://localhost/", {
        method: "POST",
        headers: {
          "x-amz-target": "DynamoDB_20120810.ListTables",
          "x-amz-date": date,
          authorization:
            "AWS4-HMAC-SHA256 Credential=unknown/2/3/4/aws4_request, SignedHeaders=x-amz-date, Signature=123",
        },
        body: "{}",
      });
      const [status, type, message] = await errorOf(response);
      expect([status, type]).toEqual([400, "InvalidSignatureException"]);
      expect(message?.startsWith(start), message).toBe(true);
    }
  });
});
