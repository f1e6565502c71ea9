// SANY's semantic graph as typed TypeScript: definitions, their parameters and bodies, every operator
// application resolved to a built-in, a user definition, a formal parameter or a declared constant/variable,
// with its place in the module. The other review/spec modules read the spec only through this index.

import { basename } from "node:path";
import type { XmlElement } from "./sany-xml.ts";

/** A place in the spec: 1-based line and column. */
export interface Loc {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
}

/** What an operator application applies. */
export type Ref =
  | { readonly kind: "builtin"; readonly name: string }
  | { readonly kind: "user"; readonly uid: string }
  | { readonly kind: "param"; readonly uid: string }
  | { readonly kind: "decl"; readonly uid: string }
  | { readonly kind: "other"; readonly uid: string };

export interface Bound {
  readonly param: string;
  readonly domain: Expr | undefined;
}

export type Expr =
  | {
      readonly kind: "appl";
      readonly op: Ref;
      readonly args: readonly Expr[];
      readonly bound: readonly Bound[];
      readonly loc?: Loc;
    }
  | { readonly kind: "string"; readonly value: string; readonly loc?: Loc }
  | { readonly kind: "number"; readonly value: number; readonly loc?: Loc }
  | { readonly kind: "let"; readonly defs: readonly string[]; readonly body: Expr; readonly loc?: Loc }
  | { readonly kind: "at"; readonly loc?: Loc }
  | { readonly kind: "other"; readonly tag: string; readonly loc?: Loc };

export type Appl = Extract<Expr, { kind: "appl" }>;
/** An application of a built-in operator (a narrower type, so a failed test leaves other applications). */
export type BuiltinAppl = Appl & { readonly op: { readonly kind: "builtin"; readonly name: string } };

/** A user definition `Name(p1, …) == body` (top level or LET). */
export interface Definition {
  readonly uid: string;
  readonly name: string;
  readonly params: readonly string[];
  readonly body: Expr | undefined;
  readonly loc?: Loc;
  /** The module whose text holds it. */
  readonly module: string;
}

/** A declared CONSTANT or VARIABLE. */
export interface Declaration {
  readonly uid: string;
  readonly name: string;
  readonly kind: "constant" | "variable";
  readonly loc?: Loc;
}

/** The root module's semantic graph. */
export interface SpecIndex {
  /** The .tla file the index was read from. */
  readonly file: string;
  readonly module: string;
  readonly definitions: ReadonlyMap<string, Definition>;
  /** The root module's top-level definitions by name. */
  readonly byName: ReadonlyMap<string, Definition>;
  readonly params: ReadonlyMap<string, string>;
  readonly declarations: ReadonlyMap<string, Declaration>;
  /** The root module's VARIABLES in declaration order. */
  readonly variables: readonly Declaration[];
}

const child = (el: XmlElement, name: string): XmlElement | undefined =>
  el.children.find((c) => c.name === name);
const text = (el: XmlElement | undefined, name: string): string =>
  el === undefined ? "" : (child(el, name)?.text ?? "");

function locOf(el: XmlElement): Loc | undefined {
  const l = child(el, "location");
  if (l === undefined) return undefined;
  const line = child(l, "line");
  const col = child(l, "column");
  return {
    line: Number(text(line, "begin")),
    column: Number(text(col, "begin")),
    endLine: Number(text(line, "end")),
  };
}

function moduleOf(el: XmlElement): string {
  const l = child(el, "location");
  return l === undefined ? "" : text(l, "filename");
}

function refOf(el: XmlElement | undefined, builtins: ReadonlyMap<string, string>): Ref {
  const r = el?.children[0];
  const uid = r === undefined ? "" : text(r, "UID");
  switch (r?.name) {
    case "BuiltInKindRef":
      return { kind: "builtin", name: builtins.get(uid) ?? `?${uid}` };
    case "UserDefinedOpKindRef":
      return { kind: "user", uid };
    case "FormalParamNodeRef":
      return { kind: "param", uid };
    case "OpDeclNodeRef":
      return { kind: "decl", uid };
    default:
      return { kind: "other", uid };
  }
}

