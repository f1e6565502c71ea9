// Revisions for recording. A recorder (conformance/mapping/snapshot.ts) copies the state after every atomic
// step; re-reading every field of every record per step was most of its cost. Each Cookie, FscacheObject,
// Operation and ThreadRecord therefore carries a revision, and every write to one is preceded, in the same
// atomic step, by `touch` on it: a record whose revision and identity did not move since the last copy is
// unchanged. The
// review's touch check (review/touch/touch.ts) verifies statically that every write site is covered.

/** A record whose writes are counted. */
export interface Revisioned {
  rev: number;
}

/** Counts a write to `r` (call it before the write, in the same atomic step). */
export function touch(r: Revisioned): void {
  r.rev++;
}
