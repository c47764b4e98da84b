// Caps the HTTP edge puts on a request before any work is done (src/edge/limits.ts): the
// body size (16 MB, status 413, as DynamoDB) and the JSON nesting depth (1,000 levels,
// ours), both answered with a typed error and without touching stored data.
import { describe, expect, it } from "vitest";
import {
  jsonDepthExceeds,
  JSON_TOO_DEEP_MESSAGE,
  MAX_REQUEST_BYTES,
  REQUEST_TOO_LARGE_MESSAGE,
} from "../../src/edge/limits";
import { createHashRangeTable, ok, signedRequest, uniqueName, wire } from "../support/wire";
import { exports } from "cloudflare:workers";
import { storedState } from "./support";

const VALIDATION = "com.amazon.coral.validate#ValidationException";
const SERIALIZATION = "com.amazon.coral.service#SerializationException";
const NESTING =
  "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

/** A PutItem body of exactly `bytes` bytes: a small item padded with JSON whitespace. */
function paddedPut(table: string, bytes: number): string {
  const core = JSON.stringify({ TableName: table, Item: { pk: { S: "big" }, sk: { S: "1" } } });
  return `${core.slice(0, -1)}${" ".repeat(bytes - core.length)}}`;
}

const deepMap = (levels: number) => '{"M":{"a":'.repeat(levels) + '{"S":"x"}' + "}}".repeat(levels);

describe("request body size", () => {
  it("Limits: a body of exactly 16 MB is accepted", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    const reply = await wire("PutItem", paddedPut(table, MAX_REQUEST_BYTES));
    expect(reply.status).toBe(200);
  });

  it("Limits: a body over 16 MB is refused with 413 before anything is parsed or stored", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    const before = await storedState();
    const reply = await wire("PutItem", paddedPut(table, MAX_REQUEST_BYTES + 1));
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ __type: VALIDATION, message: REQUEST_TOO_LARGE_MESSAGE });
    expect(await storedState()).toEqual(before);
  });

  it("Limits: a streamed body without Content-Length is cut off once it passes 16 MB", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    const body = paddedPut(table, MAX_REQUEST_BYTES + 1024);
    const signed = await signedRequest("http://localhost/", {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" },
      body,
    });
    const bytes = new TextEncoder().encode(body);
    const chunk = 1024 * 1024;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(sent, sent + chunk));
        sent += chunk;
      },
    });
    const headers = new Headers(signed.headers);
    headers.delete("content-length");
    const worker = (exports as unknown as { default: Fetcher }).default;
    const response = await worker.fetch("http://localhost/", { method: "POST", headers, body: stream });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ __type: VALIDATION, message: REQUEST_TOO_LARGE_MESSAGE });
  });
});

describe("JSON nesting depth", () => {
  it("Limits: an attribute value nested 33 levels still gets DynamoDB's nesting error", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    const body = `{"TableName":"${table}","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"x":${deepMap(32)}}}`;
    const reply = await wire("PutItem", body);
    expect(reply.body).toEqual({ __type: VALIDATION, message: NESTING });
  });

  it("Limits: 1,000 levels of JSON are parsed (and refused as DynamoDB would), 1,001 are refused before parsing", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    // Request object (1) + Item (2) + "x" (3) + 498 map levels of 2 + the leaf: 1,000.
    const within = `{"TableName":"${table}","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"x":${deepMap(498)}}}`;
    expect((await wire("PutItem", within)).body).toEqual({ __type: VALIDATION, message: NESTING });
    const over = `{"TableName":"${table}","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"x":{"L":[${deepMap(498)}]}}}`;
    expect((await wire("PutItem", over)).body).toEqual({ __type: SERIALIZATION, message: JSON_TOO_DEEP_MESSAGE });
  });

  it("Limits: 100,000 levels anywhere answer a SerializationException, not a stack overflow", async () => {
    const table = uniqueName("limits");
    await createHashRangeTable(table);
    const placements = [
      ["PutItem", `{"TableName":"${table}","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"x":${deepMap(100_000)}}}`],
      [
        "Query",
        `{"TableName":"${table}","KeyConditionExpression":"pk = :v","ExpressionAttributeValues":{":v":${deepMap(100_000)}}}`,
      ],
      ["Scan", `{"TableName":"${table}","Unknown":${"[".repeat(100_000)}${"]".repeat(100_000)}}`],
      ["GetItem", "[".repeat(100_000)],
    ];
    for (const [operation, body] of placements) {
      const reply = await wire(operation as string, body as string);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ __type: SERIALIZATION, message: JSON_TOO_DEEP_MESSAGE });
    }
    await ok("DescribeTable", { TableName: table });
  });

  it("Limits: the depth scan ignores brackets inside strings and escaped quotes", () => {
    expect(jsonDepthExceeds("[[[]]]", 3)).toBe(false);
    expect(jsonDepthExceeds("[[[[]]]]", 3)).toBe(true);
    expect(jsonDepthExceeds(`["[[[[[[", "\\"[[[[[["]`, 3)).toBe(false);
    expect(jsonDepthExceeds(`["\\\\", [[[[]]]]]`, 3)).toBe(true);
    expect(jsonDepthExceeds(`{"a":{"b":{"c":"}}}}}{{{{{"}}}`, 3)).toBe(false);
    expect(jsonDepthExceeds(`["unterminated [[[[[[[[`, 3)).toBe(false);
    expect(jsonDepthExceeds("]]]][[[", 3)).toBe(false);
  });
});
