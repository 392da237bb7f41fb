// RFC 6238 time-based one-time codes as an authenticator app computes them (HMAC-SHA-1 of the
// 30-second step as 8 big-endian bytes, dynamically truncated to 6 digits): the one
// implementation the browser tests and the contract check sign in with.

import { createHmac } from 'node:crypto';

// The bytes of a base32 secret (RFC 4648; spaces and padding ignored, either case).
export function fromBase32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    buffer = ((buffer << 5) | alphabet.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

// The code of the step for the secret's bytes.
export function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

// The step of a time in milliseconds.
export const stepAt = (ms = Date.now()) => Math.floor(ms / 1000 / 30);
