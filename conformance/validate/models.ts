// The validation models (conformance/models/MCval*): the constants a recorded run must fit for its steps to be
// checked against the model's full state graph, and the choice sets (lookup and write outcomes) its faults may
// produce. A run that fits none is checked by TLC instead (tlcTrace.ts), with constants sized to the run.

import type { ModelConstants } from "../mapping/model.ts";

/** A validation model: its module (and cfg) under conformance/models/, and its constants as the cfg sets them. */
export interface ValidationModel {
  readonly module: string;
  readonly constants: ModelConstants;
  readonly LookupResults: readonly string[];
  readonly WriteResults: readonly string[];
  readonly RetireChoices: readonly boolean[];
}

const TREE = {
  Cookies: ["D", "I"],
  Parent: { I: "FSDEF", D: "I" },
  IndexCookies: ["I"],
  Threads: ["tD", "tI"],
  TCookie: { tI: "I", tD: "D" },
  Pages: ["p1"],
  MaxOps: 1,
};

/**
 * Smallest first: a run is checked against the first model it fits. The constants must agree with the cfgs;
 * the graph loader (graphIndex.ts) compares them with the ones TLC prints and refuses a mismatch.
 */
export const VALIDATION_MODELS: readonly ValidationModel[] = [
  {
    module: "MCvalRead",
    constants: { ...TREE, MaxCalls: 1, NetfsCalls: ["ReadPage"] },
    LookupResults: ["NEGATIVE"],
    WriteResults: ["OK"],
    RetireChoices: [false],
  },
  {
    module: "MCvalFault",
    constants: { ...TREE, MaxCalls: 1, NetfsCalls: ["ReadPage"] },
    LookupResults: ["ERROR", "NEGATIVE"],
    WriteResults: ["OK"],
    RetireChoices: [false],
  },
  {
    module: "MCvalWrite",
    constants: { ...TREE, MaxCalls: 2, NetfsCalls: ["ReadPage", "WritePage"] },
    LookupResults: ["NEGATIVE"],
    WriteResults: ["ERROR", "OK"],
    RetireChoices: [false],
  },
];

export function validationModel(module: string): ValidationModel | undefined {
  return VALIDATION_MODELS.find((m) => m.module === module);
}
