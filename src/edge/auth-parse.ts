// Reads the SigV4 claim of a request (Authorization header or query-string form) and runs
// every check that needs no secret, in the order DynamoDB runs them (as recorded by
// dynalite from the live service): both forms present, no auth at all, missing parameters,
// date format, date window, Host signed, algorithm, credential shape, credential scope.
import { incomplete, invalidSignature, missingToken } from "./auth-errors.js";
import type { WireReply } from "../protocol/reply.js";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const SERVICE = "dynamodb";
/** DynamoDB accepts a request dated up to 15 minutes either side of its clock. */
export const WINDOW_MS = 15 * 60 * 1000;
/** SigV4's longest presigned lifetime (one week), as every AWS signer enforces. */
const MAX_EXPIRES_S = 604_800;

export interface Claim {
  form: "header" | "query";
  accessKeyId: string;
  /** The request time as signed (ISO 8601 basic, e.g. 20260101T000000Z). */
  longDate: string;
  /** shortDate/region/service/aws4_request */
  scope: string;
  shortDate: string;
  region: string;
  /** Lower-case header names, as listed by the client. */
  signedHeaders: string[];
  signature: string;
}

export type ParseResult = { claim: Claim } | { reply: WireReply };

export function parseClaim(request: Request, url: URL, now: number): ParseResult {
  const header = request.headers.get("authorization");
  const query = url.searchParams;
  if (header !== null && query.has("X-Amz-Algorithm")) {
    return {
      reply: invalidSignature(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      ),
    };
  }
  if (header === null) {
    return query.has("X-Amz-Algorithm") ? fromQuery(query, now) : { reply: missingToken() };
  }
  // Another scheme (AWS3, Basic, Bearer...) is no SigV4 token at all, for DynamoDB.
  if (!header.trimStart().startsWith("AWS4-")) return { reply: missingToken() };
  return fromHeader(header, request.headers, now);
}

function fromHeader(header: string, headers: Headers, now: number): ParseResult {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const params = new Map<string, string>();
  for (const part of (space < 0 ? "" : trimmed.slice(space)).split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) {
      return {
        reply: incomplete(
          `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
        ),
      };
    }
    params.set(item.slice(0, eq), item.slice(eq + 1));
  }
  let missing = "";
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    if (!params.get(name)) missing += `Authorization header requires '${name}' parameter. `;
  }
  const amzDate = headers.get("x-amz-date");
  const httpDate = headers.get("date");
  if (amzDate === null && httpDate === null) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (missing !== "") return { reply: incomplete(`${missing}Authorization=${header}`) };
  // X-Amz-Date wins over Date; Date may be in HTTP's own format (RFC 7231).
  const longDate = amzDate ?? basicFromHttpDate(httpDate ?? "");
  return checkClaim("header", algorithm, params.get("Credential")!, params.get("SignedHeaders")!, {
    longDate,
    signature: params.get("Signature")!,
    expiresMs: undefined,
    now,
  });
}

function fromQuery(query: URLSearchParams, now: number): ParseResult {
  let missing = "";
  for (const name of ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"]) {
    if (!query.get(name)) missing += `AWS query-string parameters must include '${name}'. `;
  }
  if (missing !== "") return { reply: incomplete(`${missing}Re-examine the query-string parameters.`) };
  const expires = query.get("X-Amz-Expires");
  let expiresMs: number | undefined;
  if (expires !== null) {
    // Our wording: DynamoDB documents no message for a malformed X-Amz-Expires.
    const seconds = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN;
    if (!(seconds >= 1 && seconds <= MAX_EXPIRES_S)) {
      return { reply: incomplete(`X-Amz-Expires must be an integer from 1 to ${MAX_EXPIRES_S}, got '${expires}'.`) };
    }
    expiresMs = seconds * 1000;
  }
  return checkClaim(
    "query",
    query.get("X-Amz-Algorithm")!,
    query.get("X-Amz-Credential")!,
    query.get("X-Amz-SignedHeaders")!,
    {
      longDate: query.get("X-Amz-Date")!,
      signature: query.get("X-Amz-Signature")!,
      expiresMs,
      now,
    },
  );
}

interface Timing {
  longDate: string;
  signature: string;
  /** Query form: the signed lifetime (X-Amz-Expires); otherwise the 15-minute window. */
  expiresMs: number | undefined;
  now: number;
}

function checkClaim(
  form: Claim["form"],
  algorithm: string,
  credential: string,
  signedHeaderList: string,
  { longDate, signature, expiresMs, now }: Timing,
): ParseResult {
  const time = parseBasic(longDate);
  if (time === undefined) {
    return {
      reply: incomplete(
        `Date must be in ISO-8601 'basic format'. Got '${longDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      ),
    };
  }
  const late = lateness(longDate, time, expiresMs, now);
  if (late !== undefined) return { reply: invalidSignature(late) };
  const signedHeaders = signedHeaderList.split(";").map((name) => name.trim().toLowerCase());
  if (!signedHeaders.includes("host")) {
    return { reply: invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.") };
  }
  if (algorithm !== ALGORITHM) {
    return { reply: incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `) };
  }
  // Trailing slashes are ignored, as DynamoDB does.
  const parts = credential.replace(/\/+$/, "").split("/");
  if (parts.length !== 5) {
    return {
      reply: incomplete(
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      ),
    };
  }
  const [accessKeyId, shortDate, region, service, terminator] = parts as [string, string, string, string, string];
  let wrong = "";
  // Any region is accepted (one engine serves them all); it must only look like one.
  if (!/^[a-z0-9-]+$/.test(region)) wrong += `Credential should be scoped to a valid region, not '${region}'. `;
  // DynamoDB Streams clients sign with service "dynamodb" too.
  if (service !== SERVICE) wrong += `Credential should be scoped to correct service: '${SERVICE}'. `;
  if (terminator !== "aws4_request") {
    wrong += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  if (shortDate !== longDate.slice(0, 8)) {
    wrong +=
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
      `'${shortDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`;
  }
  if (wrong !== "") return { reply: invalidSignature(wrong) };
  return {
    claim: {
      form,
      accessKeyId,
      longDate,
      scope: `${shortDate}/${region}/${service}/${terminator}`,
      shortDate,
      region,
      signedHeaders,
      signature,
    },
  };
}

/** DynamoDB's wording for a request outside its time window, or undefined when inside. */
function lateness(longDate: string, time: number, expiresMs: number | undefined, now: number): string | undefined {
  if (time > now + WINDOW_MS) {
    return `Signature not yet current: ${longDate} is still later than ${basic(now + WINDOW_MS)} (${basic(now)} + 15 min.)`;
  }
  if (expiresMs === undefined && time < now - WINDOW_MS) {
    return `Signature expired: ${longDate} is now earlier than ${basic(now - WINDOW_MS)} (${basic(now)} - 15 min.)`;
  }
  if (expiresMs !== undefined && time < now - expiresMs) {
    // A presigned request lives X-Amz-Expires seconds (the same sentence, its own span).
    return `Signature expired: ${longDate} is now earlier than ${basic(now - expiresMs)} (${basic(now)} - ${expiresMs / 1000} sec.)`;
  }
  return undefined;
}

/** Milliseconds of an ISO 8601 basic timestamp (20260101T000000Z), or undefined. */
function parseBasic(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  // Rolled-over fields (month 13, 25 o'clock, a 60th second...) are refused, and years
  // before 100, which Date.UTC reads as 19xx.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function basic(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** An HTTP Date header in ISO 8601 basic form; the header as given when it is not a date. */
function basicFromHttpDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : basic(time);
}
