// The guard check: every read of netfs-owned cookie data in src/fscache (Cookie.def, Cookie.netfs_data, a
// pending stores entry's data) happens while the running task holds an n_active unit, or after relinquish has
// seen n_active drained. Entry points: object and op worker tasks (a `Task` parameter: no unit), netfs calls
// (a `Caller` parameter: the netfs's baseline unit), callbacks that run later (no unit), the listed observers.
// States flow along the call graph to a fixpoint (each function gets the smallest bound any caller gives it);
// a violation names the read and the chain of calls that reaches it with no unit.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "ts-morph";
import type { Sources } from "../impl/project.ts";
import { where } from "../impl/project.ts";
import { Facts, TYPES } from "./facts.ts";
import { Flow } from "./flow.ts";
import { describeFn, type Fn, fnName, isFunction } from "./functions.ts";
import { guarded, join as joinState, OBSERVER, same, type State, state, UNREACHABLE } from "./state.ts";

export const OBSERVERS = "review/guard/observers.json";

/** A read of netfs-owned data and the state it happens in (for the pack and the tests). */
export interface GuardRead {
  readonly where: string;
  readonly what: string;
  readonly fn: string;
  readonly units: number | null;
  readonly why: string;
}

export interface GuardViolation {
  /** `file:line` of the read. */
  readonly where: string;
  readonly message: string;
  /** Root first: each entry a function (and the call site that entered the next). */
  readonly path: readonly string[];
}

interface Reach {
  entry: State;
  /** How the smallest entry state arrived: a root, or a call from another function. */
  from: { kind: "root"; what: string } | { kind: "call"; caller: Fn; site: Node; note?: string };
}

function hasParamOf(facts: Facts, fn: Fn, k: (typeof TYPES)[keyof typeof TYPES]): boolean {
  const params = (fn as Node & { getParameters?(): Node[] }).getParameters?.() ?? [];
  return params.some((p) => facts.isType(p, k));
}

