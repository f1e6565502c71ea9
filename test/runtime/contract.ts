// The law suite every Runtime must pass: step order within a task, interleaving between tasks, the
// `waitUntil` semantics of the kernel's wait_event (including a forgotten wake-up leaving a sleeper asleep),
// spawning from inside a task, and errors surfacing through `done`.

import { describe, expect, it } from "vitest";
import { label, type Runtime, type TaskHandle } from "../../src/runtime/runtime.ts";

/** A runtime plus the means to let it run without outside help, for the law suite. */
export interface RuntimeHarness {
  readonly runtime: Runtime;
  /** Runs tasks until none can move without outside help: each one done or asleep in `waitUntil`. */
  readonly settle: () => Promise<void>;
  /** Names of the tasks asleep in `waitUntil`, in creation order. */
  readonly sleepers: () => string[];
}

type Settled = "pending" | "resolved" | { rejected: unknown };

/** Observes a task's `done` without awaiting it. */
function watch(handle: TaskHandle): () => Settled {
  let state: Settled = "pending";
  handle.done.then(
    () => (state = "resolved"),
    (error: unknown) => (state = { rejected: error }),
  );
  return () => state;
}

/** Lets settled promises' callbacks run. */
async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

const L = (action: string, n = 0) => label(action, { n });

