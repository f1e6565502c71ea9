// check's printed interleaving: the op slots and the waiters are diffed slot by slot (`op[1].usage`), and a
// sequence prints as a TLA+ sequence, a set as a set (src/cli/fieldShapes.ts says which field is which).

import { expect, it } from "vitest";
import { diffJson, fieldOf, showValue } from "../../src/cli/interleaving.ts";

const slot = (usage: number, todo: string[]) => ({ usage, io: ["p2"], todo, flags: ["ASYNC"] });

it("diffs the op slots one by one and names the slot from 1", () => {
  const changes = diffJson({ op: [slot(2, []), slot(0, [])] }, { op: [slot(3, ["p2"]), slot(0, [])] });
  expect(changes.map((c) => c.path)).toEqual(["op[1].todo", "op[1].usage"]);
  // Arrays of another length, or of scalars, are one change.
  expect(diffJson({ f: ["a"] }, { f: ["a", "b"] }).map((c) => c.path)).toEqual(["f"]);
});

it("prints sequences as <<…>> and sets as {…}, by the field the value belongs to", () => {
  expect(fieldOf("op[1].todo")).toBe("todo");
  expect(fieldOf("cache.waiters[2].monitor")).toBe("monitor");
  expect(showValue(["p2", "p1"], "todo")).toBe('<<"p2", "p1">>');
  expect(showValue(["p1", "p2"], "io")).toBe('{"p1", "p2"}');
  expect(showValue([slot(1, ["p1"])], "op")).toBe(
    '<<[usage |-> 1, io |-> {"p2"}, todo |-> <<"p1">>, flags |-> {"ASYNC"}]>>',
  );
});
