// The two small interfaces lockstep replay runs against: an adapter that knows the action table (spec
// action ↔ implementation step label) and sets up an implementation in a trace's initial state, and the
// target it returns. mapping/ implements them for FsCache; tests implement them for toy systems.

import type { StepLabel } from "../../src/runtime/runtime.ts";
import type { Json } from "../json.ts";
import type { SpecAction, SpecState, Trace, TraceHeader } from "../trace/format.ts";

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
  /** Builds an implementation in the state of `trace.steps[0]`. */
  setup(header: TraceHeader, trace: Trace): Promise<ReplayTarget>;
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
  /** The spec action an implementation label stands for (outcome parameters absent). */
  actionOfLabel(label: StepLabel): SpecAction;
}
