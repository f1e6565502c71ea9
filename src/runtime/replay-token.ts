// Replay tokens: a schedule of the stepped runtime as the sequence of indices chosen among the enabled steps,
// in a compact string a failure report can print and a test can paste back. Each index is a little-endian
// base-32 varint over the base64url alphabet: indices below 32 (the usual case) take one character.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const CONTINUE = 32;

/** A replay token that does not decode. */
export class ReplayTokenError extends Error {
  constructor(
    readonly token: string,
    detail: string,
  ) {
    super(`bad replay token ${JSON.stringify(token)}: ${detail}`);
    this.name = "ReplayTokenError";
  }
}

/** Encodes chosen indices (non-negative safe integers) as a replay token. */
export function encodeReplayToken(indices: readonly number[]): string {
  let out = "";
  for (const index of indices) {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`not a step index: ${index}`);
    let v = index;
    while (v >= CONTINUE) {
      out += ALPHABET[CONTINUE + (v % CONTINUE)];
      v = Math.floor(v / CONTINUE);
    }
    out += ALPHABET[v];
  }
  return out;
}

/** Decodes a replay token into the chosen indices; throws ReplayTokenError if it is malformed. */
export function decodeReplayToken(token: string): number[] {
  const indices: number[] = [];
  let value = 0;
  let scale = 1;
  let open = false;
  for (let i = 0; i < token.length; i++) {
    const digit = ALPHABET.indexOf(token.charAt(i));
    if (digit < 0) throw new ReplayTokenError(token, `character ${i} is not base64url`);
    value += (digit % CONTINUE) * scale;
    if (!Number.isSafeInteger(value)) throw new ReplayTokenError(token, `index at character ${i} overflows`);
    if (digit >= CONTINUE) {
      scale *= CONTINUE;
      open = true;
    } else {
      indices.push(value);
      value = 0;
      scale = 1;
      open = false;
    }
  }
  if (open) throw new ReplayTokenError(token, "ends inside an index");
  return indices;
}
