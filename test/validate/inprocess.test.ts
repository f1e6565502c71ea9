// Trace validation in-process: fast-check production runs (event-loop runtime, memory and disk backends, and the
// stepped runtime under fast-check schedules) are all transitions of MCvalRead's state graph; recorded runs
// tampered with are rejected at the tampered step, and the CLI reads, checks and refuses recorded files.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { validateRun } from "../../conformance/validate/check.ts";
import { main } from "../../conformance/validate/cli.ts";
import { runWorkload, type RecordedStep } from "../../conformance/validate/driver.ts";
import { fuzz, type Target } from "../../conformance/validate/fuzz.ts";
import { transitionIndex, type TransitionIndex } from "../../conformance/validate/graphIndex.ts";
import { validationModel, type ValidationModel } from "../../conformance/validate/models.ts";
import { loadProduction, type Production } from "../../conformance/validate/production.ts";
import { writeRecorded } from "../../conformance/validate/recorded.ts";
import { formatRejection } from "../../conformance/validate/report.ts";
import { workloadFor, type Workload } from "../../conformance/validate/workload.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const DESIGN = "POST_FIX_REPAIRED" as const;
let p: Production;
let m: ValidationModel;
let index: TransitionIndex;
let target: Target;

beforeAll(async () => {
  m = validationModel("MCvalRead") as ValidationModel;
  index = await transitionIndex(m, DESIGN, { repoRoot: REPO });
  p = await loadProduction(join(REPO, "src"));
  target = { kind: "graph", model: m, index };
});

/** A recorded run of a workload that reads a page (so the run has some length). */
async function recordedRun(): Promise<RecordedStep[]> {
  const [w] = fc.sample(workloadFor(m), { numRuns: 1, seed: 7 }) as [Workload];
  const withRead: Workload = {
    ...w,
    threads: w.threads.map((t) => (t.index ? t : { ...t, calls: [{ name: "ReadPage", page: 1 }] })),
  };
  const out = await runWorkload(p, withRead, { backend: "memory", design: DESIGN, record: m.constants });
  expect(out.end).toBe("done");
  return [...(out.recording?.steps() ?? [])];
}

function tamper(run: RecordedStep[], i: number, f: (s: RecordedStep) => RecordedStep): RecordedStep[] {
  const copy = run.map((s) => structuredClone(s));
  copy[i] = f(copy[i] as RecordedStep);
  return copy;
}

describe("production runs validate against MCvalRead", () => {
  it("event-loop runtime, memory backend", async () => {
    const r = await fuzz(p, target, { backend: "memory", design: DESIGN, runs: 40, seed: 1 });
    expect(r).toMatchObject({ ok: true, runs: 40 });
  });

  it("event-loop runtime, disk backend in a temporary directory, removed after", async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith("fscache-validate-")).length;
    const r = await fuzz(p, target, { backend: "disk", design: DESIGN, runs: 12, seed: 2 });
    expect(r).toMatchObject({ ok: true, runs: 12 });
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith("fscache-validate-")).length).toBe(before);
  });

  it("stepped runtime under fast-check schedules", async () => {
    const r = await fuzz(p, target, {
      backend: "memory",
      design: DESIGN,
      runs: 40,
      seed: 3,
      runtime: "stepped",
    });
    expect(r).toMatchObject({ ok: true, runs: 40 });
  });
});

describe("a tampered recording is rejected at the tampered step", () => {
  it("accepts the untouched run", async () => {
    const run = await recordedRun();
    expect(validateRun(index, run)).toEqual({ ok: true, steps: run.length - 1 });
  });

  it("a changed state: WRONG_NEXT_STATE at that step, diffed against the allowed successor", async () => {
    const run = await recordedRun();
    const i = run.findIndex((s) => s.action?.name === "ReadPage");
    expect(i).toBeGreaterThan(0);
    const bad = tamper(run, i, (s) => {
      const st = s.state as { cookie: { D: { usage: number } } };
      st.cookie.D.usage += 1;
      return s;
    });
    const v = validateRun(index, bad);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.rejection).toMatchObject({ kind: "WRONG_NEXT_STATE", position: i });
    const own = v.rejection.allowed.find((a) => a.action === "ReadPage(p=p1, t=tD)");
    expect(own?.diffs.map((d) => d.path)).toEqual(["cookie.D.usage"]);
    const text = formatRejection(v.rejection, "run", "REPRO");
    expect(text).toContain(`REJECTED at step ${i} of run: ReadPage(p=p1, t=tD)`);
    expect(text).toContain("cookie.D.usage: spec");
    expect(text).toContain("reproduce: REPRO");
  });

  it("a changed action: ACTION_NOT_ENABLED at that step", async () => {
    const run = await recordedRun();
    const bad = tamper(run, 3, (s) => ({ ...s, action: { name: "RelinquishWait", params: { t: "tD" } } }));
    const v = validateRun(index, bad);
    expect(v.ok ? undefined : v.rejection).toMatchObject({ kind: "ACTION_NOT_ENABLED", position: 3 });
  });

  it("a dropped step: rejected where the recording skips", async () => {
    const run = await recordedRun();
    const bad = [...run.slice(0, 10), ...run.slice(11)];
    const v = validateRun(index, bad);
    expect(v.ok ? undefined : v.rejection.position).toBe(10);
  });

  it("a changed initial state: NO_INITIAL_STATE at step 0", async () => {
    const run = await recordedRun();
    const bad = tamper(run, 0, (s) => ({ ...s, state: { ...s.state, oops: "boom" } }));
    const v = validateRun(index, bad);
    expect(v.ok ? undefined : v.rejection).toMatchObject({ kind: "NO_INITIAL_STATE", position: 0 });
  });
});

describe("cli check", () => {
  // Made in the test, not at collection: a run that filters this test out (Stryker's per-test coverage)
  // would otherwise leave the directory behind.
  let dir = "";
  const meta = { model: "MCvalRead", design: DESIGN, run: {} };
  const cli = async (argv: string[]): Promise<{ code: number; out: string }> => {
    const lines: string[] = [];
    const code = await main(argv, (s) => lines.push(s));
    return { code, out: lines.join("\n") };
  };

  it("exit 0 for a recorded run, 1 for a tampered one (naming the step), 2 for a malformed file", async () => {
    dir = mkdtempSync(join(tmpdir(), "fscache-validate-test-"));
    try {
      const run = await recordedRun();
      const good = join(dir, "good.ndjson");
      writeRecorded(good, run, { ...meta, constants: m.constants });
      expect(await cli(["check", good])).toMatchObject({ code: 0 });

      const bad = join(dir, "bad.ndjson");
      const i = run.length - 2;
      writeRecorded(
        bad,
        tamper(run, i, (s) => ({ ...s, state: { ...s.state, oops: "boom" } })),
        { ...meta, constants: m.constants },
      );
      const r = await cli(["check", bad]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`REJECTED at step ${i} of ${bad}`);

      const broken = join(dir, "broken.ndjson");
      const lines = readFileSync(good, "utf8").split("\n");
      lines[4] = "{not json";
      writeFileSync(broken, lines.join("\n"));
      const b = await cli(["check", broken]);
      expect(b.code).toBe(2);
      expect(b.out).toContain(`${broken}:5`);

      expect((await cli(["check", join(dir, "missing.ndjson")])).code).toBe(2);
      expect((await cli(["run", "--runs", "0"])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      expect(existsSync(dir)).toBe(false);
    }
  });
});
