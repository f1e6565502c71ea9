// Lockstep replay: for every step of a trace, find the enabled implementation step that implements the
// trace's action, run it, and compare the abstract state with the trace's next state, variable by variable;
// with graph traces also compare the enabled steps with the spec state's successors. The first divergence
// ends the trace with a StateMismatchError that carries the command replaying that one trace.

import { StateMismatchError } from "../errors.ts";
import type { Json } from "../json.ts";
import type { CoverageTracker } from "../coverage.ts";
import { formatAction } from "../mapping/lastAction.ts";
import { formatLabel } from "../../src/runtime/runtime.ts";
import {
  UNSCHEDULED_SUCCESSORS,
  type SpecAction,
  type SpecState,
  type Trace,
  type TraceHeader,
  type TraceStepLine,
} from "../trace/format.ts";
import { diffStates, NOT_COMPARED } from "./diff.ts";
import { enabledMismatch, implError, noMatchingStep } from "./divergences.ts";
import { canonical } from "../json.ts";
import { traceScript, type ReplayAdapter, type ReplayTarget } from "./target.ts";

export interface TraceOutcome {
  readonly trace: string;
  /** Steps replayed and found equal (transitions, not counting the initial state). */
  readonly steps: number;
  readonly error?: StateMismatchError;
}

export interface ReplayOptions {
  /** Builds the command that replays one trace, for reports. */
  readonly replayCommand: (traceId: string) => string;
  readonly coverage?: CoverageTracker;
  /** Compare enabled sets where the trace carries the spec's successors (default true). */
  readonly checkEnabled?: boolean;
  /** Shared across the traces of one run, so spec-side texts are computed once per graph node. */
  readonly comparer?: StateComparer;
}

/**
 * The per-step comparison: canonical texts (the spec side's computed once per graph node), and only when
 * they differ the per-variable diff, from the same abstraction.
 */
export class StateComparer {
  private readonly specTexts = new Map<string, string>();
  private readonly text: (s: Record<string, Json>) => string;

  constructor(private readonly adapter: ReplayAdapter) {
    this.text = adapter.text ?? canonical;
  }

  specText(line: TraceStepLine): string {
    const known = line.node === undefined ? undefined : this.specTexts.get(line.node);
    if (known !== undefined) return known;
    const t = this.text(this.adapter.project ? this.adapter.project(line.state) : compared(line.state));
    if (line.node !== undefined) this.specTexts.set(line.node, t);
    return t;
  }

  /** Undefined when the implementation's state equals the spec's; else the divergence. */
  compare(
    trace: Trace,
    index: number,
    action: string,
    line: TraceStepLine,
    actual: Record<string, Json>,
    replay: string,
  ): StateMismatchError | undefined {
    if (this.text(actual) === this.specText(line)) return undefined;
    return (
      mismatch(this.adapter, trace, index, action, line.state, actual, replay) ??
      encodingError(trace, index, action, replay)
    );
  }
}

/** A state without the variables that are never compared (history variables). */
function compared(state: SpecState): Record<string, Json> {
  return Object.fromEntries(Object.entries(state).filter(([v]) => !NOT_COMPARED.has(v)));
}

/** The texts differ but no field does: the two sides do not emit one normal form (a harness bug). */
export function encodingError(
  trace: Trace,
  index: number,
  action: string,
  replay: string,
): StateMismatchError {
  const msg = "the canonical texts differ although no field differs: the abstraction's normal form is broken";
  return new StateMismatchError(
    trace.id,
    index,
    action,
    "(encoding)",
    null,
    msg,
    [{ path: "(encoding)", expected: null, actual: msg }],
    replay,
    "IMPL_ERROR",
    msg,
  );
}

