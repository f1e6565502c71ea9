// Runs every benchmark in turn, each as its own process so one's memory does not colour another's figures.
// `npm run bench`. Benchmarks print figures; they are not tests and assert nothing about speed.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Each benchmark, with the node options it needs (the soak reads the heap after forced GCs). */
const BENCHES: readonly [string, string[]][] = [
  ["runtime.ts", []],
  ["cycles.ts", []],
  ["soak.ts", ["--expose-gc"]],
  ["tlc.ts", []],
  ["conformance.ts", []],
  ["cover.ts", []],
  ["validate.ts", []],
];

for (const [bench, nodeArgs] of BENCHES) {
  const file = fileURLToPath(new URL(bench, import.meta.url));
  console.log(`\n== bench/${bench}`);
  const r = spawnSync(process.execPath, [...process.execArgv, ...nodeArgs, file], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`bench/${bench} failed (exit ${String(r.status)})`);
    process.exitCode = 1;
  }
}
