// The task machinery both runtimes share: a task record, its `Task` handle, and `resume`, which runs one
// atomic step of a task and settles once the task reaches its next yield point or ends. The runtimes differ
// only in who decides which task resumes next (a FIFO on the event loop, or an outside scheduler).

import type { StartGate, StepLabel, Task, TaskHandle, WaitQueue } from "./runtime.ts";

/** Where a task is: parked before a step, asleep in `waitUntil`, running a step, or finished. */
export type TaskState =
  | { readonly kind: "parked"; readonly label: StepLabel }
  | {
      readonly kind: "waiting";
      readonly label: StepLabel;
      readonly queue: WaitQueue;
      readonly condition: () => boolean;
      /** A wake-up on `queue` arrived since the task last found `condition()` false. */
      woken: boolean;
    }
  | { readonly kind: "running"; readonly label: StepLabel }
  | { readonly kind: "done" }
  | { readonly kind: "failed"; readonly error: unknown };

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A misuse of a `Task` handle, e.g. two yields without awaiting the first. */
export class TaskUsageError extends Error {
  constructor(task: string, detail: string) {
    super(`task ${task}: ${detail}`);
    this.name = "TaskUsageError";
  }
}

/** Hooks through which a runtime learns that a task has yielded or ended. */
export interface TaskObserver {
  /** The task ended its running step: it is now parked, waiting, done or failed. */
  yielded(task: TaskRecord): void;
}

export class TaskRecord {
  state: TaskState;
  readonly handle: TaskHandle;
  readonly task: Task;
  private started = false;
  /** Settles the promise the task body is awaiting (its `step` or `waitUntil`). */
  private resumeTask: Deferred<void> | undefined;
  /** Settles the promise of the runtime's `resume` call that is running the current step. */
  private stepEnded: Deferred<void> | undefined;
  private readonly finished = deferred<void>();

  constructor(
    readonly id: number,
    readonly name: string,
    first: StepLabel,
    private readonly body: (task: Task) => Promise<void>,
    private readonly observer: TaskObserver,
    gate?: StartGate,
  ) {
    // A gated first step sleeps as a `waitUntil` would, marked woken so that its condition is tested at once.
    this.state = gate
      ? { kind: "waiting", label: first, queue: gate.queue, condition: gate.condition, woken: true }
      : { kind: "parked", label: first };
    this.handle = { id, name, done: this.finished.promise };
    this.task = {
      id,
      name,
      step: (label) => this.yieldAt({ kind: "parked", label }),
      waitUntil: (label, queue, condition) => this.waitUntil(label, queue, condition),
    };
  }

  get live(): boolean {
    return this.state.kind !== "done" && this.state.kind !== "failed";
  }

  /** Marks `done` as handled, for runtimes that report task errors another way. */
  quietDone(): void {
    this.finished.promise.catch(() => undefined);
  }

  /**
   * Runs the task's pending step: starts the body, or settles its pending yield (rejecting it with
   * `error` when given, e.g. a throwing wait condition). Resolves when the task yields again or ends.
   */
  resume(error?: { readonly error: unknown }): Promise<void> {
    const state = this.state;
    if (state.kind !== "parked" && state.kind !== "waiting") {
      throw new TaskUsageError(this.name, `cannot resume a task that is ${state.kind}`);
    }
    this.state = { kind: "running", label: state.label };
    const ended = deferred<void>();
    this.stepEnded = ended;
    if (!this.started) {
      this.started = true;
      // Async wrapper: a body that throws before returning its promise fails like one that rejects.
      const run = (async () => this.body(this.task))();
      run.then(
        () => this.finish({ kind: "done" }),
        (e: unknown) => this.finish({ kind: "failed", error: e }),
      );
    } else {
      const pending = this.resumeTask;
      this.resumeTask = undefined;
      if (error) pending?.reject(error.error);
      else pending?.resolve();
    }
    return ended.promise;
  }

  // Async so that a throwing condition rejects; everything up to the return runs synchronously.
  private async waitUntil(label: StepLabel, queue: WaitQueue, condition: () => boolean): Promise<void> {
    if (this.state.kind !== "running") return this.misuse(label);
    const holds = condition();
    // A condition that already holds needs no wake-up: the task is runnable at once, as `wait_event`.
    return this.yieldAt({ kind: "waiting", label, queue, condition, woken: holds });
  }

  private yieldAt(next: TaskState & { kind: "parked" | "waiting" }): Promise<void> {
    if (this.state.kind !== "running") return this.misuse(next.label);
    this.state = next;
    const resumed = deferred<void>();
    this.resumeTask = resumed;
    this.endStep();
    return resumed.promise;
  }

  private misuse(label: StepLabel): Promise<void> {
    const detail = `yield at ${label.action} while ${this.state.kind} (a missing await?)`;
    return Promise.reject(new TaskUsageError(this.name, detail));
  }

  private finish(state: TaskState & { kind: "done" | "failed" }): void {
    this.state = state;
    this.resumeTask = undefined;
    this.endStep();
    if (state.kind === "done") this.finished.resolve();
    else this.finished.reject(state.error);
  }

  private endStep(): void {
    const ended = this.stepEnded;
    this.stepEnded = undefined;
    this.observer.yielded(this);
    ended?.resolve();
  }
}

/**
 * Evaluates a waiter's condition outside the task. A throwing condition counts as "run the step": the
 * error is delivered to the task through its `waitUntil` promise, inside a step, where it is reported.
 */
export function checkCondition(condition: () => boolean): { holds: boolean; error?: { error: unknown } } {
  try {
    return { holds: condition() };
  } catch (error) {
    return { holds: true, error: { error } };
  }
}

/** checkCondition's `holds` alone, allocating nothing: the scheduler asks it of every sleeper at every step. */
export function conditionHolds(condition: () => boolean): boolean {
  try {
    return condition();
  } catch {
    return true;
  }
}
