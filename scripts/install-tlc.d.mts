// Types for install-tlc.mjs (plain JavaScript so that `npm install` can run it before any tooling exists).

/** Which check failed. */
export type InstallErrorCode =
  | "java-missing"
  | "java-too-old"
  | "maven-missing"
  | "fetch-failed"
  | "checksum-mismatch"
  | "jar-missing"
  | "jar-unreadable"
  | "bad-pin";

/** A failure with one message for the user. */
export class InstallError extends Error {
  constructor(code: InstallErrorCode, message: string);
  readonly code: InstallErrorCode;
}

/** The pin in tla-tools.json. */
export interface TlcPin {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly sha256: string;
  readonly jar: string;
}

/** The project root (the directory holding tla-tools.json). */
export const defaultRoot: string;
export function readPin(root?: string): TlcPin;
/** The SHA-256 of a jar; throws InstallError (`jar-unreadable`) when it is not a readable file. */
export function sha256File(file: string, what?: string): string;
/** Returns Java's major version; throws InstallError if Java is missing or older than 8. */
export function checkJava(env?: NodeJS.ProcessEnv): number;
/** Throws InstallError (`maven-missing`) when `mvn -v` fails; `why` is put first in its message. */
export function checkMaven(env?: NodeJS.ProcessEnv, why?: string): void;
/** Makes sure the pinned jar is present and intact, fetching it with Maven if needed. */
export function ensureTlcJar(options?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): { jar: string; javaMajor: number; fetched: boolean };
