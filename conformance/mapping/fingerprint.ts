// Fingerprints of abstract states: 64 bits of a hash of the state's canonical text (abstraction.ts), as two
// unsigned 32-bit halves that fit typed arrays. Equal states have equal fingerprints; the per-step check
// compares fingerprints, and only a mismatch builds the full diff from the same abstraction.

import { hash } from "node:crypto";

/** A 64-bit fingerprint. */
export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

/** The fingerprint of a canonical text. */
export function fingerprintText(text: string): Fingerprint {
  const b = hash("sha1", text, "buffer");
  return { hi: b.readUInt32LE(0), lo: b.readUInt32LE(4) };
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.hi === b.hi && a.lo === b.lo;
}

/** `0123abcd…`: sixteen hex digits, for reports and map keys. */
export function formatFingerprint(f: Fingerprint): string {
  return f.hi.toString(16).padStart(8, "0") + f.lo.toString(16).padStart(8, "0");
}
