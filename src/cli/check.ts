// The `check` command: runs TLC on one model of spec/ in one design variant and summarises the result. The
// variant is set by appending `CONSTANT DESIGN = "<variant>"` (and, to leave one repair out, `CONSTANT Repairs
// <- Without_<finding>`) to a private copy of the model's cfg, so the checked-in cfg files stay variant-free and
// no file in spec/ is written.

import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { withTempDir } from "../tla/cleanup.ts";
import { runTlc, toJson, type TlcError, type TlcRun } from "../tla/index.ts";
import { formatRange } from "../tla/location.ts";
import { formatInterleaving, interleaving, type InterleavingStep, type JsonState } from "./interleaving.ts";
import {
  type Design,
  type Expectation,
  type Finding,
  type ModelEntry,
  repairLabel,
  SPEC_DIR,
} from "./models.ts";

/**
 * Which fairness a check assumes for temporal properties: `weak` is the spec's SpecWeakFair (one weak-fairness
 * condition on all process steps, implied by Spec's Fairness, so a pass under it is a pass for Spec), `full` the
 * model's own Spec, `auto` weak first and, on a liveness violation, full again: the counterexample reported is
 * then fair under Spec's Fairness.
 */
export type FairnessMode = "auto" | "weak" | "full";
export const FAIRNESS_MODES: readonly FairnessMode[] = ["auto", "weak", "full"];

export interface CheckOptions {
  readonly workers?: number | "auto";
  /** Default `auto`. */
  readonly fairness?: FairnessMode;
  readonly timeoutMs?: number;
  readonly seed?: number;
  /** Extra TLC arguments, e.g. `["-dump", ...]`. */
  readonly extraArgs?: readonly string[];
}

/** The machine-readable result of one check (what `--json` prints). */
export interface CheckReport {
  readonly model: string;
  readonly variant: Design;
  /** The finding whose repair was left out of POST_FIX_REPAIRED, if any. */
  readonly without?: Finding;
  /** The finding whose repair was added to POST_FIX or PRE_FIX, if any. */
  readonly with?: Finding;
  readonly outcome: TlcRun["outcome"];
  /** `pass`, `safety` (an invariant or action property) or `liveness` (a temporal property); absent on errors. */
  readonly verdict?: Expectation;
  readonly expected: Expectation;
  /** True when the outcome is what spec/models.json expects (property name included). */
  readonly asExpected: boolean;
  readonly property?: string;
  readonly stats: TlcRun["stats"];
  readonly wallMs: number;
  /** What TLC or SANY reported, each `file:line:column: message` when they said where. */
  readonly errors: readonly string[];
  /**
   * What spec/models.json records for this entry (distinct states, and depth where it records one), compared with
   * this run's when the run is deterministic (one worker, seed 0): `check --all` fails on a difference, which means
   * the spec or the model changed since the entry was measured.
   */
  readonly recorded?: { readonly distinct: number; readonly depth?: number; readonly asRecorded: boolean };
  /** The specification the reported run checked: SpecWeakFair (`weak`) or the model's Spec (`full`). */
  readonly fairness: "weak" | "full";
  /** With `auto`, when the weak-fairness run found a liveness violation: that run, re-checked under Spec. */
  readonly recheckedFrom?: { readonly wallMs: number; readonly distinct?: number };
  readonly counterexample?: readonly InterleavingStep[];
  /** For liveness counterexamples: the state the lasso loops back to, or stuttering. */
  readonly loop?: string;
  readonly command: string;
}

/** The SPECIFICATION line of a model's cfg, which weak fairness replaces. */
const SPECIFICATION_SPEC = /^SPECIFICATION\s+Spec\s*$/m;

/**
 * Runs `once` under the fairness `mode` asks for (see FairnessMode); `weakOk` is false when the model's cfg
 * does not check Spec, and then only `full` applies.
 */
export async function withFairness(
  mode: FairnessMode,
  weakOk: boolean,
  once: (weak: boolean) => Promise<TlcRun>,
): Promise<{ run: TlcRun; fairness: "weak" | "full"; weakRun?: TlcRun }> {
  if (mode === "full" || !weakOk) return { run: await once(false), fairness: "full" };
  const weak = await once(true);
  // A safety verdict or a pass carries over to Spec; a liveness counterexample may starve a process that
  // Spec's Fairness would have run, so it is looked for again under that fairness.
  if (mode === "weak" || verdictOf(weak) !== "liveness") return { run: weak, fairness: "weak" };
  return { run: await once(false), fairness: "full", weakRun: weak };
}

