// Writes the review pack: a static site under out/review/ (index, one page per action, one per finding, the
// state machine, the checks), with one local stylesheet and inline SVG, openable from the file system.

import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gatherPackData } from "./data.ts";
import { actionPage } from "./pages/action.ts";
import { findingPage, findingsIndex } from "./pages/findings.ts";
import { machinePage } from "./pages/machine.ts";
import { actionsIndex, checksPage, overviewPage } from "./pages/overview.ts";
import { STYLE } from "./style.ts";

const OUT = "out/review";

export interface BuildOptions {
  /** A conformance summary to read instead of out/conformance/summary.json. */
  readonly summary?: string;
  /** Where to write (default out/review under the checkout). */
  readonly out?: string;
}

/** Builds the pack for the checkout at `root`; returns the page files written, relative to the output. */
export async function buildPack(
  root: string,
  options: BuildOptions = {},
): Promise<{ out: string; pages: string[] }> {
  const out = options.out ?? join(root, OUT);
  const d = await gatherPackData(root, options.summary);
  const names = new Set(d.spec.actions.map((a) => a.name));
  const pages = new Map<string, string>([
    ["index.html", overviewPage(d, new Date().toISOString())],
    ["actions.html", actionsIndex(d)],
    ["findings.html", findingsIndex(d)],
    ["machine.html", await machinePage(d)],
    ["checks.html", checksPage(d)],
    ["assets/style.css", STYLE],
  ]);
  for (const a of d.spec.actions) pages.set(`actions/${a.name}.html`, actionPage(d, a));
  for (const c of d.counterexamples)
    pages.set(
      `findings/${c.target.id}.html`,
      findingPage(d, c, (n) => names.has(n)),
    );
  // Screenshots of an earlier browser run stay; stale pages of renamed actions go.
  await rm(join(out, "actions"), { recursive: true, force: true });
  await rm(join(out, "findings"), { recursive: true, force: true });
  for (const [file, text] of pages) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), text);
  }
  return { out, pages: [...pages.keys()] };
}
