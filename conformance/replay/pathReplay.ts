// Lockstep replay of graph paths (graph/cover.ts) against an implementation: for each edge, run the enabled
// step implementing the target node's action, then compare fingerprints — of the abstract state with the
// node's, of the enabled set with the node's successors'. The spec side was fingerprinted once per node when
// the graph was read; the per-variable diff is built only on a mismatch (divergence.ts).
//
// A step on a BFS-tree prefix whose node was already compared is run but not compared again: the
// implementation is deterministic on the stepped runtime, so the same actions from the initial state give
// the same state, which a previous path already showed equal. `compareAll` turns this off.

import type { CompactGraph } from "../graph/compact.ts";
import type { PathSet } from "../graph/cover.ts";
import { enabledKeyWith, enabledText } from "../mapping/actions.ts";
import { fingerprintText } from "../mapping/fingerprint.ts";
import type { SpecAction, TraceHeader } from "../trace/format.ts";
import type { EnabledStep, ReplayAdapter, ReplayScript, ReplayTarget } from "./target.ts";
import { canonical } from "../json.ts";

/** Why a path stopped early: the step, and which check failed (details are built by divergence.ts). */
export interface PathFailure {
  readonly path: number;
  /** Index of the failing state in the path (0: the initial state). */
  readonly step: number;
  readonly kind: "STATE_MISMATCH" | "ENABLED_MISMATCH" | "NO_MATCHING_STEP" | "IMPL_ERROR";
  /** The implementation's abstract state after the failing step (for the diff). */
  readonly actual: unknown;
  /** The implementation's enabled keys there (for ENABLED_MISMATCH and NO_MATCHING_STEP). */
  readonly enabled: readonly string[];
  /** The exception message, for IMPL_ERROR. */
  readonly message?: string;
}

export interface PathOutcome {
  readonly path: number;
  /** Steps run (transitions, not counting the initial state). */
  readonly steps: number;
  /** States compared (fingerprints checked). */
  readonly compared: number;
  readonly failure?: PathFailure;
}

/** What replaying paths shares: the graph, the paths, and the marks of what was shown to conform. */
export interface PathReplayContext {
  readonly graph: CompactGraph;
  readonly paths: PathSet;
  readonly adapter: ReplayAdapter;
  readonly header: TraceHeader;
  /** Per edge: 1 once replayed and its target state shown equal. */
  readonly coveredEdges: Uint8Array;
  /** Per node: 1 once reached and shown equal (on any path). */
  readonly coveredNodes: Uint8Array;
  /** Per node: 1 once reached along its BFS-tree path and shown equal. */
  readonly treeVerified: Uint8Array;
  readonly compareAll: boolean;
  readonly checkEnabled: boolean;
  /** Thread names in the order of the graph's `ready` bits. */
  readonly threads: readonly string[];
  /** Per node: the fingerprint of a raw state (ReplayTarget.rawState) that matched there, if one did. */
  readonly raw?: RawMatches;
}

/** Raw-state fingerprints that matched, per node; each replay thread keeps its own. */
export interface RawMatches {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly known: Uint8Array;
}

export function rawMatches(nodes: number): RawMatches {
  return { hi: new Uint32Array(nodes), lo: new Uint32Array(nodes), known: new Uint8Array(nodes) };
}

/** The actions along path `p`: index 0 is the initial state. */
export function pathScript(g: CompactGraph, paths: PathSet, p: number): ReplayScript {
  const first = paths.offset[p] as number;
  const length = (paths.offset[p + 1] as number) - first + 1;
  return {
    length,
    actionAt: (i) => {
      if (i <= 0 || i >= length) return undefined;
      const node = g.to[paths.edges[first + i - 1] as number] as number;
      return g.actions[g.action[node] as number];
    },
  };
}

/** The node at index i of path p. */
export function pathNode(g: CompactGraph, paths: PathSet, p: number, i: number): number {
  return i === 0
    ? (paths.start[p] as number)
    : (g.to[paths.edges[(paths.offset[p] as number) + i - 1] as number] as number);
}

/** The implementation's enabled keys, as the spec state at `node` keys them (its Ready threads). */
export function implEnabledKeys(ctx: PathReplayContext, target: ReplayTarget, node: number): string[] {
  const ready = ctx.graph.ready[node] as number;
  const isReady = (t: string): boolean => {
    const i = ctx.threads.indexOf(t);
    return i >= 0 && (ready & (1 << i)) !== 0;
  };
  const out: string[] = [];
  for (const e of target.enabled()) {
    const k = enabledKeyWith(ctx.adapter.actionOfLabel(e.label), isReady);
    if (k !== null) out.push(k);
  }
  return out;
}

