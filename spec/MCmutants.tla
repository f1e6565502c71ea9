------------------------------ MODULE MCmutants ------------------------------
(* Deliberately wrong steps, one per safety property, to show that each      *)
(* property can fail. Each is swapped in by a cfg override `Op <- MutOp`      *)
(* (rows in mutants.json; src/cli/spec-mutants.ts builds the cfg from MCci.cfg). *)
EXTENDS MCci

\* TypeOK: a cookie put that drops two refs (usage goes negative).
MutCookiePut(w, c) == IF c \notin Cookies THEN w ELSE [w EXCEPT !.ck[c].usage = @ - 2]
\* A copy of ObjPutX (the mutants below replace ObjPutX, so they cannot call it).
OrigObjPutX(w, o, putCookie) ==
    LET r == w.obj[o] IN
    IF r.usage > 1 THEN [w EXCEPT !.obj[o].usage = @ - 1]
    ELSE LET w1 == [w EXCEPT !.obj[o].usage = @ - 1, !.obj[o].mem = "FREED", !.obj[o].cookie = "NULL"]
         IN IF NewDesign /\ putCookie THEN CookiePut(w1, r.cookie) ELSE w1
\* CookiePinnedByObject: every object put also puts the cookie (cookie freed under a live object).
MutObjPutEager(w, o, putCookie) == CookiePut(OrigObjPutX(w, o, putCookie), w.obj[o].cookie)
\* CookiePinnedByObjectStep: an object put clears object->cookie (as the old detach did).
MutObjPutNull(w, o, putCookie) ==
    LET w1 == OrigObjPutX(w, o, putCookie) IN [w1 EXCEPT !.obj[o].cookie = "NULL"]
\* CookieRefAccounting: object_destroy forgets to put the cookie.
MutObjPutNoCookie(w, o, putCookie) == OrigObjPutX(w, o, FALSE)
\* NoFreeWithBackingObjects: relinquish puts the cookie twice (frees it under its object).
MutRelinquishPut(t) ==
    LET c == TCookie[t]
        p == Parent[c]
        w1 == IF p = "FSDEF" THEN W0 ELSE [W0 EXCEPT !.ck[p].n_children = @ - 1]
    IN /\ thread[t].pc = "RelinquishPut"
       /\ lastAction' = [name |-> "RelinquishPut", t |-> t]
       /\ Commit(CookiePut(CookiePut(w1, c), c))
       /\ Ret(t, "Done", "OK")
       /\ UNCHANGED oops
\* NetfsAccessGuarded: relinquish does not wait for n_active to reach 0.
MutRelinquishWait(t) ==
    /\ thread[t].pc = "RelinquishWait"
    /\ lastAction' = [name |-> "RelinquishWait", t |-> t]
    /\ SetPc(t, "RelinquishClear")
    /\ UNCHANGED <<cookie, object, op, oops>>
\* NActiveNonNegative: unuse drops two units.
MutUnuse2(w, c) == IF c \in Cookies THEN [w EXCEPT !.ck[c].n_active = @ - 2] ELSE w
\* UseUnuseBalance: unuse forgets to decrement.
MutUnuseNoop(w, c) == w
\* NActiveNoResurrection: INVALIDATE_OBJECT takes n_active with a plain increment.
MutINVALIDATE_OBJECT(o) ==
    /\ Step(o, "INVALIDATE_OBJECT")
    /\ ObjCommit([Use(W0, object[o].cookie) EXCEPT !.obj[o].disp = "InvalidateWrites"])
\* RelinquishPostcondition: relinquish does not raise KILL on its objects.
MutRelinquishKill(t) ==
    /\ thread[t].pc = "RelinquishKill"
    /\ lastAction' = [name |-> "RelinquishKill", t |-> t]
    /\ SetPc(t, "RelinquishDropActive")
    /\ UNCHANGED <<cookie, object, op, oops>>
\* DropPrecondition, ParentOutlivesChild: KILL_OBJECT's test always drops.
MutKillTest(o) ==
    /\ Step(o, "KillTest")
    /\ ObjCommit(Transit(W0, o, "DROP_OBJECT"))
\* SingleDispatcher: the end of a run leaves the work item running.
MutEndRun(w, o) == ObjPut([w EXCEPT !.obj[o].disp = "IDLE", !.obj[o].exec = "NONE"], o)
\* DeadIsTerminal: the end of a run neither drops the work ref nor idles the item,
\* so a DEAD object survives, still marked running.
MutEndRunNoPut(w, o) == [w EXCEPT !.obj[o].disp = "IDLE", !.obj[o].exec = "NONE"]
\* OpAccounting: fscache_run_op forgets n_in_progress.
MutRunOp(w, k) ==
    LET async == "ASYNC" \in w.op[k].flags
    IN [w EXCEPT !.op[k].state = "IN_PROGRESS", !.op[k].flags = @ \ {"WAITING"},
                 !.op[k].usage = IF async THEN @ + 1 ELSE @,
                 !.op[k].pc = IF async THEN FirstOpPc(w.op[k].kind) ELSE "NONE"]
\* InvalidationBarrier: fscache_invalidate_writes drops nothing.
MutInvalidateWrites(o) ==
    /\ Step(o, "InvalidateWrites")
    /\ ObjCommit([W0 EXCEPT !.obj[o].disp = "InvalidateSubmitOp"])
=============================================================================
