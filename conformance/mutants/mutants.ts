// The mutants the conformance run must kill: the PRE_FIX design run against POST_FIX traces, hand-written
// faults at the protocol's critical points (n_active use/unuse and its wake-up, relinquish's wait, the
// invalidation barrier, the state table, out-of-band handling, event queueing, op start), and the repairs of
// POST_FIX_REPAIRED that the conformance models reach (F3, F4, F5, F8, F9, F10), each undone. Each is a textual
// patch on a copy of src/; a `find` that no longer matches is reported as an error, never as a pass.

import type { Mutant } from "./patch.ts";

export const MUTANTS: readonly Mutant[] = [
  {
    name: "pre-fix-design",
    file: "fscache/cache.ts",
    find: "",
    replace: "",
    options: { design: "PRE_FIX" },
    why: "caaef69 without 1362729b: relinquish detaches and frees the cookie; must diverge from POST_FIX traces",
  },
  {
    name: "use-from-zero",
    file: "fscache/cookie.ts",
    find: "  if (cookie.n_active === 0) return false;\n  cookie.n_active++;",
    replace: "  cookie.n_active++;",
    why: "fscache_use_cookie increments from zero: an object worker resurrects a relinquished cookie (S5)",
  },
  {
    name: "unuse-forgets-wakeup",
    file: "fscache/cookie.ts",
    find: "  if (cookie.n_active === 0) core.wake(cookie.activeWq);",
    replace: "",
    why: "unuse reaching 0 does not wake the relinquisher: RelinquishWait never becomes enabled (S6, L1)",
  },
  {
    name: "unuse-no-decrement",
    file: "fscache/cookie.ts",
    find: "export function unuseCookie(core: CacheCore, cookie: Cookie): void {\n  cookie.n_active--;",
    replace: "export function unuseCookie(core: CacheCore, cookie: Cookie): void {",
    why: "a use is never given back: n_active leaks and relinquish waits forever",
  },
  {
    name: "relinquish-does-not-wait",
    file: "fscache/netfs.ts",
    find: "    if (cookie.n_active !== 0) {\n      await call.waitFor(",
    replace: "    if (false as boolean) {\n      await call.waitFor(",
    why: "relinquish clears the netfs data while an object or op still holds an n_active unit (S4, the §4.3 oops)",
  },
  {
    name: "invalidate-leaves-pending-stores",
    file: "fscache/work.ts",
    find: '      if (entry.tag === "PENDING") {\n        cookie.stores.delete(page);\n        dropped = true;',
    replace:
      '      if (entry.tag === "PENDING" && (false as boolean)) {\n        cookie.stores.delete(page);\n        dropped = true;',
    why: "InvalidateWrites keeps PENDING pages: writes from before the invalidation reach the cache (S14)",
  },
  {
    name: "wait-for-cmd-update-to-invalidate",
    file: "fscache/states.ts",
    find: '      { events: ["UPDATE"], to: "UPDATE_OBJECT" },',
    replace: '      { events: ["UPDATE"], to: "INVALIDATE_OBJECT" },',
    why: "a state-table transition to the wrong state: UPDATE in WAIT_FOR_CMD runs an invalidation",
  },
  {
    name: "lost-oob-check",
    file: "fscache/dispatcher.ts",
    find: "  if (oobEvent !== undefined) return {",
    replace: "  if (oobEvent !== undefined && (false as boolean)) return {",
    why: "the dispatcher ignores out-of-band events: KILL/ERROR no longer pre-empt the wait tables",
  },
  {
    name: "raise-ignores-event-mask",
    file: "fscache/object.ts",
    find: "  if (obj.event_mask.has(ev)) enqueueObject(core, obj);",
    replace: "  enqueueObject(core, obj);",
    why: "raising an event queues the object even while the dispatcher has the event masked",
  },
  {
    name: "kill-keeps-live",
    file: "fscache/work.ts",
    find: '    const { core, obj } = w;\n    obj.flags.delete("IS_LIVE");',
    replace: "    const { core, obj } = w;",
    why: "KILL_OBJECT leaves IS_LIVE set: new ops are accepted on a dying object (S8)",
  },
  {
    name: "lookup-unuse-skipped",
    file: "fscache/work.ts",
    find: '    if (!core.preFix) unuseCookie(core, derefCookie(obj.cookie, "LookupUnuse"));',
    replace: "",
    why: "LOOK_UP_OBJECT's n_active unit is never given back",
  },
  {
    name: "run-op-keeps-waiting",
    file: "fscache/operation.ts",
    find: '  obj.n_in_progress++;\n  if (op.flags.delete("WAITING")) core.wake(op.waitq);',
    replace: "  obj.n_in_progress++;",
    why: "fscache_run_op neither clears WAITING nor wakes the MYTHREAD reader: ReadWaitActive never runs",
  },
  {
    name: "abort-init-keeps-dep-ref",
    file: "fscache/work.ts",
    find: '        if (core.repaired("ABORT_INIT_PUTS_DEP_REF")) objectPut(core, obj);',
    replace: "",
    why: "repair F3 lost: ABORT_INIT leaks the dependents ref, so the object is never destroyed and its cookie never freed",
    repair: "F3",
  },
  {
    name: "parent-ready-keeps-init-oob",
    file: "fscache/work.ts",
    find: '    if (core.repaired("LOOKUP_OOB_AT_PARENT_READY")) obj.oob = "lookup";',
    replace: "",
    why: "repair F5 lost: a KILL between PARENT_READY and LOOK_UP_OBJECT goes to ABORT_INIT and leaks the parent op",
    repair: "F5",
  },
  {
    name: "drop-keeps-looking-up",
    file: "fscache/work.ts",
    find: '      if (core.repaired("DROP_CLEARS_LOOKING_UP") && clearCookieFlag(core, cookie, "LOOKING_UP")) {',
    replace: '      if ((false as boolean) && clearCookieFlag(core, cookie, "LOOKING_UP")) {',
    why: "repair F8 lost: an object dropped before its lookup leaves LOOKING_UP set, stranding deferred readers",
    repair: "F8",
  },
  {
    name: "dead-run-calls-sentinel",
    file: "fscache/dispatcher.ts",
    find: '      bugOn(!core.repaired("DEAD_RUN_RETURNS"), SPEC_OOPS.DispatchStart);',
    replace: "      bugOn(true, SPEC_OOPS.DispatchStart);",
    why: "repair F9 lost: a run queued while the previous one ended in OBJECT_DEAD calls the DEAD sentinel",
    repair: "F9",
  },
  {
    name: "kill-starts-async-on-unavailable",
    file: "fscache/operation.ts",
    find: '      core.repaired("ASYNC_OPS_NEED_AVAILABLE") &&\n      op.flags.has("ASYNC") &&',
    replace: '      false &&\n      op.flags.has("ASYNC") &&',
    why: "repair F10 lost: KILL_OBJECT starts an ASYNC op queued on an object whose creation failed (ASSERT)",
    repair: "F10",
  },
  {
    name: "unattached-destroy-puts-cookie",
    file: "fscache/object.ts",
    find: '  const put = !core.preFix && (obj.holdsCookieRef || !core.repaired("UNATTACHED_PUT_KEEPS_COOKIE"));',
    replace: "  const put = !core.preFix;",
    why: "repair F4 lost: destroying an object whose attach failed puts a cookie ref it never took (double free)",
    repair: "F4",
  },
  {
    name: "object-available-skips-ops",
    file: "fscache/work.ts",
    find: '    obj.oob = "run";\n    doneParentOp(core, obj);\n    if (obj.n_in_progress === 0 && obj.n_ops > 0) startOperations(core, obj);',
    replace: '    obj.oob = "run";\n    doneParentOp(core, obj);',
    why: "ops queued during lookup are never started when the object becomes available",
  },
];
