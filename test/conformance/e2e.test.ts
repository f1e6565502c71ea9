// End to end over the conformance models and the CI model: TLC dumps each full state graph, the harness
// reads it while TLC writes, and every transition is replayed in lockstep against the implementation (on
// both cores), which must conform with every state and transition covered; together the covers exercise
// every action of the spec. The protocol goals of MCtrap are replayed as traces. Sharding the replay and
// merging the shard results gives exactly the single-process result. Every mutant (PRE_FIX included) must
// be killed by the suite, and by the CI model's cover alone, the killing path named.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTraceSets, graphModel, replayPrepared } from "../../conformance/cli.ts";
import { conform } from "../../conformance/conform.ts";
import { GOALS_MODEL, PROTOCOL_GOALS } from "../../conformance/generate/goals.ts";
import { prepareGraph, type PreparedGraph } from "../../conformance/graphRun.ts";
import { mergeResults, resultIdentity, type GraphResultJson } from "../../conformance/graphResult.ts";
import { KNOWN_ACTIONS } from "../../conformance/mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "../../conformance/mapping/adapter.ts";
import { MUTANTS } from "../../conformance/mutants/mutants.ts";
import { runMutants, type SuiteItem } from "../../conformance/mutants/run.ts";
import type { Design, TraceSet } from "../../conformance/trace/format.ts";

const REPO = resolve(import.meta.dirname, "../..");
const SRC = join(REPO, "src");
const MODELS = join(REPO, "conformance", "models");

/** The graphs replayed, cheapest first (the mutant suite stops at the first kill). */
const GRAPHS: readonly { model: string; design: Design; dir: string }[] = [
  { model: "MCconf", design: "POST_FIX", dir: MODELS },
  { model: "MCconf", design: "POST_FIX_REPAIRED", dir: MODELS },
  { model: "MCconf", design: "PRE_FIX", dir: MODELS },
  { model: "MCwrite", design: "POST_FIX_REPAIRED", dir: MODELS },
  { model: "MCfault", design: "POST_FIX_REPAIRED", dir: MODELS },
  { model: "MCci", design: "POST_FIX_REPAIRED", dir: join(REPO, "spec") },
];

/** Actions no conformance model reaches: attach failure needs a second data cookie under one index. */
const UNREACHED = ["AcquireFail"];

