// Vitest global setup of the Stryker replay test: makes sure the cached trace files exist (TLC runs only when
// one is missing, i.e. once, before Stryker's dry run; never per mutant).
import { ensureStrykerTraces } from "./traces.ts";

export default async function setup(): Promise<void> {
  await ensureStrykerTraces(undefined, false, (s) => console.error(s));
}