/**
 * Writes the variant's cfg into a private directory, runs TLC on it, and always removes the directory. Temporal
 * properties are checked once the state space is explored (`-lncheck final`), so the verdict and the state count
 * do not depend on timing: a safety violation, found during the search, always wins.
 */
export async function checkModel(entry: ModelEntry, options: CheckOptions = {}): Promise<CheckReport> {
  return withTempDir("fscache-check-", async (dir) => {
    const cfgText = await readFile(join(SPEC_DIR, entry.cfg), "utf8");
    const cfg = join(dir, basename(entry.cfg));
    const without = entry.without === undefined ? "" : `CONSTANT Repairs <- Without_${entry.without}\n`;
    const added = entry.with === undefined ? "" : `CONSTANT OtherRepairs <- With_${entry.with}\n`;
    const once = async (weak: boolean): Promise<TlcRun> => {
      const text = weak ? cfgText.replace(SPECIFICATION_SPEC, "SPECIFICATION SpecWeakFair") : cfgText;
      await writeFile(
        cfg,
        `${text.replace(/\s*$/, "\n")}CONSTANT DESIGN = "${entry.variant}"\n${without}${added}`,
      );
      return runTlc({
        // Relative to cwd: TLC 2.18 given an absolute module path resolves `-config` against the module's
        // directory and then cannot find an absolute cfg path.
        spec: entry.module,
        config: cfg,
        cwd: SPEC_DIR,
        workers: options.workers ?? 1,
        seed: options.seed ?? 0,
        liveness: "final",
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }),
      });
    };
    const r = await withFairness(options.fairness ?? "auto", SPECIFICATION_SPEC.test(cfgText), once);
    const deterministic = (options.workers ?? 1) === 1 && (options.seed ?? 0) === 0;
    return report(entry, r.run, r.fairness, r.weakRun, deterministic);
  });
}

function report(
  entry: ModelEntry,
  run: TlcRun,
  fairness: "weak" | "full",
  weakRun: TlcRun | undefined,
  deterministic: boolean,
): CheckReport {
  const property = run.violation?.name;
  const states = run.trace?.states.map((s) => toJsonState(s.state)) ?? [];
  const names =
    run.trace?.states.map((s) => (s.action === "Initial predicate" ? "Init" : s.action.name)) ?? [];
  const loop = run.trace?.loop;
  const verdict = verdictOf(run);
  const asExpected =
    verdict === entry.expect && (verdict !== "safety" || !entry.property || entry.property === property);
  return {
    model: entry.model,
    variant: entry.variant,
    ...(entry.without === undefined ? {} : { without: entry.without }),
    ...(entry.with === undefined ? {} : { with: entry.with }),
    outcome: run.outcome,
    ...(verdict === undefined ? {} : { verdict }),
    expected: entry.expect,
    asExpected,
    ...(property === undefined ? {} : { property }),
    stats: run.stats,
    ...recordedOf(entry, run, deterministic),
    wallMs: Math.round(run.wallMs + (weakRun?.wallMs ?? 0)),
    errors: run.errors.map(describeTlcError),
    fairness,
    ...(weakRun === undefined
      ? {}
      : {
          recheckedFrom: {
            wallMs: Math.round(weakRun.wallMs),
            ...(weakRun.stats.distinct === undefined ? {} : { distinct: weakRun.stats.distinct }),
          },
        }),
    ...(states.length === 0 ? {} : { counterexample: interleaving(states, names) }),
    ...(loop === undefined
      ? {}
      : { loop: loop.kind === "stuttering" ? "stuttering" : `back to state ${loop.index}` }),
    command: run.command.join(" "),
  };
}

/**
 * What TLC's answer means for the manifest: TLC 2.18 exits 13 for action properties (`[][A]_v`), which are
 * safety properties, so the kind of violation decides, not the exit code.
 */