describe("conformance over full state graphs (streamed from TLC), protocol goals, shards and mutants", () => {
  const out = mkdtempSync(join(tmpdir(), "conf-e2e-"));
  const prepared = new Map<string, PreparedGraph>();
  const results = new Map<string, GraphResultJson>();
  let goals: TraceSet | undefined;
  const key = (g: { model: string; design: string }): string => `${g.model}/${g.design}`;

  beforeAll(async () => {
    for (const g of GRAPHS) {
      prepared.set(
        key(g),
        await prepareGraph(graphModel({ model: g.model, modelDir: g.dir, specDesign: g.design })),
      );
    }
    const sets = await generateTraceSets({
      model: GOALS_MODEL,
      modelDir: MODELS,
      design: "POST_FIX",
      sources: ["goals"],
      seed: 1,
      num: 0,
      depth: 0,
    });
    goals = sets[0]?.set;
  }, 900_000);

  afterAll(() => {
    for (const p of prepared.values()) p.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it.each(GRAPHS)(
    "$model in $design: every transition replayed, the implementation conforms",
    async (g) => {
      const p = prepared.get(key(g));
      expect(p?.errors.map((e) => e.message)).toEqual([]);
      if (!p) return;
      const r = await replayPrepared(p, { enabled: true, workers: 2, out });
      expect(r.failures.slice(0, 2)).toEqual([]);
      expect(r.verdict).toBe("CONFORMS");
      expect(r.coverage.states.covered).toBe(r.coverage.states.total);
      expect(r.coverage.transitions.covered).toBe(r.coverage.transitions.total);
      results.set(key(g), r);
    },
    600_000,
  );

  it("the covers together exercise every action of the spec but those no model reaches", () => {
    const seen = new Set<string>();
    for (const r of results.values())
      for (const [a, c] of Object.entries(r.coverage.actions)) if (c.covered > 0) seen.add(a);
    expect(results.size).toBe(GRAPHS.length);
    const missing = [...KNOWN_ACTIONS].filter((a) => !seen.has(a)).sort();
    expect(missing).toEqual(UNREACHED);
    // The parent-kill path the single-call model never took.
    expect(
      results.get("MCfault/POST_FIX_REPAIRED")?.coverage.actions["KILL_DEPENDENTS"]?.covered,
    ).toBeGreaterThan(0);
  });

  it("a sharded replay merges into exactly the single-process result", async () => {
    const p = prepared.get("MCwrite/POST_FIX_REPAIRED");
    if (!p) throw new Error("MCwrite not prepared");
    const single = results.get("MCwrite/POST_FIX_REPAIRED") ?? (await replayPrepared(p, { enabled: true }));
    const shards: GraphResultJson[] = [];
    for (let i = 0; i < 3; i++)
      shards.push(await replayPrepared(p, { enabled: true, shard: { index: i, count: 3 } }));
    const merged = mergeResults(shards);
    expect(resultIdentity(merged)).toEqual(resultIdentity(single));
    expect(() => mergeResults(shards.slice(0, 2))).toThrow(/1 of 3 shards missing/);
  }, 300_000);

  it("reaches every reachable protocol goal of MCtrap and the implementation conforms on those traces", async () => {
    if (!goals) throw new Error("no goal traces");
    const header = goals.header as { tlc?: { unreachable?: string[] } };
    expect(header.tlc?.unreachable).toEqual(PROTOCOL_GOALS.filter((g) => g.unreachable).map((g) => g.id));
    const r = await conform(fsCacheAdapter(await loadImplementation(SRC)), [{ name: "goals", set: goals }], {
      replayCommand: () => "",
    });
    expect(r.sets.flatMap((s) => s.failures)).toEqual([]);
    expect(r.traces).toBe(PROTOCOL_GOALS.filter((g) => !g.unreachable).length);
  }, 120_000);

  function suite(graphs: readonly { model: string; design: Design }[], withGoals: boolean): SuiteItem[] {
    const items: SuiteItem[] = graphs.map((g) => ({
      kind: "graph",
      name: key(g),
      prepared: prepared.get(key(g)) as PreparedGraph,
    }));
    if (withGoals && goals) items.push({ kind: "traces", input: { name: "goals", set: goals } });
    return items;
  }

  async function mutantResults(
    items: SuiteItem[],
  ): Promise<Map<string, { status: string; killedIn?: string | undefined }>> {
    const rs = await runMutants(MUTANTS, {
      repoRoot: REPO,
      srcRoot: SRC,
      suite: items,
      workers: 2,
      makeAdapter: async (root, opts) =>
        fsCacheAdapter(
          await loadImplementation(root),
          opts["design"] ? { design: opts["design"] as Design } : {},
        ),
      replayCommand: () => "",
    });
    return new Map(rs.map((r) => [r.name, { status: r.status, killedIn: r.killedIn }]));
  }

  it("kills every mutant, naming where", async () => {
    const POST = GRAPHS.filter((g) => g.design === "POST_FIX");
    const by = await mutantResults(suite([...POST, ...GRAPHS.filter((g) => g.design !== "POST_FIX")], true));
    for (const m of MUTANTS)
      expect(by.get(m.name)?.status, m.name).toBe(m.equivalent ? "equivalent" : "killed");
    expect(by.get("pre-fix-design")?.killedIn).toBe("MCconf/POST_FIX");
    // A lost repair is seen only where the repaired code runs.
    for (const m of MUTANTS.filter((x) => x.repair !== undefined))
      expect(by.get(m.name)?.killedIn, m.name).toMatch(/POST_FIX_REPAIRED/);
  }, 900_000);

  it("kills every mutant with the CI model's cover alone", async () => {
    const by = await mutantResults(suite([{ model: "MCci", design: "POST_FIX_REPAIRED" }], false));
    for (const m of MUTANTS)
      expect(by.get(m.name)?.status, m.name).toBe(m.equivalent ? "equivalent" : "killed");
  }, 900_000);
});
