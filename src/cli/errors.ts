// The CLI's own errors and the one formatter for every error that ends a command: a single line naming the
// file, the position and what was expected. Exit codes and signals are in docs/cli.md.

import { ConformanceError, formatError } from "../../conformance/errors.ts";
import { TlaToolsError } from "../tla/index.ts";
import { ManifestError } from "./models.ts";

/** Why a command could not do its job (all exit 2): a bad argument, a spec TLC cannot check, unwritable output. */
export type CliErrorCode = "usage" | "spec" | "output";

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Node's errors from the file system and from processes carry a code such as `EACCES` and name the path. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}

/**
 * The one line printed (after `error: `) for an error that ends a command. An error nobody expected says so and
 * how to see its stack, instead of printing it.
 */
export function describeError(e: unknown): string {
  if (e instanceof ConformanceError) return formatError(e);
  if (e instanceof CliError || e instanceof TlaToolsError || e instanceof ManifestError) return e.message;
  if (isSystemError(e)) return e.message;
  const message = e instanceof Error ? e.message : String(e);
  return `unexpected error: ${message} (FSCACHE_DEBUG=1 shows where)`;
}
