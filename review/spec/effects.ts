// Which state each action may change and which state each property reads, as `var.field` (or `var.*` for a
// whole record or variable), read off the spec through the helpers it applies. Over-approximate on purpose:
// the pack lists the properties a change can affect, and a stuttering action is one that changes nothing but
// lastAction.

import {
  type Definition,
  definitionOf,
  type Expr,
  isBuiltin,
  literalValues,
  recordFields,
  type SpecIndex,
  stringSet,
  variableName,
} from "./semantic.ts";

/** The bundle record `[obj |-> object, ck |-> cookie, op |-> op]` helpers pass around: field → variable. */
interface Bundle {
  /** Bundle field → variable. */
  readonly fields: Map<string, string>;
  /** The definitions that build the bundle. */
  readonly defs: Set<string>;
}

function bundleOf(ix: SpecIndex): Bundle {
  const out: Bundle = { fields: new Map(), defs: new Set() };
  for (const d of ix.byName.values()) {
    const rec = d.params.length === 0 && d.body !== undefined ? recordFields(d.body) : undefined;
    if (rec === undefined || rec.length === 0) continue;
    const vars = rec.map((f) => variableName(ix, f.value));
    if (vars.every((v) => v !== undefined)) {
      rec.forEach((f, i) => out.fields.set(f.field, vars[i] as string));
      out.defs.add(d.uid);
    }
  }
  return out;
}

/** The first string selector of an EXCEPT path after the record's index: `![c].n_active` → n_active. */
function pathField(path: Expr | undefined, skip: number): string | undefined {
  if (path === undefined || !isBuiltin(path, "$Seq")) return undefined;
  const rest = path.args.slice(skip).filter((a) => a.kind === "string");
  return rest[0]?.kind === "string" ? rest[0].value : undefined;
}

type Bindings = ReadonlyMap<string, Expr>;

interface Expansion {
  readonly visit: (x: Expr) => boolean;
  /** Definitions already expanded, keyed by their literal arguments. */
  readonly seen: Set<string>;
}

function bound(e: Expr, b: Bindings): Expr {
  return e.kind === "appl" && e.op.kind === "param" && b.has(e.op.uid) ? bound(b.get(e.op.uid) as Expr, b) : e;
}

/** The literal strings an expression can be under these bindings, if it is fixed by them. */
function literalsUnder(ix: SpecIndex, e: Expr | undefined, b: Bindings): string[] | undefined {
  return e === undefined ? undefined : literalValues(ix, bound(e, b))?.map((l) => l.value);
}

/** Decides `x = "lit"`, `x \in S` and their negation when the literals at hand settle them. */
function decide(ix: SpecIndex, c: Expr, b: Bindings): boolean | undefined {
  if (isBuiltin(c, "\\lnot")) {
    const v = c.args[0] === undefined ? undefined : decide(ix, c.args[0], b);
    return v === undefined ? undefined : !v;
  }
  if (isBuiltin(c, "=", "\\in")) {
    const membership = c.op.name === "\\in";
    const [x, y] = c.args;
    const xs = literalsUnder(ix, x, b);
    const ys = membership ? stringSet(ix, y === undefined ? y : bound(y, b))?.map((l) => l.value) : literalsUnder(ix, y, b);
    if (xs === undefined || ys === undefined) return undefined;
    if (xs.every((v) => !ys.includes(v))) return false;
    if (xs.every((v) => ys.includes(v)) && (membership || ys.length === 1)) return true;
  }
  return undefined;
}

/**
 * Expands `e` through the definitions it applies, binding their parameters to the arguments, taking only the
 * branch of an IF that those arguments decide (Transit to a work state never ends the run), and calling
 * `visit` on every node reached.
 */
function expand(ix: SpecIndex, e: Expr | undefined, x: Expansion, b: Bindings = new Map(), depth = 0): void {
  if (e === undefined || depth > 40) return;
  if (!x.visit(e)) return;
  if (isBuiltin(e, "$IfThenElse") && e.args[0] !== undefined) {
    const v = decide(ix, e.args[0], b);
    if (v !== undefined) {
      expand(ix, v ? e.args[1] : e.args[2], x, b, depth + 1);
      return;
    }
  }
  if (e.kind === "appl") {
    const d = definitionOf(ix, e);
    if (d !== undefined) {
      const args = e.args.map((a) => bound(a, b));
      const key = `${d.uid}(${args.map((a) => (literalsUnder(ix, a, b) ?? ["?"]).join("|")).join(",")})`;
      if (!x.seen.has(key)) {
        x.seen.add(key);
        const inner = new Map(b);
        d.params.forEach((p, i) => {
          const a = args[i];
          if (a !== undefined) inner.set(p, a);
        });
        expand(ix, d.body, x, inner, depth + 1);
      }
    }
    e.args.forEach((a) => expand(ix, a, x, b, depth + 1));
    e.bound.forEach((y) => expand(ix, y.domain, x, b, depth + 1));
  } else if (e.kind === "let") {
    for (const uid of e.defs) expand(ix, ix.definitions.get(uid)?.body, x, b, depth + 1);
    expand(ix, e.body, x, b, depth + 1);
  }
}

