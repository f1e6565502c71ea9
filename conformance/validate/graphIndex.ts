// The transitions of a validation model's full state graph, keyed by fingerprints of projected states: TLC dumps
// the graph (-dump dot), conformance's graph loader projects and fingerprints every state once
// (graph/load.ts via graphRun.ts), and this keeps, per state fingerprint, the actions leaving it and the
// fingerprints they lead to. One step of a recorded run is then checked with two map look-ups. The projected
// texts of the states are kept in a side file, read only to explain a rejected step. Both are cached under
// out/validate/graphs/, keyed by a hash of the spec, the model and the design.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConformanceError } from "../errors.ts";
import { loadModel } from "../generate/model.ts";
import { nodeLineState } from "../graph/load.ts";
import { prepareGraph } from "../graphRun.ts";
import { jsonEqual, type Json } from "../json.ts";
import { projectSpec, stateText } from "../mapping/abstraction.ts";
import { formatFingerprint } from "../mapping/fingerprint.ts";
import { formatAction } from "../mapping/lastAction.ts";
import type { Design } from "../trace/format.ts";
import type { ValidationModel } from "./models.ts";
import { writeAtomically } from "../atomicWrite.ts";

/** A model's transitions: fingerprint (hex) → action text → fingerprints of the states it may lead to. */
export interface TransitionIndex {
  readonly model: string;
  readonly design: Design;
  readonly states: number;
  readonly transitions: number;
  readonly initial: ReadonlySet<string>;
  readonly next: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
  /** The side file of projected state texts (`fingerprint<TAB>text` per line). */
  readonly statesFile: string;
  /** TLC's time to explore and dump the graph, when it was built in this process (0 when read from cache). */
  readonly tlcMs: number;
}

interface CachedIndex {
  readonly model: string;
  readonly design: Design;
  readonly states: number;
  readonly transitions: number;
  readonly fps: string[];
  readonly actions: string[];
  readonly initial: number[];
  /** Triples: from fingerprint index, action index, to fingerprint index. */
  readonly edges: number[];
}

export interface IndexOptions {
  readonly repoRoot: string;
  /** Default `<repoRoot>/out/validate/graphs`. */
  readonly cacheDir?: string;
  readonly timeoutMs?: number;
}

function cacheKey(repoRoot: string, m: ValidationModel, design: Design): string {
  const h = createHash("sha1");
  for (const f of [
    "spec/FSCache.tla",
    `conformance/models/${m.module}.tla`,
    `conformance/models/${m.module}.cfg`,
  ])
    h.update(readFileSync(join(repoRoot, f)));
  h.update(design);
  return `${m.module}-${design}-${h.digest("hex").slice(0, 12)}`;
}

function fromCache(c: CachedIndex, statesFile: string, tlcMs: number): TransitionIndex {
  const next = new Map<string, Map<string, Set<string>>>();
  for (let i = 0; i < c.edges.length; i += 3) {
    const from = c.fps[c.edges[i] as number] as string;
    const action = c.actions[c.edges[i + 1] as number] as string;
    const to = c.fps[c.edges[i + 2] as number] as string;
    let byAction = next.get(from);
    if (!byAction) next.set(from, (byAction = new Map<string, Set<string>>()));
    let targets = byAction.get(action);
    if (!targets) byAction.set(action, (targets = new Set<string>()));
    targets.add(to);
  }
  return {
    model: c.model,
    design: c.design,
    states: c.states,
    transitions: c.transitions,
    initial: new Set(c.initial.map((i) => c.fps[i] as string)),
    next,
    statesFile,
    tlcMs,
  };
}

/**
 * The transition index of model `m` in `design`: from the cache, or built by TLC (and cached). Refuses a model
 * whose constants, as TLC prints them, differ from the ones `models.ts` declares.
 */
