// The object state table of the 3.12 work/wait machine (fs/fscache/object.c, §2.3) as one declarative value:
// wait states are "on event X go to Y" tables, work states name their atomic steps and possible next states,
// OBJECT_DEAD is its own kind rather than a magic pointer. The table is data: printable as JSON and DOT.

import type { Design, EventName, OobTableName, StateName } from "./names.ts";

/** A work state: runs its steps (spec actions, in order) and returns one of `next`. */
export interface WorkStateDef {
  readonly kind: "work";
  readonly short: string;
  readonly steps: readonly [string, ...string[]];
  readonly next: readonly StateName[];
  /** Only this design ever enters it. */
  readonly onlyIn?: Design;
}

/** One entry of a wait state's table: any of `events` pending moves the object to `to`. */
export interface Transition {
  readonly events: readonly EventName[];
  readonly to: StateName;
}

/** A wait state: parks the object until one of its transitions' events is raised (table order matters). */
export interface WaitStateDef {
  readonly kind: "wait";
  readonly short: string;
  readonly transitions: readonly Transition[];
}

/** The terminal state: the dispatcher returns at once and never runs again. */
export interface DeadStateDef {
  readonly kind: "dead";
  readonly short: string;
}

export type StateDef = WorkStateDef | WaitStateDef | DeadStateDef;

/** The machine. `satisfies Record<StateName, StateDef>` makes a missing or misspelt state a compile error. */
export const STATES = {
  WAIT_FOR_INIT: {
    kind: "wait",
    short: "?INIT",
    transitions: [{ events: ["NEW_CHILD"], to: "INIT_OBJECT" }],
  },
  INIT_OBJECT: {
    kind: "work",
    short: "INIT",
    steps: ["INIT_OBJECT"],
    next: ["DROP_OBJECT", "DETACH_FROM_COOKIE", "PARENT_READY", "WAIT_FOR_PARENT"],
  },
  WAIT_FOR_PARENT: {
    kind: "wait",
    short: "?PRNT",
    transitions: [{ events: ["PARENT_READY"], to: "PARENT_READY" }],
  },
  PARENT_READY: { kind: "work", short: "PRDY", steps: ["PARENT_READY"], next: ["LOOK_UP_OBJECT"] },
  LOOK_UP_OBJECT: {
    kind: "work",
    short: "LOOK",
    steps: ["LOOK_UP_OBJECT", "LookupObject", "LookupCreate", "LookupAvailable", "LookupUnuse"],
    next: ["OBJECT_AVAILABLE", "LOOKUP_FAILURE"],
  },
  OBJECT_AVAILABLE: { kind: "work", short: "AVBL", steps: ["OBJECT_AVAILABLE"], next: ["JUMPSTART_DEPS"] },
  JUMPSTART_DEPS: { kind: "work", short: "JUMP", steps: ["JUMPSTART_DEPS"], next: ["WAIT_FOR_CMD"] },
  WAIT_FOR_CMD: {
    kind: "wait",
    short: "?CMD",
    transitions: [
      { events: ["INVALIDATE"], to: "INVALIDATE_OBJECT" },
      { events: ["UPDATE"], to: "UPDATE_OBJECT" },
      { events: ["NEW_CHILD"], to: "JUMPSTART_DEPS" },
    ],
  },
  INVALIDATE_OBJECT: {
    kind: "work",
    short: "INVL",
    steps: ["INVALIDATE_OBJECT", "InvalidateWrites", "InvalidateSubmitOp", "InvalidateDone"],
    next: ["UPDATE_OBJECT", "KILL_OBJECT"],
  },
  UPDATE_OBJECT: {
    kind: "work",
    short: "UPDT",
    steps: ["UPDATE_OBJECT", "UpdateObject"],
    next: ["WAIT_FOR_CMD"],
  },
  ABORT_INIT: { kind: "work", short: "ABRT", steps: ["ABORT_INIT"], next: ["KILL_OBJECT"] },
  LOOKUP_FAILURE: { kind: "work", short: "LCFL", steps: ["LOOKUP_FAILURE"], next: ["KILL_OBJECT"] },
  KILL_OBJECT: {
    kind: "work",
    short: "KILL",
    steps: ["KILL_OBJECT", "KillTest", "KillStartOps"],
    next: ["DROP_OBJECT", "DETACH_FROM_COOKIE", "KILL_DEPENDENTS", "WAIT_FOR_CLEARANCE"],
  },
  KILL_DEPENDENTS: { kind: "work", short: "KDEP", steps: ["KILL_DEPENDENTS"], next: ["WAIT_FOR_CLEARANCE"] },
  WAIT_FOR_CLEARANCE: {
    kind: "wait",
    short: "?CLR",
    transitions: [{ events: ["CLEARED"], to: "KILL_OBJECT" }],
  },
  DETACH_FROM_COOKIE: {
    kind: "work",
    short: "DTCH",
    steps: ["DETACH_FROM_COOKIE"],
    next: ["DROP_OBJECT"],
    onlyIn: "PRE_FIX",
  },
  DROP_OBJECT: { kind: "work", short: "DROP", steps: ["DROP_OBJECT"], next: ["OBJECT_DEAD"] },
  OBJECT_DEAD: { kind: "dead", short: "DEAD" },
} as const satisfies Record<StateName, StateDef>;

