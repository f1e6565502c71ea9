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

/**
 * The first range in `text` (either style), or undefined. A range at line or column 0 (SANY's place for
 * things with no source) is no place in a file and counts as none.
 */
export function findRange(text: string): SourceRange | undefined {
  const m = RANGE.exec(text);
  if (m) {
    const [, line, column, endLine, endColumn, module] = m;
    if (Number(line) < 1 || Number(column) < 1) return undefined;
    return {
      module: module as string,
      line: Number(line),
      column: Number(column),
      endLine: Number(endLine),
      endColumn: Number(endColumn),
    };
  }
  const p = POINT.exec(text);
  if (p && Number(p[1]) >= 1 && Number(p[2]) >= 1) return { line: Number(p[1]), column: Number(p[2]) };
  return undefined;
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
