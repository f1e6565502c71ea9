// The guard check fails, naming the read and the path that reaches it, on seeded faults: a read moved before a
// use, a read after an unuse, a read in relinquish between dropping the baseline unit and the wait, a read in
// an op processor whose op owns no unit, a write op allocated without UNUSE_COOKIE, a stale observer entry.
// Faults whose reports cannot mix share one seeded copy (three copies in all), each asserted separately.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatViolations, guardCheck } from "../../review/guard/guard.ts";
import { loadSources } from "../../review/impl/project.ts";
import { type Edit, lineOf, seedTree } from "./seed.ts";

const NETFS_OF_READ = lineOf("src/fscache/object.ts", "if (cookie.def === null)");
const LOOKUP_USE =
  '    if (!core.preFix && !useCookie(derefCookie(obj.cookie, "LOOK_UP_OBJECT"))) return "LOOKUP_FAILURE";';
const UPDATE_UNUSE = '    if (!core.preFix) unuseCookie(core, c);\n    return "WAIT_FOR_CMD";\n';
const RELINQUISH_DROP = "    cookie.n_active--;\n    if (cookie.n_active !== 0) {";
const ATTR_DEREF = '  const cookie = derefCookie(obj.cookie, "OpAttrChanged");\n';

/** Worker-side and netfs-side reads, each in its own function. */
const READS: Edit[] = [
  {
    file: "src/fscache/work.ts",
    find: LOOKUP_USE,
    replace: `    netfsOf(derefCookie(obj.cookie, "LOOK_UP_OBJECT"), "LOOK_UP_OBJECT");\n${LOOKUP_USE}`,
  },
  {
    file: "src/fscache/work.ts",
    find: UPDATE_UNUSE,
    replace: UPDATE_UNUSE.replace("\n", "\n    def.getAux?.(c.netfs_data);\n"),
  },
  {
    file: "src/fscache/netfs.ts",
    find: RELINQUISH_DROP,
    replace: RELINQUISH_DROP.replace("\n", "\n    void cookie.def;\n"),
  },
  {
    file: "review/guard/observers.json",
    find: '"src/fscache/inspect.ts:inspectCore"',
    replace: '"src/fscache/inspect.ts:gone"',
  },
];
/** Op-side faults, one copy each (both reach netfsOf, whose report names one path). */
const ATTR_READ: Edit = {
  file: "src/fscache/opwork.ts",
  find: ATTR_DEREF,
  replace: `${ATTR_DEREF}  netfsSize(cookie, "OpAttrChanged");\n`,
};
const WRITE_NO_UNIT: Edit = {
  file: "src/fscache/netfs.ts",
  find: 'counted ? ["ASYNC", "WAITING", "UNUSE_COOKIE"] : ["ASYNC", "WAITING"]',
  replace: '["ASYNC", "WAITING"]',
};

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function reportWith(edits: readonly Edit[]): { report: string; root: string } {
  const seeded = seedTree(edits);
  cleanups.push(seeded.dispose);
  return { report: formatViolations(guardCheck(loadSources(seeded.root)).violations), root: seeded.root };
}

describe("guard check on seeded faults in worker and netfs code", () => {
  let report = "";
  let root = "";
  beforeAll(() => ({ report, root } = reportWith(READS)));

  it("a netfs read moved before the lookup's useCookie", () => {
    const site = lineOf("src/fscache/work.ts", 'netfsOf(derefCookie(obj.cookie, "LOOK_UP_OBJECT")', root);
    expect(report).toContain(
      `src/fscache/object.ts:${NETFS_OF_READ}: reads Cookie.def holding no n_active unit (a worker task holds no unit at its start (runObjectWorker))`,
    );
    expect(report).toMatch(
      /worker task: runObjectWorker[^\n]*\n\s+→ WORK\.LOOK_UP_OBJECT \(src\/fscache\/work\.ts:\d+\) called at src\/fscache\/dispatcher\.ts:\d+\n/,
    );
    expect(report).toContain(
      `→ netfsOf (src/fscache/object.ts:${lineOf("src/fscache/object.ts", "export function netfsOf")}) called at src/fscache/work.ts:${site}`,
    );
  });

  it("a netfs read after UPDATE_OBJECT's unuseCookie", () => {
    const read = lineOf("src/fscache/work.ts", "def.getAux?.(c.netfs_data);", root);
    const unuse = lineOf("src/fscache/work.ts", "unuseCookie(core, c);\n    def.getAux", root);
    expect(report).toContain(
      `src/fscache/work.ts:${read}: reads Cookie.netfs_data holding no n_active unit (unuseCookie at src/fscache/work.ts:${unuse})`,
    );
    expect(report).toContain("→ WORK.UPDATE_OBJECT");
  });

  it("relinquish reads def between dropping the baseline unit and the wait", () => {
    const read = lineOf("src/fscache/netfs.ts", "void cookie.def;", root);
    const drop = lineOf("src/fscache/netfs.ts", RELINQUISH_DROP);
    expect(report).toContain(
      `src/fscache/netfs.ts:${read}: reads Cookie.def holding no n_active unit (n_active-- at src/fscache/netfs.ts:${drop})`,
    );
    expect(report).toContain("netfs call: relinquishCookie");
  });

  it("a listed observer that no longer exists: the entry and the read it covered", () => {
    expect(report).toContain(
      "review/guard/observers.json:1: observer src/fscache/inspect.ts:gone is not a function of src/fscache",
    );
    expect(report).toMatch(
      /src\/fscache\/inspect\.ts:\d+: reads Cookie\.netfs_data in callback, which no worker task, netfs call or listed observer reaches/,
    );
  });
});

describe("guard check on seeded faults in op processors", () => {
  it("attr_changed's processor reads the netfs size before its own useCookie (its op owns no unit)", () => {
    const { report } = reportWith([ATTR_READ]);
    expect(report).toContain(
      `src/fscache/object.ts:${NETFS_OF_READ}: reads Cookie.def holding no n_active unit`,
    );
    expect(report).toMatch(
      /worker task: runOpWorker[^\n]*\n\s+→ attrChanged \([^)]*\) called at src\/fscache\/opwork\.ts:\d+ \(op:ATTR_CHANGED\)\n\s+→ netfsSize/,
    );
  });

  it("a write op allocated without UNUSE_COOKIE: its processor's page read is unguarded", () => {
    const { report } = reportWith([WRITE_NO_UNIT]);
    const read = lineOf("src/fscache/opwork.ts", "const data = entry.data;");
    expect(report).toMatch(
      new RegExp(
        `src/fscache/opwork\\.ts:${read}: reads StoreEntry\\.data holding no n_active unit[^\\n]*\\n\\s+worker task: runOpWorker[^\\n]*\\n\\s+→ writeOp \\([^)]*\\) called at src/fscache/opwork\\.ts:\\d+ \\(op:WRITE\\)`,
      ),
    );
  });
});