/** The state an action may write: `var.field`, or `var.*` for a whole record or variable. */
export function writesOf(ix: SpecIndex, d: Definition): Set<string> {
  const bundle = bundleOf(ix);
  const out = new Set<string>();
  const fieldsOfValue = (v: string, value: Expr | undefined): void => {
    // `!.obj[o] = [r EXCEPT !.events = …]` (or `[@ EXCEPT …]`) writes only the inner fields.
    if (value !== undefined && isBuiltin(value, "$Except")) {
      for (const p of value.args.slice(1)) {
        const f = isBuiltin(p, "$Pair") ? pathField(p.args[0], 0) : undefined;
        out.add(f === undefined ? `${v}.*` : `${v}.${f}`);
      }
    } else out.add(`${v}.*`);
  };
  const visit = (x: Expr): boolean => {
    if (isBuiltin(x, "UNCHANGED")) return false;
    if (isBuiltin(x, "$Except")) {
      const base = x.args[0];
      const own = base === undefined ? undefined : variableName(ix, base);
      for (const p of x.args.slice(1)) {
        if (!isBuiltin(p, "$Pair") || !isBuiltin(p.args[0] as Expr, "$Seq")) continue;
        const path = p.args[0] as Extract<Expr, { kind: "appl" }>;
        const head = path.args[0];
        if (own !== undefined) {
          const f = pathField(path, 1);
          if (f !== undefined) out.add(`${own}.${f}`);
          else fieldsOfValue(own, p.args[1]);
        } else if (head?.kind === "string" && bundle.fields.has(head.value)) {
          const v = bundle.fields.get(head.value) as string;
          const f = pathField(path, 2);
          if (f !== undefined) out.add(`${v}.${f}`);
          else fieldsOfValue(v, p.args[1]);
        }
      }
    }
    if (isBuiltin(x, "=") && x.args[0] !== undefined && isBuiltin(x.args[0], "'")) {
      const v = x.args[0].args[0] === undefined ? undefined : variableName(ix, x.args[0].args[0]);
      const value = x.args[1];
      const viaExcept = value !== undefined && isBuiltin(value, "$Except") && variableName(ix, value.args[0] as Expr) === v;
      const viaBundle = value !== undefined && isBuiltin(value, "$RcdSelect");
      if (v !== undefined && !viaExcept && !viaBundle) out.add(`${v}.*`);
    }
    return true;
  };
  expand(ix, d.body, { visit, seen: new Set() });
  return out;
}

/** The variables an action may change (whatever field). */
export function changedVariables(ix: SpecIndex, d: Definition): Set<string> {
  return new Set([...writesOf(ix, d)].map((w) => w.split(".")[0] as string));
}

/** The state a property reads: `var.field` where it selects a field of a variable's record, else `var.*`. */
export function readsOf(ix: SpecIndex, d: Definition): Set<string> {
  const bundle = bundleOf(ix);
  const out = new Set<string>();
  const base = (e: Expr): string | undefined => {
    // x[i] of a variable, or of a bundle field w.obj (whatever w is).
    const target = isBuiltin(e, "'") ? e.args[0] : e;
    if (target === undefined) return undefined;
    if (isBuiltin(target, "$FcnApply") && target.args[0] !== undefined) return base(target.args[0]);
    if (isBuiltin(target, "$RcdSelect") && target.args[1]?.kind === "string" && bundle.fields.has(target.args[1].value)) {
      return bundle.fields.get(target.args[1].value);
    }
    return variableName(ix, target);
  };
  const seen = new Set<string>();
  expand(ix, d.body, {
    seen,
    visit: (x) => {
      // `[][A]_vars`: the subscript names every variable but says nothing about which the property reads.
      if (isBuiltin(x, "$SquareAct")) {
        expand(ix, x.args[0], { visit: visitRead, seen });
        return false;
      }
      return visitRead(x);
    },
  });
  function visitRead(x: Expr): boolean {
    // The bundle of all variables is read only through the fields selected from it (handled above).
    const d = definitionOf(ix, x);
    if (d !== undefined && bundle.defs.has(d.uid)) return false;
    if (isBuiltin(x, "$RcdSelect") && x.args[0] !== undefined && x.args[1]?.kind === "string") {
      const v = isBuiltin(x.args[0], "$FcnApply") ? base(x.args[0]) : undefined;
      if (v !== undefined) {
        out.add(`${v}.${x.args[1].value}`);
        if (isBuiltin(x.args[0], "$FcnApply")) x.args[0].args.slice(1).forEach((a) => expand(ix, a, { visit: visitRead, seen }));
        return false;
      }
    }
    const v = variableName(ix, x);
    if (v !== undefined) out.add(`${v}.*`);
    return true;
  }
  return out;
}

/** Whether a write can affect a read (same field, or either covers the whole variable). */
export function overlaps(writes: ReadonlySet<string>, reads: ReadonlySet<string>): boolean {
  for (const w of writes) {
    const [wv, wf] = w.split(".");
    for (const r of reads) {
      const [rv, rf] = r.split(".");
      if (wv === rv && (wf === undefined || rf === undefined || wf === "*" || rf === "*" || wf === rf)) return true;
    }
  }
  return false;
}
