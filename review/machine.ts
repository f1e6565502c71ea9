// The object state machine as plain data, one shape for both sides: the spec's tables (review/spec/machine.ts)
// and the TypeScript table (review/impl/states.ts). Comparing, drawing and overlaying coverage all read this.

/** A wait state's table entry: any of `events` pending moves the object to `to`. */
export interface MachineTransition {
  readonly events: readonly string[];
  readonly to: string;
  readonly where: string;
}

export interface MachineState {
  readonly name: string;
  readonly kind: "work" | "wait" | "dead";
  /** `file:line` of the state's definition. */
  readonly where: string;
  /** Work states: the atomic steps (spec actions) in order, the first named as the state. */
  readonly steps: readonly string[];
  /** Work states: the states its function may return. */
  readonly next: readonly string[];
  /** Wait states: the table, in order. */
  readonly transitions: readonly MachineTransition[];
}

export interface MachineEvent {
  readonly name: string;
  /** The kernel's bit number (the highest pending bit wins). */
  readonly bit: number | null;
  readonly where: string;
}

/** An out-of-band table: ERROR or KILL pending interrupts the object and runs `to`. */
export interface MachineOob {
  readonly table: string;
  readonly events: readonly string[];
  readonly to: string;
  readonly where: string;
}

export interface Machine {
  readonly states: readonly MachineState[];
  readonly events: readonly MachineEvent[];
  readonly oob: readonly MachineOob[];
}

/** One edge of the drawn machine: a wait-table entry, a work state's possible return, or an OOB entry. */
export interface MachineEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "wait" | "work" | "oob";
  readonly label: string;
}

/** The machine's edges; OOB edges start at the table's pseudo-node `oob:<table>`. */
export function edgesOf(m: Machine): MachineEdge[] {
  const out: MachineEdge[] = [];
  for (const s of m.states) {
    for (const t of s.transitions)
      out.push({ from: s.name, to: t.to, kind: "wait", label: t.events.join("|") });
    for (const n of s.next) out.push({ from: s.name, to: n, kind: "work", label: "" });
  }
  for (const o of m.oob)
    out.push({ from: `oob:${o.table}`, to: o.to, kind: "oob", label: o.events.join("|") });
  return out;
}
