// The deterministic stepped runtime: nothing runs until a scheduler picks one of the enabled atomic steps.
// It lists each runnable task's next step (label and parameters), runs exactly the one it is told to, logs
// every step run, and keeps the schedule as a replay token, so a TLC trace or a fast-check schedule can
// drive the same library code the event-loop runtime runs.

import {
  formatLabel,
  type Runtime,
  type StartGate,
  type StepLabel,
  type Task,
  type TaskHandle,
  type WaitQueue,
} from "./runtime.ts";
import { decodeReplayToken, encodeReplayToken } from "./replay-token.ts";
import { checkCondition, conditionHolds, TaskRecord } from "./task-core.ts";

/** A runnable task's next atomic step. */
export interface EnabledStep {
  readonly taskId: number;
  readonly taskName: string;
  readonly label: StepLabel;
}

/** A task asleep in `waitUntil`: not enabled until a wake-up on `queue` finds its condition true. */
export interface BlockedTask {
  readonly taskId: number;
  readonly taskName: string;
  readonly label: StepLabel;
  readonly queue: string;
}

/** One step as the schedule log records it. */
export interface LoggedStep {
  readonly taskId: number;
  readonly taskName: string;
  readonly label: StepLabel;
}

/** Where the task that ran a step stands afterwards. */
export type StepStatus = "parked" | "waiting" | "done" | "failed";

/** What `runStep` did: the step run and the task's status after it; `error` is what a failed task threw. */
export interface StepOutcome extends LoggedStep {
  /** The step's position in the log (0-based). */
  readonly index: number;
  /** The task's position among the enabled steps when it was chosen (what the replay token records). */
  readonly choice: number;
  readonly status: StepStatus;
  readonly error?: unknown;
}

/** Picks one of `enabled` (non-empty) by index, or `undefined` to stop; `step` counts steps of this run. */
export type Chooser = (enabled: readonly EnabledStep[], step: number) => number | undefined;

/**
 * How `runUntilQuiescent` ended: `done` (every task finished), `deadlock` (live tasks, none enabled),
 * `stopped` (the chooser returned undefined), `limit` (maxSteps reached), `error` (a step threw).
 */
export type RunEnd = "done" | "deadlock" | "stopped" | "limit" | "error";

export interface RunResult {
  readonly end: RunEnd;
  /** Steps run by this call. */
  readonly steps: number;
  /** The sleepers at the end (non-empty for `deadlock`). */
  readonly blocked: readonly BlockedTask[];
  /** The failing step, for `error`. */
  readonly failure?: StepOutcome;
  /** The replay token of the whole schedule so far (all steps of this runtime, not only this call's). */
  readonly token: string;
}

export interface RunOptions {
  /** Stop after this many steps (default 1,000,000). */
  readonly maxSteps?: number;
  /** Stop at the first step that throws (default true). */
  readonly stopOnError?: boolean;
}

/** Misuse of the scheduler, e.g. running a step that is not enabled. */
export type SchedulerErrorCode =
  | "UNKNOWN_TASK" // no task has this id
  | "NOT_ENABLED" // the task exists but has no enabled step
  | "BUSY" // a step is already running
  | "BAD_CHOICE"; // a chooser returned an index outside the enabled list

export class SchedulerError extends Error {
  constructor(
    readonly code: SchedulerErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = "SchedulerError";
  }
}

export interface SteppedOptions {
  /** Called after every step; the default does nothing. */
  readonly onStep?: (outcome: StepOutcome) => void;
}

/** One line for a logged step: `netfs:tA RelinquishWait(t=tA)`. */
export function formatStep(step: LoggedStep): string {
  return `${step.taskName} ${formatLabel(step.label)}`;
}

