// Reads the behaviour files TLC 2.18 writes with `-simulate num=N,file=PREFIX` (one file `PREFIX_<worker>_<n>`
// per behaviour, `STATE_k ==` blocks). Later TLCs add `\* <Action …>` comment lines, which are skipped.

import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { excerpt, type Parsed } from "./parse-error.ts";
import { parseState, type TlaState } from "./values.ts";

/** One simulated behaviour: its states in order (2.18 records no action names). */
export interface SimulationTrace {
  /** The MODULE name in the file's header (TLC writes the file's path there). */
  readonly module: string;
  readonly states: readonly TlaState[];
}

const STATE = /^STATE_(\d+)\s*==\s*$/;
const CLOSING = /^={4,}$/;

/**
 * The module name of a `---- MODULE name ----` header line, or undefined. The dash runs are counted by
 * hand: a regex with a name pattern before `-{4,}` backtracks quadratically on a long run of dashes.
 */
function headerName(line: string): string | undefined {
  const t = line.trim();
  let lead = 0;
  while (t.charAt(lead) === "-") lead += 1;
  let end = t.length;
  while (end > lead && t.charAt(end - 1) === "-") end -= 1;
  if (lead < 4 || t.length - end < 4) return undefined;
  return /^\s*MODULE\s+(\S(?:.*\S)?)\s*$/.exec(t.slice(lead, end))?.[1];
}

/** Parses one simulation file. `file` only names the source in errors. */
export function parseSimulationTrace(text: string, file?: string): Parsed<SimulationTrace> {
  const lines = text.split(/\r?\n/);
  const where = (line: number) => (file === undefined ? { line } : { file, line });
  const fail = (line: number, expected: string, found: string): Parsed<SimulationTrace> => ({
    ok: false,
    error: { ...where(line), column: 1, expected, found },
  });
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) return fail(1, "a `---- MODULE name ----` header", "an empty file");
  const module = headerName(lines[first] as string);
  if (module === undefined) {
    return fail(first + 1, "a `---- MODULE name ----` header", excerpt(lines[first] as string));
  }
  const states: TlaState[] = [];
  const isBoundary = (t: string): boolean => STATE.test(t) || CLOSING.test(t) || t.startsWith("\\*");
  let i = first + 1;
  while (i < lines.length) {
    const t = (lines[i] as string).trim();
    if (t === "" || t.startsWith("\\*")) {
      i += 1;
      continue;
    }
    if (CLOSING.test(t)) return { ok: true, value: { module, states } };
    const s = STATE.exec(t);
    if (!s) return fail(i + 1, "`STATE_k ==` or the closing `====`", excerpt(t));
    if (s[1] !== String(states.length + 1)) return fail(i + 1, `STATE_${states.length + 1}`, excerpt(t));
    const start = i + 1;
    i = start;
    while (i < lines.length && !isBoundary((lines[i] as string).trim())) i += 1;
    const block = lines.slice(start, i).join("\n");
    if (block.trim() === "") return fail(start, `the variables of STATE_${states.length + 1}`, "none");
    const state = parseState(block, where(start + 1));
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
