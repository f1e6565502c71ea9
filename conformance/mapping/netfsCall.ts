// One netfs call between acquire and relinquish, as the spec's netfs thread takes it: the call's first step
// (a plain step, or for WaitOnInvalidate a wait until the library's own guard lets it start), then the API
// function running inside that step (`entered`), so nothing of the call happens before the spec's step does.
// What a call returns is the spec's thread `result` after it, which the mapping compares as the thread's
// recorded result: a call that returns one thing and records another fails here (`recorded`). Shared by the
// scripted netfs of conformance replay (adapter.ts) and the recorded workloads of validation (driver.ts).

import type { Cookie, FsCache } from "../../src/fscache/index.ts";
import type { Caller } from "../../src/fscache/netfs.ts";
import type { StepLabel, Task } from "../../src/runtime/runtime.ts";

/** The spec's netfs calls between AcquireCookie and WaitOnPageWrite. */
export type NetfsCallName =
  "Invalidate" | "WaitOnInvalidate" | "UpdateCookie" | "AttrChanged" | "ReadPage" | "ReadPages" | "WritePage";

export interface NetfsCallOptions {
  readonly page: number;
  /** The pages a ReadPages reads: all of the model's. */
  readonly pages: readonly number[];
  /** The bytes a WritePage writes. */
  readonly data: () => Uint8Array;
  /** Runs once the call's first step has been taken, before the API function. */
  readonly started?: () => void;
  /** The thread's result as the library recorded it; a call's return value must equal it. */
  readonly recorded: () => string | undefined;
}

export async function netfsCall(
  api: FsCache["netfs"],
  task: Task,
  caller: Caller,
  cookie: Cookie,
  name: NetfsCallName,
  first: StepLabel,
  o: NetfsCallOptions,
): Promise<void> {
  // The library's own guard: a call that would wait does not start (the spec's thread stays Ready).
  if (name === "WaitOnInvalidate")
    await task.waitUntil(first, cookie.flagsWq, () => api.startsNow("WaitOnInvalidate", cookie));
  else await task.step(first);
  o.started?.();
  let returned: { readonly value: unknown } | undefined;
  switch (name) {
    case "Invalidate":
      await api.invalidate(caller, cookie);
      break;
    case "WaitOnInvalidate":
      await api.waitOnInvalidate(caller, cookie);
      break;
    case "UpdateCookie":
      await api.updateCookie(caller, cookie);
      break;
    case "AttrChanged":
      returned = { value: await api.attrChanged(caller, cookie) };
      break;
    case "ReadPage":
      returned = { value: (await api.readPage(caller, cookie, o.page)).result };
      break;
    case "ReadPages":
      // The pages reach the netfs later, from the copier; the driver only checks the call's result.
      returned = { value: await api.readPages(caller, cookie, o.pages, () => undefined) };
      break;
    case "WritePage":
      returned = { value: await api.writePage(caller, cookie, o.page, o.data()) };
      break;
  }
  // Only the calls with a result return one (wrapped, so that a result of undefined is still compared).
  if (!returned) return;
  const recorded = o.recorded();
  if (returned.value !== recorded)
    throw new Error(
      `${name}(t=${caller.t}) returned ${String(returned.value)}, but its thread's result is ${String(recorded)}`,
    );
}
