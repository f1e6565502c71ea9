// A fault-injecting wrapper around any backend, for tests: a plan of rules says which asynchronous call
// fails with which BackendErrorCode (lookup EIO, a full disk after N pages, ...). A failing call throws
// before reaching the wrapped backend, so it has no effect there; every injected fault is recorded.

import {
  BackendError,
  type BackendErrorCode,
  type BackendObject,
  type CacheBackend,
  type LookupOutcome,
  type ObjectKey,
} from "../backend.ts";

/** The backend calls that can fail (the synchronous ones cannot raise BackendError). */
export type FaultableOp =
  | "lookupObject"
  | "updateObject"
  | "invalidateObject"
  | "attrChanged"
  | "readPage"
  | "writePage"
  | "dropObject";

/** One fault rule: calls of `op` (on objects under `path`, if given) fail with `code`. */
export interface FaultRule {
  readonly op: FaultableOp;
  readonly code: BackendErrorCode;
  /** Only objects whose key path starts with these elements. */
  readonly path?: readonly string[];
  /** Let this many matching calls succeed first (default 0). */
  readonly after?: number;
  /** Fail this many matching calls, then let them pass again (default: all). */
  readonly times?: number;
  /** For lookupObject: the object is found absent and creating it fails (BackendError.afterNegative). */
  readonly afterNegative?: boolean;
}

/** A fault that was injected. */
export interface InjectedFault {
  readonly op: FaultableOp;
  readonly key: readonly string[];
  readonly code: BackendErrorCode;
}

/** A full disk: every page write after the first `pages` fails with ENOSPC. */
export function fullDisk(pages = 0): FaultRule {
  return { op: "writePage", code: "ENOSPC", after: pages };
}

/** The first matching call of `op` fails with `code`, later ones succeed. */
export function failOnce(op: FaultableOp, code: BackendErrorCode, path?: readonly string[]): FaultRule {
  return path ? { op, code, times: 1, path } : { op, code, times: 1 };
}

export class FaultyBackend implements CacheBackend {
  readonly tag: string;
  private rules: { rule: FaultRule; seen: number }[] = [];
  private readonly log: InjectedFault[] = [];

  constructor(
    readonly inner: CacheBackend,
    plan: readonly FaultRule[] = [],
  ) {
    this.tag = `faulty:${inner.tag}`;
    this.setPlan(plan);
  }

  /** Replaces the plan; counts of `after`/`times` restart. */
  setPlan(plan: readonly FaultRule[]): void {
    this.rules = plan.map((rule) => ({ rule, seen: 0 }));
  }

  /** The faults injected so far. */
  injected(): readonly InjectedFault[] {
    return this.log;
  }

  allocObject(key: ObjectKey): BackendObject {
    return this.inner.allocObject(key);
  }

  lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome> {
    return this.guard("lookupObject", obj, () => this.inner.lookupObject(obj, aux));
  }

  lookupComplete(obj: BackendObject): void {
    this.inner.lookupComplete(obj);
  }

  updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    return this.guard("updateObject", obj, () => this.inner.updateObject(obj, aux));
  }

  invalidateObject(obj: BackendObject, size: number): Promise<void> {
    return this.guard("invalidateObject", obj, () => this.inner.invalidateObject(obj, size));
  }

  attrChanged(obj: BackendObject, size: number): Promise<void> {
    return this.guard("attrChanged", obj, () => this.inner.attrChanged(obj, size));
  }

  readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    return this.guard("readPage", obj, () => this.inner.readPage(obj, page));
  }

  writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    return this.guard("writePage", obj, () => this.inner.writePage(obj, page, data));
  }

  dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    return this.guard("dropObject", obj, () => this.inner.dropObject(obj, retire));
  }

  putObject(obj: BackendObject): void {
    this.inner.putObject(obj);
  }

  /** Fails the call as the plan says, or makes it. */
  private async guard<T>(op: FaultableOp, obj: BackendObject, call: () => Promise<T>): Promise<T> {
    this.maybeFail(op, obj);
    return await call();
  }

  /** Throws the first matching rule's error; every matching rule counts the call. */
  private maybeFail(op: FaultableOp, obj: BackendObject): void {
    let fault: FaultRule | undefined;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.op !== op || !startsWith(obj.key.path, rule.path ?? [])) continue;
      const n = entry.seen++;
      const after = rule.after ?? 0;
      const fails = n >= after && n - after < (rule.times ?? Infinity);
      if (fails && fault === undefined) fault = rule;
    }
    if (fault === undefined) return;
    this.log.push({ op, key: [...obj.key.path], code: fault.code });
    throw new BackendError(fault.code, op, `injected fault on ${JSON.stringify(obj.key.path)}`, {
      afterNegative: fault.afterNegative ?? false,
    });
  }
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((element, i) => path[i] === element);
}
