// The spec's `lastAction` history variable, read as a SpecAction: TLC 2.18 prints bare action names in dot
// labels and nothing in simulation files, so the parameters of every step come from here.

import { isObject, type Json } from "../json.ts";
import type { ActionParams, SpecAction, SpecState } from "../trace/format.ts";

/** The variable the spec records each step's action in. */
export const LAST_ACTION = "lastAction";

/** The action recorded in `state.lastAction`, or an explanation of why it cannot be read. */
export function actionOfState(state: SpecState): SpecAction | string {
  const la: Json | undefined = state[LAST_ACTION];
  if (!isObject(la)) return `state has no record variable ${LAST_ACTION}`;
  const name = la["name"];
  if (typeof name !== "string") return `${LAST_ACTION}.name is not a string`;
  const params: ActionParams = {};
  for (const [k, v] of Object.entries(la)) {
    if (k === "name") continue;
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      return `${LAST_ACTION}.${k} is not a scalar parameter`;
    }
    params[k] = v;
  }
  return { name, params };
}

/** `WritePage(p=p1, t=tD)`: one line per action, parameters sorted, for reports and replay tokens. */
export function formatAction(a: SpecAction): string {
  const keys = Object.keys(a.params).sort();
  if (keys.length === 0) return a.name;
  return `${a.name}(${keys.map((k) => `${k}=${String(a.params[k])}`).join(", ")})`;
}
