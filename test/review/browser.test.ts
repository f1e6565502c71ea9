// The review pack rendered in Debian's Chromium (driven by playwright-core, headless, fresh profile): every
// page loads without a console error or failed request, every local href/src resolves to a file, nothing
// points off the machine; screenshots of the main pages are kept under out/review/screenshots/.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPack } from "../../review/pack/build.ts";
import { ROOT } from "./seed.ts";

const CHROMIUM = "/usr/bin/chromium";
const OUT = join(ROOT, "out/review-test");
const SHOTS = join(ROOT, "out/review/screenshots");
const SHOT_PAGES = ["index.html", "actions/PARENT_READY.html", "findings/oops-2013.html", "machine.html"];
const shotOf = (page: string): string =>
  join(SHOTS, `${page.replace(/\//g, "_").replace(/\.html$/, "")}.png`);

let ctx: BrowserContext;
let pages: string[] = [];
const profile = mkdtempSync(join(tmpdir(), "review-chromium-"));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\` (.ci/run does this in CI)`,
    );
  }
  const built = await buildPack(ROOT, {
    out: OUT,
    summary: join(ROOT, "test/review/fixtures/conformance-summary.json"),
  });
  pages = built.pages.filter((p) => p.endsWith(".html"));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1500, height: 1000 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe("the review pack in Chromium", () => {
  it("every page loads cleanly and every local link resolves", async () => {
    expect(pages.length).toBeGreaterThan(50);
    mkdirSync(SHOTS, { recursive: true });
    const problems: string[] = [];
    // A few tabs at once: the pages are independent and mostly wait on layout.
    const queue = [...pages];
    const visit = async (): Promise<void> => {
      const page = await ctx.newPage();
      let current = "";
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`${current}: console error: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`${current}: page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`${current}: request failed: ${r.url()}`));
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
        current = p;
        await page.goto(pathToFileURL(join(OUT, p)).href);
        const urls = await page.$$eval("[href], [src]", (els) =>
          els.map((e) => {
            // Resolved URLs (the DOM's href/src), typed structurally: the project's lib has no DOM.
            const link = e as unknown as { href?: string; src?: string };
            return link.href ?? link.src ?? "";
          }),
        );
        for (const u of urls) {
          if (!u.startsWith("file:")) problems.push(`${p}: links off the machine: ${u}`);
          else if (!existsSync(fileURLToPath(u.split("#")[0] as string)))
            problems.push(`${p}: broken link ${u}`);
        }
        if (SHOT_PAGES.includes(p)) await page.screenshot({ path: shotOf(p) });
      }
      await page.close();
    };
    await Promise.all([visit(), visit(), visit()]);
    expect(problems).toEqual([]);
  });

  it("kept the screenshots", () => {
    for (const p of SHOT_PAGES)
      expect(existsSync(join(SHOTS, `${p.replace(/\//g, "_").replace(/\.html$/, "")}.png`))).toBe(true);
  });
});
