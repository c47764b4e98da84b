// SHA-256 and HMAC-SHA256 for @smithy/signature-v4, on node:crypto.
//
// Why not @smithy/hash-node's `Hash`: the Worker is bundled with the "browser" export
// condition (wrangler and the Vitest pool both resolve it), under which @smithy/core/serde
// exports `Hash` as a "node-only" placeholder, not a class. Why not WebCrypto
// (crypto.subtle): every HMAC would need an importKey plus a promise per step, and SigV4
// chains several small HMACs; workerd's node:crypto (nodejs_compat) runs the same BoringSSL
// primitives synchronously. This file is only the adapter to smithy's Checksum interface:
// no cryptography is written here.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import type { Checksum, SourceData } from "@smithy/types";

const encoder = new TextEncoder();

export function toBytes(data: SourceData): Uint8Array {
  if (typeof data === "string") return encoder.encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** `new Sha256()` hashes; `new Sha256(secret)` is an HMAC keyed with `secret`. */
export class Sha256 implements Checksum {
  private readonly secret: Uint8Array | undefined;
  private state: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBytes(secret);
    this.state = this.fresh();
  }

  update(data: Uint8Array): void {
    this.state.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.digestSync());
  }

  /** The same digest without a promise (the edge hashes bodies on the hot path). */
  digestSync(): Uint8Array {
    return new Uint8Array(this.state.digest());
  }

  reset(): void {
    this.state = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
}

/** Lower-case hex SHA-256 of some bytes (SigV4's payload hash). */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