export async function transitionIndex(
  m: ValidationModel,
  design: Design,
  o: IndexOptions,
): Promise<TransitionIndex> {
  const dir = o.cacheDir ?? join(o.repoRoot, "out", "validate", "graphs");
  const key = cacheKey(o.repoRoot, m, design);
  const indexFile = join(dir, `${key}.json`);
  const statesFile = join(dir, `${key}.states`);
  if (existsSync(indexFile) && existsSync(statesFile))
    return fromCache(JSON.parse(readFileSync(indexFile, "utf8")) as CachedIndex, statesFile, 0);
  const model = loadModel(
    join(o.repoRoot, "spec"),
    m.module,
    design,
    join(o.repoRoot, "conformance", "models"),
  );
  const prepared = await prepareGraph(
    { ...model, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) },
    o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {},
  );
  try {
    if (prepared.errors[0]) throw prepared.errors[0];
    const printed = prepared.model.constants ?? {};
    for (const [k, v] of Object.entries(m.constants)) {
      if (!jsonEqual(sortDeep(printed[k]), sortDeep(v as Json)))
        throw new ConformanceError(
          "MODEL",
          `model ${m.module}: constant ${k} is ${JSON.stringify(printed[k])} in its cfg but ${JSON.stringify(v)} in conformance/validate/models.ts`,
        );
    }
    const g = prepared.graph;
    const fps: string[] = [];
    const fpIndex = new Map<string, number>();
    const nodeFp = new Int32Array(g.nodes);
    // One representative dump line per distinct projected state, for reports.
    const repr: number[] = [];
    for (let n = 0; n < g.nodes; n++) {
      const fp = formatFingerprint({ hi: g.fpHi[n] as number, lo: g.fpLo[n] as number });
      let i = fpIndex.get(fp);
      if (i === undefined) {
        i = fps.length;
        fps.push(fp);
        fpIndex.set(fp, i);
        repr.push(n);
      }
      nodeFp[n] = i;
    }
    const actions = g.actions.map(formatAction);
    const seen = new Set<string>();
    const edges: number[] = [];
    for (let e = 0; e < g.edges; e++) {
      const from = nodeFp[g.from[e] as number] as number;
      const to = g.to[e] as number;
      const triple = [from, g.action[to] as number, nodeFp[to] as number];
      const k = triple.join(",");
      if (seen.has(k)) continue;
      seen.add(k);
      edges.push(...triple);
    }
    const cached: CachedIndex = {
      model: m.module,
      design,
      states: g.nodes,
      transitions: g.edges,
      fps,
      actions,
      initial: [...new Set(Array.from(g.initial, (n) => nodeFp[n] as number))],
      edges,
    };
    const dump = readFileSync(g.file, "utf8");
    const lines: string[] = [];
    for (const n of repr) {
      const at = g.offset[n] as number;
      const end = dump.indexOf("\n", at);
      const st = nodeLineState(dump.slice(at, end < 0 ? undefined : end), g.file);
      if (st instanceof ConformanceError) throw st;
      lines.push(`${fps[nodeFp[n] as number]}\t${stateText(projectSpec(st))}`);
    }
    mkdirSync(dir, { recursive: true });
    // Each written under a temporary name and renamed, the index last: a reader never sees half a cache, and
    // an index names only a states file already complete.
    writeAtomically(statesFile, (tmp) => writeFileSync(tmp, lines.join("\n") + "\n"));
    writeAtomically(indexFile, (tmp) => writeFileSync(tmp, JSON.stringify(cached)));
    return fromCache(cached, statesFile, prepared.tlcMs);
  } finally {
    prepared.dispose();
  }
}

function sortDeep(v: Json | undefined): Json | undefined {
  if (Array.isArray(v))
    return [...v]
      .map((x) => sortDeep(x) as Json)
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return v;
}

/** The projected states (parsed) of the given fingerprints, read from the index's side file. */
export function statesOf(
  index: TransitionIndex,
  fps: ReadonlySet<string>,
): Map<string, Record<string, Json>> {
  const out = new Map<string, Record<string, Json>>();
  for (const line of readFileSync(index.statesFile, "utf8").split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const fp = line.slice(0, tab);
    if (fps.has(fp)) out.set(fp, JSON.parse(line.slice(tab + 1)) as Record<string, Json>);
  }
  return out;
}
