// The dispatcher's pure decisions (fscache_object_work_func, §2.1): OOB first with the highest bit, wait
// tables in order, unmask when nothing matches, and what happens after a work state.

import { describe, expect, it } from "vitest";
import { afterWork, mustRestart, select } from "../../src/fscache/dispatcher.ts";
import type { EventName } from "../../src/fscache/names.ts";

const set = (...e: EventName[]): ReadonlySet<EventName> => new Set(e);

describe("select", () => {
  it("takes an OOB event first, highest bit, whatever the state", () => {
    expect(
      select({
        state: "WAIT_FOR_CMD",
        events: set("UPDATE", "ERROR", "KILL"),
        oobMask: set("ERROR", "KILL"),
        oob: "run",
        dmask: set("UPDATE"),
      }),
    ).toEqual({ kind: "oob", event: "KILL", exec: "KILL_OBJECT" });
    expect(
      select({
        state: "LOOK_UP_OBJECT",
        events: set("ERROR"),
        oobMask: set("ERROR", "KILL"),
        oob: "lookup",
        dmask: set(),
      }),
    ).toEqual({ kind: "oob", event: "ERROR", exec: "LOOKUP_FAILURE" });
  });

  it("scans a wait state's table in order", () => {
    // INVALIDATE comes before UPDATE in WAIT_FOR_CMD's table even though both are pending.
    expect(
      select({
        state: "WAIT_FOR_CMD",
        events: set("UPDATE", "INVALIDATE", "NEW_CHILD"),
        oobMask: set(),
        oob: "run",
        dmask: set("UPDATE", "INVALIDATE", "NEW_CHILD"),
      }),
    ).toEqual({ kind: "transition", event: "INVALIDATE", exec: "INVALIDATE_OBJECT" });
  });

  it("ignores events outside the saved mask and unmasks", () => {
    expect(
      select({
        state: "WAIT_FOR_CLEARANCE",
        events: set("UPDATE"),
        oobMask: set(),
        oob: "run",
        dmask: set("CLEARED"),
      }),
    ).toEqual({ kind: "unmask" });
  });

  it("runs a work state as it is", () => {
    expect(select({ state: "KILL_OBJECT", events: set(), oobMask: set(), oob: "run", dmask: set() })).toEqual(
      {
        kind: "work",
        exec: "KILL_OBJECT",
      },
    );
  });

  it("refuses to select OBJECT_DEAD", () => {
    expect(() =>
      select({ state: "OBJECT_DEAD", events: set(), oobMask: set(), oob: "run", dmask: set() }),
    ).toThrow(/DEAD/);
  });
});

describe("afterWork", () => {
  it("parks in a wait state with the OOB mask plus its events", () => {
    const a = afterWork("WAIT_FOR_CMD", set("ERROR", "KILL"));
    expect(a.kind).toBe("unmask");
    if (a.kind === "unmask")
      expect([...a.dmask].sort()).toEqual(["ERROR", "INVALIDATE", "KILL", "NEW_CHILD", "UPDATE"]);
    expect(afterWork("DROP_OBJECT", set())).toEqual({ kind: "select" });
    expect(afterWork("OBJECT_DEAD", set())).toEqual({ kind: "dead" });
  });

  it("restarts when an event in the new mask is pending", () => {
    expect(mustRestart(set("CLEARED"), set("CLEARED"))).toBe(true);
    expect(mustRestart(set("UPDATE"), set("CLEARED"))).toBe(false);
  });
});
