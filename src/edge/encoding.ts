// HTTP content codings, as DynamoDB handles them.
//
// Requests. The SDKs' request compression sends `Content-Encoding: gzip`; DynamoDB also
// takes `deflate` (zlib) and gzip bodies of several members in a row (Alternator's
// test_compressed_request.py, run against DynamoDB). The body is decoded after its
// signature is checked, since the signature covers the bytes as sent. DynamoDB answers
// an unknown coding, or a body that does not decode, with a 500 InternalServerError; this
// endpoint answers 400 SerializationException saying what is wrong: the input is the
// client's fault, and a 500 makes SDKs retry it. DynamoDB sets no limit on the decoded
// size; this endpoint keeps its 16 MB request cap (./limits.ts) for the decoded body too,
// so a small body cannot inflate without bound in an isolate of 128 MB.
//
// Responses. With `Accept-Encoding` allowing gzip or deflate, DynamoDB compresses a body
// over 4 KB, preferring gzip, and its x-amz-crc32 is the CRC of the bytes sent, compressed
// (Alternator's test_compressed_response.py and test_crc.py; the Go SDK's checksum
// middleware checks it before decompressing).
import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { type DynamoError, serialization } from "../errors.js";
import { MAX_REQUEST_BYTES, requestTooLarge } from "./limits.js";

export type Coding = "gzip" | "deflate";

/** Responses up to this size go uncompressed, as DynamoDB's do. */
export const COMPRESS_ABOVE_BYTES = 4096;

/**
 * The body as the client meant it: `bytes` decoded by the codings of `contentEncoding`
 * (applied in the order listed, so undone in reverse), or the error to answer with.
 */
export function decodeRequestBody(bytes: Uint8Array, contentEncoding: string | null): Uint8Array | DynamoError {
  if (contentEncoding === null) return bytes;
  const codings = contentEncoding
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let body = bytes;
  for (const coding of codings.reverse()) {
    if (coding !== "gzip" && coding !== "deflate") {
      return serialization(`Unsupported Content-Encoding: ${coding} (supported: gzip, deflate, identity)`);
    }
    if (body.byteLength === 0) return serialization(`The request body is empty but its Content-Encoding is ${coding}`);
    try {
      const options = { maxOutputLength: MAX_REQUEST_BYTES };
      body = coding === "gzip" ? gunzipSync(body, options) : inflateSync(body, options);
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
        return requestTooLarge();
      }
      return serialization(`The request body could not be decoded as ${coding}: ${(err as Error).message}`);
    }
  }
  return body;
}

/**
 * The coding to compress a response with, from the request's Accept-Encoding, as DynamoDB
 * chooses it: the highest q-value among gzip and deflate, named or covered by `*`; a
 * named coding before one only `*` covers, then the order of the header, gzip first for
 * `*`. q-values over 1 count as 1, and `q=0` (or below) refuses. Entries that are not a
 * plain token (quoted, with spaces) are ignored, as DynamoDB ignores them.
 */
export function chooseCoding(acceptEncoding: string | null): Coding | undefined {
  if (!acceptEncoding) return undefined;
  const named = new Map<string, { q: number; at: number }>();
  let wildcard: number | undefined;
  acceptEncoding.split(",").forEach((entry, at) => {
    const [token = "", ...params] = entry.split(";");
    const name = token.trim().toLowerCase();
    if (!/^[a-z0-9*!#$%&'+.^_`|~-]+$/.test(name)) return;
    const q = qValue(params);
    if (name === "*") wildcard ??= q;
    else if (!named.has(name)) named.set(name, { q, at });
  });
  let best: { coding: Coding; q: number; rank: number } | undefined;
  (["gzip", "deflate"] as const).forEach((coding, order) => {
    const entry = named.get(coding);
    const q = entry?.q ?? wildcard ?? 0;
    if (q <= 0) return;
    // Named codings rank by their place in the header; those only `*` covers come after.
    const rank = entry ? entry.at : 10_000 + order;
    if (!best || q > best.q || (q === best.q && rank < best.rank)) best = { coding, q, rank };
  });
  return best?.coding;
}

/** The q-value of an entry's parameters: the first `q=`, clamped to [0, 1]; 1 when absent or unreadable. */
function qValue(params: string[]): number {
  for (const param of params) {
    // DynamoDB reads " q=0" as a q-value but not "q =0".
    const [name, value] = param.split("=");
    if (name?.trimStart().toLowerCase() !== "q" || value === undefined) continue;
    const q = Number(value.trim());
    if (Number.isNaN(q)) return 1;
    return Math.min(1, Math.max(0, q));
  }
  return 1;
}

export function compress(bytes: Uint8Array, coding: Coding): Uint8Array {
  return coding === "gzip" ? gzipSync(bytes) : deflateSync(bytes);
}
