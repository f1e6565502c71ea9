// The findings table of spec/README.md (id, what TLC found, how to reproduce it, the result, the repair, the
// 3.12 source and what upstream did), read so the pack shows each counterexample with the project's own words.

import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Finding {
  readonly id: string;
  readonly finding: string;
  readonly reproduce: string;
  readonly result: string;
  readonly repair: string;
  /** The 3.12 function and file the finding comes from. */
  readonly source: string;
  /** What upstream did about it, and in which commit. */
  readonly upstream: string;
}

/** The cells of a Markdown table row (`\|` stays inside a cell). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

export function readFindings(root: string): Finding[] {
  const text = readFileSync(join(root, "spec/README.md"), "utf8");
  const out: Finding[] = [];
  for (const line of text.split("\n")) {
    if (!/^\|\s*F\d+\s*\|/.test(line)) continue;
    const [id, finding, reproduce, result, repair, source, upstream] = cells(line);
    if (id !== undefined)
      out.push({
        id,
        finding: finding ?? "",
        reproduce: reproduce ?? "",
        result: result ?? "",
        repair: repair ?? "",
        source: source ?? "",
        upstream: upstream ?? "",
      });
  }
  return out;
}
