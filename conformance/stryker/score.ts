// The per-file table of a StrykerJS JSON report (mutation-testing-report-schema), as Markdown: mutants,
// killed, timed out, survived, no coverage, errors (compile or runtime), ignored, argued equivalent
// (equivalent.json), and the score (killed + timeout) / (mutants - ignored - equivalent). With --survivors,
// also the survivors left (not argued equivalent) by file and mutator, and each of them (file:line:column,
// mutator, replacement).
//
//   npx tsx conformance/stryker/score.ts [reports/mutation/conformance.json] [--survivors] [--run=full|conformance]
//
// The run (which equivalent.json entries apply: those scoped `conformance` only to the conformance-only run)
// is --run, else `full` for a file named full.json (the whole-suite run), else `conformance`.

import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import {
  type Equivalent,
  equivalentKey,
  equivalentsFor,
  mutantKey,
  type MutationRun,
  readEquivalents,
} from "./equivalent.ts";
import { repoRoot } from "./traces.ts";

/** Stryker's statuses, and `Equivalent`: a survivor argued equivalent in equivalent.json (applyEquivalents). */
export type MutantStatus =
  | "Killed"
  | "Survived"
  | "NoCoverage"
  | "Timeout"
  | "CompileError"
  | "RuntimeError"
  | "Ignored"
  | "Pending"
  | "Equivalent";

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: MutantStatus;
  readonly location: { readonly start: Position; readonly end: Position };
}

/** A position in a report: line and column, both 1-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface MutationReport {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>;
}

/** The report with every survivor that an entry of equivalent.json names marked `Equivalent`. */
export function applyEquivalents(report: MutationReport, entries: readonly Equivalent[]): MutationReport {
  const keys = new Set(entries.map((e) => equivalentKey(e.file, e.code, e.mutator, e.replacement)));
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, f]) => [
      file,
      {
        ...f,
        mutants: f.mutants.map((m) =>
          (m.status === "Survived" || m.status === "NoCoverage") && keys.has(mutantKey(file, f.source, m))
            ? { ...m, status: "Equivalent" as const }
            : m,
        ),
      },
    ]),
  );
  return { files };
}

export interface FileScore {
  readonly file: string;
  readonly mutants: number;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly errors: number;
  readonly ignored: number;
  readonly equivalent: number;
  /** (killed + timeout) / (mutants - ignored - equivalent), in percent; null when none is left. */
  readonly score: number | null;
}

function count(file: string, ms: readonly ReportMutant[]): FileScore {
  const n = (...s: MutantStatus[]): number => ms.filter((m) => s.includes(m.status)).length;
  const killed = n("Killed");
  const timeout = n("Timeout");
  const ignored = n("Ignored");
  const equivalent = n("Equivalent");
  const valid = ms.length - ignored - equivalent;
  return {
    file,
    mutants: ms.length,
    killed,
    timeout,
    survived: n("Survived"),
    noCoverage: n("NoCoverage"),
    errors: n("CompileError", "RuntimeError"),
    ignored,
    equivalent,
    score: valid === 0 ? null : (100 * (killed + timeout)) / valid,
  };
}

/** One row per file (in the report's order, by path), then the row `all`. */
export function scores(report: MutationReport): FileScore[] {
  const files = Object.keys(report.files).sort();
  const rows = files.map((f) => count(f, report.files[f]?.mutants ?? []));
  return [
    ...rows,
    count(
      "all",
      files.flatMap((f) => report.files[f]?.mutants ?? []),
    ),
  ];
}

/** A Markdown table; the first `text` columns are left-aligned, the others (numbers) right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], text = 1): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, i) => (i < text ? "---" : "---:"));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

export function scoreTable(report: MutationReport): string {
  const header = [
    "file",
    "mutants",
    "killed",
    "timeout",
    "survived",
    "no coverage",
    "errors",
    "ignored",
    "equivalent",
    "score",
  ];
  return table(
    header,
    scores(report).map((r) => {
      const name = r.file === "all" ? "**all**" : `\`${r.file}\``;
      const score = r.score === null ? "–" : `${r.score.toFixed(2)}%`;
      const cells = [
        r.mutants,
        r.killed,
        r.timeout,
        r.survived,
        r.noCoverage,
        r.errors,
        r.ignored,
        r.equivalent,
      ];
      return [name, ...cells.map(String), r.file === "all" ? `**${score}**` : score];
    }),
  );
}

/** Inline code, also for text with backticks (a longer fence, padded). */
function code(s: string): string {
  return s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``;
}

/** The undetected mutants (Survived, NoCoverage), by file and mutator, then one line each. */
export function survivorsReport(report: MutationReport): string {
  const out: string[] = [];
  const byKey = new Map<string, number>();
  const lines: string[] = [];
  for (const file of Object.keys(report.files).sort()) {
    const ms = (report.files[file]?.mutants ?? []).filter(
      (m) => m.status === "Survived" || m.status === "NoCoverage",
    );
    for (const m of [...ms].sort((a, b) => a.location.start.line - b.location.start.line)) {
      const key = `${file}\t${m.mutatorName}`;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
      const repl = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 100);
      const status = m.status === "NoCoverage" ? " (no coverage)" : "";
      lines.push(`- \`${at}\` ${m.mutatorName}${status}: ${code(repl)}`);
    }
  }
  out.push(
    table(
      ["file", "mutator", "survivors"],
      // By file, then the most frequent mutator first.
      [...byKey]
        .sort(([a, n], [b, m]) => (a.split("\t")[0] ?? "").localeCompare(b.split("\t")[0] ?? "") || m - n)
        .map(([k, n]) => {
          const [file = "", mutator = ""] = k.split("\t");
          return [`\`${file}\``, mutator, String(n)];
        }),
      2,
    ),
  );
  out.push("", ...lines);
  return out.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--")) ?? "reports/mutation/conformance.json";
  const raw = JSON.parse(readFileSync(file, "utf8")) as MutationReport;
  // Which run the report is of: --run, else its file name (the whole-suite run writes full.json).
  const runArg = args.find((a) => a.startsWith("--run="))?.slice("--run=".length);
  const run: MutationRun =
    runArg === "full" || (runArg === undefined && basename(file) === "full.json") ? "full" : "conformance";
  const report = applyEquivalents(raw, equivalentsFor(readEquivalents(repoRoot()), run));
  console.log(`${file}: the ${run === "full" ? "whole-suite" : "conformance-only"} run`);
  console.log(scoreTable(report));
  if (args.includes("--survivors")) console.log(`\n${survivorsReport(report)}`);
}
