// End to end on the conformance models: TLC dumps the full state graph of conformance/models/MCconf and every
// transition is replayed in lockstep against the implementation (which must conform, with 100% of states and
// transitions covered); TLC's BFS finds the shortest behaviours of conformance/models/MCtrap reaching the
// protocol goals of conformance/generate/goals.ts (which the implementation must also conform to); the full
// graph of MCconf in POST_FIX_REPAIRED is replayed the same way against the repaired implementation; and every
// mutant (PRE_FIX included) must be killed by some trace of those sets, the killing trace named: the mutants
// that undo a repair by a POST_FIX_REPAIRED trace.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateTraces, runConform } from "../../conformance/cli.ts";
import { GOALS_MODEL, PROTOCOL_GOALS } from "../../conformance/generate/goals.ts";
import { MUTANTS } from "../../conformance/mutants/mutants.ts";

const MODELS = resolve(import.meta.dirname, "../../conformance/models");

interface ConformJson {
  ok: boolean;
  coverage: {
    states: { covered: number; total: number };
    transitions: { covered: number; total: number };
  };
  sets: { failures: { message: string; replay: string }[] }[];
}

interface MutantJson {
  name: string;
  status: string;
  killedIn?: string;
  killedBy?: { trace: string; step: number };
}

async function conformJson(files: string[]): Promise<{ code: number; r: ConformJson }> {
  const lines: string[] = [];
  const code = await runConform(files, { enabled: true, json: true }, (s) => lines.push(s));
  return { code, r: JSON.parse(lines.join("\n")) as ConformJson };
}

/** The NDJSON lines of a trace file: header first. */
function ndjson(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("conformance on MCconf (full transition cover) and MCtrap (protocol goals), POST_FIX and POST_FIX_REPAIRED", () => {
  const out = mkdtempSync(join(tmpdir(), "conf-e2e-"));
  let graph: string[] = [];
  let goals: string[] = [];
  let repaired: string[] = [];
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** The full state graph of MCconf in `design`, every transition replayed: conforms, 100% covered. */
  async function fullCoverConforms(design: "POST_FIX" | "POST_FIX_REPAIRED"): Promise<string[]> {
    const files = await generateTraces({
      model: "MCconf",
      modelDir: MODELS,
      design,
      sources: ["graph"],
      out,
      seed: 1,
      num: 0,
      depth: 0,
    });
    expect(ndjson(files[0] as string)[0]).toMatchObject({ design });
    const { code, r } = await conformJson(files);
    expect(r.sets.flatMap((s) => s.failures).slice(0, 3)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(code).toBe(0);
    expect(r.coverage.states.covered).toBe(r.coverage.states.total);
    expect(r.coverage.transitions.covered).toBe(r.coverage.transitions.total);
    return files;
  }

  it("replays every transition of the model and the implementation conforms", async () => {
    graph = await fullCoverConforms("POST_FIX");
  }, 180_000);

  it("reaches every reachable protocol goal and the implementation conforms on those traces", async () => {
    goals = await generateTraces({
      model: GOALS_MODEL,
      modelDir: MODELS,
      design: "POST_FIX",
      sources: ["goals"],
      out,
      seed: 1,
      num: 0,
      depth: 0,
    });
    expect(goals).toHaveLength(1);
    const lines = ndjson(goals[0] as string);
    const header = lines[0] as { tlc: { unreachable: string[] } };
    expect(header.tlc.unreachable).toEqual(PROTOCOL_GOALS.filter((g) => g.unreachable).map((g) => g.id));
    const ids = new Set(lines.slice(1).map((l) => l["trace"]));
    expect([...ids].sort()).toEqual(
      PROTOCOL_GOALS.filter((g) => !g.unreachable)
        .map((g) => `trap_${g.id}`)
        .sort(),
    );
    // The goal's intent, checked on the trace: p1 was PENDING just before InvalidateWrites dropped it.
    const inv = lines.filter((l) => l["trace"] === "trap_InvalidatePendingWrite");
    const before = inv[inv.length - 2] as { state: { cookie: { D: { stores: Record<string, string> } } } };
    expect(before.state.cookie.D.stores).toEqual({ p1: "PENDING" });
    const { code, r } = await conformJson(goals);
    expect(r.sets.flatMap((s) => s.failures).slice(0, 3)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(code).toBe(0);
  }, 120_000);

  it("replays every transition of the model in POST_FIX_REPAIRED and the repaired implementation conforms", async () => {
    repaired = await fullCoverConforms("POST_FIX_REPAIRED");
  }, 180_000);

  it("kills every mutant, naming the killing trace", async () => {
    const lines: string[] = [];
    const code = await runConform(
      [...graph, ...goals, ...repaired],
      { enabled: true, mutants: true, json: true },
      (s) => lines.push(s),
    );
    const rs = JSON.parse(lines.join("\n")) as MutantJson[];
    const by = new Map(rs.map((r) => [r.name, r]));
    expect(rs.map((r) => r.name)).toEqual(MUTANTS.map((m) => m.name));
    for (const m of MUTANTS) {
      const r = by.get(m.name);
      expect(r?.status, m.name).toBe(m.equivalent ? "equivalent" : "killed");
      if (!m.equivalent) expect(r?.killedBy?.trace, m.name).toMatch(/\S/);
    }
    // The mutants MCconf's cover cannot kill are killed by their goal's trace.
    for (const g of PROTOCOL_GOALS.filter((x) => !x.unreachable)) {
      expect(by.get(g.mutant)?.killedBy?.trace, g.mutant).toBe(`trap_${g.id}`);
      expect(by.get(g.mutant)?.killedIn, g.mutant).toBe(goals[0]);
    }
    expect(by.get("pre-fix-design")?.killedIn).toBe(graph[0]);
    // A lost repair is seen only where the repaired code runs: in the POST_FIX_REPAIRED traces.
    const repairMutants = MUTANTS.filter((m) => m.repair !== undefined);
    expect(repairMutants.map((m) => m.repair)).toEqual(["F3", "F5", "F8"]);
    for (const m of repairMutants) expect(by.get(m.name)?.killedIn, m.name).toBe(repaired[0]);
    expect(code).toBe(0);
  }, 600_000);
});
