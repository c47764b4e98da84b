import { crc32 } from "@aws-crypto/crc32";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signedRequest, wire } from "./support/wire";

const worker = (exports as unknown as { default: Fetcher }).default;

describe("Wire protocol", () => {
  it("Wire: GET / answers a health line", async () => {
    const response = await worker.fetch("http://localhost/");
    expect([response.status, await response.text()]).toEqual([200, "healthy: localhost"]);
  });

  it("Wire: every response carries a request id and the CRC32 of its body", async () => {
    const response = await worker.fetch(
      await signedRequest("http://localhost/", {
        method: "POST",
        headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0" },
        body: "{}",
      }),
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-amz-crc32")).toBe(String(crc32(bytes)));
  });

  it("Wire: error responses carry the CRC32 too", async () => {
    const result = await wire("GetItem", {});
    expect(result.status).toBe(400);
    expect(result.headers.get("x-amz-crc32")).toBe(
      String(crc32(new TextEncoder().encode(JSON.stringify(result.body)))),
    );
  });

  it("Wire: rejects an unknown operation", async () => {
    const result = await wire("Frobnicate", {});
    expect([result.status, result.body]).toEqual([
      400,
      { __type: "com.amazon.coral.service#UnknownOperationException" },
    ]);
  });

  it("Wire: rejects a target of another service version", async () => {
    const result = await wire("ListTables", {}, "DynamoDB_20111205.ListTables");
    expect([result.status, result.body]).toEqual([
      400,
      { __type: "com.amazon.coral.service#UnknownOperationException" },
    ]);
  });

  it("Wire: rejects a body that is not JSON", async () => {
    const result = await wire("ListTables", "{not json");
    expect([result.status, result.body]).toEqual([
      400,
      {
        __type: "com.amazon.coral.service#SerializationException",
        message: "Unexpected character found when decoding JSON at line 1, column 2 (offset 1)",
      },
    ]);
  });

  it("Wire: rejects a JSON array body", async () => {
    const result = await wire("ListTables", []);
    expect([result.status, result.body]).toEqual([
      400,
      { __type: "com.amazon.coral.service#SerializationException", message: "Start of list found where not expected" },
    ]);
  });

  it("Wire: an empty body is an empty request", async () => {
    const result = await wire("ListTables", "");
    expect(result.status).toBe(200);
    expect(Array.isArray(result.body.TableNames)).toBe(true);
  });

  it("Wire: ignores unknown members", async () => {
    const result = await wire("ListTables", { Bogus: 1, Limit: 1 });
    expect(result.status).toBe(200);
  });

  it("Wire: validation errors use the coral validate namespace", async () => {
    const result = await wire("DescribeTable", {});
    expect(result.body.__type).toBe("com.amazon.coral.validate#ValidationException");
  });

  it("Wire: not-found errors use the DynamoDB namespace", async () => {
    const result = await wire("DescribeTable", { TableName: "no-such-table" });
    expect(result.body).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
      message: "Requested resource not found: Table: no-such-table not found",
    });
  });
});
