// Stored item documents are already DynamoDB wire JSON, so a read that returns them
// unchanged (no projection, no filter to evaluate) can splice the stored text into the
// response instead of parsing and re-serialising it. Operations mark such values with
// RawJson; serializeOutput writes them verbatim.
import type { JsonObject } from "../types.js";

export class RawJson {
  constructor(readonly text: string) {}

  /** For callers that serialise with JSON.stringify (RPC results, tests). */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * An operation's output as JSON text. Top-level members that are RawJson, or arrays of
 * RawJson, are written verbatim; everything else goes through JSON.stringify.
 */
export function serializeOutput(output: JsonObject): string {
  let raw = false;
  for (const value of Object.values(output)) {
    if (value instanceof RawJson || (Array.isArray(value) && value[0] instanceof RawJson)) {
      raw = true;
      break;
    }
  }
  if (!raw) return JSON.stringify(output);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(output)) {
    if (value === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${member(value)}`);
  }
  return `{${parts.join(",")}}`;
}

function member(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value) && value.every((v) => v instanceof RawJson)) {
    return `[${(value as RawJson[]).map((v) => v.text).join(",")}]`;
  }
  return JSON.stringify(value);
}
