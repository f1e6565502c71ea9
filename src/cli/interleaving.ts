// Turns an error trace (a list of spec states in JSON form) into the numbered interleaving that `check` prints:
// for each step the thread that moved, the action with its parameters (from the spec's lastAction history
// variable) and the variables that changed, as `path: before → after`.

import { isSequenceField } from "./fieldShapes.ts";

/** A state as JSON: variable name to value (records → objects, sets/sequences → arrays). */
export type JsonState = Readonly<Record<string, unknown>>;

export interface Change {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface InterleavingStep {
  /** 1-based, as TLC numbers trace states. */
  readonly index: number;
  /** `netfs tD`, `object D`, `op 1`, or `init` for the initial state. */
  readonly thread: string;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly changes: readonly Change[];
}

/** Variables that are bookkeeping for tools rather than protocol state; never listed as changes. */
const HIDDEN = new Set(["lastAction"]);

/**
 * Lists the leaf paths whose values differ between two JSON values. Two arrays of records of one length (the op
 * slots, `cache.waiters`) are compared element by element, as `op[1].usage` (TLA+ indexes from 1); other
 * arrays (sets, sequences of scalars) whole.
 */
export function diffJson(before: unknown, after: unknown, path = ""): Change[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path === "" ? k : `${path}.${k}`));
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    before.length === after.length &&
    before.every(isPlainObject) &&
    after.every(isPlainObject)
  ) {
    return before.flatMap((b, i) => diffJson(b, after[i], `${path}[${i + 1}]`));
  }
  return sameJson(before, after) ? [] : [{ path, before, after }];
}

/** The variable or record field a change path ends in: `op[1].todo` → `todo`, `op` → `op`. */
export function fieldOf(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1).replace(/(\[\d+\])+$/, "");
}

/** The thread a step belongs to, from the lastAction parameters: netfs thread, object worker or op worker. */
export function threadOf(params: Readonly<Record<string, unknown>>): string {
  if (typeof params.t === "string") return `netfs ${params.t}`;
  if (typeof params.o === "string") return `object ${params.o}`;
  if (typeof params.k === "number" || typeof params.k === "string") return `op ${params.k}`;
  return "-";
}

/** Splits a spec `lastAction` record into its name and parameters. */
export function actionOf(state: JsonState): { name: string; params: Record<string, unknown> } | undefined {
  const last = state.lastAction;
  if (!isPlainObject(last) || typeof last.name !== "string") return undefined;
  const { name, ...params } = last;
  return { name, params };
}

/**
 * Builds the interleaving of a trace. `traceActions[i]` is TLC's own action name for state i (used when the
 * spec has no lastAction variable); the first state is the initial state.
 */
export function interleaving(
  states: readonly JsonState[],
  traceActions: readonly string[] = [],
): InterleavingStep[] {
  return states.map((state, i) => {
    const fromSpec = actionOf(state);
    const name = i === 0 ? "Init" : (fromSpec?.name ?? traceActions[i] ?? "?");
    const params = i === 0 ? {} : (fromSpec?.params ?? {});
    const prev = i === 0 ? undefined : states[i - 1];
    const changes =
      prev === undefined
        ? []
        : Object.keys(state)
            .filter((v) => !HIDDEN.has(v))
            .flatMap((v) => diffJson(prev[v], state[v], v));
    return { index: i + 1, thread: i === 0 ? "init" : threadOf(params), action: name, params, changes };
  });
}

/**
 * Renders a JSON value compactly, TLA+-like: the value of variable or field `field`; sets as `{a, b}`, sequences
 * as `<<a, b>>` (src/cli/fieldShapes.ts says which), records as `[f |-> v]`.
 */
export function showValue(v: unknown, field = ""): string {
  if (Array.isArray(v)) {
    const body = v.map((x) => showValue(x)).join(", ");
    return isSequenceField(field) ? `<<${body}>>` : `{${body}}`;
  }
  if (isPlainObject(v)) {
    return `[${Object.entries(v)
      .map(([k, x]) => `${k} |-> ${showValue(x, k)}`)
      .join(", ")}]`;
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "(none)";
}

/** Renders an action with parameters: `WritePage(t=tD, p=p1)`. */
export function showAction(step: InterleavingStep): string {
  const ps = Object.entries(step.params).map(([k, v]) => `${k}=${typeof v === "string" ? v : showValue(v)}`);
  return ps.length === 0 ? step.action : `${step.action}(${ps.join(", ")})`;
}

/** The printed interleaving, one block per step. */
export function formatInterleaving(steps: readonly InterleavingStep[]): string {
  const width = Math.max(0, ...steps.map((s) => s.thread.length));
  return steps
    .map((s) => {
      const head = `${String(s.index).padStart(3)}. ${s.thread.padEnd(width)}  ${showAction(s)}`;
      const body = s.changes.map((c) => {
        const f = fieldOf(c.path);
        return `        ${c.path}: ${showValue(c.before, f)} → ${showValue(c.after, f)}`;
      });
      return [head, ...body].join("\n");
    })
    .join("\n");
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
