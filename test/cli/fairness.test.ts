// How `check` uses SpecWeakFair: the weaker fairness first; a pass or a safety verdict stands (every behaviour
// of Spec is one of SpecWeakFair, and safety does not depend on fairness); a liveness violation is looked for
// again under the model's own Spec, whose verdict is the one reported. The TLC runs are stand-ins here: what
// is tested is which runs are made and which verdict is kept (the real runs are measured in spec/README.md).

import { describe, expect, it } from "vitest";
import { type FairnessMode, withFairness } from "../../src/cli/check.ts";
import type { TlcRun } from "../../src/tla/index.ts";

function run(outcome: TlcRun["outcome"], distinct: number): TlcRun {
  const kind = outcome === "liveness" ? "temporal" : outcome === "safety" ? "invariant" : undefined;
  return {
    outcome,
    exitCode: 0,
    stats: { distinct },
    ...(kind === undefined ? {} : { violation: { kind } }),
    errors: [],
    problems: [],
    messages: [],
    raw: "",
    command: ["java"],
    wallMs: 1,
  };
}

/** The runs `withFairness` asks for (true: SpecWeakFair), answering weak runs and full runs as given. */
async function plan(
  mode: FairnessMode,
  weakOk: boolean,
  weak: TlcRun["outcome"],
  full: TlcRun["outcome"],
): Promise<{ asked: boolean[]; outcome: string; fairness: string; rechecked: boolean }> {
  const asked: boolean[] = [];
  const r = await withFairness(mode, weakOk, (w) => {
    asked.push(w);
    return Promise.resolve(w ? run(weak, 1) : run(full, 2));
  });
  return { asked, outcome: r.run.outcome, fairness: r.fairness, rechecked: r.weakRun !== undefined };
}

describe("check's fairness", () => {
  it("auto: a pass under SpecWeakFair is the verdict, with no second run", async () => {
    expect(await plan("auto", true, "success", "liveness")).toEqual({
      asked: [true],
      outcome: "success",
      fairness: "weak",
      rechecked: false,
    });
  });

  it("auto: a safety violation under SpecWeakFair stands (fairness does not change reachable states)", async () => {
    expect(await plan("auto", true, "safety", "success")).toEqual({
      asked: [true],
      outcome: "safety",
      fairness: "weak",
      rechecked: false,
    });
  });

  it("auto: a liveness violation is re-checked under Spec, whose verdict is reported", async () => {
    expect(await plan("auto", true, "liveness", "success")).toEqual({
      asked: [true, false],
      outcome: "success",
      fairness: "full",
      rechecked: true,
    });
    expect((await plan("auto", true, "liveness", "liveness")).outcome).toBe("liveness");
  });

  it("weak reports the SpecWeakFair run as it is; full and a cfg without `SPECIFICATION Spec` run Spec only", async () => {
    expect(await plan("weak", true, "liveness", "success")).toMatchObject({
      asked: [true],
      outcome: "liveness",
    });
    expect(await plan("full", true, "success", "liveness")).toMatchObject({
      asked: [false],
      fairness: "full",
    });
    expect(await plan("auto", false, "success", "liveness")).toMatchObject({
      asked: [false],
      fairness: "full",
    });
  });
});
