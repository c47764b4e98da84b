// Caps on what the HTTP edge accepts, checked before the body is parsed, routed or sent
// to a shard: the request body size and the JSON nesting depth. (Expression sizes are
// capped where expressions are parsed: 4 KB, 300 operators, 100 IN operands.)
//
// Size. DynamoDB refuses an HTTP request body over 16 MB (its BatchWriteItem ceiling,
// the largest any operation allows) with status 413 before reading further; dynalite and
// ScyllaDB Alternator's DynamoDB-verified tests do the same. DynamoDB's 413 body is not
// documented, so ours is a typed ValidationException every SDK can parse.
//
// Depth. JSON.parse itself is iterative, but the deserialisers behind it recurse once per
// level (an AttributeValue's M or L inside another); an unbounded depth would overflow the
// stack and answer 500. DynamoDB documents no JSON depth limit (AttributeValues nest at
// most 32 levels, ~70 JSON levels in the deepest legal request), so this one is ours:
// 1,000 levels, far above anything legal, so that moderately over-deep attribute values
// still get DynamoDB's own "Nesting Levels have exceeded supported limits" from the
// validator, and far below what the stack can take.
import { DynamoError, serialization } from "../errors.js";

/** 16 MiB: DynamoDB's largest request (BatchWriteItem). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Our limit on JSON nesting (objects and arrays), see above. */
export const MAX_JSON_DEPTH = 1000;

export const REQUEST_TOO_LARGE_MESSAGE = `Request size exceeded ${MAX_REQUEST_BYTES} bytes`;
export const JSON_TOO_DEEP_MESSAGE = `JSON nesting depth exceeded the maximum of ${MAX_JSON_DEPTH} levels`;

function tooLarge(): DynamoError {
  return new DynamoError("ValidationException", REQUEST_TOO_LARGE_MESSAGE, 413);
}

/**
 * The request body's bytes as received, or the error to answer with: a body over
 * MAX_REQUEST_BYTES, by its Content-Length without reading it, or counted while streaming
 * when no length is declared. A compressed body is decoded later (./encoding.ts), after
 * its signature is checked over these bytes, under the same cap.
 */
export async function readRequestBytes(request: Request): Promise<Uint8Array | DynamoError> {
  const length = request.headers.get("content-length");
  if (Number(length ?? "") > MAX_REQUEST_BYTES) {
    await request.body?.cancel();
    return tooLarge();
  }
  const bytes = await readCapped(request, length !== null);
  return bytes ?? tooLarge();
}

/** `text`, or the error to answer with when it is nested deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(text: string): string | DynamoError {
  return jsonDepthExceeds(text, MAX_JSON_DEPTH) ? serialization(JSON_TOO_DEEP_MESSAGE) : text;
}

/** A body that decodes to more than MAX_REQUEST_BYTES is refused as one that arrived so. */
export const requestTooLarge = tooLarge;

/** Reads the body stream, stopping (undefined) as soon as it passes MAX_REQUEST_BYTES. */
async function readCapped(request: Request, declared: boolean): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  // A declared length (already checked against the cap) bounds the body: the runtime ends
  // the stream there, so it is read in one native call, not chunk by chunk in JavaScript.
  if (declared && request.headers.get("transfer-encoding") === null) {
    return new Uint8Array(await request.arrayBuffer());
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_REQUEST_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const STRUCTURAL = /["[\]{}]/g;

/**
 * Whether `text` opens more than `max` objects/arrays at once (brackets inside strings
 * do not count). Works on any text, valid JSON or not, in one pass that jumps from one
 * structural character to the next (native regex search) and over strings whole, so long
 * string values cost little. A text no longer than `max` cannot exceed it.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  STRUCTURAL.lastIndex = 0;
  for (let match = STRUCTURAL.exec(text); match; match = STRUCTURAL.exec(text)) {
    const c = match[0];
    if (c === '"') {
      const end = stringEnd(text, match.index + 1);
      if (end < 0) return false; // unterminated string: the parser refuses it
      STRUCTURAL.lastIndex = end + 1;
    } else if (c === "{" || c === "[") {
      if (++depth > max) return true;
    } else if (depth > 0) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing the string whose content starts at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  for (let i = text.indexOf('"', from); i >= 0; i = text.indexOf('"', i + 1)) {
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return -1;
}
