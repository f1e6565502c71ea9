// The touch check (review/touch/touch.ts) over the real sources finds every write to a cookie, object, op or
// thread record covered by a `touch` in the same atomic step; on seeded faults it fails at the write: a touch removed, an
// await between the touch and the write, a touch in a branch that may not run, a collection mutated through a
// local alias.

import { afterAll, describe, expect, it } from "vitest";
import { loadSources } from "../../review/impl/project.ts";
import { formatTouchViolations, touchCheck } from "../../review/touch/touch.ts";
import { type Edit, lineOf, ROOT, seedTree } from "./seed.ts";

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function reportWith(edits: readonly Edit[]): { report: string; root: string } {
  const seeded = seedTree(edits);
  cleanups.push(seeded.dispose);
  return {
    report: formatTouchViolations(touchCheck(loadSources(seeded.root)).violations),
    root: seeded.root,
  };
}

const RAISE = "  touch(obj);\n  obj.events.add(ev);";
const UNUSE = "  touch(cookie);\n  cookie.n_active--;\n  bugOn(";
const DROP_ACTIVE =
  '    await call.step("RelinquishDropActive");\n    touch(cookie);\n    cookie.n_active--;';
const AVAILABLE = '  OBJECT_AVAILABLE({ core, obj }) {\n    touch(obj);\n    obj.oob = "run";';

describe("touch check", () => {
  it("covers every write to a cookie, object, op or thread record and to the registry in src/fscache", () => {
    const r = touchCheck(loadSources(ROOT));
    expect(formatTouchViolations(r.violations)).toBe("");
    // The check sees the writes (a check that found none would pass vacuously).
    expect(r.sites.length).toBeGreaterThan(100);
    expect(new Set(r.sites.map((s) => s.record))).toEqual(
      new Set(["Cookie", "FscacheObject", "Operation", "ThreadRecord", "StoreEntry", "CacheCore"]),
    );
    expect(r.sites.every((s) => s.touch !== null)).toBe(true);
  });

  it("fails at writes whose touch is missing, behind an await, conditional, or bypassed by an alias", () => {
    const { report, root } = reportWith([
      { file: "src/fscache/object.ts", find: RAISE, replace: "  obj.events.add(ev);" },
      {
        file: "src/fscache/cookie.ts",
        find: UNUSE,
        replace: "  if (cookie.n_active > 1) touch(cookie);\n  cookie.n_active--;\n  bugOn(",
      },
      {
        file: "src/fscache/netfs.ts",
        find: DROP_ACTIVE,
        replace: '    touch(cookie);\n    await call.step("RelinquishDropActive");\n    cookie.n_active--;',
      },
      {
        file: "src/fscache/work.ts",
        find: AVAILABLE,
        replace: `${AVAILABLE}\n    const events = obj.events;\n    events.delete("CLEARED");`,
      },
    ]);
    const at = (file: string, text: string): string => `${file}:${lineOf(file, text, root)}`;
    expect(report).toContain(
      `${at("src/fscache/object.ts", "  obj.events.add(ev);")}: obj.events.add(ev): a FscacheObject written with no touch(obj)`,
    );
    expect(report).toContain(
      `${at("src/fscache/cookie.ts", "  cookie.n_active--;")}: cookie.n_active--: a Cookie written with no touch(cookie)`,
    );
    const dropLine = lineOf("src/fscache/netfs.ts", '    await call.step("RelinquishDropActive");', root) + 1;
    expect(report).toContain(
      `src/fscache/netfs.ts:${dropLine}: cookie.n_active--: a Cookie written with no touch(cookie)`,
    );
    expect(report).toContain(
      `${at("src/fscache/work.ts", '    events.delete("CLEARED");')}: events.delete("CLEARED"): a FscacheObject field mutated through the local events`,
    );
    expect(report.split("\n")).toHaveLength(4);
  });
});
