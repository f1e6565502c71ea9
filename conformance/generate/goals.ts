// Protocol goals for trap runs on conformance/models/MCtrap: behaviours the full transition cover of MCconf
// never contains (its netfs makes a single call), each aimed at a mutant that survives that cover. TLC's BFS
// counterexample to `~goal` is a shortest behaviour reaching it; the trace id is `trap_<id>`.

import type { TrapGoal } from "./cfg.ts";

export interface ProtocolGoal extends TrapGoal {
  /** The mutant (conformance/mutants/mutants.ts) the goal's trace is meant to kill. */
  readonly mutant: string;
  /** TLC shows the goal unreachable: the mutant's fault is unobservable in the spec (an equivalent mutant). */
  readonly unreachable?: boolean;
}

/** The trap model the goals are written for. */
export const GOALS_MODEL = "MCtrap";

export const PROTOCOL_GOALS: readonly ProtocolGoal[] = [
  {
    // WritePage put p1 PENDING and submitted the write op, which has not run WriteOp yet (a later WriteOp
    // run would have cleared PENDING_WRITE or moved the page on); INVALIDATE_OBJECT then drops the page.
    id: "InvalidatePendingWrite",
    predicate: [
      `lastAction.name = "InvalidateWrites"`,
      `"PENDING_WRITE" \\in object[lastAction.o].flags`,
      `\\E k \\in OpIds : op[k].kind = "WRITE" /\\ op[k].pc = "WriteOp"`,
    ].join(" /\\ "),
    mutant: "invalidate-leaves-pending-stores",
  },
  {
    // UpdateCookie raised UPDATE on an object in WAIT_FOR_CMD, whose dispatcher now selects UPDATE_OBJECT.
    id: "UpdateFromWaitForCmd",
    predicate: `lastAction.name = "DispatchSelect" /\\ object[lastAction.o].disp = "UPDATE_OBJECT"`,
    mutant: "wait-for-cmd-update-to-invalidate",
  },
  {
    // OBJECT_AVAILABLE about to run with ops queued on the object. Unreachable: ops are only submitted once
    // IS_LOOKED_UP is set, and LookupObject sets IS_AVAILABLE in the same step, so a submit during lookup
    // runs the op at once (n_exclusive is 0 until the first INVALIDATE_OBJECT, which comes later).
    id: "AvailableWithPendingOps",
    predicate: `\\E o \\in Objects : object[o].disp = "OBJECT_AVAILABLE" /\\ object[o].pending # << >>`,
    mutant: "object-available-skips-ops",
    unreachable: true,
  },
];
