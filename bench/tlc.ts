// TLC's wall time and distinct states per second for each model of spec/models.json, in one design variant
// (default POST_FIX_REPAIRED, the one every property holds in). Medians over `--runs N` runs per model (default
// 3); `--variant X`; `--models a,b` (default: ci, about a minute a run; spec/README.md gives the others' times:
// lookup about 6 minutes, large about 15). Run with `npx tsx bench/tlc.ts`.

import { parseArgs } from "node:util";
import { checkModel } from "../src/cli/check.ts";
import { type Design, DESIGNS, findEntry, modelNames, readManifest } from "../src/cli/models.ts";
import { median } from "./stats.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      variant: { type: "string", default: "POST_FIX_REPAIRED" },
      models: { type: "string", default: "ci" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  const variant = values.variant as Design;
  if (!DESIGNS.includes(variant)) throw new Error(`--variant: expected one of ${DESIGNS.join(", ")}`);
  const entries = await readManifest();
  const wanted = values.models.split(",");
  const unknown = wanted.filter((m) => !modelNames(entries).includes(m));
  if (unknown.length > 0) throw new Error(`--models: no model ${unknown.join(", ")} in spec/models.json`);
  const width = Math.max(5, ...wanted.map((m) => m.length));
  console.log(`TLC 2.18, 1 worker, design ${variant}, median of ${runs} runs`);
  console.log(`  ${"model".padEnd(width)}  distinct   depth   TLC wall s   distinct states/s   outcome`);
  for (const model of modelNames(entries).filter((m) => wanted.includes(m))) {
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
      `  ${model.padEnd(width)} ${String(distinct).padStart(9)} ${String(last.stats.depth ?? "?").padStart(7)}` +
        ` ${wall.toFixed(1).padStart(12)} ${(distinct / wall).toFixed(0).padStart(19)}   ${last.outcome}`,
    );
  }
}

await main();
