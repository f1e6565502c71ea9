// Runs the mutants: each is applied to a fresh copy of src/, loaded by dynamic import, and replayed against
// the suite (full state graphs of models, and trace sets) until the first divergence. A mutant is killed
// when some path or trace diverges (the result names it); one that passes everything survives (or is
// equivalent, when declared so with the reason no spec behaviour can catch it); one whose patch no longer
// applies is an error.

import { conform, firstFailure, type ConformInput } from "../conform.ts";
import { ConformanceError, type StateMismatchError } from "../errors.ts";
import { replayGraphHere, type PreparedGraph } from "../graphRun.ts";
import { replayGraphParallel } from "../parallel/pool.ts";
import type { ReplayAdapter } from "../replay/target.ts";
import type { Progress } from "../report/progress.ts";
import { applyMutant, checkMutant, type Mutant } from "./patch.ts";

export interface MutantResult {
  readonly name: string;
  readonly why: string;
  readonly status: "killed" | "survived" | "equivalent" | "error";
  /** The divergence that killed it (trace id, step, variable, replay command). */
  readonly killedBy?: StateMismatchError;
  /** The trace set (file) holding the killing trace. */
  readonly killedIn?: string;
  readonly error?: ConformanceError;
  readonly ms: number;
}

/** One part of what a mutant is replayed against: a model's full state graph, or a trace file/set. */
export type SuiteItem =
  | { readonly kind: "graph"; readonly name: string; readonly prepared: PreparedGraph }
  | { readonly kind: "traces"; readonly input: ConformInput };

export interface MutantRunOptions {
  readonly repoRoot: string;
  readonly srcRoot: string;
  /** Replayed in order; the first divergence kills. */
  readonly suite: readonly SuiteItem[];
  /** Worker threads for graph replays (default 1). */
  readonly workers?: number;
  /** Builds an adapter over the implementation rooted at `srcRoot` (a src/ copy), with mutant options. */
  readonly makeAdapter: (
    srcRoot: string,
    options: Readonly<Record<string, string>>,
  ) => Promise<ReplayAdapter>;
  readonly replayCommand: (file: string, traceId: string, mutant: string) => string;
  readonly progress?: Progress;
}

export async function runMutant(m: Mutant, o: MutantRunOptions): Promise<MutantResult> {
  const t0 = performance.now();
  const base = { name: m.name, why: m.why };
  const stale = checkMutant(o.srcRoot, m);
  if (stale) return { ...base, status: "error", error: stale, ms: 0 };
  const tree = applyMutant(o.repoRoot, o.srcRoot, m);
  try {
    const adapter = await o.makeAdapter(tree.root, m.options ?? {});
    const design = m.options?.["design"] as PreparedGraph["model"]["design"] | undefined;
    let passed = 0;
    let steps = 0;
    for (const item of o.suite) {
      // A lost repair can diverge only where the repaired code runs (and a mutant of code only one 3.12 design
      // has, only where that design's does): skip the other designs' items.
      const only = m.repair !== undefined ? "POST_FIX_REPAIRED" : m.runsIn;
      if (only !== undefined && designOf(item) !== undefined && designOf(item) !== only) continue;
      if (item.kind === "graph") {
        const opts = {
          stopAtFirstFailure: true,
          maxReports: 1,
          replayCommand: (file: string, id: string) => o.replayCommand(file, id, m.name),
        };
        const r =
          (o.workers ?? 1) > 1
            ? await replayGraphParallel(item.prepared, adapter, {
                ...opts,
                workers: o.workers ?? 1,
                srcRoot: tree.root,
                ...(design ? { design } : {}),
              })
            : await replayGraphHere(item.prepared, adapter, opts);
        passed += r.paths;
        steps += r.steps;
        const f = r.failures[0];
        if (f)
          return { ...base, status: "killed", killedBy: f, killedIn: item.name, ms: performance.now() - t0 };
        continue;
      }
      const r = await conform(adapter, [item.input], {
        stopAtFirstFailure: true,
        replayCommand: (file, id) => o.replayCommand(file, id, m.name),
      });
      const f = firstFailure(r);
      if (f)
        return {
          ...base,
          status: "killed",
          killedBy: f,
          killedIn: item.input.name,
          ms: performance.now() - t0,
        };
      const fileErrors = r.sets.flatMap((s) => s.errors);
      if (fileErrors[0])
        return { ...base, status: "error", error: fileErrors[0], ms: performance.now() - t0 };
      passed += r.traces;
      steps += r.steps;
    }
    return {
      ...base,
      status: m.equivalent ? "equivalent" : "survived",
      error: new ConformanceError(
        "MUTANT_SURVIVED",
        `mutant ${m.name} passed ${passed} paths and traces (${steps} steps)${m.equivalent ? `: ${m.equivalent}` : ""}`,
      ),
      ms: performance.now() - t0,
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      status: "error",
      error: new ConformanceError("IMPL_ERROR", `mutant ${m.name}: ${msg}`),
      ms: performance.now() - t0,
    };
  } finally {
    tree.dispose();
  }
}

/** The spec design of a suite item, when known without reading a file. */
function designOf(item: SuiteItem): string | undefined {
  return item.kind === "graph" ? item.prepared.model.design : item.input.set?.header.design;
}

export async function runMutants(mutants: readonly Mutant[], o: MutantRunOptions): Promise<MutantResult[]> {
  const out: MutantResult[] = [];
  o.progress?.start(mutants.length, "mutants");
  for (const m of mutants) {
    out.push(await runMutant(m, o));
    o.progress?.tick();
  }
  o.progress?.stop();
  return out;
}

export function formatMutantResults(rs: readonly MutantResult[]): string {
  const lines = rs.map((r) => {
    if (r.status === "killed" && r.killedBy) {
      const k = r.killedBy;
      return `KILLED   ${r.name.padEnd(32)} by ${r.killedIn} trace ${k.trace} step ${k.step} ${k.action}: ${k.code} ${k.variable}`;
    }
    return `${r.status.toUpperCase().padEnd(8)} ${r.name.padEnd(32)} ${r.error?.message ?? ""}`;
  });
  const killed = rs.filter((r) => r.status === "killed").length;
  const equivalent = rs.filter((r) => r.status === "equivalent").length;
  lines.push(`${killed}/${rs.length} mutants killed${equivalent ? `, ${equivalent} equivalent` : ""}`);
  return lines.join("\n");
}
