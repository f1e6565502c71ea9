// review/kernel-map.json: for each spec action the 3.12 kernel function and file it models (null for a
// spec-only step), with a note citing ../shared/reference/fscache-domain.md; read and shape-checked here.

import { readFileSync } from "node:fs";
import { join } from "node:path";

export const KERNEL_MAP = "review/kernel-map.json";

export interface KernelEntry {
  readonly function: string | null;
  readonly file: string | null;
  readonly note: string;
}

export interface KernelMap {
  readonly entries: ReadonlyMap<string, KernelEntry>;
  /** `file:line` of an action's key in the JSON text. */
  whereOf(action: string): string;
  /** Entries whose shape is wrong, with their place. */
  readonly problems: readonly { where: string; message: string }[];
}

const isEntry = (v: unknown): v is KernelEntry => {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  const nullableString = (x: unknown): boolean => x === null || (typeof x === "string" && x !== "");
  return (
    nullableString(e.function) &&
    nullableString(e.file) &&
    typeof e.note === "string" &&
    (e.function === null) === (e.file === null)
  );
};

export function readKernelMap(root: string): KernelMap {
  const text = readFileSync(join(root, KERNEL_MAP), "utf8");
  const lines = text.split("\n");
  const whereOf = (action: string): string => {
    const i = lines.findIndex((l) => l.includes(`${JSON.stringify(action)}:`));
    return `${KERNEL_MAP}:${i < 0 ? 1 : i + 1}`;
  };
  const data = JSON.parse(text) as Record<string, unknown>;
  const entries = new Map<string, KernelEntry>();
  const problems: { where: string; message: string }[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (isEntry(v)) entries.set(k, v);
    else
      problems.push({
        where: whereOf(k),
        message: `entry ${k} must be {function, file, note} (function and file both strings or both null)`,
      });
  }
  return { entries, whereOf, problems };
}