type Table = typeof STATES;
/** States whose definition is of kind K. */
export type StatesOfKind<K extends StateDef["kind"]> = {
  [S in StateName]: Table[S]["kind"] extends K ? S : never;
}[StateName];
export type WorkStateName = StatesOfKind<"work">;
export type WaitStateName = StatesOfKind<"wait">;
/** The states a work state may return, as its table entry lists them. */
export type NextOf<S extends WorkStateName> = Table[S]["next"][number];

/** An out-of-band table: ERROR or KILL pending interrupts whatever the object is doing. */
export interface OobEntry {
  readonly events: readonly EventName[];
  readonly to: WorkStateName;
}

/** The OOB tables, installed in turn by object init, LOOK_UP_OBJECT and OBJECT_AVAILABLE. */
export const OOB_TABLES = {
  init: { events: ["ERROR", "KILL"], to: "ABORT_INIT" },
  lookup: { events: ["ERROR", "KILL"], to: "LOOKUP_FAILURE" },
  run: { events: ["ERROR", "KILL"], to: "KILL_OBJECT" },
} as const satisfies Record<OobTableName, OobEntry>;

export function isWaitState(s: StateName): s is WaitStateName {
  return STATES[s].kind === "wait";
}

/** The events a wait state listens for (the union over its transitions). */
export function waitEvents(s: WaitStateName): EventName[] {
  const out: EventName[] = [];
  for (const t of STATES[s].transitions) for (const e of t.events) if (!out.includes(e)) out.push(e);
  return out;
}

/** The first atomic step (spec action) of a work state: the label its first step carries. */
export function firstStep(s: WorkStateName): string {
  return STATES[s].steps[0];
}

/** The machine as plain JSON data (states in table order, and the OOB tables). */
export function machineToJSON(): {
  states: Record<StateName, StateDef>;
  oob: Record<OobTableName, OobEntry>;
} {
  return JSON.parse(JSON.stringify({ states: STATES, oob: OOB_TABLES })) as {
    states: Record<StateName, StateDef>;
    oob: Record<OobTableName, OobEntry>;
  };
}

/** The machine as a Graphviz digraph: boxes for work states, ellipses for wait states, dashed OOB edges. */
export function machineToDot(design: Design = "POST_FIX"): string {
  const lines = ["digraph fscache_object {", "  rankdir=TB;"];
  const shown = (s: StateName): boolean => {
    const def: StateDef = STATES[s];
    return def.kind !== "work" || def.onlyIn === undefined || def.onlyIn === design;
  };
  for (const [name, def] of Object.entries(STATES) as [StateName, StateDef][]) {
    if (!shown(name)) continue;
    const shape = def.kind === "work" ? "box" : def.kind === "wait" ? "ellipse" : "doublecircle";
    lines.push(`  ${name} [shape=${shape}, label="${name}\\n${def.short}"];`);
  }
  for (const [name, def] of Object.entries(STATES) as [StateName, StateDef][]) {
    if (!shown(name)) continue;
    if (def.kind === "work") {
      for (const n of def.next) if (shown(n)) lines.push(`  ${name} -> ${n};`);
    } else if (def.kind === "wait") {
      for (const t of def.transitions) lines.push(`  ${name} -> ${t.to} [label="${t.events.join("|")}"];`);
    }
  }
  for (const [table, entry] of Object.entries(OOB_TABLES)) {
    lines.push(`  oob_${table} [shape=plaintext, label="OOB ${table}: ${entry.events.join("|")}"];`);
    lines.push(`  oob_${table} -> ${entry.to} [style=dashed];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
