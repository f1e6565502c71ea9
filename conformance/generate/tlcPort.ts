// The TlcPort over src/tla: runs TLC 2.18 through runTlc and turns its dumps, simulation files and error
// traces into SpecStates (TLC values through toJson). Knows no FS-Cache detail beyond the trace format.

import { join } from "node:path";
import {
  continuedViolations,
  formatParseError,
  type ParseError,
  type Parsed,
  type SimulationTrace,
  parseDot,
  parseValue,
  readSimulationTraces,
  runTlc,
  toJson,
  type TlaState,
  type TlcResult,
} from "../../src/tla/index.ts";
import { readFile } from "node:fs/promises";
import { ConformanceError } from "../errors.ts";
import type { GraphEdge, StateGraph } from "../graph/graph.ts";
import type { SpecState } from "../trace/format.ts";
import { TRAP_HIT } from "./cfg.ts";
import type { CheckOutcome, GoalsOutcome, ModelRun, TlcPort } from "./port.ts";

const DEFAULT_TIMEOUT = 10 * 60_000;

/** A TLC state as spec-state JSON. */
export function stateJson(s: TlaState): SpecState {
  const out: SpecState = {};
  for (const [k, v] of Object.entries(s)) out[k] = toJson(v);
  return out;
}

function describeRun(r: {
  outcome: string;
  errors: readonly { message: string }[];
  problems: readonly unknown[];
}): string {
  const first = r.errors[0]?.message.split("\n")[0] ?? "";
  return `TLC ended with ${r.outcome}${first ? `: ${first}` : ""}`;
}

/** A parse error in a file TLC wrote, as a harness error naming file, line and what was expected. */
export function dumpError(e: ParseError, what: string): ConformanceError {
  return new ConformanceError(
    "TLC_DUMP",
    `${what}: expected ${e.expected}, found ${e.found} (column ${e.column})`,
    e.file === undefined ? { line: e.line } : { file: e.file, line: e.line },
  );
}

/** The state graph in the text of a `-dump dot,actionlabels` file, or the error naming where it is malformed. */
export function graphFromDot(
  text: string,
  file: string,
): { graph: StateGraph<SpecState> } | { error: ConformanceError } {
  const parsed = parseDot(text, file);
  if (!parsed.ok) return { error: dumpError(parsed.error, "malformed state-graph dump") };
  const nodes = new Map<string, SpecState>();
  const initial: string[] = [];
  for (const n of parsed.value.nodes.values()) {
    nodes.set(n.id, stateJson(n.state));
    if (n.initial) initial.push(n.id);
  }
  if (initial.length === 0)
    return {
      error: new ConformanceError("TLC_DUMP", "state-graph dump without an initial state (style = filled)", {
        file,
      }),
    };
  const edges: GraphEdge[] = parsed.value.edges.map((e) => ({ from: e.from, to: e.to, label: e.action }));
  return { graph: { initial, nodes, edges } };
}

/** Behaviours from parsed simulation files: a malformed file is one error, the other files still count. */
export function behavioursFromSimulation(files: readonly Parsed<SimulationTrace>[]): {
  behaviours: SpecState[][];
  errors: ConformanceError[];
} {
  const behaviours: SpecState[][] = [];
  const errors: ConformanceError[] = [];
  for (const f of files) {
    if (f.ok) behaviours.push(f.value.states.map(stateJson));
    else errors.push(dumpError(f.error, "malformed simulation trace"));
  }
  return { behaviours, errors };
}

/** Breadth-first model checking of `run`, with TLC's distinct state count when it reported one. */
async function checkRun(run: ModelRun, extraArgs: readonly string[] = []) {
  const r = await runTlc({
    spec: `${run.module}.tla`,
    config: run.cfg,
    cwd: run.dir,
    timeoutMs: run.timeoutMs ?? DEFAULT_TIMEOUT,
    extraArgs,
  });
  const distinct = r.stats.distinct;
  return { r, base: distinct === undefined ? {} : { distinct } };
}

