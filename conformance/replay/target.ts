// The two small interfaces lockstep replay runs against: an adapter that knows the action table (spec
// action ↔ implementation step label) and sets up an implementation in a trace's initial state, and the
// target it returns. mapping/ implements them for FsCache; tests implement them for toy systems.

import type { StepLabel } from "../../src/runtime/runtime.ts";
import type { Json } from "../json.ts";
import type { SpecAction, SpecState, Trace, TraceHeader } from "../trace/format.ts";

/** The actions an implementation is driven along: a trace's, or a graph path's (index 0: the initial state). */
export interface ReplayScript {
  readonly length: number;
  /** The action leading to state `i` (undefined for the initial state and past the end). */
  actionAt(i: number): SpecAction | undefined;
}

/** A trace as a script. */
export function traceScript(trace: Trace): ReplayScript {
  return { length: trace.steps.length, actionAt: (i) => trace.steps[i]?.action ?? undefined };
}

/** An implementation step that can run now. */
export interface EnabledStep {
  /** The task's id on the stepped runtime. */
  readonly taskId: number;
  readonly label: StepLabel;
}

/** An implementation instance, set up in a trace's initial state, driven one step at a time. */
export interface ReplayTarget {
  /** The implementation's state seen through the abstraction function, keyed by spec variable. */
  abstract(): Record<string, Json>;
  /**
   * Optional: a text of the implementation state the abstraction reads, before it is applied (equal texts,
   * equal abstract states). A node whose state matched once with a given raw text matches again with it, so
   * the replay compares raw texts first and applies the abstraction only to a raw state it has not seen there.
   */
  rawState?(): string;
  /** The steps the runtime could run now. */
  enabled(): EnabledStep[];
  /**
   * Runs one enabled step as the implementation of `action`, which is step `index` of the trace; scripted
   * outcomes in `action` (e.g. a backend result) are arranged first.
   */
  run(step: EnabledStep, action: SpecAction, index: number): Promise<void>;
  /** Releases the instance (pending tasks are abandoned). */
  dispose(): void;
}

export interface ReplayAdapter {
  /** Action names the action table maps; a trace naming another is rejected by the reader. */
  readonly knownActions: ReadonlySet<string>;
  /** Builds an implementation in the model's initial state, to be driven along `script`. */
  setup(header: TraceHeader, script: ReplayScript): Promise<ReplayTarget>;
  /** Whether the implementation step labelled `label` implements the spec action `action`. */
  matches(action: SpecAction, label: StepLabel): boolean;
  /**
   * The key under which an enabled action (spec successor or implementation step, the latter turned into a
   * SpecAction by `actionOfLabel`) takes part in the enabled-set comparison in `state`, or null when it is
   * not compared (e.g. a Ready thread's next call, which the scripted driver takes from the trace).
   */
  enabledKey(action: SpecAction, state: SpecState): string | null;
  /** The spec state as compared with `abstract()` (e.g. spec-only fields dropped); default: as is. */
  project?(state: SpecState): Record<string, Json>;
  /**
   * The canonical text of an abstract state (equal states, equal texts): what the per-step comparison and
   * fingerprints use; default: key-sorted JSON.
   */
  readonly text?: (state: Record<string, Json>) => string;
  /** The spec action an implementation label stands for (outcome parameters absent). */
  actionOfLabel(label: StepLabel): SpecAction;
}
