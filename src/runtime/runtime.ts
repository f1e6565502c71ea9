// The runtime interface: everything in the library that can block or run concurrently goes through it.
// Code between two yield points (`step`, `waitUntil`) is one atomic step, labelled with the spec action
// it implements, so the same library code runs on the event loop or one step at a time under a scheduler.

/** A parameter value of a step label: the spec's model values are strings, counts are numbers. */
export type ParamValue = string | number | boolean;

/** The name of a spec action and its parameters, e.g. `{ action: "RelinquishWait", params: { t: "tD" } }`. */
export interface StepLabel {
  readonly action: string;
  readonly params: Readonly<Record<string, ParamValue>>;
}

/**
 * A wait queue, as `wait_queue_head_t` / `wait_on_atomic_t`: a sleeper is only re-checked after a wake-up
 * on its queue, so a forgotten wake-up leaves it asleep (a property the conformance mutants rely on).
 */
export interface WaitQueue {
  readonly name: string;
}

/** The handle a task body uses to mark its yield points. */
export interface Task {
  readonly id: number;
  readonly name: string;
  /**
   * Ends the current atomic step; the code after the returned promise resolves, up to the next yield
   * point, is the step labelled `label`.
   */
  step(label: StepLabel): Promise<void>;
  /**
   * Sleeps on `queue` until `condition()` holds, as the kernel's `wait_event`: the condition is tested when
   * the task gets here and again after every wake-up of `queue`. The code after the promise resolves is
   * the step labelled `label`, which runs with `condition()` true.
   */
  waitUntil(label: StepLabel, queue: WaitQueue, condition: () => boolean): Promise<void>;
}

/**
 * A condition the first step of a spawned task waits for, as `waitUntil` does for a later one: a task parked
 * behind a lock another task holds across steps (e.g. an op worker whose object's lock a submitter holds).
 */
export interface StartGate {
  readonly queue: WaitQueue;
  readonly condition: () => boolean;
}

/** What `spawn` returns: the task's completion, and its identity for schedulers and reports. */
export interface TaskHandle {
  readonly id: number;
  readonly name: string;
  /** Settles when the task body returns or throws. */
  readonly done: Promise<void>;
}

export interface Runtime {
  /**
   * Starts a concurrent task. Nothing of `body` runs before the task's first step is scheduled: the task is
   * created parked at `first`, and `body` starts as the code of that step. With a `gate`, that first step
   * runs only once `gate.condition()` holds (tested at once, then after each wake-up of `gate.queue`).
   */
  spawn(name: string, first: StepLabel, body: (task: Task) => Promise<void>, gate?: StartGate): TaskHandle;
  /** Creates a wait queue. */
  waitQueue(name: string): WaitQueue;
  /** Wakes every task sleeping on `queue` (`wake_up_bit`, `wake_up_atomic_t`). */
  wake(queue: WaitQueue): void;
}

/** Builds a step label; parameters are copied so later mutation of the caller's object cannot change it. */
export function label(action: string, params: Record<string, ParamValue> = {}): StepLabel {
  return { action, params: { ...params } };
}

/** One line for a label, as used in reports and replay tokens: `RelinquishWait(t=tD)`. */
export function formatLabel(l: StepLabel): string {
  const keys = Object.keys(l.params).sort();
  if (keys.length === 0) return l.action;
  return `${l.action}(${keys.map((k) => `${k}=${String(l.params[k])}`).join(", ")})`;
}
