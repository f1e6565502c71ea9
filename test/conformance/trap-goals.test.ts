// Trap runs of several goals in one TLC run (conformance/generate/cfg.ts trapModule, with `-continue`): each
// goal gets the shortest behaviour a run of its own would find, goals reached by one state share its trace,
// an unreachable goal is absent, and the search stops once every goal is reached. Real TLC on a grid spec.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { trapCfg, trapModule, type TrapGoal } from "../../conformance/generate/cfg.ts";
import { tlcPort } from "../../conformance/generate/tlcPort.ts";

const GRID = [
  "---- MODULE Grid ----",
  "EXTENDS Naturals",
  "VARIABLE x, y",
  "Init == x = 0 /\\ y = 0",
  "Next == \\/ x < 5 /\\ x' = x + 1 /\\ y' = y",
  "        \\/ y < 5 /\\ y' = y + 1 /\\ x' = x",
  "====",
  "",
].join("\n");
const CFG = "INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\nINVARIANT\n  TypeOK\n";
/** 6 × 6 states. */
const ALL_STATES = 36;

describe("trap runs of several goals in one TLC run", () => {
  const dir = mkdtempSync(join(tmpdir(), "trap-goals-"));
  writeFileSync(join(dir, "Grid.tla"), GRID);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function reach(name: string, goals: readonly TrapGoal[]) {
    writeFileSync(join(dir, `${name}.tla`), trapModule(name, "Grid", goals));
    writeFileSync(join(dir, `${name}.cfg`), trapCfg(CFG));
    return tlcPort.reachGoals({ dir, module: name, cfg: `${name}.cfg` });
  }
  const path = (states: readonly Record<string, unknown>[] | undefined): string =>
    (states ?? []).map((s) => `${String(s["x"])},${String(s["y"])}`).join(" ");

  it("gives each goal its own shortest trace, shares one state's, and leaves an unreachable goal out", async () => {
    const r = await reach("TrapAll", [
      { id: "x2", predicate: "x = 2" },
      { id: "x2again", predicate: "x = 2 /\\ y = 0" },
      { id: "y3", predicate: "y = 3 /\\ x = 1" },
      { id: "never", predicate: "x = 9" },
    ]);
    expect(r.failure).toBeUndefined();
    expect(path(r.reached.get(1))).toBe("0,0 1,0 2,0");
    expect(path(r.reached.get(2))).toBe("0,0 1,0 2,0");
    expect(path(r.reached.get(3))).toBe("0,0 1,0 1,1 1,2 1,3");
    expect(r.reached.has(4)).toBe(false);
    // With a goal never reached, the whole space is searched.
    expect(r.distinct).toBe(ALL_STATES);
  }, 60_000);

  it("finds the trace a run of the goal alone finds, and stops once every goal is reached", async () => {
    const alone = await reach("TrapAlone", [{ id: "y3", predicate: "y = 3 /\\ x = 1" }]);
    const together = await reach("TrapTogether", [
      { id: "x1", predicate: "x = 1" },
      { id: "y3", predicate: "y = 3 /\\ x = 1" },
    ]);
    expect(path(together.reached.get(2))).toBe(path(alone.reached.get(1)));
    expect(together.reached.size).toBe(2);
    expect(together.distinct).toBeLessThan(ALL_STATES);
  }, 60_000);

  it("reports a goal that does not parse as a TLC failure, not as unreachable", async () => {
    const r = await reach("TrapBroken", [{ id: "bad", predicate: "x = " }]);
    expect(r.failure).toMatch(/TrapBroken|parse|Parsing/i);
    expect(r.reached.size).toBe(0);
  }, 60_000);
});
