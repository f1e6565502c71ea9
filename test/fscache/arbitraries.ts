// fast-check builders for netfs workloads: a few threads, each a short random sequence of page I/O,
// invalidations, updates and size changes over three pages, then relinquish (retiring or not).

import fc from "fast-check";
import type { Op, Workload } from "./workload.ts";

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("write" as const), page: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("read" as const), page: fc.integer({ min: 0, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("invalidate" as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "update" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "attr" as const }) },
);

/** One to three data threads of up to five calls each. */
export const workloadArb: fc.Arbitrary<Workload> = fc.record({
  threads: fc.array(fc.record({ ops: fc.array(opArb, { maxLength: 5 }), retire: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
});
