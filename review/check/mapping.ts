// Mapping completeness, both ways, between spec/FSCache.tla (its SANY parse) and the implementation (its
// ts-morph parse): actions and step labels, spec variables/fields and the abstraction function, the two state
// tables, and the kernel map. Every mismatch is one line `file:line: message`.

import type { SpecModel } from "../spec/model.ts";
import type { StepLabel, LabelProblem } from "../impl/labels.ts";
import type { AbstractionView } from "../impl/abstraction.ts";
import { ABSTRACTION } from "../impl/abstraction.ts";
import type { Machine, MachineState } from "../machine.ts";
import type { KernelMap } from "../kernel-map.ts";
import { specWhere } from "../spec/semantic.ts";

export interface Mismatch {
  readonly where: string;
  readonly message: string;
}

export interface ImplModel {
  readonly labels: readonly StepLabel[];
  readonly machine: Machine;
  readonly abstraction: AbstractionView;
  readonly problems: readonly LabelProblem[];
}

export function formatMismatches(ms: readonly Mismatch[]): string {
  return ms.map((m) => `${m.where}: ${m.message}`).join("\n");
}

/** Every spec action has a step labelled with its name (stuttering steps excepted); every label names one. */
export function checkActions(spec: SpecModel, impl: ImplModel): Mismatch[] {
  const out: Mismatch[] = [];
  const names = new Set(spec.actions.map((a) => a.name));
  const labelled = new Set(impl.labels.map((l) => l.action));
  for (const a of spec.actions) {
    if (!labelled.has(a.name) && !spec.stutters.has(a.name)) {
      out.push({
        where: specWhere(spec.ix, a.loc),
        message: `spec action ${a.name} has no implementing step in src/fscache (no step label "${a.name}")`,
      });
    }
  }
  for (const l of impl.labels) {
    if (!names.has(l.action))
      out.push({
        where: l.where,
        message: `step label "${l.action}" (labelled at ${l.site}) names no action of spec/FSCache.tla`,
      });
  }
  return out;
}

