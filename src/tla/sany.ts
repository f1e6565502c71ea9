// Reads SANY's plain-text reports (from `tla2sany.SANY` or the unframed part of TLC's output): the files it
// parsed, `***Parse Error***` blocks and `*** Errors: N` semantic blocks, each with its location. SANY 2.18's
// exit code is 255 for parse errors but 0 for semantic errors, so these texts are what decides.

import { basename } from "node:path";
import { findRange, type SourceRange } from "./location.ts";

/** One error SANY reported. */
export interface SanyError {
  readonly kind: "parse" | "semantic" | "abort";
  /** The message, e.g. `Unknown operator: \`y'.` or `Was expecting "Expression or Instance" …`. */
  readonly message: string;
  readonly location?: SourceRange;
}

/** What SANY said: the files it parsed, in order, and its errors (none = the modules are well formed). */
export interface SanyReport {
  readonly files: readonly string[];
  readonly errors: readonly SanyError[];
}

/** Reads SANY's report out of its output lines (framed TLC messages already removed). */
export function readSanyReport(lines: readonly string[]): SanyReport {
  const files: string[] = [];
  const errors: SanyError[] = [];
  const withFile = (r: SourceRange | undefined, module?: string): SourceRange | undefined => {
    if (r === undefined) return undefined;
    const name = r.module ?? module;
    const file = files.find((f) => name !== undefined && basename(f, ".tla") === name) ?? files.at(-1);
    const named = name === undefined ? r : { ...r, module: name };
    return file === undefined ? named : { ...named, file };
  };
  let i = 0;
  const at = (k: number): string => lines[k] ?? "";
  while (i < lines.length) {
    const line = at(i);
    const parsing = /^Parsing file (.+)$/.exec(line);
    if (parsing) files.push((parsing[1] as string).trim());
    if (line.startsWith("***Parse Error***") || /^Lexical error/.test(line)) {
      const block: string[] = line.startsWith("***") ? [] : [line];
      i += 1;
      while (i < lines.length && at(i).trim() !== "" && !at(i).startsWith("Residual stack"))
        block.push(at(i++));
      const message = block.map((l) => l.trim()).join(" ");
      const module = files.length > 0 ? basename(files.at(-1) as string, ".tla") : undefined;
      const location = withFile(findRange(message), module);
      errors.push(location === undefined ? { kind: "parse", message } : { kind: "parse", message, location });
      continue;
    }
    if (/^\*\*\* Errors: \d+/.test(line)) {
      i = readSemanticBlock(lines, i + 1, (message, range) => {
        const location = withFile(range);
        errors.push(
          location === undefined ? { kind: "semantic", message } : { kind: "semantic", message, location },
        );
      });
      continue;
    }
    i += 1;
  }
  if (errors.length === 0) {
    const abort = lines.find((l) => /^Could not (parse|find)|^Cannot find source file/.test(l));
    if (abort !== undefined) errors.push({ kind: "abort", message: abort.trim() });
  }
  return { files, errors };
}

/** `line … of module M` then message lines, separated by blank lines, until a line SANY prints otherwise. */
function readSemanticBlock(
  lines: readonly string[],
  from: number,
  emit: (message: string, range: SourceRange | undefined) => void,
): number {
  let i = from;
  const at = (k: number): string => lines[k] ?? "";
  for (;;) {
    while (i < lines.length && at(i).trim() === "") i += 1;
    const range = findRange(at(i));
    if (i >= lines.length || range === undefined || !/^\s*line \d+, col/.test(at(i))) return i;
    i += 1;
    while (i < lines.length && at(i).trim() === "") i += 1;
    const message: string[] = [];
    while (i < lines.length && at(i).trim() !== "") message.push(at(i++).trim());
    emit(message.join(" "), range);
  }
}
