// Static checks for proof-oriented review (ts-morph over the real sources): the facts a reviewer relies on
// when reading the TypeScript against the spec must hold by construction, not by inspection.
//  1. Dependencies point one way (GUIDE.md): fscache → runtime; runtime and tla know nothing of FS-Cache;
//     nothing in src/ or conformance/ imports review/ (the review pack reads them, not the other way).
//  2. Every step label the implementation uses names an action that exists in spec/FSCache.tla.
//  3. `n_active` is written only at the audited sites below: the kernel's use/unuse and the 3.12 netfs paths
//     that use a plain atomic_inc/atomic_dec, and relinquish's decrement of the baseline unit.
//  4. Mapping completeness both ways (review/check/mapping.ts: SANY's parse of the spec against the sources):
//     actions and step labels, spec variables/fields and the abstraction function, the two state tables and
//     the kernel map. Seeded faults in test/review/mapping.test.ts show each check failing.
//  5. The guard check (review/guard/guard.ts): every read of netfs-owned cookie data happens holding an n_active
//     unit. Seeded faults in test/review/guard.test.ts show it failing.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Node, Project, SyntaxKind, type SourceFile } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import { checkMapping } from "../../review/check/mapping.ts";
import { formatViolations, guardCheck, type GuardRead } from "../../review/guard/guard.ts";
import { loadSources } from "../../review/impl/project.ts";
import { loadImpl } from "../../review/impl/model.ts";
import { readKernelMap } from "../../review/kernel-map.ts";
import { loadSpec, type SpecModel } from "../../review/spec/model.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const project = new Project({ tsConfigFilePath: `${ROOT}tsconfig.json`, skipAddingFilesFromTsConfig: true });
project.addSourceFilesAtPaths([`${ROOT}src/**/*.ts`, `${ROOT}conformance/**/*.ts`]);

const rel = (f: SourceFile): string => f.getFilePath().slice(ROOT.length);
const filesUnder = (dir: string): SourceFile[] =>
  project.getSourceFiles().filter((f) => rel(f).startsWith(dir));

function importsOf(f: SourceFile): string[] {
  return f
    .getImportDeclarations()
    .map((d) => d.getModuleSpecifierSourceFile())
    .filter((s): s is SourceFile => s !== undefined)
    .map(rel);
}

describe("dependency direction", () => {
  const rules: [string, string[]][] = [
    ["src/runtime/", ["src/fscache/", "src/tla/", "src/cli/", "conformance/"]],
    ["src/tla/", ["src/fscache/", "src/runtime/", "src/cli/", "conformance/"]],
    ["src/fscache/", ["src/tla/", "src/cli/", "conformance/"]],
    ["src/", ["review/"]],
    ["conformance/", ["review/"]],
  ];
  it.each(rules)("%s imports nothing from %j", (dir, forbidden) => {
    const bad = filesUnder(dir).flatMap((f) =>
      importsOf(f)
        .filter((target) => forbidden.some((p) => target.startsWith(p)))
        .map((target) => `${rel(f)} → ${target}`),
    );
    expect(bad).toEqual([]);
  });
});

/** The string literals the spec mentions: action names appear as `lastAction`/pc strings. */
const specStrings = new Set(
  [...readFileSync(`${ROOT}spec/FSCache.tla`, "utf8").matchAll(/"([A-Za-z_][A-Za-z0-9_]*)"/g)].map(
    (m) => m[1],
  ),
);

/** Functions whose first argument is a step's action name. */
const LABELLING = new Set(["step", "waitFor", "yieldTo", "label", "firstLabel"]);

describe("step labels name spec actions", () => {
  const used = filesUnder("src/fscache/").flatMap((f) =>
    f
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((c) => {
        const callee = c.getExpression();
        const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
        return LABELLING.has(name);
      })
      .map((c) => c.getArguments()[0])
      .filter((a) => a !== undefined && Node.isStringLiteral(a))
      .map((a) => ({
        where: `${rel(f)}:${a?.getStartLineNumber()}`,
        name: (a as Node).getText().slice(1, -1),
      })),
  );

  it("finds the labelled steps", () => {
    expect(used.length).toBeGreaterThan(30);
  });

  it("every literal action name is one the spec defines", () => {
    expect(used.filter((u) => !specStrings.has(u.name)).map((u) => `${u.where} ${u.name}`)).toEqual([]);
  });
});

describe("n_active is written only at audited sites", () => {
  /** file → enclosing function: the sites a reviewer has checked against §3.2 and the spec. */
  const AUDITED = new Set([
    "src/fscache/cookie.ts:useCookie",
    "src/fscache/cookie.ts:unuseCookie",
    // A read's give-back of its plain increment: 3.12's plain atomic_dec (F17), unuse with the repair.
    "src/fscache/cookie.ts:giveBack",
    "src/fscache/netfs.ts:beginRead",
    "src/fscache/netfs.ts:writePage",
    "src/fscache/netfs.ts:relinquishCookie",
  ]);

  function enclosingFunction(n: Node): string {
    for (let p: Node | undefined = n.getParent(); p !== undefined; p = p.getParent()) {
      if (Node.isFunctionDeclaration(p) || Node.isMethodDeclaration(p)) return p.getName() ?? "<anonymous>";
    }
    return "<module>";
  }

  const writes = filesUnder("src/").flatMap((f) =>
    f
      .getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)
      .filter((pa) => pa.getName() === "n_active")
      .filter((pa) => {
        const parent = pa.getParent();
        if (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) return true;
        return (
          Node.isBinaryExpression(parent) &&
          parent.getLeft() === pa &&
          /=$/.test(parent.getOperatorToken().getText()) &&
          parent.getOperatorToken().getText() !== "==" &&
          parent.getOperatorToken().getText() !== "===" &&
          parent.getOperatorToken().getText() !== "!=="
        );
      })
      .map((pa) => `${rel(f)}:${enclosingFunction(pa)}`),
  );

  it("finds the writes", () => {
    expect(writes.length).toBeGreaterThan(0);
  });

  it("has no write outside the audited functions", () => {
    expect(writes.filter((w) => !AUDITED.has(w))).toEqual([]);
  });
});

const sources = loadSources(ROOT);

describe("mapping completeness between spec/FSCache.tla and src/fscache", () => {
  let spec: SpecModel;
  let mismatches: string[];

  beforeAll(async () => {
    spec = await loadSpec(ROOT);
    const impl = loadImpl(
      ROOT,
      spec.variables.map((v) => v.name),
      sources,
    );
    mismatches = checkMapping(spec, impl, readKernelMap(ROOT)).map((m) => `${m.where}: ${m.message}`);
  });

  it("reads the spec's actions, variables and state table", () => {
    expect(spec.actions.length).toBeGreaterThan(40);
    expect(spec.variables.map((v) => v.name)).toContain("cookie");
    expect(spec.machine.states.length).toBeGreaterThan(10);
  });

  it("has no mismatch (each line is file:line: what differs)", () => {
    expect(mismatches).toEqual([]);
  });
});

describe("netfs-owned data is read only under an n_active unit", () => {
  const result = guardCheck(sources);
  const byField = (what: string): GuardRead[] => result.reads.filter((r) => r.what === what);

  it("finds the reads of def, netfs_data and page data", () => {
    expect(byField("Cookie.def").length).toBeGreaterThan(0);
    expect(byField("Cookie.netfs_data").length).toBeGreaterThan(0);
    expect(byField("StoreEntry.data").length).toBeGreaterThan(0);
  });

  it("has no violation (each: the read, why no unit is held, and the path that reaches it)", () => {
    expect(formatViolations(result.violations)).toBe("");
  });
});
