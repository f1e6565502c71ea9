// Each safety property can fail: TLC reports it violated when its spec mutant (spec/mutants.json) is swapped in,
// on the CI model in the design where it otherwise holds. NoOops and NoNewOpsAfterDeath are shown by the PRE_FIX
// and POST_FIX variants in spec/models.json (test/spec/models.test.ts).

import { describe, expect, it } from "vitest";
import { formatSpecMutant, readSpecMutants, runSpecMutant } from "../../src/cli/spec-mutants.ts";

const mutants = await readSpecMutants();

describe("spec mutants", () => {
  it("cover every safety property of the README table but those shown by variants", () => {
    expect(mutants.map((m) => m.property)).toEqual(
      expect.arrayContaining(["TypeOK", "CookiePinnedByObject", "NetfsAccessGuarded", "InvalidationBarrier"]),
    );
    expect(mutants).toHaveLength(16);
  });

  it.each(mutants)("$property is violated by $override.with", async (m) => {
    const r = await runSpecMutant(m);
    expect(formatSpecMutant(r)).toMatch(/violated as expected/);
  }, 600_000);
});
