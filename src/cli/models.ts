// The model manifest (spec/models.json): which TLC models exist, which design variants each is checked in,
// and the result each (model, variant) is expected to give, with the state counts measured when it was set.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

export const DESIGNS = ["POST_FIX", "PRE_FIX", "POST_FIX_REPAIRED"] as const;
export type Design = (typeof DESIGNS)[number];

/**
 * The findings in POST_FIX that POST_FIX_REPAIRED repairs, as the spec's `AllRepairs` lists them (a test
 * compares the two); each can be left out with `Without_<finding>`.
 */
export const FINDINGS = [
  "F1",
  "F2",
  "F3",
  "F4",
  "F5",
  "F6",
  "F7",
  "F8",
  "F9",
  "F10",
  "F11",
  "F12",
  "F13",
  "F14",
  "F15",
  "F16",
  "F17",
] as const;
export type Finding = (typeof FINDINGS)[number];

/** What TLC is expected to say: no violation, an invariant violated, or a temporal property violated. */
export type Expectation = "pass" | "safety" | "liveness";

export interface ModelEntry {
  readonly model: string;
  readonly module: string;
  readonly cfg: string;
  readonly variant: Design;
  /**
   * A finding of spec/README.md (`F8`) whose repair is left out of POST_FIX_REPAIRED: the check overrides the
   * spec's `Repairs` with `Without_<finding>`, reproducing that finding with every other repair in force.
   */
  readonly without?: Finding;
  /**
   * A finding whose repair is added to POST_FIX or PRE_FIX (which have none): the check overrides the spec's
   * `OtherRepairs` with `With_<finding>`, to look past that finding at another one behind it.
   */
  readonly with?: Finding;
  /**
   * The finding a violation reproduces when no `without` entry can: F17's window exists only where F16's repair
   * is left out too, so its counterexample is drawn from a POST_FIX entry (review/counterexamples.ts).
   */
  readonly finding?: Finding;
  readonly expect: Expectation;
  /** The property TLC reports violated, for `safety` (2.18 does not name temporal properties). */
  readonly property?: string;
  readonly distinct?: number;
  readonly depth?: number;
  readonly note?: string;
  /** Checked by `npm test` (the others take minutes: `FSCACHE_CHECK_ALL=1 npm test` or `check --all`). */
  readonly ci?: boolean;
}

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SPEC_DIR = join(ROOT, "spec");
export const MANIFEST = join(SPEC_DIR, "models.json");

const schema = {
  type: "array",
  items: {
    type: "object",
    required: ["model", "module", "cfg", "variant", "expect"],
    properties: {
      model: { type: "string", minLength: 1 },
      module: { type: "string", pattern: "\\.tla$" },
      cfg: { type: "string", pattern: "\\.cfg$" },
      variant: { enum: [...DESIGNS] },
      without: { enum: [...FINDINGS] },
      with: { enum: [...FINDINGS] },
      finding: { enum: [...FINDINGS] },
      expect: { enum: ["pass", "safety", "liveness"] },
      property: { type: "string" },
      distinct: { type: "integer", minimum: 0 },
      depth: { type: "integer", minimum: 0 },
      ci: { type: "boolean" },
    },
    // A repair can be left out only of the design that has them, and added only to the others.
    allOf: [
      { if: { required: ["without"] }, then: { properties: { variant: { const: "POST_FIX_REPAIRED" } } } },
      { if: { required: ["with"] }, then: { properties: { variant: { enum: ["POST_FIX", "PRE_FIX"] } } } },
      // A finding's own counterexample: a violation, in an entry that leaves no repair out.
      {
        if: { required: ["finding"] },
        then: { properties: { expect: { enum: ["safety", "liveness"] } }, not: { required: ["without"] } },
      },
    ],
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: false }).compile<ModelEntry[]>(schema);

/** A manifest that cannot be used: names the file and what was expected. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

/**
 * Reads a JSON manifest and validates it: a file that cannot be read or parsed, or an entry that does not match,
 * is one ManifestError naming the file, the entry and the expected shape.
 */
export async function readJsonManifest<T>(
  file: string,
  what: string,
  check: ValidateFunction<T>,
  shape: string,
): Promise<T> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new ManifestError(`${file}: cannot read the ${what}: ${(e as Error).message}`);
  }
  if (!check(data)) {
    const err = check.errors?.[0];
    throw new ManifestError(
      `${file}: entry ${err?.instancePath ?? "?"}: ${err?.message ?? "invalid"} (expected ${shape})`,
    );
  }
  return data;
}

/** `model / variant` (and `without Fn` or `with Fn`): how messages name an entry. */
export function entryLabel(e: Pick<ModelEntry, "model" | "variant" | "without" | "with">): string {
  return `${e.model} / ${e.variant}${repairLabel(e)}`;
}

/** ` without Fn`, ` with Fn` or nothing. */
export function repairLabel(e: Pick<ModelEntry, "without" | "with">): string {
  if (e.without !== undefined) return ` without ${e.without}`;
  return e.with === undefined ? "" : ` with ${e.with}`;
}

/** Reads and validates spec/models.json (or `file`); one entry per (model, variant, without, with). */
export async function readManifest(file = MANIFEST): Promise<ModelEntry[]> {
  const data = await readJsonManifest(
    file,
    "model manifest",
    validate,
    "{model, module, cfg, variant, expect}",
  );
  const seen = new Set<string>();
  for (const [i, e] of data.entries()) {
    const key = entryLabel(e);
    if (seen.has(key)) throw new ManifestError(`${file}: entry /${i}: a second entry for ${key}`);
    seen.add(key);
  }
  return data;
}

/** The models named in the manifest, in first-seen order. */
export function modelNames(entries: readonly ModelEntry[]): string[] {
  return [...new Set(entries.map((e) => e.model))];
}

/**
 * Finds the entry for (model, variant, without); a combination missing from the manifest reuses the model's
 * files and expects no violation.
 */
export function findEntry(
  entries: readonly ModelEntry[],
  model: string,
  variant: Design,
  without?: Finding,
  withRepair?: Finding,
): ModelEntry {
  if (without !== undefined && variant !== "POST_FIX_REPAIRED") {
    throw new ManifestError(
      `--without ${without}: a repair can be left out only of POST_FIX_REPAIRED (got ${variant})`,
    );
  }
  if (withRepair !== undefined && variant === "POST_FIX_REPAIRED") {
    throw new ManifestError(
      `--with ${withRepair}: a repair can be added only to POST_FIX or PRE_FIX (POST_FIX_REPAIRED has them all)`,
    );
  }
  const exact = entries.find(
    (e) => e.model === model && e.variant === variant && e.without === without && e.with === withRepair,
  );
  if (exact !== undefined) return exact;
  const any = entries.find((e) => e.model === model);
  if (any === undefined) {
    throw new ManifestError(
      `${MANIFEST}: no model "${model}" (expected one of: ${modelNames(entries).join(", ")})`,
    );
  }
  return {
    model,
    module: any.module,
    cfg: any.cfg,
    variant,
    ...(without === undefined ? {} : { without }),
    ...(withRepair === undefined ? {} : { with: withRepair }),
    expect: "pass",
  };
}
