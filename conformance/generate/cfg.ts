// Model configs for the runs the harness makes: the model's own cfg with some sections removed (VIEW for
// graph dumps, since lastAction must stay in the fingerprint; invariants and properties, which would stop
// the dump), and wrapper modules that add a trap invariant to a model.

import { constantsAssume } from "../mapping/model.ts";

/** Config section keywords of TLC 2.18 (ModelConfig). */
const KEYWORDS = [
  "CONSTANTS",
  "CONSTANT",
  "INIT",
  "NEXT",
  "SPECIFICATION",
  "INVARIANTS",
  "INVARIANT",
  "PROPERTIES",
  "PROPERTY",
  "CONSTRAINTS",
  "CONSTRAINT",
  "ACTION_CONSTRAINTS",
  "ACTION_CONSTRAINT",
  "SYMMETRY",
  "VIEW",
  "CHECK_DEADLOCK",
  "TYPE_CONSTRAINT",
  "TYPE",
  "ALIAS",
  "POSTCONDITION",
] as const;

type Keyword = (typeof KEYWORDS)[number];

const KEYWORD_RE = new RegExp(`^\\s*(${KEYWORDS.join("|")})\\b`);

/** Canonical section name: singular and plural forms are one section. */
function sectionOf(k: Keyword): string {
  return k.replace(/S$/, "").replace("PROPERTIE", "PROPERTY");
}

/** The cfg text without the given sections (by singular name, e.g. `VIEW`, `INVARIANT`, `PROPERTY`). */
export function dropSections(cfg: string, drop: readonly string[]): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of cfg.split("\n")) {
    const m = KEYWORD_RE.exec(line.replace(/\\\*.*$/, ""));
    if (m) skipping = drop.includes(sectionOf(m[1] as Keyword));
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}

/** The cfg for a full state-graph dump: no VIEW (lastAction must distinguish states), no checks, no symmetry. */
export function graphDumpCfg(cfg: string): string {
  return dropSections(cfg, ["VIEW", "INVARIANT", "PROPERTY", "SYMMETRY"]);
}

/** The cfg for a simulation run: invariants kept (a violation ends the run with a counterexample), no VIEW. */
export function simulateCfg(cfg: string): string {
  return dropSections(cfg, ["VIEW", "PROPERTY", "SYMMETRY"]);
}

/** A trap run: the model's cfg with its checks replaced by the trap module's one invariant, no VIEW. */
export function trapCfg(cfg: string): string {
  return `${dropSections(cfg, ["VIEW", "INVARIANT", "PROPERTY", "SYMMETRY"]).trimEnd()}\nINVARIANT TrapGoals\n`;
}

/** What the trap invariant prints, with the goal's number, for each goal a state newly reaches. */
export const TRAP_HIT = "FSCACHE_TRAP_HIT";

/** A goal: a state predicate over the model's variables that some behaviour should reach. */
export interface TrapGoal {
  /** A short id, used in trace ids and module names (letters, digits, underscore). */
  readonly id: string;
  /** The TLA+ predicate, e.g. `lastAction.name = "RelinquishWait"`. */
  readonly predicate: string;
}

/** One goal per action: "an action X has fired". */
export function actionGoals(actions: readonly string[]): TrapGoal[] {
  return actions.map((a) => ({ id: a, predicate: `${"lastAction"}.name = "${a}"` }));
}

/**
 * A module extending `model` whose invariant `TrapGoals` fails at each state that reaches a goal not reached
 * before, printing those goals' numbers (1-based, in `goals` order): run with `-continue` and one worker,
 * TLC's breadth-first search then reports one shortest behaviour per reachable goal, the same one a run per
 * goal would (the search order does not depend on the invariants, and a state reaching several goals
 * reports them all). TLC register i records that goal i was reached; once all are, `TLCSet("exit", TRUE)`
 * ends the search where it is.
 */
export function trapModule(
  name: string,
  model: string,
  goals: readonly TrapGoal[],
  printConstants = false,
): string {
  const n = goals.length;
  const cases = goals.map((g, i) => `trapI = ${i + 1} -> (${g.predicate})`).join("\n    [] ");
  return [
    `---- MODULE ${name} ----`,
    `EXTENDS ${model}, TLC`,
    // The model's constants, printed by the same run (trace headers need them), when not known yet.
    ...(printConstants ? [constantsAssume()] : []),
    `ASSUME \\A trapI \\in 1..${n} : TLCSet(trapI, FALSE)`,
    `TrapGoal(trapI) ==`,
    `    CASE ${cases}`,
    `TrapGoals ==`,
    `    LET reached == {trapI \\in 1..${n} : ~TLCGet(trapI) /\\ TrapGoal(trapI)}`,
    `    IN \\/ reached = {}`,
    `       \\/ /\\ \\A trapI \\in reached : TLCSet(trapI, TRUE) /\\ PrintT(<<"${TRAP_HIT}", trapI>>)`,
    `          /\\ (\\A trapI \\in 1..${n} : TLCGet(trapI)) => TLCSet("exit", TRUE)`,
    `          /\\ FALSE`,
    "====",
    "",
  ].join("\n");
}
