// DynamoDB's HTTP layer over a real socket (npm start): compressed requests and responses
// as a client on the wire sends and receives them (raw bytes, no client-side decoding),
// CORS as a browser meets it, Date on every answer; and the AWS SDK and boto3 unchanged
// beside them. DynamoDB's behaviour here: Alternator's tests run against DynamoDB
// (test_compressed_request.py, test_compressed_response.py, test_crc.py, test_cors.py,
// test_http_headers.py).
import { crc32 } from "@aws-crypto/crc32";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import http from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint, uniqueName } from "./support";

const url = new URL(endpoint);
const signer = new SignatureV4({
  service: "dynamodb",
  region: REGION,
  credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
  sha256: Hash.bind(null, "sha256"),
});
const client = new DynamoDBClient({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

/** One HTTP request; the answer's bytes exactly as they crossed the socket. */
function send(method: string, headers: Record<string, string>, body?: Uint8Array): Promise<Raw> {
  return new Promise((done, fail) => {
    const request = http.request({ host: url.hostname, port: url.port, path: "/", method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        done({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }),
      );
    });
    request.on("error", fail);
    request.end(body);
  });
}

/** A SigV4-signed POST of `body` (signed as sent) to an operation. */
async function signed(operation: string, body: Uint8Array, extra: Record<string, string> = {}): Promise<Raw> {
  const request = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    headers: {
      host: url.host,
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDB_20120810.${operation}`,
      ...extra,
    },
    body,
  });
  return send("POST", { ...request.headers, "content-length": String(body.byteLength) }, body);
}

const TABLE = uniqueName("http_layer");
const LARGE = "x".repeat(6000);
const getLarge = Buffer.from(JSON.stringify({ TableName: TABLE, Key: { id: { S: "large" } }, ConsistentRead: true }));

beforeAll(async () => {
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: "large" }, v: { S: LARGE } } }));
});

describe("HTTP layer over a socket", () => {
  it("HTTP: a gzip request body, signed as sent, is decoded and answered", async () => {
    const answer = await signed("GetItem", gzipSync(getLarge), { "content-encoding": "gzip" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.bytes.toString("utf8"))).toEqual({ Item: { id: { S: "large" }, v: { S: LARGE } } });
  });

  it("HTTP: a response over 4 KB comes gzip-compressed when asked, its x-amz-crc32 over the bytes sent", async () => {
    const answer = await signed("GetItem", getLarge, { "accept-encoding": "gzip" });
    expect([answer.status, answer.headers["content-encoding"]]).toEqual([200, "gzip"]);
    expect(answer.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(answer.headers["x-amz-crc32"]).toBe(String(crc32(answer.bytes)));
    expect(JSON.parse(gunzipSync(answer.bytes).toString("utf8"))).toEqual({
      Item: { id: { S: "large" }, v: { S: LARGE } },
    });
    const plain = await signed("GetItem", getLarge, { "accept-encoding": "identity" });
    expect([plain.headers["content-encoding"], plain.headers["x-amz-crc32"]]).toEqual([
      undefined,
      String(crc32(plain.bytes)),
    ]);
  });

  it("HTTP: every answer carries Date; with an Origin, CORS headers; a preflight needs no signature", async () => {
    const answer = await signed("ListTables", Buffer.from("{}"), { origin: "http://example.com" });
    expect(Math.abs(Date.now() - Date.parse(String(answer.headers.date)))).toBeLessThan(10_000);
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
    const error = await signed("GetItem", Buffer.from("{}"));
    expect([error.status, typeof error.headers.date]).toEqual([400, "string"]);
    const preflight = await send("OPTIONS", {
      origin: "http://example.com",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, x-amz-target",
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-methods"]).toBe("POST");
    expect(preflight.headers["access-control-allow-headers"]).toBe("authorization, content-type, x-amz-target");
    expect(preflight.headers["access-control-max-age"]).toBe("86400");
  });

  it("HTTP: the AWS SDK reads the large item as before (it asks for no compression)", async () => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: "large" } }, ConsistentRead: true }),
    );
    expect(Item).toEqual({ id: { S: "large" }, v: { S: LARGE } });
  });
});
