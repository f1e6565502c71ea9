// Pieces of the pack that decide what a reader sees: stale counterexamples are marked (and name the file that
// changed), lanes come in the order netfs, object, op, the findings table is read from spec/README.md, and
// the machine drawing has work, wait and OOB edges styled apart.

import { cpSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadCounterexamples } from "../../review/counterexamples.ts";
import { machineDot } from "../../review/pack/graph.ts";
import { readFindings } from "../../review/pack/findings.ts";
import { lanesOf, lanesTable } from "../../review/pack/lanes.ts";
import { loadImpl } from "../../review/impl/model.ts";
import { ROOT, seedTree } from "./seed.ts";

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

describe("cached counterexamples", () => {
  it("are fresh in the checkout and stale, naming the file, once the spec changes", async () => {
    const here = await loadCounterexamples(ROOT);
    expect(here.map((c) => c.target.id)).toEqual([
      "F1",
      "F2",
      "F3",
      "F4",
      "F5",
      "F6",
      "F7",
      "F8",
      "F9",
      "F10",
      "F11",
      "F12",
      "F13",
      "F14",
      "F15",
      "F16",
      "F17",
      "oops-2013",
    ]);
    // Every cached counterexample was computed from the spec files as they are (refresh them after a change).
    expect(
      here.filter((c) => c.changed.length > 0).map((c) => `${c.target.id}: ${c.changed.join(", ")}`),
    ).toEqual([]);
    const seeded = seedTree([
      {
        file: "spec/FSCache.tla",
        find: "(* Events, states and tables",
        replace: "(* Events, states, tables",
      },
    ]);
    cleanups.push(seeded.dispose);
    // The seeded copy leaves out the data; compare the checkout's cache against the changed spec.
    cpSync(`${ROOT}/review/data`, `${seeded.root}/review/data`, { recursive: true });
    const there = await loadCounterexamples(seeded.root);
    for (const c of there) expect(c.changed).toContain("spec/FSCache.tla");
  });
});

describe("lanes", () => {
  const step = (index: number, thread: string, action: string) => ({
    index,
    thread,
    action,
    params: {},
    changes: [],
  });
  const steps = [
    step(1, "init", "Init"),
    step(2, "op 1", "WriteOp"),
    step(3, "object D", "INIT_OBJECT"),
    step(4, "netfs tI", "AcquireCookie"),
    step(5, "netfs tD", "ReadPage"),
  ];

  it("orders netfs threads, object workers, op workers", () => {
    expect(lanesOf(steps)).toEqual(["netfs tD", "netfs tI", "object D", "op 1"]);
  });

  it("puts each step in its lane and marks a lasso's end", () => {
    const html = lanesTable(
      steps,
      (n) => (n === "ReadPage" ? `../actions/${n}.html` : undefined),
      "stuttering",
    );
    expect(html).toContain('<a href="../actions/ReadPage.html">ReadPage</a>');
    expect(html).toContain("stutters forever");
    expect(html.match(/<tr>/g)?.length).toBe(1 + 4 + 1);
  });
});

it("reads F1…F17 from spec/README.md", () => {
  expect(readFindings(ROOT).map((f) => f.id)).toEqual([
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F9",
    "F10",
    "F11",
    "F12",
    "F13",
    "F14",
    "F15",
    "F16",
    "F17",
  ]);
});

it("draws work states as boxes, wait states as ellipses and OOB edges dashed", () => {
  const m = loadImpl(ROOT, []).machine;
  const dot = machineDot(m);
  expect(dot).toMatch(/"KILL_OBJECT" \[shape=box/);
  expect(dot).toMatch(/"WAIT_FOR_CMD" \[shape=ellipse/);
  expect(dot).toMatch(/"oob:run" -> "KILL_OBJECT" \[style=dashed/);
});
