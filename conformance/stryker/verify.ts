// Re-checks surviving mutants of a StrykerJS report without Stryker: each one is applied by hand (the report's
// replacement spliced into the report's copy of the file) in a temporary copy of src/, and the cached traces
// of conformance/stryker/traces.ts are replayed against it as replay-cached.test.ts does (stop at the first
// divergence). A survivor that this replay kills was a false survivor of the runner.
//
//   npx tsx conformance/stryker/verify.ts [reports/mutation/conformance.json] [--sample N] [--ids 12,34]
//
// --sample N picks N survivors spread evenly over the report (default 20); --ids names mutants by id.

import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { conform, firstFailure } from "../conform.ts";
import { fsCacheAdapter, loadImplementation } from "../mapping/adapter.ts";
import type { MutationReport, Position, ReportMutant } from "./score.ts";
import { ensureStrykerTraces, repoRoot } from "./traces.ts";

/** The offset of a report position (line and column both 1-based) in `text`. */
function offset(text: string, p: Position): number {
  let at = 0;
  for (let line = 1; line < p.line; line++) at = text.indexOf("\n", at) + 1;
  return at + p.column - 1;
}

/** The file's source with the mutant applied. */
export function applyMutant(source: string, m: ReportMutant): string {
  const from = offset(source, m.location.start);
  const to = offset(source, m.location.end);
  return source.slice(0, from) + (m.replacement ?? "") + source.slice(to);
}

export interface Verdict {
  readonly file: string;
  readonly mutant: ReportMutant;
  /** The first divergence (trace and step), or null when the replay conforms: the mutant survives. */
  readonly killedBy: string | null;
}

export async function verify(report: MutationReport, ids: readonly string[]): Promise<Verdict[]> {
  const files = await ensureStrykerTraces();
  const verdicts: Verdict[] = [];
  for (const [file, entry] of Object.entries(report.files)) {
    for (const m of entry.mutants.filter((x) => ids.includes(x.id))) {
      const root = mkdtempSync(join(tmpdir(), "fscache-verify-"));
      try {
        cpSync(join(repoRoot(), "src"), join(root, "src"), { recursive: true });
        symlinkSync(join(repoRoot(), "node_modules"), join(root, "node_modules"));
        // Every file as the report saw it, then this mutant in its own file.
        for (const [f, e] of Object.entries(report.files)) writeFileSync(join(root, f), e.source);
        writeFileSync(join(root, file), applyMutant(entry.source, m));
        const adapter = fsCacheAdapter(await loadImplementation(join(root, "src")));
        const r = await conform(
          adapter,
          files.map((f) => ({ name: f, file: f })),
          { checkEnabled: true, stopAtFirstFailure: true, replayCommand: () => "" },
        );
        const f = firstFailure(r);
        const errors = r.sets.flatMap((s) => s.errors).map((e) => e.message);
        const killedBy = f
          ? `${f.trace} step ${f.step}: ${f.message.split("\n")[0] ?? ""}`
          : (errors[0] ?? (r.ok ? null : "not ok"));
        verdicts.push({ file, mutant: m, killedBy });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  }
  return verdicts;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const values = new Set([opt("--sample"), opt("--ids")]);
  const reportFile =
    args.find((a) => !a.startsWith("--") && !values.has(a)) ?? "reports/mutation/conformance.json";
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as MutationReport;
  const survivors = Object.values(report.files).flatMap((e) =>
    e.mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage"),
  );
  const n = Number(opt("--sample") ?? "20");
  const ids =
    opt("--ids")?.split(",") ??
    Array.from({ length: Math.min(n, survivors.length) }, (_, i) =>
      String(survivors[Math.floor((i * survivors.length) / Math.min(n, survivors.length))]?.id),
    );
  let killed = 0;
  for (const v of await verify(report, ids)) {
    const at = `${v.file}:${v.mutant.location.start.line}:${v.mutant.location.start.column}`;
    const what = `${v.mutant.mutatorName} → ${(v.mutant.replacement ?? "").replace(/\s+/g, " ").slice(0, 60)}`;
    if (v.killedBy) killed++;
    console.log(
      `${v.killedBy ? "KILLED  " : "SURVIVES"} #${v.mutant.id} ${at} ${what}${v.killedBy ? `  (${v.killedBy})` : ""}`,
    );
  }
  console.log(`${killed} of ${ids.length} rechecked mutants killed by the hand-applied replay`);
}