/** The constants a run printed (`constantsAssume`, mapping/model.ts), if it printed them. */
function printedConstantsOf(r: TlcResult): Record<string, unknown> | undefined {
  // PrintT pretty-prints at 80 columns: gather plain lines from the marker until the value parses.
  const lines = r.messages.flatMap((m) => (m.kind === "plain" ? [m.text] : []));
  const start = lines.findIndex((l) => /^<<\s*"FSCACHE_CONSTANTS"/.test(l));
  for (let end = start + 1; start >= 0 && end <= lines.length; end++) {
    const v = parseValue(lines.slice(start, end).join("\n"));
    if (!v.ok) continue;
    const j = toJson(v.value);
    if (Array.isArray(j) && typeof j[1] === "object" && j[1] !== null) return j[1] as Record<string, unknown>;
  }
  return undefined;
}

export const tlcPort: TlcPort = {
  async dumpGraph(run: ModelRun): Promise<StateGraph<SpecState>> {
    const dot = join(run.dir, "graph.dot");
    const r = await runTlc({
      spec: `${run.module}.tla`,
      config: run.cfg,
      cwd: run.dir,
      dump: { dot },
      extraArgs: ["-deadlock"],
      timeoutMs: run.timeoutMs ?? DEFAULT_TIMEOUT,
    });
    if (r.outcome !== "success")
      throw new ConformanceError("TLC_FAILED", `graph dump of ${run.module}: ${describeRun(r)}`);
    const g = graphFromDot(await readFile(dot, "utf8"), dot);
    if ("error" in g) throw g.error;
    return g.graph;
  },

  async simulate(run, opts) {
    const prefix = join(run.dir, "sim", "tr");
    const r = await runTlc({
      spec: `${run.module}.tla`,
      config: run.cfg,
      cwd: run.dir,
      seed: opts.seed,
      simulate: { num: opts.num, depth: opts.depth, filePrefix: prefix },
      timeoutMs: run.timeoutMs ?? DEFAULT_TIMEOUT,
    });
    if (r.outcome !== "success" && r.outcome !== "safety" && r.outcome !== "deadlock") {
      throw new ConformanceError("TLC_FAILED", `simulation of ${run.module}: ${describeRun(r)}`);
    }
    return behavioursFromSimulation(await readSimulationTraces(prefix));
  },

  async printedConstants(run): Promise<Record<string, unknown>> {
    const r = await runTlc({
      spec: `${run.module}.tla`,
      config: run.cfg,
      cwd: run.dir,
      timeoutMs: run.timeoutMs ?? 120_000,
    });
    const constants = printedConstantsOf(r);
    if (constants) return constants;
    throw new Error(`constants of ${run.module}: ${describeRun(r)} without printing them`);
  },

  async check(run): Promise<CheckOutcome> {
    const { r, base } = await checkRun(run);
    if (r.outcome === "success") return { ok: true, ...base };
    if (r.violation) {
      const violation = r.violation.name ?? r.violation.kind;
      const trace = r.trace?.states.map((s) => stateJson(s.state));
      return trace ? { ok: false, violation, trace, ...base } : { ok: false, violation, ...base };
    }
    return { ok: false, failure: describeRun(r), ...base };
  },

  async reachGoals(run): Promise<GoalsOutcome> {
    const { r, base } = await checkRun(run, ["-continue"]);
    // With -continue TLC 2.18 exits 0 after reporting every violation.
    if (r.outcome !== "success") return { reached: new Map(), failure: describeRun(r), ...base };
    const constants = printedConstantsOf(r);
    const printed = constants ? { constants } : {};
    const problems: ParseError[] = [];
    const reached = new Map<number, SpecState[]>();
    const hit = new RegExp(`^<<"${TRAP_HIT}", (\\d+)>>$`);
    for (const v of continuedViolations(r, problems)) {
      // The trap invariant prints each goal it newly reaches, then fails: those goals share this trace.
      const goals = v.printed.flatMap((l) => {
        const m = hit.exec(l.trim());
        return m ? [Number(m[1])] : [];
      });
      if (goals.length === 0 || v.trace === undefined)
        return {
          reached,
          failure: `${run.module}: a violation without its goals or its trace`,
          ...base,
          ...printed,
        };
      const states = v.trace.states.map((s) => stateJson(s.state));
      for (const g of goals) reached.set(g, states);
    }
    const [problem] = problems;
    if (problem !== undefined)
      return {
        reached,
        failure: `${run.module}: unreadable trace state: ${formatParseError(problem)}`,
        ...base,
        ...printed,
      };
    return { reached, ...base, ...printed };
  },
};
