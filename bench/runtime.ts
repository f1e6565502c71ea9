// Steps per second of the stepped runtime: T tasks each running N steps, scheduled round-robin and at
// random; prints the median of several runs per configuration. Run with `npx tsx bench/runtime.ts`.

import { EventLoopRuntime } from "../src/runtime/event-loop.ts";
import { label, type Runtime } from "../src/runtime/runtime.ts";
import { randomChooser, roundRobin, SteppedRuntime, type Chooser } from "../src/runtime/stepped.ts";

const STEPS_PER_TASK = 5_000;
const RUNS = 5;

/** Spawns `tasks` tasks of `steps` steps each, every fourth step a waitUntil whose condition holds. */
function load(rt: Runtime, tasks: number, steps: number): void {
  const q = rt.waitQueue("q");
  for (let t = 0; t < tasks; t++) {
    rt.spawn(`t${t}`, label("Start", { t }), async (task) => {
      for (let i = 1; i < steps; i++) {
        if (i % 4 === 0) await task.waitUntil(label("Wait", { t, i }), q, () => true);
        else await task.step(label("Step", { t, i }));
      }
    });
  }
}

async function stepped(tasks: number, choose: () => Chooser): Promise<number> {
  const rt = new SteppedRuntime();
  load(rt, tasks, STEPS_PER_TASK);
  const start = performance.now();
  const result = await rt.runUntilQuiescent(choose());
  const seconds = (performance.now() - start) / 1000;
  if (result.end !== "done") throw new Error(`run ended ${result.end}`);
  return result.steps / seconds;
}

async function eventLoop(tasks: number): Promise<number> {
  const rt = new EventLoopRuntime();
  const start = performance.now();
  load(rt, tasks, STEPS_PER_TASK);
  await rt.whenIdle();
  return (tasks * STEPS_PER_TASK) / ((performance.now() - start) / 1000);
}

async function median(sample: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await sample());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] ?? 0;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(12);

console.log(`steps/second, median of ${RUNS} runs, ${STEPS_PER_TASK} steps per task`);
console.log(
  `${"tasks".padEnd(6)}${"stepped rr".padStart(12)}${"stepped rnd".padStart(12)}${"event-loop".padStart(12)}`,
);
for (const tasks of [2, 4, 8]) {
  const rr = await median(() => stepped(tasks, roundRobin));
  const rnd = await median(() => stepped(tasks, () => randomChooser(tasks)));
  const ev = await median(() => eventLoop(tasks));
  console.log(`${String(tasks).padEnd(6)}${fmt(rr)}${fmt(rnd)}${fmt(ev)}`);
}
