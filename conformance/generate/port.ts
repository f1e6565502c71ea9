// What trace generation needs from TLC, as a small interface: dump a model's state graph, simulate it,
// check it for a counterexample. tlcPort.ts implements it with src/tla; tests can stub it.

import type { ConformanceError } from "../errors.ts";
import type { StateGraph } from "../graph/graph.ts";
import type { SpecState } from "../trace/format.ts";

/** A model to run: a directory holding the module (and everything it extends), the module, its cfg text. */
export interface ModelRun {
  readonly dir: string;
  readonly module: string;
  readonly cfg: string;
  /** Wall-clock limit in ms. */
  readonly timeoutMs?: number;
}

export interface CheckOutcome {
  /** The run finished without a violation. */
  readonly ok: boolean;
  /** What was violated (invariant name, deadlock, …), when not ok. */
  readonly violation?: string;
  /** The counterexample's states, in order, when TLC printed one. */
  readonly trace?: SpecState[];
  /** TLC's distinct state count, when reported. */
  readonly distinct?: number;
  /** A description of a TLC failure (not a violation): parse error, crash, timeout. */
  readonly failure?: string;
}

/** A trap run of several goals (cfg.ts trapModule): the behaviour reaching each goal that was reached. */
export interface GoalsOutcome {
  /** By goal number (1-based, the goals' order): the states of a shortest behaviour reaching it. */
  readonly reached: ReadonlyMap<number, SpecState[]>;
  readonly distinct?: number;
  /** A description of a TLC failure: parse error, crash, timeout, a trace that cannot be read. */
  readonly failure?: string;
  /** The model's constants, when the trap module printed them (cfg.ts trapModule's printConstants). */
  readonly constants?: Record<string, unknown>;
}

export interface TlcPort {
  /** `-dump dot,actionlabels`: the full state graph; throws ConformanceError (TLC_FAILED, TLC_DUMP). */
  dumpGraph(run: ModelRun): Promise<StateGraph<SpecState>>;
  /** `-simulate num=N,file=…`: N behaviours of at most `depth` states; a malformed file is an error. */
  simulate(
    run: ModelRun,
    opts: { num: number; depth: number; seed: number },
  ): Promise<{ behaviours: SpecState[][]; errors: ConformanceError[] }>;
  /**
   * Evaluates the model's constants: `run.module` must print `<<"FSCACHE_CONSTANTS", record>>` with PrintT
   * in an ASSUME; returns the record.
   */
  printedConstants(run: ModelRun): Promise<Record<string, unknown>>;
  /** Breadth-first model checking. */
  check(run: ModelRun): Promise<CheckOutcome>;
  /** Breadth-first model checking with `-continue` of a trap module: every goal's first hit. */
  reachGoals(run: ModelRun): Promise<GoalsOutcome>;
}
