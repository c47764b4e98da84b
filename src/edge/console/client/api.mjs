// @ts-check
// The console's only way to the data: DynamoDB's JSON wire protocol on the same endpoint,
// signed with SigV4 in the browser (@smithy/signature-v4, the AWS SDK's own signer, bundled
// at build time), so the page can do exactly what the API allows the credentials to do.
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";

/**
 * @typedef {{ accessKeyId: string; secretAccessKey: string; region: string }} Credentials
 * @typedef {Record<string, unknown>} Json
 * @typedef {{ S?: string; N?: string; B?: string; SS?: string[]; NS?: string[]; BS?: string[]; M?: WireItem; L?: WireValue[]; NULL?: boolean; BOOL?: boolean }} WireValue
 *   an attribute value as the JSON protocol carries it (binaries as base64 text)
 * @typedef {Record<string, WireValue>} WireItem
 */

/** An error answer from the endpoint: DynamoDB's `__type` (without its namespace) and message. */
export class ApiError extends Error {
  /** @param {string} type @param {string} message */
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

/** @typedef {import("@smithy/types").Checksum} Checksum */

/**
 * A copy of the data as bytes (WebCrypto wants an ArrayBuffer-backed array).
 * @param {import("@smithy/types").SourceData} data
 * @returns {Uint8Array<ArrayBuffer>}
 */
function bytes(data) {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * SHA-256 and HMAC-SHA-256 for the signer, from the browser's WebCrypto (the Checksum
 * interface @smithy/signature-v4 takes; the AWS SDK's browser build plugs in the same).
 * WebCrypto exists in secure contexts only: http://127.0.0.1, http://localhost or HTTPS.
 * @implements {Checksum}
 */
class WebCryptoSha256 {
  /** @param {import("@smithy/types").SourceData} [secret] */
  constructor(secret) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    /** @type {Uint8Array<ArrayBuffer>[]} */
    this.chunks = [];
  }
  /** @param {Uint8Array} data */
  update(data) {
    this.chunks.push(bytes(data));
  }
  reset() {
    this.chunks = [];
  }
  async digest() {
    const size = this.chunks.reduce((n, c) => n + c.length, 0);
    const data = new Uint8Array(size);
    let at = 0;
    for (const c of this.chunks) {
      data.set(c, at);
      at += c.length;
    }
    if (this.secret === undefined) return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    const key = await crypto.subtle.importKey("raw", this.secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
  }
}

/** @type {Credentials | undefined} */
let current;

/** @param {Credentials | undefined} credentials */
export function useCredentials(credentials) {
  current = credentials;
}

/**
 * Calls one operation. `service` picks the target prefix: DynamoDB or DynamoDB Streams
 * (both signed for the "dynamodb" service, as the AWS SDK does).
 * @param {string} operation
 * @param {Json} input
 * @param {"dynamodb" | "streams"} [service]
 * @template [T=Json] the operation's output shape (see the typedefs in views)
 * @returns {Promise<T>}
 */
export async function call(operation, input, service = "dynamodb") {
  if (!current) throw new ApiError("MissingAuthenticationToken", "Sign in first.");
  if (!globalThis.crypto?.subtle) {
    throw new ApiError(
      "InsecureContext",
      "The browser offers WebCrypto only on https:// or http://127.0.0.1 / localhost.",
    );
  }
  const url = new URL("/", location.href);
  const target = `${service === "streams" ? "DynamoDBStreams_20120810" : "DynamoDB_20120810"}.${operation}`;
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service: "dynamodb",
    region: current.region,
    credentials: { accessKeyId: current.accessKeyId, secretAccessKey: current.secretAccessKey },
    sha256: WebCryptoSha256,
  });
  const request = new HttpRequest({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body,
  });
  const signed = await signer.sign(request);
  /** @type {Record<string, string>} */
  const headers = {};
  // The browser sets Host itself (to the same value that was signed).
  for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== "host") headers[name] = value;
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  /** @type {{ __type?: string; message?: string; Message?: string }} */
  let json;
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(`HTTP${response.status}`, text.slice(0, 300));
  }
  if (!response.ok) {
    const type = String(json.__type ?? `HTTP${response.status}`).replace(/^.*#/, "");
    throw new ApiError(type, String(json.message ?? json.Message ?? ""));
  }
  return /** @type {T} */ (json);
}
