// A hand mutant's production run is rejected by trace validation, shrunk by fast-check, and replayed from the
// printed seed and path to the same first disallowed step. (Apart from inprocess.test.ts because it patches a
// copy of the sources, which the whole-suite mutation run cannot do: see vitest.mutation.config.ts.)

import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fuzz, type Target } from "../../conformance/validate/fuzz.ts";
import { transitionIndex } from "../../conformance/validate/graphIndex.ts";
import { validationModel, type ValidationModel } from "../../conformance/validate/models.ts";
import { loadProduction } from "../../conformance/validate/production.ts";
import { MUTANTS } from "../../conformance/mutants/mutants.ts";
import { applyMutant } from "../../conformance/mutants/patch.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const DESIGN = "POST_FIX_REPAIRED" as const;
let target: Target;

beforeAll(async () => {
  const m = validationModel("MCvalRead") as ValidationModel;
  target = { kind: "graph", model: m, index: await transitionIndex(m, DESIGN, { repoRoot: REPO }) };
});

describe("a mutant's run is rejected, shrunk, and replayed from its seed and path", () => {
  it("lost-oob-check: the printed seed and path give the same first disallowed step", async () => {
    const m0 = MUTANTS.find((x) => x.name === "lost-oob-check");
    if (!m0) throw new Error("no mutant lost-oob-check");
    const tree = applyMutant(REPO, join(REPO, "src"), m0);
    try {
      const pm = await loadProduction(tree.root);
      const r = await fuzz(pm, target, { backend: "memory", design: DESIGN, runs: 50, seed: 4 });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const again = await fuzz(pm, target, {
        backend: "memory",
        design: DESIGN,
        runs: 1,
        seed: r.failure.seed,
        path: r.failure.path,
      });
      expect(again.ok).toBe(false);
      if (again.ok) return;
      expect(again.failure.workload).toEqual(r.failure.workload);
      expect(again.failure.rejection?.position).toBe(r.failure.rejection?.position);
      expect(again.failure.rejection?.action).toEqual(r.failure.rejection?.action);
    } finally {
      tree.dispose();
    }
  });
});