export class SteppedRuntime implements Runtime {
  private nextId = 1;
  /** Live tasks in creation order (the order of `enabled`). */
  private live: TaskRecord[] = [];
  private readonly byId = new Map<number, TaskRecord>();
  private running: TaskRecord | undefined;
  private readonly steps: LoggedStep[] = [];
  private readonly choices: number[] = [];
  private readonly onStep: ((outcome: StepOutcome) => void) | undefined;
  private readonly observer = {
    yielded: (task: TaskRecord): void => {
      if (!task.live) this.live = this.live.filter((t) => t !== task);
    },
  };

  constructor(options: SteppedOptions = {}) {
    this.onStep = options.onStep;
  }

  /** Registers the task parked at `first`; its body runs only when a scheduler runs that step. */
  spawn(name: string, first: StepLabel, body: (task: Task) => Promise<void>, gate?: StartGate): TaskHandle {
    const task = new TaskRecord(this.nextId++, name, first, body, this.observer, gate);
    // Errors are reported by runStep; a caller that awaits `done` still sees the rejection.
    task.quietDone();
    this.live.push(task);
    this.byId.set(task.id, task);
    return task.handle;
  }

  waitQueue(name: string): WaitQueue {
    return { name };
  }

  /**
   * Marks the sleepers of `queue` woken. Inside a step their conditions are re-checked when the step
   * ends (the step is atomic); outside one, at once. A sleeper whose condition is false goes back to sleep.
   */
  wake(queue: WaitQueue): void {
    for (const task of this.live) {
      if (task.state.kind === "waiting" && task.state.queue === queue) task.state.woken = true;
    }
    if (!this.running) this.recheckWoken();
  }

  /** The next step of every runnable task, in task creation order. */
  enabled(): EnabledStep[] {
    this.recheckWoken();
    const out: EnabledStep[] = [];
    for (const task of this.live) {
      if (this.isEnabled(task)) out.push({ taskId: task.id, taskName: task.name, label: task.state.label });
    }
    return out;
  }

  /** The tasks asleep in `waitUntil` (not enabled), in creation order. */
  blocked(): BlockedTask[] {
    this.recheckWoken();
    const out: BlockedTask[] = [];
    for (const task of this.live) {
      const state = task.state;
      if (state.kind === "waiting" && !this.isEnabled(task)) {
        out.push({ taskId: task.id, taskName: task.name, label: state.label, queue: state.queue.name });
      }
    }
    return out;
  }

  /** Number of tasks that have not finished. */
  liveTasks(): number {
    return this.live.length;
  }

  /** Live tasks exist but none has an enabled step. */
  deadlocked(): boolean {
    return this.live.length > 0 && this.enabled().length === 0;
  }

  /** Every step run so far, in order. */
  log(): readonly LoggedStep[] {
    return this.steps;
  }

  /** The replay token of every step run so far: feed it to `replayChooser` on a fresh, identical setup. */
  replayToken(): string {
    return encodeReplayToken(this.choices);
  }

  /**
   * Runs the pending step of task `taskId` up to its next yield point or its end, awaiting whatever the
   * step awaits (e.g. disk I/O). Throws SchedulerError if the step is not enabled or a step is running.
   */
  async runStep(taskId: number): Promise<StepOutcome> {
    if (this.running) throw new SchedulerError("BUSY", `task ${this.running.name} is running a step`);
    const task = this.byId.get(taskId);
    if (!task) throw new SchedulerError("UNKNOWN_TASK", `no task ${taskId}`);
    // The task's position among the enabled steps (as enabled() lists them), without building that list:
    // this runs once per step of every conformance replay.
    this.recheckWoken();
    let choice = 0;
    for (const t of this.live) {
      if (t === task) break;
      if (this.isEnabled(t)) choice++;
    }

    const pending = task.state;
    if (!this.enabledNow(task) || (pending.kind !== "parked" && pending.kind !== "waiting"))
      throw new SchedulerError("NOT_ENABLED", `task ${task.name} (${taskId}) is ${pending.kind}`);
    const label = pending.label;
    const conditionError =
      task.state.kind === "waiting" ? checkCondition(task.state.condition).error : undefined;
    this.running = task;
    try {
      await task.resume(conditionError);
    } finally {
      this.running = undefined;
    }
    this.recheckWoken();
    const logged: LoggedStep = { taskId, taskName: task.name, label };
    this.steps.push(logged);
    this.choices.push(choice);
    const state = task.state;
    // resume() settles only once the task has yielded or ended, so it is never still running here.
    if (state.kind === "running") throw new Error(`task ${task.name} still running after its step`);
    const status = state.kind;
    const outcome: StepOutcome =
      state.kind === "failed"
        ? { ...logged, index: this.steps.length - 1, choice, status, error: state.error }
        : { ...logged, index: this.steps.length - 1, choice, status };
    this.onStep?.(outcome);
    return outcome;
  }