export function runtimeContract(name: string, make: () => RuntimeHarness): void {
  describe(`runtime contract: ${name}`, () => {
    it("runs nothing of a body before its first step is scheduled", async () => {
      const { runtime, settle } = make();
      let ran = false;
      const h = runtime.spawn("t", L("First"), () => {
        ran = true;
        return Promise.resolve();
      });
      await Promise.resolve();
      expect(ran).toBe(false);
      await settle();
      expect(ran).toBe(true);
      await expect(h.done).resolves.toBeUndefined();
    });

    it("runs a task's steps in program order and resolves done at the end", async () => {
      const { runtime, settle } = make();
      const log: string[] = [];
      const h = runtime.spawn("t", L("A"), async (task) => {
        log.push("A");
        await task.step(L("B"));
        log.push("B");
        await task.step(L("C"));
        log.push("C");
      });
      expect(h.name).toBe("t");
      await settle();
      expect(log).toEqual(["A", "B", "C"]);
      await expect(h.done).resolves.toBeUndefined();
    });

    it("gives tasks distinct ids and the handle's identity to the body", async () => {
      const { runtime, settle } = make();
      const seen: [number, string][] = [];
      const hs = ["x", "y"].map((n) =>
        runtime.spawn(n, L("S"), (task) => {
          seen.push([task.id, task.name]);
          return Promise.resolve();
        }),
      );
      await settle();
      expect(new Set(hs.map((h) => h.id)).size).toBe(2);
      expect(seen).toEqual(expect.arrayContaining(hs.map((h) => [h.id, h.name])));
    });

    it("interleaves tasks at yield points, keeping each task's order", async () => {
      const { runtime, settle } = make();
      const log: string[] = [];
      for (const t of ["a", "b"]) {
        runtime.spawn(t, L("S", 1), async (task) => {
          for (let i = 1; i <= 3; i++) {
            if (i > 1) await task.step(L("S", i));
            log.push(`${t}${i}`);
          }
        });
      }
      await settle();
      expect(log.filter((s) => s.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
      expect(log.filter((s) => s.startsWith("b"))).toEqual(["b1", "b2", "b3"]);
      expect(log.join(" ")).not.toMatch(/^a1 a2 a3|^b1 b2 b3/);
    });

    it("waitUntil with a true condition proceeds without a wake-up", async () => {
      const { runtime, settle } = make();
      const q = runtime.waitQueue("q");
      const done = watch(
        runtime.spawn("t", L("Go"), async (task) => {
          await task.waitUntil(L("Wait"), q, () => true);
        }),
      );
      await settle();
      await flush();
      expect(done()).toBe("resolved");
    });

    it("waitUntil sleeps until a wake-up finds the condition true; a forgotten wake-up leaves it asleep", async () => {
      const { runtime, settle, sleepers } = make();
      const q = runtime.waitQueue("q");
      let flag = false;
      let evaluations = 0;
      const after: boolean[] = [];
      const done = watch(
        runtime.spawn("sleeper", L("Go"), async (task) => {
          await task.waitUntil(L("Wait"), q, () => {
            evaluations++;
            return flag;
          });
          after.push(flag);
        }),
      );
      await settle();
      expect(sleepers()).toEqual(["sleeper"]);
      flag = true; // no wake-up: the sleeper must not notice
      await settle();
      await flush();
      expect(done()).toBe("pending");
      expect(sleepers()).toEqual(["sleeper"]);
      expect(evaluations).toBe(1); // not polled
      runtime.wake(q);
      await settle();
      await flush();
      expect(done()).toBe("resolved");
      expect(after).toEqual([true]);
      expect(sleepers()).toEqual([]);
    });

    it("a gated spawn's first step waits as waitUntil does: not before a wake-up finds its gate open", async () => {
      const { runtime, settle, sleepers } = make();
      const q = runtime.waitQueue("gate");
      let open = false;
      let ran = false;
      const done = watch(
        runtime.spawn(
          "gated",
          L("First"),
          () => {
            ran = true;
            return Promise.resolve();
          },
          { queue: q, condition: () => open },
        ),
      );
      await settle();
      expect(ran).toBe(false);
      expect(sleepers()).toEqual(["gated"]);
      open = true; // no wake-up: still asleep
      await settle();
      expect(ran).toBe(false);
      runtime.wake(q);
      await settle();
      await flush();
      expect(ran).toBe(true);
      expect(done()).toBe("resolved");
      // An open gate at spawn time runs the first step with no wake-up.
      let free = false;
      runtime.spawn("free", L("First", 1), () => ((free = true), Promise.resolve()), {
        queue: q,
        condition: () => true,
      });
      await settle();
      expect(free).toBe(true);
    });

    it("a sleeper woken while its condition is false goes back to sleep", async () => {
      const { runtime, settle, sleepers } = make();
      const q = runtime.waitQueue("q");
      let flag = false;
      const done = watch(
        runtime.spawn("sleeper", L("Go"), async (task) => {
          await task.waitUntil(L("Wait"), q, () => flag);
        }),
      );
      await settle();
      runtime.wake(q);
      await settle();
      expect(sleepers()).toEqual(["sleeper"]);
      flag = true;
      await settle();
      await flush();
      expect(done()).toBe("pending");
      runtime.wake(q);
      await settle();
      await flush();
      expect(done()).toBe("resolved");
    });

    it("a wake-up wakes every sleeper of its queue and only those", async () => {
      const { runtime, settle, sleepers } = make();
      const q1 = runtime.waitQueue("q1");
      const q2 = runtime.waitQueue("q2");
      let open = false;
      for (const [n, q] of [
        ["a", q1],
        ["b", q1],
        ["c", q2],
      ] as const) {
        runtime.spawn(n, L("Go"), async (task) => {
          await task.waitUntil(L("Wait"), q, () => open);
        });
      }
      await settle();
      expect(sleepers()).toEqual(["a", "b", "c"]);
      open = true;
      runtime.wake(q1);
      await settle();
      expect(sleepers()).toEqual(["c"]);
    });

    it("a wake-up from another task's step releases the sleeper, whose step sees the condition true", async () => {
      const { runtime, settle, sleepers } = make();
      const q = runtime.waitQueue("q");
      let count = 1;
      const seen: number[] = [];
      const waiter = watch(
        runtime.spawn("waiter", L("Go"), async (task) => {
          await task.waitUntil(L("Wait"), q, () => count === 0);
          seen.push(count);
        }),
      );
      const waker = watch(
        runtime.spawn("waker", L("Dec"), async (task) => {
          await task.step(L("Dec2"));
          count--;
          runtime.wake(q);
          await task.step(L("After"));
        }),
      );
      await settle();
      await flush();
      expect(waker()).toBe("resolved");
      expect(waiter()).toBe("resolved");
      expect(seen).toEqual([0]);
      expect(sleepers()).toEqual([]);
    });

    it("spawns from inside a task: the child is parked at its first label and runs later", async () => {
      const { runtime, settle } = make();
      const log: string[] = [];
      let child: TaskHandle | undefined;
      const parent = runtime.spawn("parent", L("P1"), async (task) => {
        child = runtime.spawn("child", L("C1"), async (c) => {
          log.push("c1");
          await c.step(L("C2"));
          log.push("c2");
        });
        log.push("p1");
        await Promise.resolve();
        log.push("p1-end");
        await task.step(L("P2"));
        log.push("p2");
      });
      await settle();
      await expect(parent.done).resolves.toBeUndefined();
      await expect(child?.done).resolves.toBeUndefined();
      expect(log.slice(0, 2)).toEqual(["p1", "p1-end"]);
      expect(log.indexOf("c1")).toBeLessThan(log.indexOf("c2"));
      expect(log).toHaveLength(5);
    });

    it("surfaces an error thrown in a later step through done", async () => {
      const { runtime, settle } = make();
      const boom = new Error("boom");
      const h = runtime.spawn("t", L("A"), async (task) => {
        await task.step(L("B"));
        throw boom;
      });
      const done = watch(h);
      await settle();
      await flush();
      expect(done()).toEqual({ rejected: boom });
    });

    it("surfaces an error thrown by a body synchronously, before any await", async () => {
      const { runtime, settle } = make();
      const boom = new Error("sync");
      const done = watch(
        runtime.spawn("t", L("A"), () => {
          throw boom;
        }),
      );
      await settle();
      await flush();
      expect(done()).toEqual({ rejected: boom });
    });

    it("delivers an error thrown by a wait condition to the waiting task", async () => {
      const { runtime, settle } = make();
      const q = runtime.waitQueue("q");
      let armed = false;
      const caught: unknown[] = [];
      const done = watch(
        runtime.spawn("t", L("A"), async (task) => {
          try {
            await task.waitUntil(L("W"), q, () => {
              if (armed) throw new Error("bad condition");
              return false;
            });
          } catch (e) {
            caught.push(e);
          }
        }),
      );
      await settle();
      armed = true;
      runtime.wake(q);
      await settle();
      await flush();
      expect(done()).toBe("resolved");
      expect(String(caught[0])).toMatch(/bad condition/);
    });

    it("rejects a second yield made without awaiting the first", async () => {
      const { runtime, settle } = make();
      const done = watch(
        runtime.spawn("t", L("A"), async (task) => {
          void task.step(L("B"));
          await task.step(L("C"));
        }),
      );
      await settle();
      await flush();
      const result = done();
      expect(result).not.toBe("pending");
      expect(result).not.toBe("resolved");
      expect(String((result as { rejected: unknown }).rejected)).toMatch(/missing await/);
    });
  });
}
