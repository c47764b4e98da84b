// ExecuteStatement's NextToken: an opaque token holding the LastEvaluatedKey of the
// underlying Query/Scan and a digest of the statement and its parameters. DynamoDB
// refuses a token given with another statement ("The provided starting key is invalid",
// recorded against DynamoDB Local by xo/dbimp) and a token it cannot read ("Invalid
// NextToken").
import { validation } from "../errors.js";
import type { AttributeValue, JsonObject } from "../types.js";
import { base64ToBytes, bytesToBase64, isValidBase64 } from "../values/base64.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Where a paged statement resumes: which of its reads (`pk IN [...]` runs several), and after which key. */
export interface Resume {
  read: number;
  key: JsonObject | undefined;
}

export function encodeToken(resume: Resume, statement: string, parameters: readonly AttributeValue[]): string {
  const json = JSON.stringify({ k: resume.key ?? null, i: resume.read, d: digest(statement, parameters) });
  return bytesToBase64(encoder.encode(json));
}

export function decodeToken(token: string, statement: string, parameters: readonly AttributeValue[]): Resume {
  let parsed: unknown;
  try {
    if (!isValidBase64(token)) throw new Error("not base64");
    parsed = JSON.parse(decoder.decode(base64ToBytes(token)));
  } catch {
    throw validation("Invalid NextToken");
  }
  const { k, i, d } = (parsed ?? {}) as { k?: unknown; i?: unknown; d?: unknown };
  if (typeof k !== "object" || Array.isArray(k) || typeof d !== "string" || !Number.isInteger(i)) {
    throw validation("Invalid NextToken");
  }
  if (d !== digest(statement, parameters)) throw validation("The provided starting key is invalid");
  return { read: i as number, key: k === null ? undefined : (k as JsonObject) };
}

/** FNV-1a (32 bit) of the statement and parameters: enough to tell statements apart. */
function digest(statement: string, parameters: readonly AttributeValue[]): string {
  const text = `${statement}\u0000${JSON.stringify(parameters)}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}