  /** Runs steps picked by `choose` until no step is enabled, the chooser stops, a step throws, or the limit. */
  async runUntilQuiescent(choose: Chooser, options: RunOptions = {}): Promise<RunResult> {
    const maxSteps = options.maxSteps ?? 1_000_000;
    const stopOnError = options.stopOnError ?? true;
    let steps = 0;
    const result = (end: RunEnd, failure?: StepOutcome): RunResult => {
      const base = { end, steps, blocked: this.blocked(), token: this.replayToken() };
      return failure ? { ...base, failure } : base;
    };
    for (;;) {
      const enabled = this.enabled();
      if (enabled.length === 0) return result(this.live.length === 0 ? "done" : "deadlock");
      if (steps >= maxSteps) return result("limit");
      const choice = choose(enabled, steps);
      if (choice === undefined) return result("stopped");
      const step = enabled[choice];
      if (!step || !Number.isInteger(choice)) {
        throw new SchedulerError("BAD_CHOICE", `index ${choice} of ${enabled.length} enabled steps`);
      }
      const outcome = await this.runStep(step.taskId);
      steps++;
      if (outcome.status === "failed" && stopOnError) return result("error", outcome);
    }
  }

  /** isEnabled without narrowing `task` (whose state the step then changes). */
  private enabledNow(task: TaskRecord): boolean {
    return this.isEnabled(task);
  }

  private isEnabled(task: TaskRecord): task is TaskRecord & { state: { kind: "parked" | "waiting" } } {
    const state = task.state;
    if (state.kind === "parked") return true;
    return state.kind === "waiting" && state.woken && conditionHolds(state.condition);
  }

  /** A woken sleeper whose condition is false goes back to sleep until the next wake-up. */
  private recheckWoken(): void {
    for (const task of this.live) {
      const state = task.state;
      if (state.kind === "waiting" && state.woken && !conditionHolds(state.condition)) state.woken = false;
    }
  }
}

/** Always the first enabled step (lowest task id): runs one task as far as it goes before the next. */
export const firstEnabled: Chooser = () => 0;

/** Cycles through the tasks: the first enabled task with an id above the last one chosen, else the first. */
export function roundRobin(): Chooser {
  let last = 0;
  return (enabled) => {
    let choice = enabled.findIndex((s) => s.taskId > last);
    if (choice < 0) choice = 0;
    last = enabled[choice]?.taskId ?? 0;
    return choice;
  };
}

/** Replays a token: the recorded indices in order, then stops. */
export function replayChooser(token: string): Chooser {
  const indices = decodeReplayToken(token);
  return (_enabled, step) => indices[step];
}

/**
 * Follows `choices` taken modulo the number of enabled steps (any integers do, e.g. from fast-check), then
 * continues with `after` (default: stop).
 */
export function choicesChooser(choices: readonly number[], after?: Chooser): Chooser {
  return (enabled, step) => {
    const c = choices[step];
    if (c === undefined) return after?.(enabled, step);
    return ((c % enabled.length) + enabled.length) % enabled.length;
  };
}

/** A seeded pseudo-random chooser (mulberry32): the same seed gives the same schedule. */
export function randomChooser(seed: number): Chooser {
  let s = seed >>> 0;
  return (enabled) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * enabled.length);
  };
}
