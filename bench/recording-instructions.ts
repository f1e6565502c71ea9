// The recording overhead in instructions executed, which this machine's timing noise (±15% between batches)
// cannot hide: the 200 workloads of bench/validate.ts run under valgrind's callgrind, recording off and on, each
// repeated 5 and then 10 times in separate processes. The difference between the two counts of a setting is
// the work of 5 repetitions with start-up, module loading and warm-up cancelled out. V8 runs single-threaded
// with a predictable GC schedule, so a count repeats to within about 1% (the overhead to ±1.5 points), where
// timed batches drift by ±15%. Instructions are not time (cache
// misses and the garbage collector's copying cost more per instruction), so bench/validate.ts's timed figure
// stays the target's measure; this one says whether a change to the recording did less work.
// `npx tsx bench/recording-instructions.ts` (needs valgrind: `apt-get install -y valgrind`; about 4 minutes).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { runWorkload } from "../conformance/validate/driver.ts";
import { validationModel, type ValidationModel } from "../conformance/validate/models.ts";
import { loadProduction } from "../conformance/validate/production.ts";
import { workloadFor } from "../conformance/validate/workload.ts";

const REPO = resolve(import.meta.dirname, "..");
const DESIGN = "POST_FIX_REPAIRED" as const;
const FEW = 5;
const MANY = 10;

const m = validationModel("MCvalWrite") as ValidationModel;
const workloads = fc.sample(workloadFor(m), { numRuns: 200, seed: 2026 });

/** Runs the workloads `reps` times (the process valgrind measures). */
async function child(record: boolean, reps: number): Promise<void> {
  const p = await loadProduction(join(REPO, "src"));
  for (let r = 0; r < reps; r++)
    for (const w of workloads)
      await runWorkload(p, w, {
        backend: "memory",
        design: DESIGN,
        ...(record ? { record: m.constants } : {}),
      });
}

/** Instructions callgrind counted for one child process. */
function count(record: boolean, reps: number, dir: string): Promise<number> {
  const out = join(dir, `callgrind.${record ? "on" : "off"}.${reps}`);
  const args = [
    "--tool=callgrind",
    `--callgrind-out-file=${out}`,
    process.execPath,
    "--single-threaded",
    "--predictable-gc-schedule",
    ...process.execArgv,
    import.meta.filename,
    "--child",
    record ? "on" : "off",
    String(reps),
  ];
  return new Promise((ok, fail) => {
    const vg = spawn("valgrind", args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    vg.stderr.on("data", (d: Buffer) => (err += d.toString()));
    vg.on("error", fail);
    vg.on("close", (code) => {
      const hit = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !hit) fail(new Error(`valgrind exited ${String(code)}:\n${err.slice(-2000)}`));
      else ok(Number((hit[1] as string).replaceAll(",", "")));
    });
  });
}

if (process.argv[2] === "--child") {
  await child(process.argv[3] === "on", Number(process.argv[4]));
} else {
  if (spawnSync("valgrind", ["--version"]).error)
    throw new Error("bench/recording-instructions.ts needs valgrind on PATH (apt-get install -y valgrind)");
  const p = await loadProduction(join(REPO, "src"));
  let steps = 0;
  for (const w of workloads) steps += (await runWorkload(p, w, { backend: "memory", design: DESIGN })).steps;
  const dir = mkdtempSync(join(tmpdir(), "fscache-instr-"));
  try {
    // Two at a time (two cores); the counts do not depend on what else runs.
    const [offFew, offMany] = await Promise.all([count(false, FEW, dir), count(false, MANY, dir)]);
    const [onFew, onMany] = await Promise.all([count(true, FEW, dir), count(true, MANY, dir)]);
    const per = (few: number, many: number): number => (many - few) / ((MANY - FEW) * steps);
    const off = per(offFew, offMany);
    const on = per(onFew, onMany);
    console.log(
      `recording, in instructions (callgrind; ${MANY - FEW} repetitions of the ${workloads.length} runs, ${steps} steps each): off ${off.toFixed(0)} per step, on ${on.toFixed(0)} per step: overhead ${((on / off - 1) * 100).toFixed(1)}%`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
