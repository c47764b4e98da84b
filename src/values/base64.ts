// Base64 for B/BS values. DynamoDB's JSON protocol carries binary as standard base64
// (RFC 4648 alphabet, "=" padding) and the engine keeps it that way inside items; raw
// bytes are only needed for key encoding and size accounting.
//
// A hand-written codec rather than atob/btoa: those go through "binary strings", are
// lenient about whitespace and missing padding, and need chunking for large values.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Character code -> 6-bit value, or -1 for characters outside the alphabet. */
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

function sextet(s: string, index: number): number {
  const code = s.charCodeAt(index);
  const value = code < 128 ? (DECODE[code] ?? -1) : -1;
  if (value < 0) throw new TypeError(`Invalid base64 character at ${index}`);
  return value;
}

/**
 * Whether DynamoDB would accept `s` as a B value. Its deserializer rejects (with a
 * SerializationException) a length that is not a multiple of 4, characters outside the
 * alphabet, "=" anywhere but the last one or two positions, and a last character whose
 * unused low bits are not zero ("Invalid last non-pad Base64 character"), so every
 * accepted string is the canonical encoding of its bytes. The empty string is valid
 * base64 (emptiness is a separate ValidationException).
 */
export function isValidBase64(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  const padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const dataLength = s.length - padding;
  for (let i = 0; i < dataLength; i++) {
    const code = s.charCodeAt(i);
    if (code >= 128 || (DECODE[code] ?? -1) < 0) return false;
  }
  if (padding === 0) return true;
  // With one "=", the last data character carries 2 unused bits; with "==", 4.
  const last = DECODE[s.charCodeAt(dataLength - 1)] ?? 0;
  const unusedMask = padding === 1 ? 0b11 : 0b1111;
  return (last & unusedMask) === 0;
}

/** Decodes standard padded base64. Throws TypeError on characters outside the alphabet. */
export function base64ToBytes(s: string): Uint8Array {
  const padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const dataLength = s.length - padding;
  const out = new Uint8Array(Math.floor((dataLength * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < dataLength; i++) {
    buffer = ((buffer << 6) | sextet(s, i)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/** Encodes bytes as standard padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    parts.push(char(n >> 18) + char(n >> 12) + char(n >> 6) + char(n));
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    parts.push(`${char(n >> 18)}${char(n >> 12)}==`);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    parts.push(`${char(n >> 18)}${char(n >> 12)}${char(n >> 6)}=`);
  }
  return parts.join("");
}

function char(sextetValue: number): string {
  return ALPHABET.charAt(sextetValue & 0x3f);
}
