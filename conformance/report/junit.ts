// JUnit XML for CI: one test suite per trace file (or mutant), one test case per trace; a divergence is a
// failure whose text is the formatted error, replay command included.

import { formatError, type ConformanceError } from "../errors.ts";

export interface JunitCase {
  readonly name: string;
  readonly classname: string;
  readonly seconds: number;
  readonly failure?: ConformanceError;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
  /** File-level errors (schema, truncation): reported as failing cases of their own. */
  readonly errors?: readonly ConformanceError[];
}

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function junitXml(suites: readonly JunitSuite[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  for (const s of suites) {
    const cases: JunitCase[] = [
      ...s.cases,
      ...(s.errors ?? []).map((e, i) => ({
        name: `${e.code} #${i + 1}`,
        classname: s.name,
        seconds: 0,
        failure: e,
      })),
    ];
    const failures = cases.filter((c) => c.failure).length;
    const time = cases.reduce((a, c) => a + c.seconds, 0);
    out.push(
      `  <testsuite name="${esc(s.name)}" tests="${cases.length}" failures="${failures}" time="${time.toFixed(3)}">`,
    );
    for (const c of cases) {
      const open = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${c.seconds.toFixed(3)}"`;
      if (!c.failure) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      out.push(
        `      <failure message="${esc(c.failure.message)}" type="${c.failure.code}">${esc(formatError(c.failure))}</failure>`,
      );
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