export function mismatch(
  adapter: ReplayAdapter,
  trace: Trace,
  index: number,
  action: string,
  expectedState: Record<string, Json>,
  actualState: Record<string, Json>,
  replay: string,
): StateMismatchError | undefined {
  const expected = adapter.project ? adapter.project(expectedState) : expectedState;
  const diffs = diffStates(expected, actualState);
  const first = diffs[0];
  if (!first) return undefined;
  const variable = first.path.split(/[.[]/)[0] ?? first.path;
  return new StateMismatchError(
    trace.id,
    index,
    action,
    variable,
    expected[variable],
    actualState[variable],
    diffs,
    replay,
  );
}

/**
 * The netfs calls whose first step is a wait. A Ready thread's calls are left out of the enabled sets (which
 * call comes next is the netfs program's choice, scripted from the trace), but where the successors were
 * computed without a schedule (UNSCHEDULED_SUCCESSORS), the thread's next call in the trace, if it is one of
 * these, is compared as well: the spec has it enabled exactly when its guard holds, the implementation when
 * the library's own guard lets it start (startsNow). Without this a guard weakened to "always" went unseen:
 * the trace takes the call only where the guard holds anyway.
 */
const WAITING_CALLS: ReadonlySet<string> = new Set(["WaitOnInvalidate", "WaitOnPageWrite"]);

/** The key of `a` if it is the next call of its Ready thread in the trace (after step `step`) and waits first. */
function readyWaitKey(a: SpecAction, trace: Trace, step: number): string | null {
  const t = a.params["t"];
  if (!WAITING_CALLS.has(a.name) || typeof t !== "string") return null;
  const next = trace.steps.slice(step + 1).find((x) => x.action?.params["t"] === t)?.action;
  return next && formatAction(next) === formatAction(a) ? `${formatAction(a)} (Ready)` : null;
}

function enabledMismatchAt(
  adapter: ReplayAdapter,
  target: ReplayTarget,
  trace: Trace,
  line: TraceStepLine,
  action: string,
  replay: string,
  readyWaits: boolean,
): StateMismatchError | undefined {
  if (!line.successors) return undefined;
  const key = (a: SpecAction): string | null =>
    adapter.enabledKey(a, line.state) ?? (readyWaits ? readyWaitKey(a, trace, line.step) : null);
  const spec: string[] = [];
  for (const a of line.successors) {
    const k = key(a);
    if (k !== null) spec.push(k);
  }
  const impl: string[] = [];
  for (const e of target.enabled()) {
    const k = key(adapter.actionOfLabel(e.label));
    if (k !== null) impl.push(k);
  }
  return enabledMismatch(trace.id, line.step, action, spec, impl, replay);
}

/** Replays one trace in lockstep; never throws for a divergence (it is returned). */
export async function replayTrace(
  adapter: ReplayAdapter,
  header: TraceHeader,
  trace: Trace,
  options: ReplayOptions,
): Promise<TraceOutcome> {
  const replay = options.replayCommand(trace.id);
  const checkEnabled = options.checkEnabled ?? true;
  const readyWaits = header.tlc?.["successors"] === UNSCHEDULED_SUCCESSORS;
  const comparer = options.comparer ?? new StateComparer(adapter);
  const first = trace.steps[0];
  if (!first) return { trace: trace.id, steps: 0 };
  let target: ReplayTarget;
  try {
    target = await adapter.setup(header, traceScript(trace));
  } catch (e) {
    return { trace: trace.id, steps: 0, error: implErrorOf(trace, 0, "(initial state)", e, replay) };
  }
  try {
    const init = comparer.compare(trace, 0, "(initial state)", first, target.abstract(), replay);
    if (init) return { trace: trace.id, steps: 0, error: init };
    const en0 = checkEnabled
      ? enabledMismatchAt(adapter, target, trace, first, "(initial state)", replay, readyWaits)
      : undefined;
    if (en0) return { trace: trace.id, steps: 0, error: en0 };
    options.coverage?.state(first.node, first.state);
    for (let i = 1; i < trace.steps.length; i++) {
      const prev = trace.steps[i - 1] as TraceStepLine;
      const line = trace.steps[i] as TraceStepLine;
      const action = line.action as SpecAction;
      const name = formatAction(action);
      const enabled = target.enabled();
      const step = enabled.find((e) => adapter.matches(action, e.label));
      if (!step) {
        const labels = enabled.map((e) => formatLabel(e.label)).sort();
        const error = noMatchingStep(trace.id, i, name, labels, replay);
        return { trace: trace.id, steps: i - 1, error };
      }
      try {
        await target.run(step, action, i);
      } catch (e) {
        return { trace: trace.id, steps: i - 1, error: implErrorOf(trace, i, name, e, replay) };
      }
      const m = comparer.compare(trace, i, name, line, target.abstract(), replay);
      if (m) return { trace: trace.id, steps: i - 1, error: m };
      const en = checkEnabled
        ? enabledMismatchAt(adapter, target, trace, line, name, replay, readyWaits)
        : undefined;
      if (en) return { trace: trace.id, steps: i - 1, error: en };
      options.coverage?.state(line.node, line.state);
      options.coverage?.transition(prev, action, line);
    }
    return { trace: trace.id, steps: trace.steps.length - 1 };
  } finally {
    target.dispose();
  }
}

function implErrorOf(
  trace: Trace,
  index: number,
  action: string,
  e: unknown,
  replay: string,
): StateMismatchError {
  return implError(
    trace.id,
    index,
    action,
    e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    replay,
  );
}

export interface ReplaySummary {
  readonly outcomes: TraceOutcome[];
  readonly steps: number;
  readonly failed: number;
  readonly ms: number;
}

/** Replays every trace; `onTrace` is told after each (progress bars). */
export async function replayAll(
  adapter: ReplayAdapter,
  header: TraceHeader,
  traces: readonly Trace[],
  options: ReplayOptions & {
    onTrace?: (o: TraceOutcome, done: number) => void;
    stopAtFirstFailure?: boolean;
  },
): Promise<ReplaySummary> {
  const t0 = performance.now();
  const outcomes: TraceOutcome[] = [];
  let steps = 0;
  let failed = 0;
  for (const t of traces) {
    const o = await replayTrace(adapter, header, t, options);
    outcomes.push(o);
    steps += o.steps;
    if (o.error) failed++;
    options.onTrace?.(o, outcomes.length);
    if (o.error && options.stopAtFirstFailure) break;
  }
  return { outcomes, steps, failed, ms: performance.now() - t0 };
}