export function verdictOf(run: Pick<TlcRun, "outcome" | "violation">): Expectation | undefined {
  if (run.outcome === "success") return "pass";
  const kind = run.violation?.kind;
  if (kind === "invariant" || kind === "action-property") return "safety";
  if (kind === "temporal") return "liveness";
  return undefined;
}

function toJsonState(state: Readonly<Record<string, Parameters<typeof toJson>[0]>>): JsonState {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, toJson(v)]));
}

/** One line for an error TLC or SANY reported: `file:line:column: message` when it said where. */
export function describeTlcError(e: TlcError): string {
  return e.location === undefined ? e.message : `${formatRange(e.location)}: ${e.message}`;
}

/** What each outcome means, in the words `check` and `spec-mutants` print. */
export const VERDICT: Readonly<Record<TlcRun["outcome"], string>> = {
  success: "no property violated",
  safety: "invariant violated",
  liveness: "temporal property violated",
  deadlock: "deadlock reached",
  assert: "assertion failed",
  assumption: "assumption false",
  "parse-error": "the spec does not parse",
  "config-error": "the model configuration is invalid",
  "eval-error": "TLC could not evaluate the spec",
  timeout: "timed out",
  killed: "TLC was killed",
  crashed: "TLC crashed",
};

/**
 * The entry's recorded counts beside this run's; none when nothing is recorded, or the run did not finish its
 * search (a timeout's last progress report counts only the states found so far).
 */
export function recordedOf(
  entry: ModelEntry,
  run: Pick<TlcRun, "outcome" | "stats">,
  deterministic: boolean,
): Pick<CheckReport, "recorded"> {
  if (!deterministic || entry.distinct === undefined || run.stats.distinct === undefined) return {};
  if (exitCodeOf(run) === 2) return {};
  const asRecorded =
    run.stats.distinct === entry.distinct && (entry.depth === undefined || run.stats.depth === entry.depth);
  return {
    recorded: {
      distinct: entry.distinct,
      ...(entry.depth === undefined ? {} : { depth: entry.depth }),
      asRecorded,
    },
  };
}

/** The readable summary `check` prints. */
export function formatReport(r: CheckReport): string {
  const s = r.stats;
  // When TLC could not check the model, what it did not count and what was expected only hide the errors.
  const checked = exitCodeOf(r) !== 2;
  const lines = [
    `model ${r.model}, design ${r.variant}${repairLabel(r)}: ${VERDICT[r.outcome]}${r.property === undefined ? "" : ` (${r.property})`}`,
    ...(checked || s.distinct !== undefined
      ? [
          `  distinct states ${fmt(s.distinct)}, generated ${fmt(s.generated)}, depth ${fmt(s.depth)}, ` +
            `TLC ${fmt(s.durationMs)} ms, wall ${r.wallMs} ms`,
          r.recheckedFrom === undefined
            ? `  fairness: ${r.fairness === "weak" ? "SpecWeakFair (a pass holds for Spec)" : "Spec"}`
            : `  fairness: a liveness violation under SpecWeakFair (${r.recheckedFrom.wallMs} ms), re-checked under Spec`,
        ]
      : []),
    ...(checked
      ? [`  expected: ${r.expected}${r.asExpected ? " (as expected)" : " (NOT as expected)"}`]
      : []),
    ...(r.recorded !== undefined && !r.recorded.asRecorded
      ? [
          `  recorded in spec/models.json: distinct states ${fmt(r.recorded.distinct)}` +
            `${r.recorded.depth === undefined ? "" : `, depth ${fmt(r.recorded.depth)}`} (NOT as recorded)`,
        ]
      : []),
    ...r.errors.map((e) => `  error: ${e}`),
  ];
  if (r.counterexample !== undefined) {
    lines.push(
      `  counterexample (${r.counterexample.length} states${r.loop === undefined ? "" : `, ${r.loop}`}):`,
    );
    lines.push(formatInterleaving(r.counterexample));
  }
  return lines.join("\n");
}

function fmt(n: number | undefined): string {
  return n === undefined ? "?" : n.toLocaleString("en-US");
}

/** The exit code of `check`: 0 no violation, 1 a property violated, 2 the check itself could not run. */
export function exitCodeOf(r: Pick<CheckReport, "outcome">): number {
  if (r.outcome === "success") return 0;
  if (["safety", "liveness", "deadlock", "assert"].includes(r.outcome)) return 1;
  return 2;
}
