// Recomputes a request's SigV4 signature with @smithy/signature-v4 (its canonical request
// and string to sign: path and query escaping, header normalisation) and compares it with
// the client's in constant time. Signing keys are cached per (secret, date, region,
// service): a request then costs one SHA-256 of the body, one of the canonical request and
// one HMAC.
import { getCanonicalHeaders, getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import type { HeaderBag, HttpRequest, QueryParameterBag } from "@smithy/types";
import { signatureMismatch } from "./auth-errors.js";
import { Sha256, sha256Hex } from "./auth-hash.js";
import { ALGORITHM, SERVICE, type Claim } from "./auth-parse.js";
import type { WireReply } from "../protocol/reply.js";

/** SignatureV4 with its canonicalisation exposed (protected members) for verification. */
class Verifier extends SignatureV4 {
  constructor() {
    // Credentials and region are never used: verification supplies its own key and scope.
    super({
      service: SERVICE,
      region: "us-east-1",
      credentials: { accessKeyId: "", secretAccessKey: "" },
      sha256: Sha256,
    });
  }

  canonical(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }

  toSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
  }
}

const verifier = new Verifier();
const encoder = new TextEncoder();

const MAX_KEYS = 256;
const signingKeys = new Map<string, Promise<Uint8Array>>();

/** The derived key for (secret, date, region, service), derived once. */
function signingKey(accessKeyId: string, secret: string, claim: Claim): Promise<Uint8Array> {
  const id = `${secret}\n${claim.shortDate}\n${claim.region}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    // A new day or region: drop the lot rather than track recency (a handful of live keys).
    if (signingKeys.size >= MAX_KEYS) signingKeys.clear();
    key = getSigningKey(Sha256, { accessKeyId, secretAccessKey: secret }, claim.shortDate, claim.region, SERVICE);
    signingKeys.set(id, key);
  }
  return key;
}

export interface SignedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
  /** Cloudflare rewrites Accept-Encoding at its edge and keeps the client's here. */
  clientAcceptEncoding: string | undefined;
}

/** undefined when the signature is right; else DynamoDB's InvalidSignatureException. */
export async function verifySignature(
  request: SignedRequest,
  claim: Claim,
  secret: string,
): Promise<WireReply | undefined> {
  const canonicalRequest = verifier.canonical(
    toHttpRequest(request),
    canonicalHeaders(request, claim.signedHeaders),
    // Always the hash of the body received: a client's x-amz-content-sha256 (or
    // UNSIGNED-PAYLOAD) that is not the body's own hash makes the signature mismatch.
    sha256Hex(request.body),
  );
  const stringToSign = await verifier.toSign(claim.longDate, claim.scope, canonicalRequest);
  const hmac = new Sha256(await signingKey(claim.accessKeyId, secret, claim));
  hmac.update(encoder.encode(stringToSign));
  const expected = encoder.encode(hex(hmac.digestSync()));
  const given = encoder.encode(claim.signature);
  // Equal lengths first (a SigV4 signature is always 64 hex digits; the length is public).
  const same = expected.byteLength === given.byteLength && crypto.subtle.timingSafeEqual(expected, given);
  return same ? undefined : signatureMismatch(canonicalRequest, stringToSign);
}

function toHttpRequest({ method, url }: SignedRequest): HttpRequest {
  const query: QueryParameterBag = {};
  for (const [name, value] of url.searchParams) {
    const prior = query[name];
    query[name] = prior === undefined || prior === null ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  let path = url.pathname;
  try {
    path = decodeURIComponent(path); // smithy escapes the decoded path itself
  } catch {
    // a malformed escape: canonicalise the path as received
  }
  return { method, protocol: url.protocol, hostname: url.hostname, path, query, headers: {} };
}

/** The signed headers' values as received (Host from the URL when the runtime hides it). */
function canonicalHeaders(request: SignedRequest, names: string[]): HeaderBag {
  const bag: HeaderBag = {};
  for (const name of names) {
    let value = headerValue(request.headers, name);
    if (name === "host") value ??= request.url.host;
    if (name === "accept-encoding" && request.clientAcceptEncoding !== undefined) value = request.clientAcceptEncoding;
    bag[name] = value ?? "";
  }
  // smithy trims and folds whitespace; listing every name as signable keeps headers it
  // would never sign itself (User-Agent, Connection...) when the client did sign them.
  return getCanonicalHeaders(
    { method: "POST", protocol: "", hostname: "", path: "", headers: bag },
    undefined,
    new Set(names),
  );
}

/** A header's value; null for a name no header can have ("", spaces...): it signs as empty. */
function headerValue(headers: Headers, name: string): string | null {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
