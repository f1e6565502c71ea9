// TLC's wall time and distinct states per second for each model of spec/models.json, in one design variant
// (default POST_FIX_REPAIRED, the one every property holds in). Medians over `--runs N` runs per model (default
// 3); `--variant X`; `--models a,b` (default: ci and large). Run with `npx tsx bench/tlc.ts`.

import { checkModel } from "../src/cli/check.ts";
import { type Design, DESIGNS, findEntry, modelNames, readManifest } from "../src/cli/models.ts";
import { median } from "./stats.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const runs = Number(flag("runs", "3"));
  const variant = flag("variant", "POST_FIX_REPAIRED") as Design;
  if (!DESIGNS.includes(variant)) throw new Error(`--variant: expected one of ${DESIGNS.join(", ")}`);
  const entries = await readManifest();
  console.log(`TLC 2.18, 1 worker, design ${variant}, median of ${runs} runs`);
  console.log("  model     distinct   depth   TLC wall s   distinct states/s   outcome");
  const models = flag("models", "ci,large").split(",");
  for (const model of modelNames(entries).filter((m) => models.includes(m))) {
    const entry = findEntry(entries, model, variant);
    const walls: number[] = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = await checkModel(entry);
      walls.push(last.wallMs / 1000);
    }
    if (last === undefined) continue;
    const wall = median(walls);
    const distinct = last.stats.distinct ?? 0;
    console.log(
      `  ${model.padEnd(8)} ${String(distinct).padStart(9)} ${String(last.stats.depth ?? "?").padStart(7)}` +
        ` ${wall.toFixed(1).padStart(12)} ${(distinct / wall).toFixed(0).padStart(19)}   ${last.outcome}`,
    );
  }
}

await main();