/** Every spec variable and record field is produced by the abstraction function or listed as projected away. */
export function checkAbstraction(spec: SpecModel, abs: AbstractionView): Mismatch[] {
  const out: Mismatch[] = [];
  const produced = new Map(abs.variables.map((v) => [v.name, v.where]));
  const away = new Set(abs.projectedAway);
  const listWhere = abs.projectedWhere ?? `${ABSTRACTION}:1`;
  if (abs.projectedWhere === undefined) {
    out.push({
      where: listWhere,
      message:
        "no SPEC_ONLY declares the spec variables and fields it projects away ({ variables: [...], fields: { var: [...] } })",
    });
  }
  const retWhere = abs.variables[0]?.where ?? `${ABSTRACTION}:1`;
  const specFields = new Set<string>();
  for (const v of spec.variables) {
    const at = specWhere(spec.ix, v.loc);
    specFields.add(v.name);
    if (away.has(v.name)) {
      if (produced.has(v.name))
        out.push({
          where: produced.get(v.name) as string,
          message: `${v.name} is both produced and listed as projected away`,
        });
      continue;
    }
    if (!produced.has(v.name)) {
      out.push({
        where: retWhere,
        message: `spec variable ${v.name} (${at}) is neither produced by abstractState nor listed as projected away`,
      });
      continue;
    }
    if (v.fields.length === 0) continue;
    const compared = abs.fields.get(v.name);
    const fieldsAt = abs.fieldsWhere.get(v.name) ?? retWhere;
    if (compared === undefined) {
      out.push({
        where: retWhere,
        message: `spec variable ${v.name} (${at}) is a record but FIELDS has no entry for it`,
      });
      continue;
    }
    for (const f of v.fields) {
      specFields.add(`${v.name}.${f.name}`);
      const isCompared = compared.some((c) => c.name === f.name);
      const isAway = away.has(`${v.name}.${f.name}`);
      if (isCompared && isAway)
        out.push({
          where: listWhere,
          message: `${v.name}.${f.name} is both compared (FIELDS) and listed as projected away`,
        });
      if (!isCompared && !isAway) {
        out.push({
          where: fieldsAt,
          message: `spec field ${v.name}.${f.name} (${specWhere(spec.ix, f.loc)}) is neither in FIELDS.${v.name} nor listed as projected away (${listWhere})`,
        });
      }
    }
    for (const c of compared) {
      if (!v.fields.some((f) => f.name === c.name))
        out.push({
          where: c.where,
          message: `FIELDS.${v.name} lists ${c.name}, which is not a field of the spec's ${v.name} (${at})`,
        });
    }
  }
  for (const [name, at] of produced) {
    if (!spec.variables.some((v) => v.name === name))
      out.push({ where: at, message: `abstractState produces ${name}, which is not a spec variable` });
  }
  for (const [name, at] of abs.fieldsWhere) {
    if (!spec.variables.some((v) => v.name === name))
      out.push({ where: at, message: `FIELDS has an entry for ${name}, which is not a spec variable` });
  }
  for (const a of away) {
    if (!specFields.has(a))
      out.push({
        where: listWhere,
        message: `${a} is listed as projected away but is not a spec variable or field`,
      });
  }
  return out;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => same([...a].sort(), [...b].sort());
const show = (xs: readonly string[]): string => `[${xs.join(", ")}]`;

function compareState(s: MachineState, t: MachineState): Mismatch[] {
  const out: Mismatch[] = [];
  const at = t.where;
  if (s.kind !== t.kind)
    return [
      { where: at, message: `${t.name} is a ${t.kind} state; the spec's (${s.where}) is a ${s.kind} state` },
    ];
  if (!same(s.steps, t.steps))
    out.push({
      where: at,
      message: `${t.name} steps ${show(t.steps)}; the spec's (${s.where}) are ${show(s.steps)}`,
    });
  if (!sameSet(s.next, t.next))
    out.push({
      where: at,
      message: `${t.name} may go to ${show(t.next)}; the spec's Transit calls (${s.where}) give ${show(s.next)}`,
    });
  const n = Math.max(s.transitions.length, t.transitions.length);
  for (let i = 0; i < n; i++) {
    const a = s.transitions[i];
    const b = t.transitions[i];
    const where = b?.where ?? at;
    if (a === undefined || b === undefined || !sameSet(a.events, b.events) || a.to !== b.to) {
      const fmt = (x: typeof a): string => (x === undefined ? "nothing" : `${show(x.events)} → ${x.to}`);
      out.push({
        where,
        message: `${t.name} table entry ${i + 1} is ${fmt(b)}; the spec's WaitTable (${a?.where ?? s.where}) has ${fmt(a)}`,
      });
    }
  }
  return out;
}

/** The TypeScript state table equals the spec's: states and kinds, steps, next states, wait tables, events, OOB. */
export function checkMachine(spec: Machine, impl: Machine): Mismatch[] {
  const out: Mismatch[] = [];
  for (const s of spec.states) {
    const t = impl.states.find((x) => x.name === s.name);
    if (t === undefined)
      out.push({
        where: s.where,
        message: `spec state ${s.name} is missing from STATES (src/fscache/states.ts)`,
      });
    else out.push(...compareState(s, t));
  }
  for (const t of impl.states) {
    if (!spec.states.some((s) => s.name === t.name))
      out.push({ where: t.where, message: `STATES.${t.name} is not a state of the spec` });
  }
  for (const e of spec.events) {
    const t = impl.events.find((x) => x.name === e.name);
    if (t === undefined)
      out.push({ where: e.where, message: `spec event ${e.name} is missing from EVENT_BITS` });
    else if (t.bit !== e.bit)
      out.push({
        where: t.where,
        message: `event ${e.name} has bit ${String(t.bit)}; the spec's Bit gives ${String(e.bit)} (${e.where})`,
      });
  }
  for (const t of impl.events) {
    if (!spec.events.some((e) => e.name === t.name))
      out.push({ where: t.where, message: `event ${t.name} is not one of the spec's Events` });
  }
  for (const o of spec.oob) {
    const t = impl.oob.find((x) => x.table === o.table);
    if (t === undefined)
      out.push({ where: o.where, message: `spec OOB table ${o.table} is missing from OOB_TABLES` });
    else if (t.to !== o.to || !sameSet(t.events, o.events)) {
      out.push({
        where: t.where,
        message: `OOB table ${o.table} is ${show(t.events)} → ${t.to}; the spec's (${o.where}) is ${show(o.events)} → ${o.to}`,
      });
    }
  }
  for (const t of impl.oob) {
    if (!spec.oob.some((o) => o.table === t.table))
      out.push({ where: t.where, message: `OOB table ${t.table} is not one of the spec's OobTarget tables` });
  }
  return out;
}

/** The kernel map has exactly one entry per spec action. */
export function checkKernelMap(spec: SpecModel, km: KernelMap): Mismatch[] {
  const out: Mismatch[] = [...km.problems];
  for (const a of spec.actions) {
    if (!km.entries.has(a.name) && !km.problems.some((p) => p.where === km.whereOf(a.name))) {
      out.push({
        where: km.whereOf(a.name),
        message: `no kernel-map entry for spec action ${a.name} (${specWhere(spec.ix, a.loc)})`,
      });
    }
  }
  for (const k of km.entries.keys()) {
    if (!spec.actions.some((a) => a.name === k))
      out.push({ where: km.whereOf(k), message: `kernel-map entry ${k} names no spec action` });
  }
  return out;
}

/** Every check, spec and implementation problems first. */
export function checkMapping(spec: SpecModel, impl: ImplModel, km: KernelMap): Mismatch[] {
  return [
    ...spec.problems,
    ...impl.problems,
    ...checkActions(spec, impl),
    ...checkAbstraction(spec, impl.abstraction),
    ...checkMachine(spec.machine, impl.machine),
    ...checkKernelMap(spec, km),
  ];
}