function stateMatches(ctx: PathReplayContext, target: ReplayTarget, node: number): boolean {
  // The abstraction is a function of the raw state: a raw state that matched at this node before matches
  // again, without building the abstract state, its text and its fingerprint.
  const raw = ctx.raw && target.rawState ? fingerprintText(target.rawState()) : undefined;
  if (raw && ctx.raw?.known[node] === 1 && ctx.raw.hi[node] === raw.hi && ctx.raw.lo[node] === raw.lo)
    return true;
  const text = (ctx.adapter.text ?? canonical)(target.abstract());
  const f = fingerprintText(text);
  const ok = f.hi === ctx.graph.fpHi[node] && f.lo === ctx.graph.fpLo[node];
  if (ok && raw && ctx.raw) {
    ctx.raw.hi[node] = raw.hi;
    ctx.raw.lo[node] = raw.lo;
    ctx.raw.known[node] = 1;
  }
  return ok;
}

function enabledMatches(ctx: PathReplayContext, target: ReplayTarget, node: number): boolean {
  const f = fingerprintText(enabledText(implEnabledKeys(ctx, target, node)));
  return f.hi === ctx.graph.enHi[node] && f.lo === ctx.graph.enLo[node];
}

/** Checks the state at path index i (node `node`); returns the failure kind, if any. */
function check(
  ctx: PathReplayContext,
  target: ReplayTarget,
  node: number,
): "STATE_MISMATCH" | "ENABLED_MISMATCH" | undefined {
  if (!stateMatches(ctx, target, node)) return "STATE_MISMATCH";
  if (ctx.checkEnabled && !enabledMatches(ctx, target, node)) return "ENABLED_MISMATCH";
  return undefined;
}

function failure(
  ctx: PathReplayContext,
  target: ReplayTarget | undefined,
  p: number,
  step: number,
  node: number,
  kind: PathFailure["kind"],
  message?: string,
): PathFailure {
  let actual: unknown = null;
  let enabled: string[] = [];
  try {
    if (target) {
      actual = target.abstract();
      enabled = implEnabledKeys(ctx, target, node);
    }
  } catch (e) {
    actual = `the abstraction threw: ${String(e)}`;
  }
  return message === undefined
    ? { path: p, step, kind, actual, enabled }
    : { path: p, step, kind, actual, enabled, message };
}

/** Replays path p. Never throws for a divergence or an implementation error (they are returned). */
export async function replayPath(ctx: PathReplayContext, p: number): Promise<PathOutcome> {
  const { graph: g, paths } = ctx;
  const script = pathScript(g, paths, p);
  const start = paths.start[p] as number;
  let target: ReplayTarget;
  try {
    target = await ctx.adapter.setup(ctx.header, script);
  } catch (e) {
    return {
      path: p,
      steps: 0,
      compared: 0,
      failure: failure(ctx, undefined, p, 0, start, "IMPL_ERROR", String(e)),
    };
  }
  let compared = 0;
  try {
    // While the path follows the BFS tree, a node already verified along its tree path need not be compared.
    let onTree = true;
    if (ctx.compareAll || !ctx.treeVerified[start]) {
      compared++;
      const bad = check(ctx, target, start);
      if (bad) return { path: p, steps: 0, compared, failure: failure(ctx, target, p, 0, start, bad) };
      ctx.treeVerified[start] = 1;
    }
    ctx.coveredNodes[start] = 1;
    const first = paths.offset[p] as number;
    const last = paths.offset[p + 1] as number;
    for (let i = 1; first + i - 1 < last; i++) {
      const e = paths.edges[first + i - 1] as number;
      const node = g.to[e] as number;
      const action = g.actions[g.action[node] as number] as SpecAction;
      const step: EnabledStep | undefined = target
        .enabled()
        .find((s) => ctx.adapter.matches(action, s.label));
      if (!step) {
        return {
          path: p,
          steps: i - 1,
          compared,
          failure: failure(ctx, target, p, i, g.from[e] as number, "NO_MATCHING_STEP"),
        };
      }
      try {
        await target.run(step, action, i);
      } catch (err) {
        const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        return {
          path: p,
          steps: i - 1,
          compared,
          failure: failure(ctx, target, p, i, node, "IMPL_ERROR", msg),
        };
      }
      onTree &&= paths.treeEdge[node] === e;
      if (ctx.compareAll || !onTree || !ctx.treeVerified[node]) {
        compared++;
        const bad = check(ctx, target, node);
        if (bad) return { path: p, steps: i - 1, compared, failure: failure(ctx, target, p, i, node, bad) };
        if (onTree) ctx.treeVerified[node] = 1;
      }
      ctx.coveredNodes[node] = 1;
      ctx.coveredEdges[e] = 1;
    }
    return { path: p, steps: last - first, compared };
  } finally {
    target.dispose();
  }
}
