// Test support shared by the fscache tests: running the stepped runtime until a facade call settles, and the
// oops string a call throws.

import { OopsError } from "../../src/fscache/errors.ts";
import { firstEnabled, type SteppedRuntime } from "../../src/runtime/stepped.ts";

/**
 * Runs the stepped runtime (first enabled step) until `p` settles, for at most `rounds` rounds: a facade call
 * spawns its later tasks only once an earlier one has ended, after an await. Fails if `p` is still pending.
 */
export async function settle<T>(runtime: SteppedRuntime, p: Promise<T>, rounds = 20): Promise<T> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < rounds && !settled; i++) {
    await runtime.runUntilQuiescent(firstEnabled);
    await new Promise<void>((r) => setImmediate(r));
  }
  if (!settled) throw new Error(`the call did not settle within ${rounds} rounds of the runtime`);
  return p;
}

/** The oops string `f` throws (OopsError), or "none"; any other error is rethrown. */
export async function oops(f: () => unknown): Promise<string> {
  try {
    await f();
    return "none";
  } catch (e) {
    if (e instanceof OopsError) return e.oops;
    throw e;
  }
}
