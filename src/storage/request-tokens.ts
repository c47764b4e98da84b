// TransactWriteItems' ClientRequestToken (API reference): a token is remembered for 10
// minutes after the transaction that used it committed. Within that window the same token
// with the same request changes nothing and answers as the first call did (ConsumedCapacity
// aside, which a replay reports as the reads it made); the same token with a different
// request is an IdempotentParameterMismatchException. After the window the token is new.
// A cancelled or failed transaction leaves no record, so retrying it runs it again.
//
// "The same request" is compared on TransactItems with object members in any order
// (localstack issue #6529: DynamoDB does not care about the JSON member order), through a
// SHA-256 digest so a 4 MB request costs a fixed-size row.
import { createHash } from "node:crypto";
import { DynamoError } from "../errors.js";
import type { Sql } from "./sql.js";

export const TOKEN_LIFETIME_MS = 10 * 60 * 1000;

/** Not confirmed against DynamoDB (see the report). */
export const IDEMPOTENT_MISMATCH_MESSAGE =
  "Request parameters do not match the earlier request made with this ClientRequestToken";

/** Digest of the parts of a request that must match for a replay. */
export function requestDigest(transactItems: unknown): string {
  return createHash("sha256").update(canonicalJson(transactItems)).digest("hex");
}

/** JSON with object members sorted by name, so member order does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export class TokenStore {
  constructor(private readonly sql: Sql) {}

  /**
   * The response remembered for `token`, when it is still valid and came with the same
   * request; throws IdempotentParameterMismatchException when it came with another.
   * Purges expired tokens on the way.
   */
  replay(token: string, digest: string, now: number): Record<string, unknown> | undefined {
    this.sql.exec("DELETE FROM txn_tokens WHERE expires_at <= ?", now);
    const row = this.sql.first<{ request_digest: string; response: string }>(
      "SELECT request_digest, response FROM txn_tokens WHERE token = ?",
      token,
    );
    if (!row) return undefined;
    if (row.request_digest !== digest) {
      throw new DynamoError("IdempotentParameterMismatchException", IDEMPOTENT_MISMATCH_MESSAGE);
    }
    return JSON.parse(row.response) as Record<string, unknown>;
  }

  /** Remembers a committed transaction's response; call inside the commit's SQLite transaction. */
  remember(token: string, digest: string, response: Record<string, unknown>, now: number): void {
    this.sql.exec(
      "INSERT INTO txn_tokens (token, request_digest, response, expires_at) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (token) DO UPDATE SET request_digest = excluded.request_digest, " +
        "response = excluded.response, expires_at = excluded.expires_at",
      token,
      digest,
      JSON.stringify(response),
      now + TOKEN_LIFETIME_MS,
    );
  }
}
