// The production runtime: tasks interleave on Node's event loop, one atomic step at a time. Between two
// steps the runtime yields to the event loop (setImmediate), so I/O callbacks and other tasks get their
// turn; a step that awaits I/O keeps the others out until it yields, which is what makes it atomic.

import type { Runtime, StartGate, StepLabel, Task, TaskHandle, WaitQueue } from "./runtime.ts";
import { checkCondition, TaskRecord } from "./task-core.ts";

/** A task asleep in `waitUntil`. */
export interface SleepingTask {
  readonly taskId: number;
  readonly taskName: string;
  readonly label: StepLabel;
  readonly queue: string;
}

/** A step the runtime has run, as a step listener sees it: the task, the step's label, the task's status after it. */
export interface ExecutedStep {
  readonly taskId: number;
  readonly taskName: string;
  readonly label: StepLabel;
  readonly status: "parked" | "waiting" | "done" | "failed";
  /** What the task threw, when `status` is `failed`. */
  readonly error?: unknown;
}

export interface EventLoopOptions {
  /**
   * Called after every atomic step, before any other step runs (so the listener sees the state the step left).
   * Default: none, and then the runtime does no work for it (a tracer costs nothing when off).
   */
  readonly onStep?: (step: ExecutedStep) => void;
}

/**
 * Runs ready tasks in FIFO order. A sleeper is only re-checked after a wake-up of its queue (no polling);
 * woken, it queues behind the ready tasks and re-checks its condition when its turn comes, going back to
 * sleep if it is false. A task's error rejects its `done` promise (unhandled if nobody awaits it).
 *
 * Step code may await I/O but must not await another task (its `done`, or anything only a later step of
 * another task settles): the other task cannot run until this step yields.
 */
export class EventLoopRuntime implements Runtime {
  private nextId = 1;
  private readonly ready: TaskRecord[] = [];
  private readonly sleeping = new Set<TaskRecord>();
  private running: TaskRecord | undefined;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly onStep: ((step: ExecutedStep) => void) | undefined;
  private readonly observer = {
    yielded: (task: TaskRecord): void => {
      const state = task.state;
      if (state.kind === "parked" || (state.kind === "waiting" && state.woken)) this.ready.push(task);
      else if (state.kind === "waiting") this.sleeping.add(task);
    },
  };

  constructor(options: EventLoopOptions = {}) {
    this.onStep = options.onStep;
  }

  spawn(name: string, first: StepLabel, body: (task: Task) => Promise<void>, gate?: StartGate): TaskHandle {
    // A gated task queues as a woken sleeper: dispatch tests its condition and puts it to sleep if false.
    const task = new TaskRecord(this.nextId++, name, first, body, this.observer, gate);
    this.ready.push(task);
    this.kick();
    return task.handle;
  }

  waitQueue(name: string): WaitQueue {
    return { name };
  }

  wake(queue: WaitQueue): void {
    for (const task of this.sleeping) {
      if (task.state.kind === "waiting" && task.state.queue === queue) {
        task.state.woken = true;
        this.sleeping.delete(task);
        this.ready.push(task);
      }
    }
    this.kick();
  }

  /** The tasks asleep in `waitUntil`, in task creation order. */
  blocked(): SleepingTask[] {
    const out: SleepingTask[] = [];
    for (const task of [...this.sleeping].sort((a, b) => a.id - b.id)) {
      if (task.state.kind === "waiting") {
        const { label, queue } = task.state;
        out.push({ taskId: task.id, taskName: task.name, label, queue: queue.name });
      }
    }
    return out;
  }

  /**
   * Resolves once no step is running or ready: every task has finished or sleeps until a wake-up. Useful
   * to let a run settle in tests without guessing a delay.
   */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No step is running or ready: every task has finished or sleeps until a wake-up. */
  isIdle(): boolean {
    return !this.running && this.ready.length === 0 && !this.scheduled;
  }

  private kick(): void {
    if (this.scheduled || this.running) return;
    if (this.ready.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.dispatch();
    });
  }

  /** Runs the next ready task's step; a woken sleeper whose condition is false goes back to sleep. */
  private async dispatch(): Promise<void> {
    let task: TaskRecord | undefined;
    let conditionError: { error: unknown } | undefined;
    while ((task = this.ready.shift())) {
      const state = task.state;
      if (state.kind === "parked") break;
      if (state.kind === "waiting") {
        const check = checkCondition(state.condition);
        if (check.holds) {
          conditionError = check.error;
          break;
        }
        state.woken = false;
        this.sleeping.add(task);
      }
    }
    if (task) {
      const label =
        task.state.kind === "parked" || task.state.kind === "waiting" ? task.state.label : undefined;
      this.running = task;
      try {
        await task.resume(conditionError);
      } finally {
        this.running = undefined;
      }
      if (this.onStep && label) this.onStep(executed(task, label));
    }
    this.kick();
  }
}

/** The listener's view of the step `task` has just run (built field by field: it runs once per step). */
function executed(task: TaskRecord, label: StepLabel): ExecutedStep {
  const state = task.state;
  if (state.kind === "failed")
    return { taskId: task.id, taskName: task.name, label, status: "failed", error: state.error };
  // resume() settles only once the task has yielded or ended, so it is never still running here.
  const status = state.kind === "running" ? "parked" : state.kind;
  return { taskId: task.id, taskName: task.name, label, status };
}
