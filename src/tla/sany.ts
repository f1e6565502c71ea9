// Reads SANY's plain-text reports (from `tla2sany.SANY` or the unframed part of TLC's output): the files it
// parsed, `***Parse Error***` blocks and `*** Errors: N` semantic blocks, each with its file and location.
// SANY 2.18's exit code is 255 for parse errors but 0 for semantic errors, so these texts are what decides.

import { basename } from "node:path";
import { findRange, type SourceRange } from "./location.ts";

/** One error SANY reported. */
export interface SanyError {
  readonly kind: "parse" | "semantic" | "abort";
  /** The message, e.g. `Unknown operator: \`y'.` or `Was expecting "Expression or Instance" …`. */
  readonly message: string;
  /**
   * The file of the module the error is in: the module its location names, else the module SANY was reading
   * (for errors SANY prints at `Unknown location`). Absent only when SANY had not read any file yet.
   */
  readonly file?: string;
  /** Where in that file, when SANY printed a place (its `file` is the same file). */
  readonly location?: SourceRange;
}

/** What SANY said: the files it parsed, in order, and its errors (none = the modules are well formed). */
export interface SanyReport {
  readonly files: readonly string[];
  readonly errors: readonly SanyError[];
}

/** The heading of one of SANY's error lists, and what its entries are (warnings are not errors). */
const LIST = /^\*\*\* (Errors|Abort messages|Warnings): \d+/;
const LIST_KIND: Readonly<Record<string, SanyError["kind"] | undefined>> = {
  Errors: "semantic",
  "Abort messages": "abort",
  Warnings: undefined,
};
/** How SANY prints an entry's location: a range, a module without a place, or no place at all. */
const ENTRY_LOCATION =
  /^(?:line \d+, col \d+ to line \d+, col \d+ of module \w+|In module (\w+)|Unknown location)\s*$/;
/** Failures SANY reports outside any list (the root file missing, with the standalone SANY). */
const STRAY_ABORT = /^(?:Cannot find the specified file|Could not (?:parse|find)|Cannot find source file)/;

/** Reads SANY's report out of its output lines (framed TLC messages already removed). */
export function readSanyReport(lines: readonly string[]): SanyReport {
  const files: string[] = [];
  /** Each module's file: the first file SANY parsed with that name. */
  const moduleFiles = new Map<string, string>();
  const found: SanyError[] = [];
  /** The module SANY was reading or checking when it printed the current line. */
  let current: string | undefined;
  const fileOf = (module: string | undefined): string | undefined =>
    (module === undefined ? undefined : moduleFiles.get(module)) ??
    (current === undefined ? undefined : moduleFiles.get(current)) ??
    files[0];
  const add = (
    kind: SanyError["kind"],
    message: string,
    range: SourceRange | undefined,
    module?: string,
  ): void => {
    const name = range?.module ?? module ?? current;
    const file = fileOf(name);
    const where = file === undefined ? {} : { file };
    if (range === undefined) {
      found.push({ kind, message, ...where });
      return;
    }
    const location = { ...range, ...(name === undefined ? {} : { module: name }), ...where };
    found.push({ kind, message, ...where, location });
  };
  const at = (k: number): string => lines[k] ?? "";
  let i = 0;
  while (i < lines.length) {
    const line = at(i);
    const parsing = /^Parsing file (.+)$/.exec(line);
    const processing = /^Semantic processing of module (\w+)/.exec(line);
    if (parsing) {
      const file = (parsing[1] as string).trim();
      files.push(file);
      current = basename(file, ".tla");
      if (!moduleFiles.has(current)) moduleFiles.set(current, file);
    } else if (processing) {
      current = processing[1];
    }
    if (line.startsWith("***Parse Error***") || line.startsWith("Lexical error")) {
      const block: string[] = line.startsWith("***") ? [] : [line];
      i += 1;
      while (i < lines.length && at(i).trim() !== "" && !at(i).startsWith("Residual stack")) {
        block.push(at(i++));
      }
      const message = block.map((l) => l.trim()).join(" ");
      add("parse", message, findRange(message));
      continue;
    }
    const list = LIST.exec(line);
    if (list) {
      const kind = LIST_KIND[list[1] as string];
      i = readEntries(lines, i + 1, (location, message) => {
        if (kind === undefined) return;
        const named = /^In module (\w+)|of module (\w+)$/.exec(location);
        const module = named?.[1] ?? named?.[2];
        if (named?.[1] !== undefined) current = named[1];
        add(kind, message, findRange(location), module);
      });
      continue;
    }
    i += 1;
  }
  // An abort after a parse or semantic error only says that the module could not be read on.
  const real = found.filter((e) => e.kind !== "abort");
  const errors = dedupe(real.length > 0 ? real : found);
  if (errors.length === 0) {
    const stray = lines.find((l) => STRAY_ABORT.test(l));
    if (stray !== undefined) {
      const file = fileOf(current);
      errors.push({ kind: "abort", message: stray.trim(), ...(file === undefined ? {} : { file }) });
    }
  }
  return { files, errors };
}

/** SANY reprints its whole error list after each module it checks: the same error counts once. */
function dedupe(errors: readonly SanyError[]): SanyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const l = e.location;
    const key = JSON.stringify([e.kind, e.message, e.file, l?.line, l?.column, l?.endLine, l?.endColumn]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The entries of one list from line `from`: each is a location line, a blank line, then message lines, and
 * entries are separated by two blank lines (a message may hold single blank lines). Returns the index of
 * the first line after the list.
 */
function readEntries(
  lines: readonly string[],
  from: number,
  emit: (location: string, message: string) => void,
): number {
  const at = (k: number): string => lines[k] ?? "";
  let i = from;
  for (;;) {
    while (i < lines.length && at(i).trim() === "") i += 1;
    if (i >= lines.length || !ENTRY_LOCATION.test(at(i).trim())) return i;
    const location = at(i).trim();
    i += 1;
    while (i < lines.length && at(i).trim() === "") i += 1;
    const message: string[] = [];
    while (i < lines.length && !(at(i).trim() === "" && at(i + 1).trim() === "") && !LIST.test(at(i))) {
      message.push(at(i++).trim());
    }
    emit(location, message.filter((l) => l !== "").join(" "));
  }
}
