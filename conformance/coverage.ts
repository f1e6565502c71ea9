// Coverage of the model by replayed traces: which distinct states and transitions of the spec's graph, and
// how many transitions of each action, the implementation went through in lockstep. States are keyed by
// their canonical JSON (graph node ids when known), so traces of every source count alike.

import { canonical } from "./json.ts";
import type { SpecAction, SpecState, TraceHeader } from "./trace/format.ts";

export interface CoverageTotals {
  readonly states: number;
  readonly transitions: number;
  readonly actions: Record<string, number>;
}

export interface CoverageReport {
  readonly states: { covered: number; total: number | null; fraction: number | null };
  readonly transitions: { covered: number; total: number | null; fraction: number | null };
  /** Per action: distinct transitions covered, out of the model's (when known). */
  readonly actions: Record<string, { covered: number; total: number | null; fraction: number | null }>;
}

/** Accumulates what replay exercised. */
export class CoverageTracker {
  private readonly states = new Set<string>();
  private readonly transitions = new Map<string, string>();

  private key(node: string | undefined, state: SpecState): string {
    return node ?? canonical(state);
  }

  /** A state the implementation was shown to agree with. */
  state(node: string | undefined, state: SpecState): void {
    this.states.add(this.key(node, state));
  }

  /** A transition the implementation replayed and then agreed with the target state. */
  transition(
    from: { node?: string; state: SpecState },
    action: SpecAction,
    to: { node?: string; state: SpecState },
  ): void {
    const k = `${this.key(from.node, from.state)}\u0000${this.key(to.node, to.state)}\u0000${canonical(action.params)}`;
    this.transitions.set(k, action.name);
  }

  report(totals: CoverageTotals | undefined): CoverageReport {
    const frac = (
      covered: number,
      total: number | undefined,
    ): { covered: number; total: number | null; fraction: number | null } => ({
      covered,
      total: total ?? null,
      fraction: total === undefined || total === 0 ? null : covered / total,
    });
    const perAction = new Map<string, number>();
    for (const name of this.transitions.values()) perAction.set(name, (perAction.get(name) ?? 0) + 1);
    const names = new Set([...perAction.keys(), ...Object.keys(totals?.actions ?? {})]);
    const actions: CoverageReport["actions"] = {};
    for (const n of [...names].sort())
      actions[n] = frac(perAction.get(n) ?? 0, totals ? (totals.actions[n] ?? 0) : undefined);
    return {
      states: frac(this.states.size, totals?.states),
      transitions: frac(this.transitions.size, totals?.transitions),
      actions,
    };
  }
}

/** The model totals a trace file's header carries, if any. */
export function totalsOf(header: TraceHeader): CoverageTotals | undefined {
  return header.graph;
}

/** Coverage as a few printable lines. */
export function formatCoverage(c: CoverageReport): string {
  const pct = (x: { covered: number; total: number | null; fraction: number | null }): string =>
    x.total === null ? `${x.covered}` : `${x.covered}/${x.total} (${((x.fraction ?? 0) * 100).toFixed(1)}%)`;
  const lines = [`states      ${pct(c.states)}`, `transitions ${pct(c.transitions)}`];
  for (const [n, a] of Object.entries(c.actions)) lines.push(`  ${n.padEnd(24)} ${pct(a)}`);
  return lines.join("\n");
}