/** Runs the check over a checkout's sources. */
export function guardCheck(src: Sources): { violations: GuardViolation[]; reads: GuardRead[] } {
  const facts = new Facts(src);
  const violations: GuardViolation[] = facts.problems.map((p) => ({ ...p, path: [] }));
  const files = src.project
    .getSourceFiles()
    .filter((f) => f.getFilePath().startsWith(`${src.root}/src/fscache/`));
  const fns = files.flatMap((f) => f.getDescendants().filter(isFunction));
  const reach = new Map<Fn, Reach>();
  const forced = new Set<Fn>();
  const work: Fn[] = [];
  const enter = (fn: Fn, s: State, from: Reach["from"]): void => {
    if (s === UNREACHABLE || forced.has(fn)) return;
    const r = reach.get(fn);
    const next = r === undefined ? s : joinState(r.entry, s);
    if (r !== undefined && same(next, r.entry)) return;
    reach.set(fn, { entry: next, from: r !== undefined && same(next, r.entry) ? r.from : from });
    work.push(fn);
  };

  for (const fn of fns) {
    if (hasParamOf(facts, fn, TYPES.caller)) {
      reach.set(fn, {
        entry: state(1, `the netfs's baseline unit (netfs call ${fnName(fn)})`),
        from: { kind: "root", what: "netfs call" },
      });
      forced.add(fn);
      work.push(fn);
    } else if (hasParamOf(facts, fn, TYPES.task)) {
      enter(fn, state(0, `a worker task holds no unit at its start (${fnName(fn)})`), {
        kind: "root",
        what: "worker task",
      });
    }
  }
  const observers = JSON.parse(readFileSync(join(src.root, OBSERVERS), "utf8")) as Record<string, string>;
  for (const key of Object.keys(observers)) {
    const fn = fns.find((f) => `${where(src, f).split(":")[0]}:${fnName(f)}` === key);
    if (fn === undefined)
      violations.push({
        where: `${OBSERVERS}:1`,
        message: `observer ${key} is not a function of src/fscache`,
        path: [],
      });
    else
      enter(fn, state(OBSERVER, `observer ${key}`), {
        kind: "root",
        what: "observer (review/guard/observers.json)",
      });
  }

  const hooksFor = (caller: Fn) => ({
    read: () => undefined,
    call: (callee: Fn, s: State, site: Node, note?: string) => {
      const granted = note?.startsWith("op:") === true && facts.unitKinds.has(note.slice(3));
      const x =
        granted && s !== UNREACHABLE
          ? state(s.units + 1, `op ${note?.slice(3)} owns an n_active unit (UNUSE_COOKIE)`)
          : s;
      enter(callee, x, { kind: "call", caller, site, ...(note === undefined ? {} : { note }) });
    },
    escape: (fn: Fn, site: Node) =>
      enter(fn, state(0, `a callback runs later, holding no unit (${where(src, site)})`), {
        kind: "root",
        what: "callback",
      }),
  });
  for (let guard = 0; work.length > 0 && guard < 100_000; guard++) {
    const fn = work.pop() as Fn;
    new Flow(src, facts, hooksFor(fn)).run(fn, reach.get(fn)?.entry ?? UNREACHABLE);
  }

  const pathOf = (fn: Fn): string[] => {
    const out: string[] = [];
    const seen = new Set<Fn>();
    for (let f: Fn | undefined = fn; f !== undefined && !seen.has(f);) {
      seen.add(f);
      const r = reach.get(f);
      if (r === undefined) break;
      if (r.from.kind === "root") {
        out.unshift(`${r.from.what}: ${describeFn(src, f)}`);
        break;
      }
      out.unshift(
        `→ ${describeFn(src, f)} called at ${where(src, r.from.site)}${r.from.note === undefined ? "" : ` (${r.from.note})`}`,
      );
      f = r.from.caller;
    }
    return out;
  };

  const reads: GuardRead[] = [];
  for (const fn of fns) {
    const r = reach.get(fn);
    const entry = r?.entry ?? UNREACHABLE;
    const found: { node: Node; what: string; s: State }[] = [];
    const flow = new Flow(src, facts, {
      read: (node, what, s) => found.push({ node, what, s }),
      call: () => undefined,
      escape: () => undefined,
    });
    flow.run(fn, entry === UNREACHABLE ? state(OBSERVER, "unreached") : entry);
    for (const x of found) {
      // A read inside a nested function belongs to that function's own run.
      if (x.node.getFirstAncestor(isFunction) !== fn) continue;
      reads.push({
        where: where(src, x.node),
        what: x.what,
        fn: fnName(fn),
        units:
          entry === UNREACHABLE || x.s === UNREACHABLE
            ? null
            : x.s.drained && x.s.units === 0
              ? 0
              : x.s.units,
        why: x.s === UNREACHABLE ? "unreachable" : x.s.why,
      });
      if (entry === UNREACHABLE) {
        violations.push({
          where: where(src, x.node),
          message: `reads ${x.what} in ${fnName(fn)}, which no worker task, netfs call or listed observer reaches`,
          path: [],
        });
      } else if (x.s !== UNREACHABLE && !guarded(x.s)) {
        violations.push({
          where: where(src, x.node),
          message: `reads ${x.what} holding no n_active unit (${x.s.why})`,
          path: pathOf(fn),
        });
      }
    }
  }
  for (const [key] of Object.entries(observers)) {
    const fn = fns.find((f) => `${where(src, f).split(":")[0]}:${fnName(f)}` === key);
    const r = fn === undefined ? undefined : reach.get(fn);
    if (r !== undefined && r.entry !== UNREACHABLE && r.entry.units < OBSERVER) {
      violations.push({
        where: `${OBSERVERS}:1`,
        message: `observer ${key} is also reached from a step (${pathOf(fn as Fn).join(" ")}): it is not an observer`,
        path: [],
      });
    }
  }
  return { violations, reads };
}

export function formatViolations(vs: readonly GuardViolation[]): string {
  return vs.map((v) => [`${v.where}: ${v.message}`, ...v.path.map((p) => `    ${p}`)].join("\n")).join("\n");
}
