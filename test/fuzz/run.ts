// The large fuzzing run (outside `npm test`): every parser of fuzz.ts in its own child process, one after
// the other, with a watchdog that kills a child that stops reporting progress (a hang). Prints, per parser,
// the inputs run, the wall time, the slowest input and any failure with its replay seed and path.
// `FUZZ_RUNS=100000 [FUZZ_SEED=n] npx tsx test/fuzz/run.ts [parser…]` (see README.md here).

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { TARGETS } from "./fuzz.ts";

/** A child that finishes no input for this long is hung (generous: other work may share the cores). */
const WATCHDOG_MS = 120_000;
/** How often a child reports progress (after an input, so silence means no input finished). */
const PROGRESS_MS = 2000;
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** What a child reports when it ends. */
interface ChildResult {
  readonly inputs: number;
  readonly slowestMs: number;
  readonly failure?: string;
}

/** Child mode: runs one target's property and prints progress lines, then one `done` line. */
async function child(name: string, runs: number, seed: number): Promise<void> {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no fuzz target ${name}`);
  let inputs = 0;
  let slowestMs = 0;
  let reported = performance.now();
  const details = await fc.check(
    target.property((ms) => {
      inputs += 1;
      slowestMs = Math.max(slowestMs, ms);
      if (performance.now() - reported < PROGRESS_MS) return;
      reported = performance.now();
      console.log(`progress ${inputs}`);
    }),
    { numRuns: runs, seed },
  );
  const failure = details.failed
    ? `${String(details.errorInstance)}; replay: seed ${details.seed}, path "${details.counterexamplePath}"`
    : undefined;
  const result: ChildResult = failure === undefined ? { inputs, slowestMs } : { inputs, slowestMs, failure };
  console.log(`done ${JSON.stringify(result)}`);
}

/** Parent mode: one child per target, watched; returns its result, or the hang it was killed for. */
function watch(name: string, runs: number, seed: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", SELF, "--child", name, String(runs), String(seed)],
      {
        cwd: REPO,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let inputs = 0;
    let result: ChildResult | undefined;
    let timer = setTimeout(kill, WATCHDOG_MS);
    function kill(): void {
      result = {
        inputs,
        slowestMs: WATCHDOG_MS,
        failure: `no progress for ${WATCHDOG_MS} ms after ${inputs} inputs`,
      };
      proc.kill("SIGKILL");
    }
    createInterface({ input: proc.stdout }).on("line", (line) => {
      clearTimeout(timer);
      timer = setTimeout(kill, WATCHDOG_MS);
      if (line.startsWith("progress ")) inputs = Number(line.slice(9));
      else if (line.startsWith("done ")) result = JSON.parse(line.slice(5)) as ChildResult;
    });
    proc.on("close", (code) => {
      clearTimeout(timer);
      resolve(result ?? { inputs, slowestMs: 0, failure: `the child exited with ${code} before reporting` });
    });
  });
}

async function parent(names: readonly string[]): Promise<void> {
  const runs = Number(process.env["FUZZ_RUNS"] ?? 100_000);
  const seed = Number(process.env["FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
  const targets = names.length === 0 ? TARGETS : TARGETS.filter((t) => names.includes(t.name));
  console.log(`fuzzing ${targets.length} parsers, ${runs} inputs each, seed ${seed}`);
  let failed = 0;
  const t0 = performance.now();
  for (const t of targets) {
    const start = performance.now();
    const r = await watch(t.name, runs, seed);
    const wall = ((performance.now() - start) / 1000).toFixed(1);
    console.log(
      `${t.name.padEnd(22)} ${String(r.inputs).padStart(7)} inputs ${wall.padStart(7)} s` +
        `  slowest ${r.slowestMs.toFixed(0).padStart(5)} ms  ${r.failure === undefined ? "ok" : `FAILED: ${r.failure}`}`,
    );
    if (r.failure !== undefined) failed += 1;
  }
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s, ${failed} parser(s) failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

const args = process.argv.slice(2);
if (args[0] === "--child") await child(args[1] ?? "", Number(args[2]), Number(args[3]));
else await parent(args);
