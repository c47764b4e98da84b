// The stored key of an index entry from its key attributes. A GSI's partition and sort
// keys may each be made of up to four attributes (multi-attribute keys, November 2025);
// one attribute keeps its plain order-preserving encoding (./encode.ts), so indexes of one
// attribute per key are stored as before, and several are stored as a tuple:
//
//   each component's encoding with 0x00 written as 0x00 0xFF, then the terminator 0x00 0x01
//
// Bytes compare component by component: a component's encoding is order-preserving, the
// escape keeps 0x00 below every other byte, and a terminator sorts below anything that
// continues the component, so a shorter component sorts first, as in DynamoDB, where the
// sort key attributes compare one after another in KeySchema order.
import type { KeyAttribute } from "../types.js";
import { decodeKey, encodeKey } from "./encode.js";

const EMPTY = new Uint8Array(0);
const TERMINATOR = [0x00, 0x01] as const;

/** The stored bytes of key values (wire scalars, in `attrs` order) of the given attributes. */
export function keyBytes(attrs: readonly KeyAttribute[], scalars: readonly string[]): Uint8Array {
  if (attrs.length === 0) return EMPTY;
  if (attrs.length === 1) return encodeKey((attrs[0] as KeyAttribute).type, scalars[0] as string);
  const parts = attrs.map((attr, i) => tupleComponent(encodeKey(attr.type, scalars[i] as string)));
  return concat(parts);
}

/** Inverse of `keyBytes`: the wire scalars of the attributes' values. */
export function decodeKeyBytes(attrs: readonly KeyAttribute[], bytes: Uint8Array): string[] {
  if (attrs.length === 0) return [];
  if (attrs.length === 1) return [decodeKey((attrs[0] as KeyAttribute).type, bytes)];
  const parts = splitTuple(bytes);
  return attrs.map((attr, i) => decodeKey(attr.type, parts[i] ?? EMPTY));
}

/** One tuple component: the escaped encoding and the terminator. */
export function tupleComponent(encoded: Uint8Array): Uint8Array {
  const escaped = escapeZeros(encoded);
  const out = new Uint8Array(escaped.length + 2);
  out.set(escaped);
  out.set(TERMINATOR, escaped.length);
  return out;
}

/** A component's escaped bytes without its terminator: what every value starting with `encoded` starts with. */
export function escapeZeros(encoded: Uint8Array): Uint8Array {
  let zeros = 0;
  for (const byte of encoded) if (byte === 0) zeros++;
  if (zeros === 0) return encoded;
  const out = new Uint8Array(encoded.length + zeros);
  let at = 0;
  for (const byte of encoded) {
    out[at++] = byte;
    if (byte === 0) out[at++] = 0xff;
  }
  return out;
}

/**
 * The smallest bytes above every tuple whose next component equals the component `encoded`
 * stands for (whatever follows it): its escaped bytes and 0x00 0x02, just past the terminator.
 */
export function afterComponent(encoded: Uint8Array): Uint8Array {
  const escaped = escapeZeros(encoded);
  const out = new Uint8Array(escaped.length + 2);
  out.set(escaped);
  out.set([0x00, 0x02], escaped.length);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function splitTuple(bytes: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let current: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte !== 0) {
      current.push(byte);
      continue;
    }
    const next = bytes[++i];
    if (next === 0xff) current.push(0);
    else {
      parts.push(Uint8Array.from(current));
      current = [];
    }
  }
  return parts;
}