function exprOf(el: XmlElement, builtins: ReadonlyMap<string, string>): Expr {
  const loc = locOf(el);
  const at = loc === undefined ? {} : { loc };
  switch (el.name) {
    case "OpApplNode": {
      const args = (child(el, "operands")?.children ?? []).map((c) => exprOf(c, builtins));
      const bound = (child(el, "boundSymbols")?.children ?? []).map((b): Bound => {
        const [p, ...rest] = b.children;
        const domain = rest.find((d) => d.name !== "tuple");
        return {
          param: p === undefined ? "" : text(p, "UID"),
          domain: domain === undefined ? undefined : exprOf(domain, builtins),
        };
      });
      return { kind: "appl", op: refOf(child(el, "operator"), builtins), args, bound, ...at };
    }
    case "StringNode":
      return { kind: "string", value: text(el, "StringValue"), ...at };
    case "NumeralNode":
      return { kind: "number", value: Number(text(el, "IntValue")), ...at };
    case "LetInNode": {
      const defs = (child(el, "opDefs")?.children ?? []).map((d) => text(d, "UID"));
      const body = child(el, "body")?.children[0];
      return { kind: "let", defs, body: body === undefined ? { kind: "other", tag: "empty" } : exprOf(body, builtins), ...at };
    }
    case "AtNode":
      return { kind: "at", ...at };
    default:
      return { kind: "other", tag: el.name, ...at };
  }
}

/** Indexes SANY's export of `file` (the document element of its XML). */
export function indexSpec(doc: XmlElement, file: string): SpecIndex {
  const root = text(doc, "RootModule") || basename(file, ".tla");
  const entries = child(doc, "context")?.children ?? [];
  const builtins = new Map<string, string>();
  for (const e of entries) {
    const k = e.children[1];
    if (k?.name === "BuiltInKind") builtins.set(text(e, "UID"), text(k, "uniquename"));
  }
  const definitions = new Map<string, Definition>();
  const params = new Map<string, string>();
  const declarations = new Map<string, Declaration>();
  for (const e of entries) {
    const uid = text(e, "UID");
    const k = e.children[1];
    if (k === undefined) continue;
    const name = text(k, "uniquename");
    const loc = locOf(k);
    if (k.name === "UserDefinedOpKind") {
      const body = child(k, "body")?.children[0];
      const ps = (child(k, "params")?.children ?? []).map((p) => text(p.children[0] ?? p, "UID"));
      definitions.set(uid, {
        uid,
        name,
        params: ps,
        body: body === undefined ? undefined : exprOf(body, builtins),
        module: moduleOf(k),
        ...(loc === undefined ? {} : { loc }),
      });
    } else if (k.name === "FormalParamNode") {
      params.set(uid, name);
    } else if (k.name === "OpDeclNode") {
      // SANY's declaration kinds: 2 CONSTANT, 3 VARIABLE.
      const kind = text(k, "kind") === "3" ? "variable" : "constant";
      declarations.set(uid, { uid, name, kind, ...(loc === undefined ? {} : { loc }) });
    }
  }
  const rootNode = entries
    .map((e) => e.children[1])
    .find((k) => k?.name === "ModuleNode" && text(k, "uniquename") === root);
  const byName = new Map<string, Definition>();
  const variables: Declaration[] = [];
  for (const r of rootNode?.children ?? []) {
    const uid = text(r, "UID");
    const d = definitions.get(uid);
    if (r.name === "UserDefinedOpKindRef" && d !== undefined && d.module === root) byName.set(d.name, d);
    const v = declarations.get(uid);
    if (r.name === "OpDeclNodeRef" && v?.kind === "variable") variables.push(v);
  }
  variables.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.column ?? 0) - (b.loc?.column ?? 0));
  return { file, module: root, definitions, byName, params, declarations, variables };
}

/** The definition an application applies, if it applies a user definition. */
export function definitionOf(ix: SpecIndex, e: Expr): Definition | undefined {
  return e.kind === "appl" && e.op.kind === "user" ? ix.definitions.get(e.op.uid) : undefined;
}

/** Whether `e` applies the built-in `name` (SANY's names: `\\lor`, `$DisjList`, `$Except`, `'`, …). */
export function isBuiltin(e: Expr, ...names: string[]): e is BuiltinAppl {
  return e.kind === "appl" && e.op.kind === "builtin" && names.includes(e.op.name);
}

