// Test support shared by the fscache tests: running the stepped runtime until a facade call settles, the oops
// string a call throws, a file acquired on the stepped runtime, and steps run by name.

import { OopsError } from "../../src/fscache/errors.ts";
import type { Cookie, FsCache } from "../../src/fscache/index.ts";
import { formatLabel, type StepLabel } from "../../src/runtime/runtime.ts";
import { firstEnabled, type SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, type NetfsFile, newFile } from "./workload.ts";

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

/** File `a` acquired under the netfs's index through `cache` on the stepped runtime, each acquire run to its end. */
export async function acquireFile(
  runtime: SteppedRuntime,
  cache: FsCache,
): Promise<{ readonly cookie: Cookie; readonly file: NetfsFile }> {
  const index = cache.acquireCookie(null, indexDef, null);
  await runtime.runUntilQuiescent(firstEnabled);
  const file = newFile("a");
  const acquired = cache.acquireCookie(await index, fileDef(file), file);
  await runtime.runUntilQuiescent(firstEnabled);
  const cookie = await acquired;
  if (!cookie) throw new Error("no cookie");
  return { cookie, file };
}

/**
 * The enabled steps of the stepped runtime by name, and a step run by its name; the netfs thread's name is the
 * facade's (apiN), so steps are named without it: `ReadIO(result=OK)`, `ReadWaiter(k=1, p=p0)`.
 */
export function namedSteps(runtime: SteppedRuntime): {
  readonly labels: () => string[];
  readonly run: (step: string) => Promise<void>;
} {
  const name = (l: StepLabel): string => {
    const { t: _t, ...params } = l.params;
    return formatLabel({ action: l.action, params });
  };
  const labels = (): string[] => runtime.enabled().map((e) => name(e.label));
  const run = async (step: string): Promise<void> => {
    const e = runtime.enabled().find((x) => name(x.label) === step);
    if (!e) throw new Error(`${step} is not enabled: ${labels().join(", ")}`);
    await runtime.runStep(e.taskId);
  };
  return { labels, run };
}
