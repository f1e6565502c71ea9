// Source locations as TLC and SANY print them: `line 9, col 11 to line 12, col 52 of module M` (traces,
// SANY semantic errors), `Line 6, column 9 to line 8, column 21 in M` (nested-expression reports) and
// `at line 4, column 9` (parse errors).

/** A place in a TLA+ module; lines and columns are 1-based. */
export interface SourceRange {
  /** The module name; the file is found by the caller (SANY prints `Parsing file …` lines). */
  readonly module?: string;
  /** The file, when known. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

const RANGE = /line (\d+), col(?:umn)? (\d+) to line (\d+), col(?:umn)? (\d+) (?:of module|in) (\w+)/i;
const POINT = /at line (\d+), column (\d+)/;

/** A 1-based line or column as printed, or undefined for 0 or a number too large to be one. */
function position(digits: string | undefined): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The first range in `text` (either style), or undefined. A range at line or column 0 (SANY's place for
 * things with no source), or past any real file, is no place in a file and counts as none.
 */
export function findRange(text: string): SourceRange | undefined {
  const m = RANGE.exec(text);
  if (m) {
    const [line, column, endLine, endColumn] = [m[1], m[2], m[3], m[4]].map(position);
    if (line === undefined || column === undefined) return undefined;
    return {
      module: m[5] as string,
      line,
      column,
      ...(endLine !== undefined && endColumn !== undefined ? { endLine, endColumn } : {}),
    };
  }
  const p = POINT.exec(text);
  const [line, column] = [position(p?.[1]), position(p?.[2])];
  return line === undefined || column === undefined ? undefined : { line, column };
}

/** Every range in `text`, in order (used for TLC's numbered nested-expression lists). */
export function findRanges(text: string): SourceRange[] {
  return text
    .split("\n")
    .map(findRange)
    .filter((r): r is SourceRange => r !== undefined);
}

/** `M.tla:9:11` or `line 9, column 11` for messages. */
export function formatRange(r: SourceRange): string {
  const where = r.file ?? (r.module !== undefined ? `${r.module}.tla` : undefined);
  return where === undefined ? `line ${r.line}, column ${r.column}` : `${where}:${r.line}:${r.column}`;
}