/** The name of the variable `e` is (unprimed), if it is one. */
export function variableName(ix: SpecIndex, e: Expr): string | undefined {
  if (e.kind !== "appl" || e.op.kind !== "decl") return undefined;
  const d = ix.declarations.get(e.op.uid);
  return d?.kind === "variable" ? d.name : undefined;
}

/** Every sub-expression of `e`, `e` first (LET definitions' bodies are not entered). */
export function* walk(e: Expr | undefined): Generator<Expr> {
  if (e === undefined) return;
  yield e;
  if (e.kind === "appl") {
    for (const a of e.args) yield* walk(a);
    for (const b of e.bound) yield* walk(b.domain);
  } else if (e.kind === "let") {
    yield* walk(e.body);
  }
}

/** A string literal of the spec and where it is written. */
export interface Lit {
  readonly value: string;
  readonly loc: Loc | undefined;
}

/** The string literals `e` can evaluate to, through IF arms, LET names and definitions without parameters. */
export function literalValues(ix: SpecIndex, e: Expr | undefined, seen = new Set<string>()): Lit[] | undefined {
  if (e === undefined) return undefined;
  if (e.kind === "string") return [{ value: e.value, loc: e.loc }];
  if (e.kind === "let") return literalValues(ix, e.body, seen);
  if (isBuiltin(e, "$IfThenElse")) {
    const out: Lit[] = [];
    for (const branch of e.args.slice(1)) {
      const v = literalValues(ix, branch, seen);
      if (v === undefined) return undefined;
      out.push(...v);
    }
    return out;
  }
  const d = definitionOf(ix, e);
  if (d !== undefined && d.params.length === 0 && !seen.has(d.uid)) {
    seen.add(d.uid);
    return literalValues(ix, d.body, seen);
  }
  return undefined;
}

/** `file:line` of a place in the spec. */
export function specWhere(ix: SpecIndex, loc: Loc | undefined): string {
  return `${ix.file}:${loc?.line ?? 1}`;
}

/** The strings a set expression denotes: `{"a", "b"}`, unions of such sets, names of such sets. */
export function stringSet(ix: SpecIndex, e: Expr | undefined, seen = new Set<string>()): Lit[] | undefined {
  if (e === undefined) return undefined;
  if (isBuiltin(e, "$SetEnumerate")) {
    const out: Lit[] = [];
    for (const a of e.args) {
      if (a.kind !== "string") return undefined;
      out.push({ value: a.value, loc: a.loc });
    }
    return out;
  }
  if (isBuiltin(e, "\\union")) {
    const out: Lit[] = [];
    for (const a of e.args) {
      const v = stringSet(ix, a, seen);
      if (v === undefined) return undefined;
      out.push(...v.filter((x) => !out.some((y) => y.value === x.value)));
    }
    return out;
  }
  const d = definitionOf(ix, e);
  if (d !== undefined && d.params.length === 0 && !seen.has(d.uid)) {
    seen.add(d.uid);
    return stringSet(ix, d.body, seen);
  }
  return undefined;
}

/** The fields of a record constructor `[f1 |-> e1, …]` with their value expressions, in order. */
export function recordFields(e: Expr): { field: string; value: Expr; loc?: Loc }[] | undefined {
  if (!isBuiltin(e, "$RcdConstructor")) return undefined;
  const out: { field: string; value: Expr; loc?: Loc }[] = [];
  for (const p of e.args) {
    if (!isBuiltin(p, "$Pair")) return undefined;
    const [f, v] = p.args;
    if (f?.kind !== "string" || v === undefined) return undefined;
    out.push({ field: f.value, value: v, ...(f.loc === undefined ? {} : { loc: f.loc }) });
  }
  return out;
}

/** The arms of `CASE p1 -> e1 [] …` as (guard, value) pairs. */
export function caseArms(e: Expr | undefined): { guard: Expr; value: Expr }[] | undefined {
  if (e === undefined || !isBuiltin(e, "$Case")) return undefined;
  const out: { guard: Expr; value: Expr }[] = [];
  for (const p of e.args) {
    if (!isBuiltin(p, "$Pair")) return undefined;
    const [guard, value] = p.args;
    if (guard === undefined || value === undefined) return undefined;
    out.push({ guard, value });
  }
  return out;
}
