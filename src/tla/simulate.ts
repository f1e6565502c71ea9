// Reads the behaviour files TLC 2.18 writes with `-simulate num=N,file=PREFIX` (one file `PREFIX_<worker>_<n>`
// per behaviour, `STATE_k ==` blocks). Later TLCs add `\* <Action …>` comment lines, which are skipped.

import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Parsed } from "./parse-error.ts";
import { parseState, type TlaState } from "./values.ts";

/** One simulated behaviour: its states in order (2.18 records no action names). */
export interface SimulationTrace {
  /** The MODULE name in the file's header (TLC writes the file's path there). */
  readonly module: string;
  readonly states: readonly TlaState[];
}

const HEADER = /^-{4,}\s*MODULE\s+(.+?)\s*-{4,}\s*$/;
const STATE = /^STATE_(\d+)\s*==\s*$/;

/** Parses one simulation file. `file` only names the source in errors. */
export function parseSimulationTrace(text: string, file?: string): Parsed<SimulationTrace> {
  const lines = text.split(/\r?\n/);
  const where = (line: number) => (file === undefined ? { line } : { file, line });
  const fail = (line: number, expected: string, found: string): Parsed<SimulationTrace> => ({
    ok: false,
    error: { ...where(line), column: 1, expected, found },
  });
  const first = lines.findIndex((l) => l.trim() !== "");
  const header = HEADER.exec(lines[first] ?? "");
  if (!header) return fail(first + 1, "a `---- MODULE name ----` header", JSON.stringify(lines[first] ?? ""));
  const states: TlaState[] = [];
  let i = first + 1;
  while (i < lines.length) {
    const t = (lines[i] ?? "").trim();
    if (t === "" || t.startsWith("\\*")) {
      i += 1;
      continue;
    }
    if (/^={4,}$/.test(t)) return { ok: true, value: { module: header[1] as string, states } };
    const s = STATE.exec(t);
    if (!s) return fail(i + 1, "`STATE_k ==` or the closing `====`", JSON.stringify(t.slice(0, 40)));
    if (Number(s[1]) !== states.length + 1) return fail(i + 1, `STATE_${states.length + 1}`, `STATE_${s[1]}`);
    const start = i + 1;
    i = start;
    while (
      i < lines.length &&
      !STATE.test((lines[i] ?? "").trim()) &&
      !/^(={4,}|\\\*)/.test((lines[i] ?? "").trim())
    ) {
      i += 1;
    }
    const state = parseState(lines.slice(start, i).join("\n"), where(start + 1));
    if (!state.ok) return state;
    states.push(state.value);
  }
  return fail(lines.length, "the closing `====`", "end of file");
}

/** Reads every behaviour file written for `prefix`, ordered by worker then behaviour number. */
export async function readSimulationTraces(prefix: string): Promise<Parsed<SimulationTrace>[]> {
  const dir = dirname(prefix);
  const stem = basename(prefix);
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_(\\d+)_(\\d+)$`);
  const files = (await readdir(dir))
    .map((f) => ({ f, m: pattern.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]));
  return Promise.all(
    files.map(async ({ f }) => parseSimulationTrace(await readFile(join(dir, f), "utf8"), join(dir, f))),
  );
}
