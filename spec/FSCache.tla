------------------------------ MODULE FSCache ------------------------------
(***************************************************************************)
(* Linux FS-Cache cookie / object lifecycle around commit 1362729b          *)
(* ("Simplify cookie retention for fscache_objects, fixing oops"), 3.12.    *)
(*                                                                          *)
(* The contract with the TypeScript implementation is docs/model.md: every  *)
(* variable, record field, action name and action parameter below is named  *)
(* there; kernel facts are from ../shared/reference/fscache-domain.md (§n). *)
(*                                                                          *)
(* DESIGN selects the variant:                                              *)
(*   "POST_FIX"          3.12 right after 1362729b, faithful (defects too). *)
(*   "PRE_FIX"           caaef69 without 1362729b (§2.5, §4.2).             *)
(*   "POST_FIX_REPAIRED" POST_FIX plus the repairs of the defects TLC finds *)
(*                       in POST_FIX (listed in spec/README.md).            *)
(*                                                                          *)
(* Mapping (spec variable | TypeScript field | kernel field):               *)
(*   cookie[c].mem        | Cookie.mem             | kmem alloc / free      *)
(*   cookie[c].usage      | Cookie.usage           | cookie->usage          *)
(*   cookie[c].n_children | Cookie.n_children      | cookie->n_children     *)
(*   cookie[c].n_active   | Cookie.n_active        | cookie->n_active       *)
(*   cookie[c].flags      | Cookie.flags           | cookie->flags          *)
(*   cookie[c].netfs      | Cookie.netfs           | cookie->def != NULL    *)
(*   cookie[c].stores     | Cookie.stores          | cookie->stores + tags  *)
(*   cookie[c].backing    | Cookie.backing         | cookie->backing_objects*)
(*   object[o].state      | FscacheObject.state    | object->state          *)
(*   object[o].oob        | FscacheObject.oob      | object->oob_table      *)
(*   object[o].oob_mask   | FscacheObject.oob_mask | object->oob_event_mask *)
(*   object[o].event_mask | FscacheObject.event_mask | object->event_mask   *)
(*   object[o].events     | FscacheObject.events   | object->events         *)
(*   object[o].flags      | FscacheObject.flags    | object->flags          *)
(*   object[o].cookie     | FscacheObject.cookie   | object->cookie         *)
(*   object[o].parent     | FscacheObject.parent   | object->parent         *)
(*   object[o].n_*        | FscacheObject.n_*      | object->n_*            *)
(*   object[o].usage      | FscacheObject.usage    | cachefiles ->usage     *)
(*   object[o].dependents | FscacheObject.dependents | object->dependents   *)
(*   object[o].pending    | FscacheObject.pending  | object->pending_ops    *)
(*   object[o].wq         | FscacheObject.wq       | object->work queueing  *)
(*   object[o].disp/exec/dmask | worker task pc / locals | dispatcher locals*)
(*   object[o].lop        | FscacheObject.lop      | INVALIDATE_OBJECT's op *)
(*   op[k].*              | Operation.*            | struct fscache_operation *)
(*   thread[t].*          | netfs task state       | the netfs process      *)
(*   thread[t].alloc      | NetfsThread.alloc      | fscache_alloc_object's *)
(*                        |                        | not yet attached objs  *)
(*   oops                 | Fscache.oops           | a kernel oops / BUG    *)
(*   lastAction           | step label {action, params} | (history only)    *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets, TLC

CONSTANTS
    DESIGN,         \* "POST_FIX" | "PRE_FIX" | "POST_FIX_REPAIRED"
    Cookies,        \* cookie ids (strings); object id = cookie id
    Parent,         \* Parent[c] \in Cookies \cup {"FSDEF"}
    IndexCookies,   \* the index cookies (the rest are data cookies)
    Threads,        \* netfs threads (strings)
    TCookie,        \* TCookie[t]: the cookie thread t owns
    Pages,          \* page ids (strings)
    MaxOps,         \* operation slots
    MaxCalls,       \* netfs calls per thread between acquire and relinquish
    NetfsCalls,     \* subset of {"Invalidate","WaitOnInvalidate","UpdateCookie","AttrChanged","ReadPage","ReadPages","WritePage"}
    LookupResults,  \* subset of {"POSITIVE","NEGATIVE","ERROR","EIO"} ("EIO": also a cache I/O error)
    WriteResults,   \* subset of {"OK","ERROR","EIO"} ("EIO": the backend also reports a cache I/O error)
    RetireChoices   \* subset of BOOLEAN

VARIABLES cookie, object, op, thread, oops, cache, lastAction

vars == <<cookie, object, op, thread, oops, cache, lastAction>>
varsButLastAction == <<cookie, object, op, thread, oops, cache>>
vars_but_lastAction == varsButLastAction   \* the spelling used in docs/model.md

Objects == Cookies
OpIds == 1..MaxOps
DataCookies == Cookies \ IndexCookies
NewDesign == DESIGN # "PRE_FIX"            \* 1362729b's n_active scheme present

\* The repairs POST_FIX_REPAIRED makes, one per finding in POST_FIX (spec/README.md).
\* Fixed(f): repair f is in force. A model reproduces finding f in the otherwise
\* repaired design by overriding Repairs with Without_f (`check --without f`).
AllRepairs == {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "F13", "F14", "F15", "F16", "F17"}
Repairs == AllRepairs
Without_F1 == AllRepairs \ {"F1"}
Without_F2 == AllRepairs \ {"F2"}
Without_F3 == AllRepairs \ {"F3"}
Without_F4 == AllRepairs \ {"F4"}
Without_F5 == AllRepairs \ {"F5"}
Without_F6 == AllRepairs \ {"F6"}
Without_F7 == AllRepairs \ {"F7"}
Without_F8 == AllRepairs \ {"F8"}
Without_F9 == AllRepairs \ {"F9"}
Without_F10 == AllRepairs \ {"F10"}
Without_F11 == AllRepairs \ {"F11"}
Without_F12 == AllRepairs \ {"F12"}
Without_F13 == AllRepairs \ {"F13"}
Without_F14 == AllRepairs \ {"F14"}
Without_F15 == AllRepairs \ {"F15"}
Without_F16 == AllRepairs \ {"F16"}
Without_F17 == AllRepairs \ {"F17"}
\* POST_FIX and PRE_FIX have no repair, unless a check adds one to look past that
\* finding at another: `check --with f` overrides OtherRepairs with With_f (F9,
\* reached first in PRE_FIX, hides the 1362729b oops behind it).
OtherRepairs == {}
With_F1 == {"F1"}
With_F2 == {"F2"}
With_F3 == {"F3"}
With_F4 == {"F4"}
With_F5 == {"F5"}
With_F6 == {"F6"}
With_F7 == {"F7"}
With_F8 == {"F8"}
With_F9 == {"F9"}
With_F10 == {"F10"}
With_F11 == {"F11"}
With_F12 == {"F12"}
With_F13 == {"F13"}
With_F14 == {"F14"}
With_F15 == {"F15"}
With_F16 == {"F16"}
With_F17 == {"F17"}
Fixed(f) == f \in (IF DESIGN = "POST_FIX_REPAIRED" THEN Repairs ELSE OtherRepairs)

ASSUME DESIGN \in {"POST_FIX", "PRE_FIX", "POST_FIX_REPAIRED"}

\* Whether the cache is withdrawn during the behaviour (fscache_withdraw_cache,
\* run by a process of its own: WithdrawStep). Off in every model but
\* `withdraw`, whose cfg overrides it (Withdrawal <- MC_Withdrawal).
Withdrawal == FALSE
\* What the single-page reader's backend read may meet: "OK", the backing page
\* is up to date in the backing file's page cache and is copied at once;
\* "EIO" is a read error on the backing file (cachefiles_read_backing_file_one's
\* io_error path), which breaks the cache; "MONITOR", the backing page must be
\* read first, and the copier completes the netfs page later. Reads never fail
\* in the models but `readeio`, and go through the copier only in `readasync`,
\* whose cfgs override it (ReadResults <- MC_ReadResults).
ReadResults == {"OK"}
\* How a monitored page's backing read ends, which cachefiles_read_copier finds
\* after its INVALIDATING test: "OK", the backing page is up to date and is
\* copied; "EIO", the read failed (PageError): "Readpage failed on backing file",
\* cachefiles_io_error_obj breaks the cache and the page ends with -EIO. Chosen
\* in ReadCopier, the first step that reads it (nothing reads PageError
\* before). Only `copyeio` and the trap model MCtrapEio widen it
\* (CopyResults <- MC_CopyResults); "OK" is always in it.
CopyResults == {"OK"}
\* Whether a reader's or a writer's fscache_submit_op is two steps: its test of
\* the object's flags (fscache_object_is_active, then IS_LOOKED_UP), then the
\* branch's n_ops++ and queueing, with cookie->lock and object->lock held from
\* the first to the end of the second (ReadSubmitActive, ReadSubmitLookedUp,
\* WriteSubmitActive, WriteSubmitLookedUp), and so is AttrChanged's
\* fscache_submit_exclusive_op (AttrSubmitActive, AttrSubmitLookedUp). KILL_OBJECT
\* clears IS_LIVE and KillTest reads n_ops without object->lock, so 3.12 lets
\* them run between the two (finding F13). Off in every model but `submit`,
\* whose cfg overrides it (SubmitWindow <- MC_SubmitWindow), so that the other
\* models keep their state counts; with it off the submit is one step.
SubmitWindow == FALSE
\* fscache_raise_event is test_and_set_bit(event, &object->events), then
\* test_bit(event, &object->event_mask) and, if set, fscache_enqueue_object: two
\* memory accesses with the object's dispatcher free to run between them (it
\* takes no lock). With RaiseWindow, a netfs thread's raise (acquire's
\* NEW_CHILD, invalidate's INVALIDATE, update's UPDATE, relinquish's KILL, each
\* under cookie->lock) is two steps: the set, then the mask's test and the
\* enqueue, with cookie->lock held between. The raises made inside object and
\* op steps (CLEARED, ERROR, KILL of dependents, the parent's NEW_CHILD) and
\* the withdrawal's KILL stay one step; spec/README.md ("Not modelled") says
\* why. Off in every model but `raise`, for the same reason as SubmitWindow.
RaiseWindow == FALSE
\* NFS's other tasks on an inode (3.12's fs/nfs/fscache.[ch]): a task reading
\* the inode's pages loads nfsi->fscache, the cookie the inode's owner task
\* acquired, and calls fscache_read_or_alloc_page with it; it neither
\* acquires nor relinquishes, and NFS's NFS_INO_FSCACHE_LOCK, which the owner
\* holds to turn caching off, is not taken by readers. A thread in Borrowers
\* is such a task, with TCookie[t] its owner's cookie. Empty in every model
\* but `nfs`, whose cfg overrides it (Borrowers <- MC_Borrowers).
Borrowers == {}
Owners == Threads \ Borrowers
\* Scope of this model: index cookies hang off the cache's root index, data
\* cookies off an index cookie (two levels, as the CI and large models).
ASSUME \A c \in IndexCookies : Parent[c] = "FSDEF"
ASSUME \A c \in DataCookies : Parent[c] \in IndexCookies
ASSUME \A t \in Threads : TCookie[t] \in Cookies
ASSUME NetfsCalls \subseteq {"Invalidate", "WaitOnInvalidate", "UpdateCookie", "AttrChanged", "ReadPage", "ReadPages",
                             "WritePage"}

-----------------------------------------------------------------------------
(* Events, states and tables (§2.2, §2.3)                                  *)

Events == {"NEW_CHILD", "PARENT_READY", "UPDATE", "INVALIDATE", "CLEARED", "ERROR", "KILL"}
Bit(e) == CASE e = "NEW_CHILD" -> 0 [] e = "PARENT_READY" -> 1 [] e = "UPDATE" -> 2
            [] e = "INVALIDATE" -> 3 [] e = "CLEARED" -> 4 [] e = "ERROR" -> 5 [] e = "KILL" -> 6
\* fls(): the highest event bit wins
Highest(S) == CHOOSE e \in S : \A f \in S : Bit(f) <= Bit(e)

WaitStates == {"WAIT_FOR_INIT", "WAIT_FOR_PARENT", "WAIT_FOR_CMD", "WAIT_FOR_CLEARANCE"}
WorkStates == {"INIT_OBJECT", "PARENT_READY", "LOOK_UP_OBJECT", "OBJECT_AVAILABLE",
               "JUMPSTART_DEPS", "INVALIDATE_OBJECT", "UPDATE_OBJECT", "ABORT_INIT",
               "LOOKUP_FAILURE", "KILL_OBJECT", "KILL_DEPENDENTS", "DROP_OBJECT",
               "DETACH_FROM_COOKIE"}
States == WaitStates \cup WorkStates \cup {"OBJECT_DEAD"}
\* The wait states' transition tables, in kernel table order.
WaitTable(s) ==
    CASE s = "WAIT_FOR_INIT"      -> << [ev |-> {"NEW_CHILD"}, to |-> "INIT_OBJECT"] >>
      [] s = "WAIT_FOR_PARENT"    -> << [ev |-> {"PARENT_READY"}, to |-> "PARENT_READY"] >>
      [] s = "WAIT_FOR_CMD"       -> << [ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"],
                                       [ev |-> {"UPDATE"}, to |-> "UPDATE_OBJECT"],
                                       [ev |-> {"NEW_CHILD"}, to |-> "JUMPSTART_DEPS"] >>
      [] s = "WAIT_FOR_CLEARANCE" -> << [ev |-> {"CLEARED"}, to |-> "KILL_OBJECT"] >>
WaitEvents(s) == UNION {WaitTable(s)[i].ev : i \in DOMAIN WaitTable(s)}
\* Out-of-band tables: init, lookup, run; each is a single {ERROR,KILL} entry.
OobTarget(t) == CASE t = "init" -> "ABORT_INIT" [] t = "lookup" -> "LOOKUP_FAILURE" [] t = "run" -> "KILL_OBJECT"

\* Dispatcher program-counter values (object[o].disp): the dispatcher steps and
\* every work step. A work state's first step is named as the state.
WorkSteps == WorkStates \cup {"LookupObject", "LookupCreate", "LookupAvailable", "LookupUnuse", "InvalidateWrites",
                              "InvalidateSubmitOp", "InvalidateDone", "UpdateObject",
                              "KillTest", "KillStartOps"}
DispPcs == {"IDLE", "DispatchSelect", "DispatchUnmask", "DispatchRecheck"} \cup WorkSteps

\* A netfs thread between its raise's set of the event bit and its test of the
\* mask (RaiseWindow): it holds its cookie's cookie->lock.
RaisePcs == {"AcquireEnqueue", "InvalidateEnqueue", "UpdateEnqueue", "RelinquishEnqueue"}
ThreadPcs == {"NfsLoadCookie", "AcquireCookie", "AllocObject", "AttachObject", "AcquireNewChild", "AcquireFail",
              "Ready", "ReadWaitLookup", "ReadCookieLocked", "ReadSubmitActive", "ReadSubmitLookedUp", "ReadWaitActive", "ReadIO", "ReadPagesIO", "ReadPagesTest", "ReadPutOp",
              "WriteSubmitActive", "WriteSubmitLookedUp", "AttrSubmitActive", "AttrSubmitLookedUp",
              "RelinquishCookie", "RelinquishKill", "RelinquishDropActive", "RelinquishWait",
              "RelinquishClear", "RelinquishPut", "RelinquishWaitCreating", "RelinquishDetach", "Done"}
             \cup RaisePcs
\* A thread whose pc is here has started relinquishing (RelinquishCookie ran).
RelPcs == {"RelinquishKill", "RelinquishEnqueue", "RelinquishDropActive", "RelinquishWait", "RelinquishClear",
           "RelinquishPut", "RelinquishWaitCreating", "RelinquishDetach"}
\* A reader or writer between its submit's test and its n_ops++ (SubmitWindow):
\* it holds its cookie's cookie->lock and its object's object->lock, and the
\* n_active unit its op (UNUSE_COOKIE) will carry.
SubmitPcs == {"ReadSubmitActive", "ReadSubmitLookedUp", "WriteSubmitActive", "WriteSubmitLookedUp"}
\* AttrChanged between its exclusive submit's test and its n_ops++: the same
\* locks, and no n_active unit (its op is not UNUSE_COOKIE).
AttrSubmitPcs == {"AttrSubmitActive", "AttrSubmitLookedUp"}
OpPcs == {"NONE", "OpInvalidateObject", "WriteOp", "WriteOpWritePage", "OpAttrChanged", "OpPut",
          "ReadCopier", "ReadCopierTest", "ReadCopierPut", "ReadCopierRequeue"}

-----------------------------------------------------------------------------
(* Records                                                                 *)

NoStores == [p \in Pages |-> "NONE"]
\* unwoken: not a field of the kernel's cookie but of wait_on_atomic_t's hashed
\* wait queue for &cookie->n_active: TRUE when n_active last fell to 0 through a
\* plain atomic_dec, so the relinquish asleep there was not woken (F17).
UnbornCookie == [mem |-> "UNBORN", usage |-> 0, n_children |-> 0, n_active |-> 0, flags |-> {},
                 netfs |-> FALSE, stores |-> NoStores, backing |-> {}, unwoken |-> FALSE]
\* fscache_object_init (via the backend's alloc_object): 3.12 sets object->cookie
\* WITHOUT taking a cookie ref; fscache_attach_object takes it.
NewObject(c) == [mem |-> "LIVE", state |-> "WAIT_FOR_INIT", oob |-> "init",
                 oob_mask |-> {"ERROR", "KILL"}, event_mask |-> {"ERROR", "KILL", "NEW_CHILD"},
                 events |-> {}, flags |-> {"IS_LIVE"}, cookie |-> c, parent |-> "NULL",
                 n_children |-> 0, n_ops |-> 0, n_obj_ops |-> 0, n_in_progress |-> 0,
                 n_exclusive |-> 0, n_reads |-> 0, usage |-> 1, dependents |-> {},
                 pending |-> << >>, wq |-> "IDLE", disp |-> "IDLE", exec |-> "NONE",
                 dmask |-> {}, lop |-> 0]
UnbornObject(c) == [NewObject(c) EXCEPT !.mem = "UNBORN", !.cookie = "NULL", !.usage = 0,
                                        !.flags = {}, !.oob_mask = {}, !.event_mask = {}]
\* io and todo: a multi-page read's pages (ReadPages) whose backing read is in
\* flight, and those whose read completed, queued on op->to_do for the copier.
FreeOpRec == [state |-> "FREE", kind |-> "NONE", object |-> "NULL", flags |-> {}, usage |-> 0, pc |-> "NONE",
              io |-> {}, todo |-> << >>]

-----------------------------------------------------------------------------
(* Helpers over a bundle w = [obj, ck, op] of the shared kernel state, so   *)
(* that one action can compose several kernel functions.                   *)

W0 == [obj |-> object, ck |-> cookie, op |-> op, bug |-> "NONE"]
Commit(w) == /\ object' = w.obj /\ cookie' = w.ck /\ op' = w.op
Oops(msg) == /\ oops' = msg /\ UNCHANGED <<cookie, object, op, thread>>
\* A kernel ASSERT/BUG met inside a helper (bug), which the committing action
\* turns into its oops: nothing of the action's other effects is kept.
Bug(w, msg) == IF w.bug = "NONE" THEN [w EXCEPT !.bug = msg] ELSE w

\* fscache_raise_event's second half and fscache_enqueue_object: if the object
\* listens for e, queue the work item (grab a ref; a queued item stays queued,
\* a running one is queued again).
EnqueueIfMasked(w, o, e) ==
    LET r == w.obj[o] IN
    IF e \notin r.event_mask THEN w
    ELSE [w EXCEPT !.obj[o].wq = IF @ = "IDLE" THEN "QUEUED" ELSE IF @ = "RUNNING" THEN "REQUEUED" ELSE @,
                   !.obj[o].usage = IF r.wq \in {"IDLE", "RUNNING"} THEN @ + 1 ELSE @]
\* fscache_raise_event in one step: set the bit; if newly set, enqueue if masked in.
Raise(w, o, e) ==
    IF o \notin Objects THEN w   \* the FSDEF object is not modelled
    ELSE IF e \in w.obj[o].events THEN w
    ELSE EnqueueIfMasked([w EXCEPT !.obj[o].events = @ \cup {e}], o, e)
\* A netfs thread's raise of e on o: with RaiseWindow, a newly set bit is the
\* first step (RaiseSplits) and RaiseEnqueue the second; else one step.
RaiseSplits(w, o, e) == RaiseWindow /\ o \in Objects /\ e \notin w.obj[o].events
RaiseSet(w, o, e) == IF RaiseSplits(w, o, e) THEN [w EXCEPT !.obj[o].events = @ \cup {e}] ELSE Raise(w, o, e)

\* fscache_cookie_put / __fscache_cookie_put: at 0 free it and put the parent.
RECURSIVE CookiePut(_, _)
CookiePut(w, c) ==
    IF c \notin Cookies THEN w
    ELSE IF w.ck[c].usage > 1 THEN [w EXCEPT !.ck[c].usage = @ - 1]
    ELSE CookiePut([w EXCEPT !.ck[c].usage = @ - 1, !.ck[c].mem = "FREED"], Parent[c])

\* The backend's put_object; at 0 fscache_object_destroy: 3.12 puts
\* object->cookie (PRE_FIX: the object's cookie ref was dropped at detach).
ObjPutX(w, o, putCookie) ==
    LET r == w.obj[o] IN
    IF r.usage > 1 THEN [w EXCEPT !.obj[o].usage = @ - 1]
    ELSE LET w1 == [w EXCEPT !.obj[o].usage = @ - 1, !.obj[o].mem = "FREED", !.obj[o].cookie = "NULL"]
         IN IF NewDesign /\ putCookie THEN CookiePut(w1, r.cookie) ELSE w1
ObjPut(w, o) == ObjPutX(w, o, TRUE)

\* fscache_unuse_cookie: atomic_dec_and_test + wake_up_atomic_t at 0, which wakes
\* a relinquish asleep on n_active (RelinquishWait re-checks n_active = 0).
Unuse(w, c) == IF c \in Cookies
               THEN [w EXCEPT !.ck[c].n_active = @ - 1, !.ck[c].unwoken = @ /\ w.ck[c].n_active # 1]
               ELSE w
Use(w, c) == [w EXCEPT !.ck[c].n_active = @ + 1]

CookieOK(w, o) == w.obj[o].cookie \in Cookies /\ w.ck[w.obj[o].cookie].mem = "LIVE"

\* Lowest free operation slot (0: allocation fails, the kernel's -ENOMEM path).
FreeOp(w) == IF \E k \in OpIds : w.op[k].state = "FREE"
             THEN CHOOSE k \in OpIds : w.op[k].state = "FREE" /\ \A j \in OpIds : j < k => w.op[j].state # "FREE"
             ELSE 0
NewOp(w, k, kind, flags) == [w EXCEPT !.op[k] = [state |-> "INITIALISED", kind |-> kind, object |-> "NULL",
                                                 flags |-> flags, usage |-> 1, pc |-> "NONE",
                                                 io |-> {}, todo |-> << >>]]
FirstOpPc(kind) == CASE kind = "INVALIDATE" -> "OpInvalidateObject" [] kind = "WRITE" -> "WriteOp"
                     [] kind = "ATTR_CHANGED" -> "OpAttrChanged" [] OTHER -> "NONE"

\* fscache_run_op; an ASYNC op goes through fscache_enqueue_operation, which
\* ASSERTs that its object is available (finding F10: an op queued while the
\* object was being created is started by KILL_OBJECT when creation failed).
RunOp(w, k) ==
    LET o == w.op[k].object
        async == "ASYNC" \in w.op[k].flags
        w1 == [w EXCEPT !.op[k].state = "IN_PROGRESS", !.op[k].flags = @ \ {"WAITING"},
                        !.op[k].usage = IF async THEN @ + 1 ELSE @,
                        !.op[k].pc = IF async THEN FirstOpPc(w.op[k].kind) ELSE "NONE",
                        !.obj[o].n_in_progress = @ + 1]
    IN IF async /\ "IS_AVAILABLE" \notin w.obj[o].flags
       THEN Bug(w1, "RunOp: ASSERT(fscache_object_is_available) in fscache_enqueue_operation: an ASYNC op started on an object that never became available")
       ELSE w1

\* fscache_put_operation; at 0 the release: DEC_READ_CNT, UNUSE_COOKIE, n_ops.
\* All three go through op->object: an object already destroyed (an op counted
\* after KILL_OBJECT chose DROP_OBJECT, finding F13) is a use after free.
OpRelease(w, k) ==
    LET r == w.op[k]
        o == r.object
        w1 == IF "DEC_READ_CNT" \in r.flags THEN [w EXCEPT !.obj[o].n_reads = @ - 1] ELSE w
        w2 == IF "UNUSE_COOKIE" \in r.flags THEN Unuse(w1, w1.obj[o].cookie) ELSE w1
        w3 == [w2 EXCEPT !.obj[o].n_ops = @ - 1]
        w4 == IF w3.obj[o].n_ops = 0 THEN Raise(w3, o, "CLEARED") ELSE w3
    IN IF w.obj[o].mem # "LIVE"
       THEN Bug(w, "OpRelease: fscache_put_operation goes through op->object, already freed (use after free)")
       ELSE [w4 EXCEPT !.op[k] = FreeOpRec]
OpPutRef(w, k) == IF w.op[k].usage > 1 THEN [w EXCEPT !.op[k].usage = @ - 1] ELSE OpRelease(w, k)

\* fscache_start_operations: from the head of pending_ops; an exclusive op
\* stops the scan and starts only when nothing is in progress.
\* REPAIRED (finding F10): an ASYNC op of an object that never became available
\* (its creation failed after ops were queued) is cancelled, not started.
RECURSIVE StartOps(_, _)
StartOps(w, o) ==
    IF w.obj[o].pending = << >> THEN w
    ELSE LET k == Head(w.obj[o].pending)
             excl == "EXCLUSIVE" \in w.op[k].flags
         IN IF excl /\ w.obj[o].n_in_progress > 0 THEN w
            ELSE IF Fixed("F10") /\ "ASYNC" \in w.op[k].flags /\ "IS_AVAILABLE" \notin w.obj[o].flags
            THEN LET w1 == [w EXCEPT !.obj[o].pending = Tail(@), !.op[k].state = "CANCELLED",
                                     !.op[k].flags = @ \ {"WAITING"},
                                     !.obj[o].n_exclusive = IF excl THEN @ - 1 ELSE @]
                 IN StartOps(OpPutRef(w1, k), o)
            ELSE LET w1 == [w EXCEPT !.obj[o].pending = Tail(@)]
                     w2 == OpPutRef(RunOp(w1, k), k)   \* the pending list's ref
                 IN IF excl THEN w2 ELSE StartOps(w2, o)

\* fscache_op_complete
OpComplete(w, k, cancelled) ==
    LET o == w.op[k].object
        w1 == [w EXCEPT !.op[k].state = IF cancelled THEN "CANCELLED" ELSE "COMPLETE",
                        !.obj[o].n_exclusive = IF "EXCLUSIVE" \in w.op[k].flags THEN @ - 1 ELSE @,
                        !.obj[o].n_in_progress = @ - 1]
    IN IF w1.obj[o].n_in_progress = 0 THEN StartOps(w1, o) ELSE w1

\* A multi-page read's op->n_pages: its pages whose monitor is in op.io or
\* op.todo (the copier takes a monitor and subtracts its page in one step, the
\* reader subtracts its up-to-date page when it copies it).
NPages(w, k) == Cardinality(w.op[k].io) + Len(w.op[k].todo)
\* fscache_retrieval_complete's test of n_pages: at 0, fscache_op_complete(op,
\* true) (3.12's fscache-cache.h passes true), which ASSERTs the op is still in
\* progress.
RetrievalComplete(w, k, who) ==
    IF NPages(w, k) > 0 THEN w
    ELSE IF w.op[k].state # "IN_PROGRESS"
    THEN Bug(w, who \o ": ASSERTCMP(op->state == IN_PROGRESS) in fscache_op_complete: the op completed twice")
    ELSE OpComplete(w, k, TRUE)

\* fscache_cancel_all_ops
RECURSIVE CancelAll(_, _)
CancelAll(w, o) ==
    IF w.obj[o].pending = << >> THEN w
    ELSE LET k == Head(w.obj[o].pending)
             w1 == [w EXCEPT !.obj[o].pending = Tail(@), !.op[k].state = "CANCELLED",
                             !.op[k].flags = @ \ {"WAITING"},
                             !.obj[o].n_exclusive = IF "EXCLUSIVE" \in w.op[k].flags THEN @ - 1 ELSE @]
         IN CancelAll(OpPutRef(w1, k), o)

\* fscache_cache_is_broken: the cache has had an I/O error (FSCACHE_IOERROR).
\* The backend sets it when a lookup, a create, a page read or a page write meets EIO
\* (cachefiles_io_error / cachefiles_io_error_obj -> fscache_io_error); it is
\* never cleared.
Broken == "IOERROR" \in cache.flags
\* The cache's withdrawal has taken it off fscache_cache_list (WithdrawCache):
\* fscache_select_cache_for_object finds no cache.
CacheGone == cache.wd \notin {"NONE", "WithdrawCache", "WithdrawUnlist"}
\* cache->object_list as a sequence, object_list.next first: fscache_attach_object
\* adds at the head (list_add), fscache_drop_object unlists (list_del_init, from
\* object_list or from the withdrawal's dying list). Kept only in models with a
\* withdrawal, the one reader of the order.
ListObject(o) == IF Withdrawal THEN [cache EXCEPT !.list = <<o>> \o @] ELSE cache
UnlistObject(o) ==
    IF Withdrawal
    THEN [cache EXCEPT !.list = SelectSeq(@, LAMBDA x : x # o), !.dying = @ \ {o}]
    ELSE cache
\* fscache_object_is_active: available, live, and the cache not broken.
Active(r) == {"IS_AVAILABLE", "IS_LIVE"} \subseteq r.flags /\ ~Broken
\* fscache_object_is_dead (3.12): dying and the cache broken.
Dead(r) == "IS_LIVE" \notin r.flags /\ Broken
\* fscache_submit_op's "queue it" branch for a not-active object: 3.12 accepts
\* any looked-up object, even a dying one (before checking is_dying).
\* REPAIRED (finding F2): a dying object rejects the op.
QueuesWhenInactive(r) == "IS_LOOKED_UP" \in r.flags /\ (Fixed("F2") => "IS_LIVE" \in r.flags)
\* With the cache broken (IOERROR) no object is active, so 3.12 queues the op on
\* any looked-up object, even an available, live one that nothing will kill or
\* run ops on: the submitter waits forever (finding F12). REPAIRED refuses it,
\* as later kernels' fscache_submit_op does (-EIO when the cache is broken).
SubmitOk(w, o) == Active(w.obj[o]) \/ (QueuesWhenInactive(w.obj[o]) /\ ~(Fixed("F12") /\ Broken))
\* fscache_submit_op (caller checked SubmitOk), the branch chosen by `active`
\* (fscache_object_is_active; else the IS_LOOKED_UP branch): n_ops++, then run
\* the op or queue it.
SubmitOpAs(w, o, k, active) ==
    LET r == w.obj[o]
        wq == [w EXCEPT !.op[k].state = "PENDING", !.op[k].object = o, !.obj[o].n_ops = @ + 1]
        enq == [wq EXCEPT !.op[k].usage = @ + 1, !.obj[o].pending = Append(@, k)]
    IN IF active
       THEN IF r.n_exclusive > 0 THEN enq
            ELSE IF r.pending # << >> THEN StartOps(enq, o)
            ELSE RunOp(wq, k)
       ELSE enq
SubmitOp(w, o, k) == SubmitOpAs(w, o, k, Active(w.obj[o]))
\* fscache_submit_exclusive_op: no "dying" branch; refused only with a cache I/O error (ASSERT).
\* REPAIRED (F2) refuses a dead object here too (reachable only from AttrChanged: INVALIDATE_OBJECT
\* runs in the object's own worker, the only party that clears IS_LIVE).
SubmitExclusiveOk(w, o) == Active(w.obj[o]) \/ QueuesWhenInactive(w.obj[o])
\* The branch chosen by `active` (fscache_object_is_active; else IS_LOOKED_UP).
SubmitExclusiveAs(w, o, k, active) ==
    LET r == w.obj[o]
        wq == [w EXCEPT !.op[k].state = "PENDING", !.op[k].object = o,
                        !.obj[o].n_ops = @ + 1, !.obj[o].n_exclusive = @ + 1]
        enq == [wq EXCEPT !.op[k].usage = @ + 1, !.obj[o].pending = Append(@, k)]
    IN IF active
       THEN LET w1 == IF r.n_in_progress > 0 THEN enq
                      ELSE IF r.pending # << >> THEN StartOps(enq, o)
                      ELSE RunOp(wq, k)
            IN [w1 EXCEPT !.obj[o].flags = @ \ {"PENDING_WRITE"}]
       ELSE enq
SubmitExclusive(w, o, k) == SubmitExclusiveAs(w, o, k, Active(w.obj[o]))

\* Pop every dependent: raise e on it and put the ref it held (the order is
\* irrelevant: each pop touches only that dependent).
RECURSIVE KickDeps(_, _, _)
KickDeps(w, S, e) ==
    IF S = {} THEN w
    ELSE LET d == CHOOSE d \in S : TRUE IN KickDeps(ObjPut(Raise(w, d, e), d), S \ {d}, e)

\* fscache_done_parent_op
DoneParentOp(w, o) ==
    LET p == w.obj[o].parent IN
    IF p \notin Objects THEN w
    ELSE LET w1 == [w EXCEPT !.obj[p].n_obj_ops = @ - 1, !.obj[p].n_ops = @ - 1]
         IN IF w1.obj[p].n_ops = 0 THEN Raise(w1, p, "CLEARED") ELSE w1

\* End of one run of fscache_object_work_func: drop the work item's ref.
EndRun(w, o) ==
    LET w1 == [w EXCEPT !.obj[o].disp = "IDLE", !.obj[o].exec = "NONE",
                        !.obj[o].wq = IF @ = "REQUEUED" THEN "QUEUED" ELSE "IDLE"]
    IN ObjPut(w1, o)

\* A work function returned transit_to(next) (§2.1 step 4).
Transit(w, o, next) ==
    IF next = "OBJECT_DEAD"
    THEN EndRun([w EXCEPT !.obj[o].state = next], o)     \* returns at once, event_mask stays 0
    ELSE IF next \in WaitStates
    THEN [w EXCEPT !.obj[o].state = next, !.obj[o].exec = "NONE",
                   !.obj[o].dmask = w.obj[o].oob_mask \cup WaitEvents(next),
                   !.obj[o].disp = "DispatchUnmask"]
    ELSE [w EXCEPT !.obj[o].state = next, !.obj[o].exec = "NONE", !.obj[o].disp = "DispatchSelect"]

BackingObj(c) == CHOOSE o \in cookie[c].backing : TRUE   \* one cache: at most one
OwnerPcs(c) == {thread[t].pc : t \in {u \in Owners : TCookie[u] = c}}

-----------------------------------------------------------------------------
(* Initial state                                                           *)

Init ==
    /\ cookie = [c \in Cookies |-> UnbornCookie]
    /\ object = [o \in Objects |-> UnbornObject(o)]
    /\ op = [k \in OpIds |-> FreeOpRec]
    /\ thread = [t \in Threads |-> [pc |-> IF t \in Borrowers THEN "NfsLoadCookie" ELSE "AcquireCookie",
                                    calls |-> IF t \in Borrowers THEN 1 ELSE MaxCalls, op |-> 0,
                                    page |-> "NONE", retire |-> FALSE, result |-> "NONE", alloc |-> {},
                                    cached |-> {}]]
    /\ oops = "NONE"
    /\ cache = [flags |-> {}, wd |-> IF Withdrawal THEN "WithdrawCache" ELSE "NONE", list |-> << >>, dying |-> {},
                 waiters |-> << >>]
    /\ lastAction = [name |-> "Init"]

-----------------------------------------------------------------------------
(* Netfs thread t (cookie c == TCookie[t])                                 *)

SetPc(t, pc) == thread' = [thread EXCEPT ![t].pc = pc]
Ret(t, pc, res) == thread' = [thread EXCEPT ![t].pc = pc, ![t].result = res]
\* fscache_mark_page_cached of pages S of cookie c's inode: PG_fscache is a flag
\* of the page, which every task of the inode sees (the owner and its NFS
\* tasks): thread[t].cached is the pages of t's inode so marked.
MarkCached(c, S) == [t \in Threads |-> IF TCookie[t] = c THEN [thread[t] EXCEPT !.cached = @ \cup S] ELSE thread[t]]

\* An NFS task (t \in Borrowers) on its owner's cookie c. nfsi->fscache holds c
\* once the owner's fscache_acquire_cookie has returned it, until 3.12's
\* nfs_fscache_zap_inode_cookie clears it after fscache_relinquish_cookie
\* returns (with F16's repair the inode keeps the cookie until its eviction,
\* which comes after its last task: see RelinquishClear).
AcquirePcs == {"AcquireCookie", "AllocObject", "AttachObject", "AcquireNewChild", "AcquireEnqueue", "AcquireFail"}
NfsPublished(c) == \E u \in Owners : TCookie[u] = c /\ thread[u].pc \notin AcquirePcs \cup {"Done"}
NfsTasksGone(c) == \A b \in Borrowers : TCookie[b] = c => thread[b].pc = "Done"

\* nfs_readpage_from_fscache: load nfsi->fscache. NULL: -ENOBUFS, the page is
\* read from the server and the task ends. Else the task calls into fscache
\* with the pointer it loaded, in a later step, whatever has become of the
\* cookie by then (3.12's readers do not take NFS_INO_FSCACHE_LOCK).
NfsLoadCookie(t) ==
    /\ thread[t].pc = "NfsLoadCookie"
    /\ lastAction' = [name |-> "NfsLoadCookie", t |-> t]
    /\ IF NfsPublished(TCookie[t]) THEN SetPc(t, "Ready") ELSE Ret(t, "Done", "ENOBUFS")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* The task's one read has returned: the task ends.
NfsTaskDone(t) ==
    /\ t \in Borrowers /\ thread[t].pc = "Ready" /\ thread[t].calls = 0
    /\ lastAction' = [name |-> "NfsTaskDone", t |-> t]
    /\ SetPc(t, "Done")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* fscache_acquire_cookie (+ the first part of fscache_acquire_non_index_cookie).
\* Netfs order: the parent cookie must exist; a parent already being
\* relinquished (or gone) gives the netfs no parent: fscache returns NULL.
ParentUsable(p) == p = "FSDEF" \/ (cookie[p].mem = "LIVE" /\ OwnerPcs(p) \cap (RelPcs \cup {"Done"}) = {})
AcquireCookie(t) ==
    LET c == TCookie[t]
        p == Parent[c]
    IN /\ thread[t].pc = "AcquireCookie"
       /\ IF p = "FSDEF" THEN TRUE ELSE cookie[p].mem # "UNBORN"   \* the parent exists
       /\ lastAction' = [name |-> "AcquireCookie", t |-> t]
       /\ IF ~ParentUsable(p)
          THEN /\ Ret(t, "Done", "ENOBUFS")
               /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE LET fl == IF c \in IndexCookies THEN {}
                         ELSE IF NewDesign THEN {"LOOKING_UP", "NO_DATA_YET"}
                         ELSE {"LOOKING_UP", "NO_DATA_YET", "CREATING"}
                   w1 == [W0 EXCEPT !.ck[c] = [UnbornCookie EXCEPT !.mem = "LIVE", !.usage = 1,
                                                 !.n_active = 1, !.flags = fl, !.netfs = TRUE]]
                   w2 == IF p = "FSDEF" THEN w1
                         ELSE [w1 EXCEPT !.ck[p].usage = @ + 1, !.ck[p].n_children = @ + 1]
               IN /\ Commit(w2)
                  /\ SetPc(t, IF c \in IndexCookies THEN "Ready" ELSE "AllocObject")
                  /\ UNCHANGED oops

\* fscache_alloc_object: the backend's alloc_object for c and, if the parent
\* cookie has no object in the cache, for the parent (the recursion). The
\* objects are private until attached, so the allocations are one step. A
\* parent object that is attached but dying is "already extant" (only a dead
\* one, with a cache I/O error, is refused): c's object is allocated anyway and
\* its attach fails (AttachObject: finding F4 follows in 3.12).
\* Scope limits (object id = cookie id, so two objects of one cookie cannot
\* coexist): a parent object another thread has allocated but not attached yet
\* is waited for (the kernel would allocate a duplicate that attach discards
\* with EEXIST); an unhashed-but-undestroyed parent object gives ENOBUFS.
AllocObject(t) ==
    LET c == TCookie[t]
        p == Parent[c]
        pAttached == p \in cookie[p].backing
        pPendingElsewhere == \E u \in Threads \ {t} : p \in thread[u].alloc
    IN /\ thread[t].pc = "AllocObject"
       /\ ~pPendingElsewhere
       /\ lastAction' = [name |-> "AllocObject", t |-> t]
       /\ IF CacheGone   \* fscache_select_cache_for_object: no cache (-ENOMEDIUM)
          THEN SetPc(t, "AcquireFail") /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE IF ~pAttached /\ object[p].mem = "LIVE"
          THEN SetPc(t, "AcquireFail") /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE IF pAttached /\ Dead(object[p])
          THEN \* object_already_extant with a dead parent object: -ENOBUFS; error_put
               \* puts the new object, whose destroy puts object->cookie (F4's overput)
               /\ Commit(ObjPutX([W0 EXCEPT !.obj[c] = NewObject(c)], c, ~Fixed("F4")))
               /\ SetPc(t, "AcquireFail")
               /\ UNCHANGED oops
          ELSE LET new == IF pAttached THEN {c} ELSE {c, p}
               IN /\ object' = [o \in Objects |-> IF o \in new THEN NewObject(o) ELSE object[o]]
                  /\ thread' = [thread EXCEPT ![t].alloc = new, ![t].pc = "AttachObject"]
                  /\ UNCHANGED <<cookie, op, oops>>

\* fscache_attach_object for one new object, parent chain first, under
\* cookie->lock and the parent cookie's lock; it lists the object on
\* cache->object_list (ListObject). Failure (the parent's object is
\* dying): fscache_alloc_object's error path puts the new objects; their
\* destroy puts object->cookie although 3.12 took no cookie ref for an
\* unattached object (finding F4; REPAIRED: no put for an unattached object).
AttachObject(t, o) ==
    LET p == Parent[o]
        pAtt == p # "FSDEF" /\ p \in cookie[p].backing
        pDying == pAtt /\ "IS_LIVE" \notin object[p].flags
        rest == thread[t].alloc \ {o}
        RECURSIVE PutAll(_, _)
        PutAll(w, S) == IF S = {} THEN w
                        ELSE LET x == CHOOSE x \in S : TRUE IN PutAll(ObjPutX(w, x, ~Fixed("F4")), S \ {x})
    IN /\ thread[t].pc = "AttachObject"
       /\ o \in thread[t].alloc
       /\ p \notin thread[t].alloc
       /\ lastAction' = [name |-> "AttachObject", t |-> t, o |-> o]
       /\ IF pDying
          THEN /\ Commit(PutAll(W0, thread[t].alloc))
               /\ thread' = [thread EXCEPT ![t].alloc = {}, ![t].pc = "AcquireFail"]
               /\ UNCHANGED <<oops, cache>>
          ELSE LET w1 == [W0 EXCEPT !.obj[o].parent = IF p = "FSDEF" THEN "FSDEF" ELSE IF pAtt THEN p ELSE "NULL",
                                    !.obj[o].cookie = o,
                                    !.ck[o].usage = @ + 1, !.ck[o].backing = @ \cup {o}]
                   w2 == IF pAtt THEN [w1 EXCEPT !.obj[p].n_children = @ + 1] ELSE w1
               IN /\ Commit(w2)
                  /\ thread' = [thread EXCEPT ![t].alloc = rest,
                                              ![t].pc = IF rest = {} THEN "AcquireNewChild" ELSE "AttachObject"]
                  /\ cache' = ListObject(o)
                  /\ UNCHANGED oops

\* fscache_acquire_non_index_cookie, end: under cookie->lock raise NEW_CHILD on
\* the first backing object (lookups are deferred: no wait here).
AcquireNewChild(t) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "AcquireNewChild"
    /\ lastAction' = [name |-> "AcquireNewChild", t |-> t]
    /\ IF cookie[c].backing = {}
       THEN SetPc(t, "AcquireFail") /\ UNCHANGED <<cookie, object, op, oops>>
       ELSE /\ Commit(RaiseSet(W0, BackingObj(c), "NEW_CHILD"))
            /\ Ret(t, IF RaiseSplits(W0, BackingObj(c), "NEW_CHILD") THEN "AcquireEnqueue" ELSE "Ready", "OK")
            /\ UNCHANGED oops

\* fscache_acquire_cookie's failure path: parent n_children--, __fscache_cookie_put
\* (frees the cookie unconditionally, then puts the parent chain).
AcquireFail(t) ==
    LET c == TCookie[t]
        p == Parent[c]
    IN /\ thread[t].pc = "AcquireFail"
       /\ lastAction' = [name |-> "AcquireFail", t |-> t]
       /\ IF cookie[c].mem # "LIVE"
          THEN Oops("AcquireFail: __fscache_cookie_put of an already freed cookie (double free)")
          ELSE LET w1 == [W0 EXCEPT !.ck[c].mem = "FREED", !.ck[c].usage = @ - 1]
                   w2 == CookiePut([w1 EXCEPT !.ck[p].n_children = @ - 1], p)
               IN /\ Commit(w2)
                  /\ Ret(t, "Done", "ENOBUFS")
                  /\ UNCHANGED oops

CallOK(t, name) == /\ thread[t].pc = "Ready" /\ thread[t].calls > 0
                   /\ TCookie[t] \in DataCookies /\ name \in NetfsCalls
                   /\ t \in Borrowers => name \in {"ReadPage", "ReadPages"}   \* an NFS task only reads
Call(t, pc, res) == thread' = [thread EXCEPT ![t].pc = pc, ![t].result = res, ![t].calls = @ - 1]

\* __fscache_invalidate: under cookie->lock, test-and-set INVALIDATING and raise
\* INVALIDATE on the first object if it is live.
Invalidate(t) ==
    LET c == TCookie[t] IN
    /\ CallOK(t, "Invalidate")
    /\ lastAction' = [name |-> "Invalidate", t |-> t]
    /\ IF cookie[c].backing # {} /\ "INVALIDATING" \notin cookie[c].flags
       THEN LET o == BackingObj(c)
                w1 == [W0 EXCEPT !.ck[c].flags = @ \cup {"INVALIDATING"}]
                raise == "IS_LIVE" \in object[o].flags
            IN /\ Commit(IF raise THEN RaiseSet(w1, o, "INVALIDATE") ELSE w1)
               /\ Call(t, IF raise /\ RaiseSplits(w1, o, "INVALIDATE") THEN "InvalidateEnqueue" ELSE "Ready", "OK")
       ELSE UNCHANGED <<cookie, object, op>> /\ Call(t, "Ready", "OK")
    /\ UNCHANGED oops

\* __fscache_wait_on_invalidate: the call returns once INVALIDATING is clear
\* (the choice to call it is folded into its return).
WaitOnInvalidate(t) ==
    /\ CallOK(t, "WaitOnInvalidate")
    /\ "INVALIDATING" \notin cookie[TCookie[t]].flags
    /\ lastAction' = [name |-> "WaitOnInvalidate", t |-> t]
    /\ Call(t, "Ready", "OK")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* __fscache_update_cookie: under cookie->lock raise UPDATE on every object.
UpdateCookie(t) ==
    LET c == TCookie[t] IN
    /\ CallOK(t, "UpdateCookie")
    /\ lastAction' = [name |-> "UpdateCookie", t |-> t]
    /\ Commit(IF cookie[c].backing = {} THEN W0 ELSE RaiseSet(W0, BackingObj(c), "UPDATE"))
    /\ Call(t, IF cookie[c].backing # {} /\ RaiseSplits(W0, BackingObj(c), "UPDATE") THEN "UpdateEnqueue" ELSE "Ready",
            "OK")
    /\ UNCHANGED oops

\* __fscache_attr_changed: an ASYNC|EXCLUSIVE op (no UNUSE_COOKIE: its processor
\* takes its own n_active unit) submitted exclusively, under cookie->lock, to the
\* first object; no object (or no op slot) gives ENOBUFS. 3.12 has no "dying"
\* branch for exclusive ops and ASSERTs a cache I/O error instead; REPAIRED (F2)
\* refuses the op on a dead object. With SubmitWindow the submit's test ends the
\* step (the call's result is settled by it) and n_ops++ is the next,
\* AttrSubmitActive or AttrSubmitLookedUp, with both locks held between.
AttrChanged(t) ==
    LET c == TCookie[t]
        k == FreeOp(W0)
    IN /\ CallOK(t, "AttrChanged")
       /\ lastAction' = [name |-> "AttrChanged", t |-> t]
       /\ IF cookie[c].backing = {} \/ k = 0
          THEN Call(t, "Ready", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE LET o == BackingObj(c)
                   w1 == NewOp(W0, k, "ATTR_CHANGED", {"ASYNC", "EXCLUSIVE"})
               IN IF SubmitExclusiveOk(w1, o)
                  THEN IF SubmitWindow
                       THEN /\ Commit(w1)
                            /\ thread' = [thread EXCEPT ![t].op = k, ![t].result = "OK", ![t].calls = @ - 1,
                                             ![t].pc = IF Active(object[o]) THEN "AttrSubmitActive"
                                                       ELSE "AttrSubmitLookedUp"]
                            /\ UNCHANGED oops
                       ELSE /\ Commit(OpPutRef(SubmitExclusive(w1, o, k), k))   \* put the submitter's ref
                            /\ Call(t, "Ready", "OK")
                            /\ UNCHANGED oops
                  ELSE IF Fixed("F7") \/ Broken   \* with IOERROR set, 3.12 returns -EIO
                  THEN Call(t, "Ready", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>
                  ELSE Oops("AttrChanged: ASSERT cache I/O error (exclusive op refused)")

\* The rest of fscache_submit_exclusive_op's locked section (SubmitWindow): the
\* branch its test chose, although KILL_OBJECT may have cleared IS_LIVE since
\* (F13); then the locks are dropped and the submitter's ref is put.
AttrSubmit(t, active) ==
    LET k == thread[t].op
        w1 == OpPutRef(SubmitExclusiveAs(W0, BackingObj(TCookie[t]), k, active), k)
    IN IF w1.bug # "NONE"
       THEN Oops(w1.bug)
       ELSE /\ Commit(w1)
            /\ thread' = [thread EXCEPT ![t].pc = "Ready", ![t].op = 0]
            /\ UNCHANGED oops
AttrSubmitActive(t) ==
    /\ thread[t].pc = "AttrSubmitActive"
    /\ lastAction' = [name |-> "AttrSubmitActive", t |-> t]
    /\ AttrSubmit(t, TRUE)
AttrSubmitLookedUp(t) ==
    /\ thread[t].pc = "AttrSubmitLookedUp"
    /\ lastAction' = [name |-> "AttrSubmitLookedUp", t |-> t]
    /\ AttrSubmit(t, FALSE)

\* The entry of __fscache_read_or_alloc_page(s) (3.12 fs/fscache/page.c):
\* hlist_empty(&cookie->backing_objects), the INVALIDATING test, then
\* ASSERTCMP(cookie->def->type, !=, FSCACHE_COOKIE_TYPE_INDEX). An owner's
\* cookie is live with its netfs data here; an NFS task's pointer may be to a
\* cookie that relinquish has cleared (def NULL: the ASSERTCMP dereferences it)
\* or freed (finding F16). F16's repair, 3.13's fscache_read_or_alloc_page
\* wrapper: a cookie no longer enabled (RELINQUISHED here) gives -ENOBUFS.
ReadEntry(t, page, who) ==
    LET c == TCookie[t]
        nobufs == \/ cookie[c].backing = {} \/ "INVALIDATING" \in cookie[c].flags
                  \/ Fixed("F16") /\ "RELINQUISHED" \in cookie[c].flags
    IN IF cookie[c].mem # "LIVE"
       THEN Oops(who \o ": __fscache_read_or_alloc_page reads backing_objects of a freed cookie (an NFS task's stale nfsi->fscache)")
       ELSE IF ~nobufs /\ ~cookie[c].netfs
       THEN Oops(who \o ": ASSERTCMP(cookie->def->type) dereferences the cookie->def relinquish cleared (an NFS task's stale nfsi->fscache)")
       ELSE /\ thread' = [thread EXCEPT ![t].pc = IF nobufs THEN "Ready" ELSE "ReadWaitLookup",
                                        ![t].result = IF nobufs THEN "ENOBUFS" ELSE "NONE",
                                        ![t].calls = @ - 1, ![t].page = page]
            /\ UNCHANGED <<cookie, object, op, oops>>

ReadPage(t, p) ==
    /\ CallOK(t, "ReadPage")
    /\ lastAction' = [name |-> "ReadPage", t |-> t, p |-> p]
    /\ ReadEntry(t, p, "ReadPage")

\* __fscache_read_or_alloc_pages over all of Pages (page "ALL"), entry checks as
\* ReadPage's; from here it shares the single-page reader's steps up to the
\* backend call (ReadPagesIO), except F1's ASSERT, which it does not have.
ReadPages(t) ==
    /\ CallOK(t, "ReadPages")
    /\ lastAction' = [name |-> "ReadPages", t |-> t]
    /\ ReadEntry(t, "ALL", "ReadPages")

\* fscache_wait_for_deferred_lookup returns, then the op is allocated (3.12:
\* plain atomic_inc(n_active), not inc-not-zero) and, under cookie->lock,
\* submitted to the first object; ASSERT(IS_LOOKED_UP) on it. An NFS task's
\* cookie may have been freed since its entry checks (F16). F16's repair, 3.13:
\* under cookie->lock a cookie no longer enabled gives -ENOBUFS before the use.
\* An NFS task's read in 3.12 takes two steps (ReadSplit): the inc comes before
\* cookie->lock is taken, so relinquish can drop its baseline unit between the
\* two, and a refused read's give-back is then the plain atomic_dec that wakes
\* nobody (GiveBack: finding F17). An owner's read is one step: its own
\* baseline unit keeps n_active >= 1 across it and only the owner relinquishes
\* the cookie, so the split would change no state it can reach; F16's repair
\* (the enabled test and the inc under cookie->lock) makes it one step for an
\* NFS task too.
ReadSplit(t) == t \in Borrowers /\ NewDesign /\ ~Fixed("F16")
ReadOpFlags == {"MYTHREAD", "WAITING", "DEC_READ_CNT"} \cup (IF NewDesign THEN {"UNUSE_COOKIE"} ELSE {})

\* A refused read's n_active give-back: 3.12's plain atomic_dec, which wakes
\* nobody, so a relinquish asleep on n_active sleeps on when it falls to 0
\* (F17; a relinquish past its wait, whose drop found 0 before this read's inc
\* brought it back, is not asleep). F17's repair, later kernels'
\* __fscache_unuse_cookie with __fscache_wake_unused_cookie after cookie->lock:
\* the dec wakes at 0.
RelinquishAsleep(c) == \E u \in Owners : TCookie[u] = c /\ thread[u].pc = "RelinquishWait"
GiveBack(w, c) ==
    IF Fixed("F17") THEN Unuse(w, c)
    ELSE [w EXCEPT !.ck[c].n_active = @ - 1,
                   !.ck[c].unwoken = @ \/ (w.ck[c].n_active = 1 /\ RelinquishAsleep(c))]

\* The read's section under cookie->lock: the first object, ASSERT(IS_LOOKED_UP)
\* (single-page reads), n_reads++, submit. `held`: op k and the read's n_active
\* unit were taken in an earlier step (ReadSplit); else both are taken here, and
\* a refusal undoes them in this step (inc then dec: no state changes).
ReadLocked(t, k, held, who) ==
    LET c == TCookie[t]
        refuse == IF held
                  THEN /\ Commit(GiveBack([W0 EXCEPT !.op[k] = FreeOpRec], c))   \* kfree(op)
                       /\ thread' = [thread EXCEPT ![t].op = 0, ![t].pc = "Ready", ![t].result = "ENOBUFS"]
                       /\ UNCHANGED oops
                  ELSE Ret(t, "Ready", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>
    IN IF cookie[c].backing = {} \/ (Fixed("F16") /\ "RELINQUISHED" \in cookie[c].flags)
       THEN refuse
       ELSE LET o == BackingObj(c) IN
            IF "IS_LOOKED_UP" \notin object[o].flags /\ thread[t].page # "ALL"
            THEN IF Fixed("F1")   \* finding F1: a failed lookup leaves the object attached
                 THEN refuse
                 ELSE Oops(who \o ": ASSERT(IS_LOOKED_UP) fails: object attached but its lookup failed")
            ELSE LET w1 == IF held THEN W0 ELSE NewOp(IF NewDesign THEN Use(W0, c) ELSE W0, k, "READ", ReadOpFlags)
                     w2 == [w1 EXCEPT !.obj[o].n_reads = @ + 1]
                 IN IF SubmitOk(w2, o)
                    THEN /\ Commit(IF SubmitWindow THEN w2 ELSE SubmitOp(w2, o, k))
                         \* with SubmitWindow the test is made and n_ops++ comes in the next step
                         /\ thread' = [thread EXCEPT ![t].op = k,
                                          ![t].pc = IF ~SubmitWindow THEN "ReadWaitActive"
                                                    ELSE IF Active(object[o]) THEN "ReadSubmitActive"
                                                    ELSE "ReadSubmitLookedUp"]
                         /\ UNCHANGED oops
                    ELSE refuse   \* rejected: n_reads--, atomic_dec(n_active), kfree(op)

ReadWaitLookup(t) ==
    LET c == TCookie[t]
        k == FreeOp(W0)
    IN /\ thread[t].pc = "ReadWaitLookup"
       /\ cookie[c].mem # "LIVE" \/ "LOOKING_UP" \notin cookie[c].flags
       /\ lastAction' = [name |-> "ReadWaitLookup", t |-> t]
       /\ IF cookie[c].mem # "LIVE"
          THEN Oops("ReadWaitLookup: fscache_wait_for_deferred_lookup reads the flags of a freed cookie (an NFS task's stale nfsi->fscache)")
          ELSE IF k = 0 THEN Ret(t, "Ready", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>   \* -ENOMEM
          ELSE IF ReadSplit(t)
          THEN /\ Commit(Use(NewOp(W0, k, "READ", ReadOpFlags), c))
               /\ thread' = [thread EXCEPT ![t].op = k, ![t].pc = "ReadCookieLocked"]
               /\ UNCHANGED oops
          ELSE ReadLocked(t, k, FALSE, "ReadWaitLookup")

\* An NFS task's cookie->lock section (ReadSplit), its op allocated and its
\* n_active unit taken in ReadWaitLookup. The cookie may have been freed since
\* (its unit brought n_active back from 0 after relinquish passed its wait).
ReadCookieLocked(t) ==
    /\ thread[t].pc = "ReadCookieLocked"
    /\ lastAction' = [name |-> "ReadCookieLocked", t |-> t]
    /\ IF cookie[TCookie[t]].mem # "LIVE"
       THEN Oops("ReadCookieLocked: spin_lock(&cookie->lock) of a freed cookie (an NFS task's stale nfsi->fscache)")
       ELSE ReadLocked(t, thread[t].op, TRUE, "ReadCookieLocked")

\* The rest of fscache_submit_op's locked section (SubmitWindow): the branch its
\* test chose, although KILL_OBJECT may have cleared IS_LIVE since (F13); then
\* object->lock and cookie->lock are dropped. The object is still the cookie's
\* first: unhashing it needs cookie->lock.
ReadSubmit(t, active) ==
    /\ Commit(SubmitOpAs(W0, BackingObj(TCookie[t]), thread[t].op, active))
    /\ SetPc(t, "ReadWaitActive")
    /\ UNCHANGED oops
ReadSubmitActive(t) ==
    /\ thread[t].pc = "ReadSubmitActive"
    /\ lastAction' = [name |-> "ReadSubmitActive", t |-> t]
    /\ ReadSubmit(t, TRUE)
ReadSubmitLookedUp(t) ==
    /\ thread[t].pc = "ReadSubmitLookedUp"
    /\ lastAction' = [name |-> "ReadSubmitLookedUp", t |-> t]
    /\ ReadSubmit(t, FALSE)

\* fscache_wait_for_operation_activation, then check_if_dead: a cancelled op,
\* or a dead object (dying with the cache broken), gives ENOBUFS. For a dead
\* object 3.12 calls fscache_cancel_op, which cancels only a PENDING op: an op
\* already started stays IN_PROGRESS, and the reader's put of it is the last
\* (finding F11: ReadPutOp's ASSERT). REPAIRED cancels the started op as
\* v4.3's fscache_cancel_op(op, true) does (n_in_progress--, CANCELLED).
ReadWaitActive(t) ==
    LET k == thread[t].op
        o == op[k].object
    IN /\ thread[t].pc = "ReadWaitActive"
       /\ op[k].state # "PENDING"
       /\ lastAction' = [name |-> "ReadWaitActive", t |-> t]
       /\ IF op[k].state = "CANCELLED"
          THEN Ret(t, "ReadPutOp", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE IF Dead(object[o]) /\ op[k].state = "IN_PROGRESS" /\ Fixed("F11")
          THEN LET w1 == OpComplete(W0, k, TRUE)
               IN IF w1.bug # "NONE" THEN Oops(w1.bug)
                  ELSE Commit(w1) /\ Ret(t, "ReadPutOp", "ENOBUFS") /\ UNCHANGED oops
          ELSE IF Dead(object[o])
          THEN Ret(t, "ReadPutOp", "ENOBUFS") /\ UNCHANGED <<cookie, object, op, oops>>
          ELSE SetPc(t, IF thread[t].page = "ALL" THEN "ReadPagesIO" ELSE "ReadIO") /\ UNCHANGED <<cookie, object, op, oops>>

\* The backing reads of `pages` started, each with a monitor on its backing page
\* that holds an op ref (op.io); the op becomes ASYNC, cachefiles_read_copier
\* its processor (the reader and ReadPagesIO share it).
StartBackingReads(w, k, pages) ==
    [w EXCEPT !.op[k].io = pages, !.op[k].usage = @ + Cardinality(pages),
              !.op[k].flags = (@ \ {"MYTHREAD"}) \cup {"ASYNC"}]

\* The backend's read_or_alloc_page / allocate_page in the netfs thread; both
\* call the netfs's mark_page_cached (the page becomes PG_fscache: thread[t].cached);
\* then fscache_op_complete. `res` is what the read of the backing page met.
\* It is read only with the cookie there (the NO_DATA_YET test reads
\* object->cookie first: the oops below, whatever the read would meet) and
\* NO_DATA_YET clear; "EIO" is cachefiles_read_backing_file_one's io_error
\* path: cachefiles_io_error_obj breaks the cache (IOERROR),
\* fscache_retrieval_complete completes the op, and the read gives -ENOBUFS
\* without marking the page cached (so without the netfs data). "MONITOR" is
\* cachefiles_read_backing_file_one's other path: the backing page is not up
\* to date, so it starts the backing read (readpage) and installs a monitor on
\* the page that holds an op ref (op.io); the op is ASYNC with
\* cachefiles_read_copier as its processor (cachefiles_read_or_alloc_page set
\* both before the read), and the call returns 0 without touching the netfs
\* data: the page completes later, as a multi-page read's monitored pages do
\* (ReadWaiter, ReadCopier), after the reader's put (n_pages is 1: the page).
ReadIO(t, res) ==
    LET k == thread[t].op
        o == op[k].object
        c == object[o].cookie
    IN /\ thread[t].pc = "ReadIO"
       /\ res \in IF CookieOK(W0, o) /\ "NO_DATA_YET" \notin cookie[c].flags THEN ReadResults ELSE {"OK"}
       /\ lastAction' = [name |-> "ReadIO", t |-> t, result |-> res]
       /\ IF res = "MONITOR"
          THEN /\ UNCHANGED cache
               /\ Commit(StartBackingReads(W0, k, {thread[t].page}))
               /\ thread' = [thread EXCEPT ![t].pc = "ReadPutOp", ![t].result = "OK"]
               /\ UNCHANGED oops
          ELSE IF res = "EIO"
          THEN /\ cache' = [cache EXCEPT !.flags = @ \cup {"IOERROR"}]
               /\ LET w1 == OpComplete(W0, k, FALSE)
                  IN IF w1.bug # "NONE" THEN Oops(w1.bug)
                     ELSE /\ Commit(w1)
                          /\ thread' = [thread EXCEPT ![t].pc = "ReadPutOp", ![t].result = "ENOBUFS"]
                          /\ UNCHANGED oops
          ELSE /\ UNCHANGED cache
               /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs
                  THEN Oops("ReadIO: mark_page_cached through a NULL/freed cookie or cleared netfs data")
                  ELSE LET w1 == OpComplete(W0, k, FALSE)   \* may start queued ops (F10)
                       IN IF w1.bug # "NONE" THEN Oops(w1.bug)
                          ELSE /\ Commit(w1)
                               /\ thread' = [MarkCached(TCookie[t], {thread[t].page}) EXCEPT ![t].pc = "ReadPutOp",
                                                ![t].result = IF "NO_DATA_YET" \in cookie[c].flags THEN "ENODATA" ELSE "OK"]
                               /\ UNCHANGED oops

\* The backend's read_or_alloc_pages / allocate_pages (cachefiles) in the netfs
\* thread. With NO_DATA_YET, allocate_pages marks every page cached and
\* completes the op: ENODATA. Else the op becomes ASYNC with
\* cachefiles_read_copier as its processor and cachefiles_read_backing_file
\* walks the netfs's list: each page whose backing page must be read gets a
\* monitor that holds an op ref (op.io); the page `up` (the trace's choice;
\* "NONE": none) is already up to date in the backing file's page cache and is
\* copied in this thread (backing_page_already_uptodate: mark_page_cached,
\* fscache_end_io, fscache_retrieval_complete(op, 1)). The model puts that page
\* last in the list, after the other pages' monitors exist, where the copier
\* can complete pages beside it (first in the list, n_pages still counts the
\* pages after it and its completion cannot reach 0). The call returns 0: the
\* other pages complete later (ReadWaiter, ReadCopier), after the reader's put.
\* op->n_pages is the number of pages whose monitor is in op.io or op.todo
\* (NPages): the copier takes a monitor and subtracts its page in one step.
\* fscache_retrieval_complete is 3.12's atomic_sub here, then atomic_read
\* (ReadPagesTest); REPAIRED (finding F15) uses the value atomic_sub_return
\* gives, as upstream's fix does: one step. No backing read fails (the copier's
\* "Readpage failed" path is not modelled).
ReadPagesIO(t, up) ==
    LET k == thread[t].op
        o == op[k].object
        c == object[o].cookie
        reads == Pages \ {up}
    IN /\ thread[t].pc = "ReadPagesIO"
       /\ up # "NONE" => CookieOK(W0, o) /\ "NO_DATA_YET" \notin cookie[c].flags
       /\ lastAction' = [name |-> "ReadPagesIO", t |-> t, up |-> up]
       /\ IF ~CookieOK(W0, o)
          THEN Oops("ReadPagesIO: the NO_DATA_YET test through a NULL/freed object->cookie")
          ELSE IF "NO_DATA_YET" \in cookie[c].flags
          THEN IF ~cookie[c].netfs
               THEN Oops("ReadPagesIO: mark_page_cached through cleared netfs data")
               ELSE LET w1 == OpComplete(W0, k, FALSE)
                    IN IF w1.bug # "NONE" THEN Oops(w1.bug)
                       ELSE /\ Commit(w1)
                            /\ thread' = [MarkCached(TCookie[t], Pages) EXCEPT ![t].pc = "ReadPutOp",
                                             ![t].result = "ENODATA"]
                            /\ UNCHANGED oops
          ELSE IF up # "NONE" /\ ~cookie[c].netfs
          THEN Oops("ReadPagesIO: mark_page_cached through cleared netfs data")
          ELSE LET w1 == StartBackingReads(W0, k, reads)
                   w2 == IF up # "NONE" /\ Fixed("F15") THEN RetrievalComplete(w1, k, "ReadPagesIO") ELSE w1
               IN IF w2.bug # "NONE" THEN Oops(w2.bug)
                  ELSE /\ Commit(w2)
                       /\ thread' = [MarkCached(TCookie[t], IF up # "NONE" THEN {up} ELSE {})
                                        EXCEPT ![t].pc = IF up # "NONE" /\ ~Fixed("F15") THEN "ReadPagesTest"
                                                         ELSE "ReadPutOp",
                                               ![t].result = "OK"]
                       /\ UNCHANGED oops

\* The rest of 3.12's fscache_retrieval_complete in the reader's thread, after
\* its atomic_sub: atomic_read(&op->n_pages), and at 0 fscache_op_complete, whose
\* ASSERT fails if the copier's completion saw 0 too (F15).
ReadPagesTest(t) ==
    LET k == thread[t].op
        w1 == RetrievalComplete(W0, k, "ReadPagesTest")
    IN /\ thread[t].pc = "ReadPagesTest"
       /\ lastAction' = [name |-> "ReadPagesTest", t |-> t]
       /\ IF w1.bug # "NONE" THEN Oops(w1.bug)
          ELSE Commit(w1) /\ SetPc(t, "ReadPutOp") /\ UNCHANGED oops

\* fscache_put_retrieval; the last put ASSERTs that the op completed or was
\* cancelled (fscache_put_operation's ASSERTIFCMP).
ReadPutOp(t) ==
    LET k == thread[t].op IN
    /\ thread[t].pc = "ReadPutOp"
    /\ lastAction' = [name |-> "ReadPutOp", t |-> t]
    /\ IF op[k].usage = 1 /\ op[k].state \notin {"COMPLETE", "CANCELLED"}
       THEN Oops("ReadPutOp: ASSERTIFCMP(op->state == CANCELLED) in fscache_put_operation: the last put of an op still in progress")
       ELSE IF OpPutRef(W0, k).bug # "NONE"
       THEN Oops(OpPutRef(W0, k).bug)
       ELSE /\ Commit(OpPutRef(W0, k))
            /\ thread' = [thread EXCEPT ![t].pc = "Ready", ![t].op = 0]
            /\ UNCHANGED oops

\* __fscache_write_page: under cookie->lock, object->lock, stores_lock insert the
\* page PENDING; test-and-set PENDING_WRITE; 3.12: plain atomic_inc(n_active)
\* and submit. On a failed submit PENDING_WRITE stays set (as in 3.12).
\* Netfs contract: ASSERT(PageFsCache(page)): only a page the cache has marked
\* cached (by a read through this cookie) is written to the cache.
WritePage(t, p) ==
    LET c == TCookie[t]
        k == FreeOp(W0)
        refused == "INVALIDATING" \in cookie[c].flags \/ k = 0 \/ cookie[c].backing = {} \/ Broken
        \* the submit is reached and its test passes: with SubmitWindow, its n_ops++ is the next step
        window == /\ SubmitWindow /\ ~refused
                  /\ cookie[c].stores[p] = "NONE" /\ "PENDING_WRITE" \notin object[BackingObj(c)].flags
                  /\ SubmitOk(W0, BackingObj(c))
    IN /\ CallOK(t, "WritePage")
       /\ p \in thread[t].cached
       /\ lastAction' = [name |-> "WritePage", t |-> t, p |-> p]
       /\ thread' = [thread EXCEPT ![t].calls = @ - 1, ![t].page = p,
                       ![t].pc = IF ~window THEN "Ready"
                                 ELSE IF Active(object[BackingObj(c)]) THEN "WriteSubmitActive" ELSE "WriteSubmitLookedUp",
                       ![t].op = IF window THEN k ELSE @,
                       ![t].result =
                         IF refused THEN "ENOBUFS"
                         ELSE IF cookie[c].stores[p] # "NONE" THEN "OK"                      \* already_queued
                         ELSE IF "PENDING_WRITE" \in object[BackingObj(c)].flags THEN "OK"   \* already_pending
                         ELSE IF SubmitOk(W0, BackingObj(c)) THEN "OK" ELSE "ENOBUFS"]
       /\ UNCHANGED oops
       /\ IF refused \/ cookie[c].stores[p] # "NONE"
          THEN UNCHANGED <<cookie, object, op>>
          ELSE LET o == BackingObj(c)
                   w1 == [W0 EXCEPT !.ck[c].stores[p] = "PENDING"]
               IN IF "PENDING_WRITE" \in object[o].flags
                  THEN Commit(w1)
                  ELSE LET w2 == [w1 EXCEPT !.obj[o].flags = @ \cup {"PENDING_WRITE"}]
                           fl == {"ASYNC", "WAITING"} \cup (IF NewDesign THEN {"UNUSE_COOKIE"} ELSE {})
                           w3 == NewOp(IF NewDesign THEN Use(w2, c) ELSE w2, k, "WRITE", fl)
                       IN IF window
                          THEN Commit(w3)   \* tested; counted in WriteSubmitActive / WriteSubmitLookedUp
                          ELSE IF SubmitOk(w3, o)
                          THEN Commit(OpPutRef(SubmitOp(w3, o, k), k))   \* put the submitter's ref
                          ELSE Commit([w2 EXCEPT !.ck[c].stores[p] = "NONE"])   \* dec, delete, kfree

\* The rest of a writer's fscache_submit_op (SubmitWindow), as ReadSubmit; then,
\* with the locks dropped, __fscache_write_page puts the submitter's ref.
WriteSubmit(t, active) ==
    LET k == thread[t].op
        w1 == OpPutRef(SubmitOpAs(W0, BackingObj(TCookie[t]), k, active), k)
    IN IF w1.bug # "NONE"
       THEN Oops(w1.bug)
       ELSE /\ Commit(w1)
            /\ thread' = [thread EXCEPT ![t].pc = "Ready", ![t].op = 0]
            /\ UNCHANGED oops
WriteSubmitActive(t) ==
    /\ thread[t].pc = "WriteSubmitActive"
    /\ lastAction' = [name |-> "WriteSubmitActive", t |-> t]
    /\ WriteSubmit(t, TRUE)
WriteSubmitLookedUp(t) ==
    /\ thread[t].pc = "WriteSubmitLookedUp"
    /\ lastAction' = [name |-> "WriteSubmitLookedUp", t |-> t]
    /\ WriteSubmit(t, FALSE)

\* The netfs contract before relinquish (fscache_uncache_all_inode_pages): wait
\* until no page of the cookie is queued for or being written to the cache.
WaitOnPageWrite(t) ==
    /\ thread[t].pc = "Ready" /\ t \in Owners
    /\ \A p \in Pages : cookie[TCookie[t]].stores[p] = "NONE"
    /\ lastAction' = [name |-> "WaitOnPageWrite", t |-> t]
    /\ SetPc(t, "RelinquishCookie")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* __fscache_relinquish_cookie, entry: ASSERT n_active > 0, BUG if n_children.
\* (The netfs relinquishes an index cookie only after its children.)
RelinquishCookie(t, retire) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "RelinquishCookie"
    /\ c \in IndexCookies => cookie[c].n_children = 0
    /\ lastAction' = [name |-> "RelinquishCookie", t |-> t, retire |-> retire]
    /\ IF cookie[c].n_children # 0 \/ (NewDesign /\ cookie[c].n_active <= 0)
       THEN Oops("RelinquishCookie: BUG n_children != 0 or ASSERT n_active > 0")
       ELSE /\ cookie' = IF NewDesign
                         THEN [cookie EXCEPT ![c].flags = @ \cup {"RELINQUISHED"} \cup (IF retire THEN {"RETIRED"} ELSE {})]
                         ELSE cookie
            /\ thread' = [thread EXCEPT ![t].retire = retire,
                                        ![t].pc = IF NewDesign THEN "RelinquishKill" ELSE "RelinquishWaitCreating"]
            /\ UNCHANGED <<object, op, oops>>

\* Under cookie->lock raise KILL on every backing object (they stay attached).
RelinquishKill(t) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "RelinquishKill"
    /\ lastAction' = [name |-> "RelinquishKill", t |-> t]
    /\ Commit(IF cookie[c].backing = {} THEN W0 ELSE RaiseSet(W0, BackingObj(c), "KILL"))
    /\ SetPc(t, IF cookie[c].backing # {} /\ RaiseSplits(W0, BackingObj(c), "KILL") THEN "RelinquishEnqueue"
                ELSE "RelinquishDropActive")
    /\ UNCHANGED oops

\* fscache_raise_event's second half for a netfs raiser (RaiseWindow), still
\* under cookie->lock: test the object's event_mask, enqueue if the event is in
\* it, go on. The object is still the cookie's: unhashing it takes the lock.
RaiseEnqueue(t, name, e, next) ==
    /\ thread[t].pc = name
    /\ lastAction' = [name |-> name, t |-> t]
    /\ Commit(EnqueueIfMasked(W0, BackingObj(TCookie[t]), e))
    /\ SetPc(t, next)
    /\ UNCHANGED oops
AcquireEnqueue(t) == RaiseEnqueue(t, "AcquireEnqueue", "NEW_CHILD", "Ready")
InvalidateEnqueue(t) == RaiseEnqueue(t, "InvalidateEnqueue", "INVALIDATE", "Ready")
UpdateEnqueue(t) == RaiseEnqueue(t, "UpdateEnqueue", "UPDATE", "Ready")
RelinquishEnqueue(t) == RaiseEnqueue(t, "RelinquishEnqueue", "KILL", "RelinquishDropActive")

\* atomic_dec_and_test(n_active): drop the baseline unit taken at acquire.
RelinquishDropActive(t) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "RelinquishDropActive"
    /\ lastAction' = [name |-> "RelinquishDropActive", t |-> t]
    /\ cookie' = [cookie EXCEPT ![c].n_active = @ - 1]
    /\ SetPc(t, IF cookie[c].n_active - 1 = 0 THEN "RelinquishClear" ELSE "RelinquishWait")
    /\ UNCHANGED <<object, op, oops>>

\* wait_on_atomic_t(n_active): sleep until it is 0, re-checked at each wake-up;
\* a fall to 0 that wakes nobody (unwoken, F17) leaves it asleep.
RelinquishWait(t) ==
    /\ thread[t].pc = "RelinquishWait"
    /\ cookie[TCookie[t]].n_active = 0 /\ ~cookie[TCookie[t]].unwoken
    /\ lastAction' = [name |-> "RelinquishWait", t |-> t]
    /\ SetPc(t, "RelinquishClear")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* Clear def and netfs_data; 3.12: BUG if stores is not empty. F16's repair,
\* 3.13's NFS: turning caching off for a writer only disables the cookie (the
\* steps before this one); the inode keeps it, and relinquishes it (from here
\* on) when evicted, after its last task has ended.
RelinquishClear(t) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "RelinquishClear"
    /\ Fixed("F16") => NfsTasksGone(c)
    /\ lastAction' = [name |-> "RelinquishClear", t |-> t]
    /\ IF NewDesign /\ \E p \in Pages : cookie[c].stores[p] # "NONE"
       THEN Oops("RelinquishClear: BUG stores not empty")
       ELSE /\ cookie' = [cookie EXCEPT ![c].netfs = FALSE]
            /\ SetPc(t, "RelinquishPut")
            /\ UNCHANGED <<object, op, oops>>

\* Parent n_children--, then drop the netfs's cookie ref (frees the cookie only
\* if no object holds one; PRE_FIX: the objects were detached, so it is freed).
RelinquishPut(t) ==
    LET c == TCookie[t]
        p == Parent[c]
        w1 == IF p = "FSDEF" THEN W0 ELSE [W0 EXCEPT !.ck[p].n_children = @ - 1]
    IN /\ thread[t].pc = "RelinquishPut"
       /\ lastAction' = [name |-> "RelinquishPut", t |-> t]
       /\ Commit(CookiePut(w1, c))
       /\ Ret(t, "Done", "OK")
       /\ UNCHANGED oops

\* PRE_FIX: wait (uninterruptibly) for CREATING to clear.
RelinquishWaitCreating(t) ==
    /\ thread[t].pc = "RelinquishWaitCreating"
    /\ "CREATING" \notin cookie[TCookie[t]].flags
    /\ lastAction' = [name |-> "RelinquishWaitCreating", t |-> t]
    /\ SetPc(t, "RelinquishDetach")
    /\ UNCHANGED <<cookie, object, op, oops>>

\* PRE_FIX: under cookie->lock (waiting while the object has reads in flight:
\* WAITING_ON_READS) and object->lock: unhash the first object, set
\* object->cookie = NULL, raise KILL, put the object's cookie ref (BUG at 0).
\* Repeats while backing_objects is not empty.
RelinquishDetach(t) ==
    LET c == TCookie[t] IN
    /\ thread[t].pc = "RelinquishDetach"
    /\ cookie[c].backing # {} => object[BackingObj(c)].n_reads = 0
    /\ lastAction' = [name |-> "RelinquishDetach", t |-> t]
    /\ IF cookie[c].backing = {}
       THEN SetPc(t, "RelinquishClear") /\ UNCHANGED <<cookie, object, op, oops>>
       ELSE LET o == BackingObj(c) IN
            IF cookie[c].usage <= 1
            THEN Oops("RelinquishDetach: BUG cookie usage reached 0")
            ELSE /\ Commit(Raise([W0 EXCEPT !.ck[c].backing = @ \ {o}, !.ck[c].usage = @ - 1,
                                            !.obj[o].cookie = "NULL"], o, "KILL"))
                 /\ UNCHANGED <<thread, oops>>

\* The thread steps that leave the cache alone (AttachObject lists its object;
\* a ReadIO that meets EIO breaks the cache).
ThreadStepKeepingCache(t) ==
    /\ \/ AcquireCookie(t) \/ AllocObject(t) \/ NfsLoadCookie(t) \/ NfsTaskDone(t)
       \/ AcquireNewChild(t) \/ AcquireFail(t)
       \/ Invalidate(t) \/ WaitOnInvalidate(t) \/ UpdateCookie(t) \/ AttrChanged(t)
       \/ \E p \in Pages : ReadPage(t, p)
       \/ ReadPages(t) \/ \E up \in Pages \cup {"NONE"} : ReadPagesIO(t, up) \/ ReadPagesTest(t)
       \/ ReadWaitLookup(t) \/ ReadCookieLocked(t) \/ ReadSubmitActive(t) \/ ReadSubmitLookedUp(t) \/ ReadWaitActive(t) \/ ReadPutOp(t)
       \/ \E p \in Pages : WritePage(t, p)
       \/ WriteSubmitActive(t) \/ WriteSubmitLookedUp(t) \/ AttrSubmitActive(t) \/ AttrSubmitLookedUp(t)
       \/ WaitOnPageWrite(t) \/ \E r \in RetireChoices : RelinquishCookie(t, r)
       \/ AcquireEnqueue(t) \/ InvalidateEnqueue(t) \/ UpdateEnqueue(t) \/ RelinquishEnqueue(t)
       \/ RelinquishKill(t) \/ RelinquishDropActive(t) \/ RelinquishWait(t)
       \/ RelinquishClear(t) \/ RelinquishPut(t)
       \/ RelinquishWaitCreating(t) \/ RelinquishDetach(t)
    /\ UNCHANGED cache

ThreadStep(t) ==
    /\ oops = "NONE"
    /\ \/ \E o \in Objects : AttachObject(t, o)
       \/ \E res \in ReadResults : ReadIO(t, res)
       \/ ThreadStepKeepingCache(t)

-----------------------------------------------------------------------------
(* Object o: the dispatcher (fscache_object_sm_dispatcher, §2.1)           *)

At(o, name) == object[o].mem = "LIVE" /\ object[o].disp = name
Step(o, name) == At(o, name) /\ lastAction' = [name |-> name, o |-> o]
ObjCommit(w) == IF w.bug # "NONE" THEN Oops(w.bug) ELSE Commit(w) /\ UNCHANGED <<thread, oops>>

\* The work item runs: save event_mask, mask all events. A run queued while the
\* previous one was ending in OBJECT_DEAD (finding F9) finds the DEAD state,
\* whose "work function" is the sentinel (void *)2 in 3.12: the call oopses.
\* REPAIRED (upstream's fix): a run of a DEAD object returns at once, mask 0.
DispatchStart(o) ==
    /\ object[o].mem = "LIVE" /\ object[o].wq = "QUEUED"
    /\ lastAction' = [name |-> "DispatchStart", o |-> o]
    /\ IF object[o].state = "OBJECT_DEAD"
       THEN IF Fixed("F9")
            THEN ObjCommit(EndRun([W0 EXCEPT !.obj[o].wq = "RUNNING", !.obj[o].event_mask = {}], o))
            ELSE Oops("DispatchStart: work function of OBJECT_DEAD called")
       ELSE ObjCommit([W0 EXCEPT !.obj[o].wq = "RUNNING", !.obj[o].dmask = object[o].event_mask,
                                 !.obj[o].event_mask = {}, !.obj[o].disp = "DispatchSelect"])

\* Read events: OOB first, then a wait state's table, else run the work state.
DispatchSelect(o) ==
    LET r == object[o]
        ev == r.events
        tbl == WaitTable(r.state)
    IN /\ Step(o, "DispatchSelect")
       /\ IF ev \cap r.oob_mask # {}
          THEN LET e == Highest(ev \cap r.oob_mask)
                   tgt == OobTarget(r.oob)
               IN ObjCommit([W0 EXCEPT !.obj[o].oob_mask = @ \ {e}, !.obj[o].events = @ \ {e},
                                       !.obj[o].exec = tgt, !.obj[o].disp = tgt])
          ELSE IF r.state \in WaitStates
          THEN IF ev \cap r.dmask = {}
               THEN ObjCommit([W0 EXCEPT !.obj[o].disp = "DispatchUnmask"])   \* woke for nothing
               ELSE IF \A i \in DOMAIN tbl : tbl[i].ev \cap ev = {}
               THEN Oops("DispatchSelect: BUG no transition for pending events")
               ELSE LET i == CHOOSE i \in DOMAIN tbl : tbl[i].ev \cap ev # {} /\
                                          \A j \in DOMAIN tbl : j < i => tbl[j].ev \cap ev = {}
                        e == Highest(tbl[i].ev \cap ev)
                    IN ObjCommit([W0 EXCEPT !.obj[o].events = @ \ {e}, !.obj[o].state = tbl[i].to,
                                            !.obj[o].exec = tbl[i].to, !.obj[o].disp = tbl[i].to])
          ELSE ObjCommit([W0 EXCEPT !.obj[o].exec = r.state, !.obj[o].disp = r.state])

\* unmask_events: store the mask (then a full barrier). From here until the
\* re-read, a raiser that sets a bit in the mask also queues the running item
\* (wq REQUEUED), while the re-read sees the bit and restarts: two runs.
DispatchUnmask(o) ==
    /\ Step(o, "DispatchUnmask")
    /\ ObjCommit([W0 EXCEPT !.obj[o].event_mask = object[o].dmask, !.obj[o].disp = "DispatchRecheck"])

\* Re-read the events: one the mask listens for restarts the run (mask 0
\* again); else the run ends and the work item drops its ref.
DispatchRecheck(o) ==
    LET r == object[o] IN
    /\ Step(o, "DispatchRecheck")
    /\ IF r.events \cap r.dmask # {}
       THEN ObjCommit([W0 EXCEPT !.obj[o].event_mask = {}, !.obj[o].disp = "DispatchSelect"])
       ELSE ObjCommit(EndRun(W0, o))

-----------------------------------------------------------------------------
(* Object o: work steps (fs/fscache/object.c, 3.12; PRE_FIX deltas §2.5)   *)

\* fscache_initialise_object
INIT_OBJECT(o) ==
    LET p == object[o].parent
        drop == IF NewDesign THEN "DROP_OBJECT" ELSE "DETACH_FROM_COOKIE"
    IN /\ Step(o, "INIT_OBJECT")
       /\ IF p = "NULL" \/ (p # "FSDEF" /\ "IS_LIVE" \notin object[p].flags)
          THEN ObjCommit(Transit(W0, o, drop))                       \* no / dying parent
          ELSE IF p = "FSDEF" \/ "IS_AVAILABLE" \in object[p].flags
          THEN ObjCommit(Transit(W0, o, "PARENT_READY"))
          ELSE \* under parent->lock: grab_object(self), join parent's dependents; raise NEW_CHILD
               LET w1 == [W0 EXCEPT !.obj[o].usage = @ + 1, !.obj[p].dependents = @ \cup {o}]
               IN ObjCommit(Transit(Raise(w1, p, "NEW_CHILD"), o, "WAIT_FOR_PARENT"))

\* fscache_parent_ready: the child's lookup counts as an op on the parent.
\* 3.12 installs the lookup OOB table only in LOOK_UP_OBJECT, so a KILL seen
\* between the two (OOB events are rechecked between work states) goes to
\* ABORT_INIT, which does not undo this parent op (finding F5). REPAIRED
\* installs the lookup table here, so the kill goes to LOOKUP_FAILURE, which does.
PARENT_READY(o) ==
    LET p == object[o].parent
        w1 == IF p \in Objects THEN [W0 EXCEPT !.obj[p].n_ops = @ + 1, !.obj[p].n_obj_ops = @ + 1] ELSE W0
    IN /\ Step(o, "PARENT_READY")
       /\ ObjCommit(Transit(IF Fixed("F5") THEN [w1 EXCEPT !.obj[o].oob = "lookup"] ELSE w1, o, "LOOK_UP_OBJECT"))

\* fscache_look_up_object, up to the backend call: install the lookup OOB
\* table; fail if the parent is dying, the cache is broken (IOERROR) or
\* fscache_use_cookie fails (PRE_FIX: no use).
LOOK_UP_OBJECT(o) ==
    LET p == object[o].parent
        c == object[o].cookie
        w1 == [W0 EXCEPT !.obj[o].oob = "lookup"]
    IN /\ Step(o, "LOOK_UP_OBJECT")
       /\ IF p \in Objects /\ "IS_AVAILABLE" \notin object[p].flags
          THEN Oops("LOOK_UP_OBJECT: ASSERT parent available")
          ELSE IF (p \in Objects /\ "IS_LIVE" \notin object[p].flags) \/ Broken
          THEN ObjCommit(Transit(w1, o, "LOOKUP_FAILURE"))
          ELSE IF ~NewDesign
          THEN ObjCommit([w1 EXCEPT !.obj[o].disp = "LookupObject"])
          ELSE IF cookie[c].n_active = 0                                 \* inc-not-zero fails
          THEN ObjCommit(Transit(w1, o, "LOOKUP_FAILURE"))
          ELSE ObjCommit([Use(w1, c) EXCEPT !.obj[o].disp = "LookupObject"])

\* The backend's lookup_object (cachefiles_walk_to_object; reads the netfs key
\* and, for an existing object, checks its aux with the netfs), up to its first
\* report: an existing object -> fscache_obtained_object's first part (first
\* lookup: IS_LOOKED_UP, clear NO_DATA_YET and LOOKING_UP, wake); none ->
\* fscache_object_lookup_negative (IS_LOOKED_UP, NO_DATA_YET, clear LOOKING_UP,
\* wake), then the object is created; a failure -> lookup_error (the ERROR bit).
\* An EIO from the walk (cachefiles_walk_to_object's lookup_error: "Lookup
\* failed") has first broken the cache: cachefiles_io_error -> fscache_io_error
\* sets IOERROR, which is never cleared.
\* Readers woken here may submit before the object is available (queued ops).
LookupObject(o, result) ==
    LET c == object[o].cookie
        first == "IS_LOOKED_UP" \notin object[o].flags
    IN /\ At(o, "LookupObject")
       /\ result \in LookupResults
       /\ lastAction' = [name |-> "LookupObject", o |-> o, result |-> result]
       /\ cache' = IF result = "EIO" THEN [cache EXCEPT !.flags = @ \cup {"IOERROR"}] ELSE cache
       /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs
          THEN Oops("LookupObject: lookup_object reads netfs key/aux through a NULL/freed cookie or cleared netfs data")
          ELSE IF result \in {"ERROR", "EIO"}
          THEN ObjCommit([W0 EXCEPT !.obj[o].events = @ \cup {"ERROR"}, !.obj[o].disp = "LookupUnuse"])
          ELSE LET cf == IF ~first THEN cookie[c].flags
                         ELSE IF result = "POSITIVE" THEN cookie[c].flags \ {"NO_DATA_YET", "LOOKING_UP"}
                         ELSE (cookie[c].flags \cup {"NO_DATA_YET"}) \ {"LOOKING_UP"}
               IN ObjCommit([W0 EXCEPT !.ck[c].flags = cf, !.obj[o].flags = @ \cup {"IS_LOOKED_UP"},
                                       !.obj[o].disp = IF result = "POSITIVE" THEN "LookupAvailable" ELSE "LookupCreate"])

\* cachefiles creates the object a negative lookup did not find (vfs_mkdir /
\* vfs_create, the aux xattr); a failure reports lookup_error (the ERROR bit)
\* and the lookup fails, leaving the object looked up but never available. An
\* EIO ("Create/mkdir failed") has first broken the cache, as in LookupObject.
LookupCreate(o, result) ==
    /\ At(o, "LookupCreate")
    /\ result \in {"OK"} \cup (LookupResults \cap {"ERROR", "EIO"})
    /\ lastAction' = [name |-> "LookupCreate", o |-> o, result |-> result]
    /\ cache' = IF result = "EIO" THEN [cache EXCEPT !.flags = @ \cup {"IOERROR"}] ELSE cache
    /\ ObjCommit(IF result = "OK" THEN [W0 EXCEPT !.obj[o].disp = "LookupAvailable"]
                 ELSE [W0 EXCEPT !.obj[o].events = @ \cup {"ERROR"}, !.obj[o].disp = "LookupUnuse"])

\* fscache_obtained_object, last part: IS_AVAILABLE (ops may run from now on);
\* PRE_FIX then clears CREATING, letting relinquish proceed.
LookupAvailable(o) ==
    LET c == object[o].cookie
        w1 == [W0 EXCEPT !.obj[o].flags = @ \cup {"IS_AVAILABLE"}, !.obj[o].disp = "LookupUnuse"]
    IN /\ Step(o, "LookupAvailable")
       /\ ObjCommit(IF ~NewDesign /\ CookieOK(W0, o) THEN [w1 EXCEPT !.ck[c].flags = @ \ {"CREATING"}] ELSE w1)

\* fscache_unuse_cookie after lookup_object (PRE_FIX: nothing); the lookup
\* succeeded if the object became available.
LookupUnuse(o) ==
    LET w1 == IF NewDesign THEN Unuse(W0, object[o].cookie) ELSE W0 IN
    /\ Step(o, "LookupUnuse")
    /\ ObjCommit(Transit(w1, o, IF "IS_AVAILABLE" \in object[o].flags THEN "OBJECT_AVAILABLE" ELSE "LOOKUP_FAILURE"))

\* fscache_object_available
OBJECT_AVAILABLE(o) ==
    LET w1 == DoneParentOp([W0 EXCEPT !.obj[o].oob = "run"], o)
        w2 == IF w1.obj[o].n_in_progress = 0 /\ w1.obj[o].n_ops > 0 THEN StartOps(w1, o) ELSE w1
    IN /\ Step(o, "OBJECT_AVAILABLE")
       /\ ObjCommit(Transit(w2, o, "JUMPSTART_DEPS"))

\* fscache_jumpstart_dependents: PARENT_READY to every dependent, put its ref.
JUMPSTART_DEPS(o) ==
    /\ Step(o, "JUMPSTART_DEPS")
    /\ ObjCommit(Transit([KickDeps(W0, object[o].dependents, "PARENT_READY") EXCEPT !.obj[o].dependents = {}],
                         o, "WAIT_FOR_CMD"))

\* fscache_invalidate_object, step 1: fscache_use_cookie; failing means
\* relinquish has taken n_active to 0: ASSERT stores empty, retire, kill.
INVALIDATE_OBJECT(o) ==
    LET c == object[o].cookie IN
    /\ Step(o, "INVALIDATE_OBJECT")
    /\ IF ~NewDesign
       THEN ObjCommit([W0 EXCEPT !.obj[o].disp = "InvalidateWrites"])   \* reads object->cookie unlocked
       ELSE IF cookie[c].n_active > 0
       THEN ObjCommit([Use(W0, c) EXCEPT !.obj[o].disp = "InvalidateWrites"])
       ELSE IF \E p \in Pages : cookie[c].stores[p] # "NONE"
       THEN Oops("INVALIDATE_OBJECT: ASSERT stores empty after use_cookie failed")
       ELSE ObjCommit(Transit([W0 EXCEPT !.ck[c].flags = @ \cup {"RETIRED"}], o, "KILL_OBJECT"))

\* fscache_invalidate_writes(object->cookie): drop every PENDING page.
InvalidateWrites(o) ==
    LET c == object[o].cookie IN
    /\ Step(o, "InvalidateWrites")
    /\ IF ~CookieOK(W0, o)
       THEN Oops("InvalidateWrites: INVALIDATE_OBJECT passes a NULL/freed object->cookie to fscache_invalidate_writes")
       ELSE ObjCommit([W0 EXCEPT !.ck[c].stores = [p \in Pages |-> IF @[p] = "PENDING" THEN "NONE" ELSE @[p]],
                                 !.obj[o].disp = "InvalidateSubmitOp"])

\* Clear PENDING_WRITE, cancel pending ops, allocate the exclusive invalidate op
\* (the n_active unit moves to it via UNUSE_COOKIE) and submit it under cookie->lock.
InvalidateSubmitOp(o) ==
    LET c == object[o].cookie
        w1 == CancelAll([W0 EXCEPT !.obj[o].flags = @ \ {"PENDING_WRITE"}], o)
        k == FreeOp(w1)
        fl == {"ASYNC", "EXCLUSIVE"} \cup (IF NewDesign THEN {"UNUSE_COOKIE"} ELSE {})
        w2 == NewOp(w1, k, "INVALIDATE", fl)
    IN /\ Step(o, "InvalidateSubmitOp")
       /\ IF ~CookieOK(W0, o)
          THEN Oops("InvalidateSubmitOp: INVALIDATE_OBJECT takes cookie->lock of a NULL/freed cookie")
          ELSE IF k = 0     \* kzalloc failed (nomem): clear IS_LIVE, unuse, kill
          THEN ObjCommit(Transit([(IF NewDesign THEN Unuse(w1, c) ELSE w1) EXCEPT !.obj[o].flags = @ \ {"IS_LIVE"}],
                                 o, "KILL_OBJECT"))
          ELSE IF ~SubmitExclusiveOk(w2, o)
          THEN Oops("InvalidateSubmitOp: ASSERT cache I/O error (exclusive op refused)")
          ELSE ObjCommit([SubmitExclusive(w2, o, k) EXCEPT !.obj[o].lop = k, !.obj[o].disp = "InvalidateDone"])

\* Put the local op ref; NO_DATA_YET; test-and-clear INVALIDATING (wake waiters).
InvalidateDone(o) ==
    LET c == object[o].cookie
        w1 == [OpPutRef(W0, object[o].lop) EXCEPT !.obj[o].lop = 0]
    IN /\ Step(o, "InvalidateDone")
       /\ IF ~CookieOK(W0, o)
          THEN Oops("InvalidateDone: INVALIDATE_OBJECT sets flags of a NULL/freed cookie")
          ELSE ObjCommit(Transit([w1 EXCEPT !.ck[c].flags = (@ \cup {"NO_DATA_YET"}) \ {"INVALIDATING"}],
                                 o, "UPDATE_OBJECT"))

\* fscache_update_object -> cachefiles_update_object: fscache_use_cookie,
\* skip if it fails (PRE_FIX: no use, dereferences object->cookie).
UPDATE_OBJECT(o) ==
    LET c == object[o].cookie IN
    /\ Step(o, "UPDATE_OBJECT")
    /\ IF ~NewDesign
       THEN IF ~CookieOK(W0, o)
            THEN Oops("UPDATE_OBJECT: cachefiles_update_object dereferences a NULL/freed object->cookie")
            ELSE ObjCommit([W0 EXCEPT !.obj[o].disp = "UpdateObject"])
       ELSE IF cookie[c].n_active > 0
       THEN ObjCommit([Use(W0, c) EXCEPT !.obj[o].disp = "UpdateObject"])
       ELSE ObjCommit(Transit(W0, o, "WAIT_FOR_CMD"))

\* cachefiles_update_object: get_aux(netfs_data), write the xattr, unuse.
UpdateObject(o) ==
    LET c == object[o].cookie IN
    /\ Step(o, "UpdateObject")
    /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs
       THEN Oops("UpdateObject: get_aux through a NULL/freed cookie or cleared netfs data")
       ELSE ObjCommit(Transit(IF NewDesign THEN Unuse(W0, c) ELSE W0, o, "WAIT_FOR_CMD"))

\* fscache_abort_initialisation: oob mask off, fscache_dequeue_object (leave the
\* parent's dependents). 3.12 does not put the ref INIT_OBJECT took for that
\* membership (finding F3; REPAIRED puts it). PRE_FIX also clears IS_LIVE and CREATING.
ABORT_INIT(o) ==
    LET p == object[o].parent
        c == object[o].cookie
        member == p \in Objects /\ o \in object[p].dependents
        w1 == IF member THEN [W0 EXCEPT !.obj[p].dependents = @ \ {o}] ELSE W0
        w2 == IF member /\ Fixed("F3") THEN ObjPut(w1, o) ELSE w1
        w3 == IF NewDesign THEN w2
              ELSE LET w4 == [w2 EXCEPT !.obj[o].flags = @ \ {"IS_LIVE"}]
                   IN IF CookieOK(w4, o) THEN [w4 EXCEPT !.ck[c].flags = @ \ {"CREATING"}] ELSE w4
    IN /\ Step(o, "ABORT_INIT")
       /\ ObjCommit(Transit([w3 EXCEPT !.obj[o].oob_mask = {}], o, "KILL_OBJECT"))

\* fscache_lookup_failure
LOOKUP_FAILURE(o) ==
    LET c == object[o].cookie
        w1 == [W0 EXCEPT !.obj[o].oob_mask = {}]
        w2 == IF CookieOK(w1, o)
              THEN [w1 EXCEPT !.ck[c].flags = (@ \cup {"UNAVAILABLE"}) \ {"LOOKING_UP", "CREATING"}]
              ELSE w1
    IN /\ Step(o, "LOOKUP_FAILURE")
       /\ IF NewDesign /\ ~CookieOK(W0, o)
          THEN Oops("LOOKUP_FAILURE: sets flags of a NULL/freed object->cookie")
          ELSE ObjCommit(Transit(DoneParentOp(w2, o), o, "KILL_OBJECT"))

\* fscache_kill_object, as 3.12 runs it in three parts: clear IS_LIVE (clear_bit,
\* without object->lock, so inside a reader's locked submit where SubmitWindow
\* splits it: finding F13; REPAIRED takes the lock, see UnlockedDisp) and the
\* OOB mask; then, unlocked, test dependents,
\* n_ops and n_children: nothing left -> drop; else, under object->lock, start
\* the pending ops (so they can run or fail and release), then read the
\* dependents again (unlocked) to choose KILL_DEPENDENTS or the wait.
KILL_OBJECT(o) ==
    /\ Step(o, "KILL_OBJECT")
    /\ ObjCommit([W0 EXCEPT !.obj[o].flags = @ \ {"IS_LIVE"}, !.obj[o].oob_mask = {}, !.obj[o].disp = "KillTest"])

KillTest(o) ==
    LET r == object[o] IN
    /\ Step(o, "KillTest")
    /\ IF r.dependents = {} /\ r.n_ops = 0 /\ r.n_children = 0
       THEN ObjCommit(Transit(W0, o, IF NewDesign \/ r.cookie = "NULL" THEN "DROP_OBJECT" ELSE "DETACH_FROM_COOKIE"))
       ELSE ObjCommit([W0 EXCEPT !.obj[o].disp = "KillStartOps"])

KillStartOps(o) ==
    LET r == object[o]
        w1 == IF r.n_in_progress = 0 /\ r.n_ops > 0 THEN StartOps(W0, o) ELSE W0
    IN /\ Step(o, "KillStartOps")
       /\ ObjCommit(Transit(w1, o, IF r.dependents # {} THEN "KILL_DEPENDENTS" ELSE "WAIT_FOR_CLEARANCE"))

\* fscache_kill_dependents: KILL to every dependent, put its ref.
KILL_DEPENDENTS(o) ==
    /\ Step(o, "KILL_DEPENDENTS")
    /\ ObjCommit(Transit([KickDeps(W0, object[o].dependents, "KILL") EXCEPT !.obj[o].dependents = {}],
                         o, "WAIT_FOR_CLEARANCE"))

\* fscache_drop_object: unhash from the cookie, clear INVALIDATING, backend
\* drop_object (reads cookie RETIRED), parent n_children-- (CLEARED at 0), put
\* the allocation ref. PRE_FIX: asserts the object was already detached.
\* 3.12 leaves the cookie's PENDING pages in stores: after a write error
\* PENDING_WRITE stays set, later writes are "already pending" and nobody
\* writes or removes them, so the netfs waits forever (finding F6).
\* 3.12 clears LOOKING_UP only in the lookup paths (lookup_negative,
\* obtained_object, LOOKUP_FAILURE): an object that dies before its lookup
\* (ABORT_INIT after its parent's KILL_DEPENDENTS, or INIT_OBJECT finding no
\* live parent) drops with LOOKING_UP still set, and a reader sleeping in
\* fscache_wait_for_deferred_lookup is never woken (finding F8).
DROP_OBJECT(o) ==
    LET r == object[o]
        c == r.cookie
        p == r.parent
        w0 == IF NewDesign THEN [W0 EXCEPT !.ck[c].backing = @ \ {o}, !.ck[c].flags = @ \ {"INVALIDATING"}] ELSE W0
        \* REPAIRED (finding F6): pages left PENDING with no writer (a write error
        \* or a refused submit leaves PENDING_WRITE set) are dropped with the object.
        \* REPAIRED (finding F8): a lookup that never ran is resolved as failed, as
        \* LOOKUP_FAILURE resolves it: test-and-clear LOOKING_UP (waking readers),
        \* set UNAVAILABLE.
        w1 == IF Fixed("F6") THEN [w0 EXCEPT !.ck[c].stores = [q \in Pages |-> IF @[q] = "PENDING" THEN "NONE" ELSE @[q]]]
              ELSE w0
        w2 == IF Fixed("F8") /\ "LOOKING_UP" \in w1.ck[c].flags
              THEN [w1 EXCEPT !.ck[c].flags = (@ \ {"LOOKING_UP"}) \cup {"UNAVAILABLE"}]
              ELSE w1
        w3 == IF p \in Objects THEN [w2 EXCEPT !.obj[p].n_children = @ - 1] ELSE w2
        w4 == IF p \in Objects /\ w3.obj[p].n_children = 0 THEN Raise(w3, p, "CLEARED") ELSE w3
        w5 == ObjPut([w4 EXCEPT !.obj[o].parent = "NULL"], o)
    IN /\ Step(o, "DROP_OBJECT")
       /\ IF NewDesign /\ ~CookieOK(W0, o)
          THEN Oops("DROP_OBJECT: NULL/freed object->cookie")
          ELSE IF NewDesign /\ o \notin cookie[c].backing
          THEN Oops("DROP_OBJECT: ASSERT object hashed on its cookie")
          ELSE IF ~NewDesign /\ c # "NULL"
          THEN Oops("DROP_OBJECT: ASSERT object->cookie == NULL")
          ELSE ObjCommit(Transit(w5, o, "OBJECT_DEAD"))
       \* list_del_init(&object->cache_link): off object_list, or off the withdrawal's dying list
       /\ cache' = IF oops' = "NONE" THEN UnlistObject(o) ELSE cache

\* PRE_FIX fscache_detach_from_cookie: unhash, object->cookie = NULL, clear
\* INVALIDATING, put the object's cookie ref.
DETACH_FROM_COOKIE(o) ==
    LET c == object[o].cookie IN
    /\ Step(o, "DETACH_FROM_COOKIE")
    /\ IF c = "NULL"
       THEN ObjCommit(Transit(W0, o, "DROP_OBJECT"))
       ELSE ObjCommit(Transit(CookiePut([W0 EXCEPT !.ck[c].backing = @ \ {o}, !.ck[c].flags = @ \ {"INVALIDATING"},
                                                   !.obj[o].cookie = "NULL"], c), o, "DROP_OBJECT"))

\* The object steps that leave the cache alone (DROP_OBJECT unlists its object;
\* a lookup or create that meets EIO breaks the cache).
ObjStepKeepingCache(o) ==
    /\ \/ DispatchStart(o) \/ DispatchSelect(o) \/ DispatchUnmask(o) \/ DispatchRecheck(o)
       \/ INIT_OBJECT(o) \/ PARENT_READY(o) \/ LOOK_UP_OBJECT(o)
       \/ LookupAvailable(o) \/ LookupUnuse(o) \/ OBJECT_AVAILABLE(o) \/ JUMPSTART_DEPS(o)
       \/ INVALIDATE_OBJECT(o) \/ InvalidateWrites(o) \/ InvalidateSubmitOp(o) \/ InvalidateDone(o)
       \/ UPDATE_OBJECT(o) \/ UpdateObject(o) \/ ABORT_INIT(o) \/ LOOKUP_FAILURE(o)
       \/ KILL_OBJECT(o) \/ KillTest(o) \/ KillStartOps(o) \/ KILL_DEPENDENTS(o)
       \/ DETACH_FROM_COOKIE(o)
    /\ UNCHANGED cache

\* object->lock of o (and cookie->lock of its cookie) held by a reader or a
\* writer between its submit's test and its n_ops++, or by AttrChanged inside its
\* exclusive submit (SubmitWindow).
SubmitLocked(o) == \E t \in Threads : thread[t].pc \in SubmitPcs \cup AttrSubmitPcs /\ o \in cookie[TCookie[t]].backing
\* The object's steps that take neither lock: the dispatcher's, and
\* fscache_kill_object's clear of IS_LIVE and its test of the counters. REPAIRED
\* (finding F13): IS_LIVE is cleared under object->lock, as later kernels'
\* fscache_mark_object_dead does, so not inside a submitter's locked section.
\* Every other step of the object, and of its ops, waits for the locks: those
\* that take them must; the few that take neither (the write op's page write,
\* the lookup's IS_AVAILABLE) touch nothing the submitter's two steps read or
\* write, so running them after the submitter's second step reaches the same
\* states. Data objects have no children, so no other object takes o's lock.
UnlockedDisp == {"IDLE", "DispatchSelect", "DispatchUnmask", "DispatchRecheck", "KillTest"}
                \cup (IF Fixed("F13") THEN {} ELSE {"KILL_OBJECT"})
\* cookie->lock of o's cookie held by a netfs thread inside its raise
\* (RaiseWindow). Of the object's steps only these take it: DROP_OBJECT and
\* DETACH_FROM_COOKIE to unhash the object, and INVALIDATE_OBJECT's submit of
\* its exclusive op. The rest run inside the window, as in the kernel. No
\* other thread takes it: the one other taker, a child's attach, takes the
\* parent's lock, and an index cookie's only raise is relinquish's, once it
\* has no children.
RaiseLocked(o) == \E t \in Threads : thread[t].pc \in RaisePcs /\ o \in cookie[TCookie[t]].backing
CookieLockDisp == {"DROP_OBJECT", "DETACH_FROM_COOKIE", "InvalidateSubmitOp"}

ObjStep(o) ==
    /\ oops = "NONE"
    /\ SubmitLocked(o) => object[o].disp \in UnlockedDisp
    /\ RaiseLocked(o) => object[o].disp \notin CookieLockDisp
    /\ \/ ObjStepKeepingCache(o) \/ DROP_OBJECT(o)
       \/ \E res \in LookupResults : LookupObject(o, res)
       \/ \E res \in {"OK", "ERROR", "EIO"} : LookupCreate(o, res)

-----------------------------------------------------------------------------
(* Operation k on the op workqueue (fscache_op_work_func)                  *)

OpAct(k, name) == /\ op[k].pc = name /\ lastAction' = [name |-> name, k |-> k]
OpAt(k, name) == op[k].pc = name
OpCommit(w) == IF w.bug # "NONE" THEN Oops(w.bug) ELSE Commit(w) /\ UNCHANGED <<thread, oops>>

\* cachefiles_invalidate_object: get_attr(netfs_data) for the size, truncate, complete.
OpInvalidateObject(k) ==
    LET o == op[k].object
        c == object[o].cookie
    IN /\ OpAct(k, "OpInvalidateObject")
       /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs
          THEN Oops("OpInvalidateObject: get_attr through a NULL/freed cookie or cleared netfs data")
          ELSE OpCommit([OpComplete(W0, k, FALSE) EXCEPT !.op[k].pc = "OpPut"])

\* fscache_write_op, under object->lock: inactive object -> complete (leaving
\* PENDING_WRITE and any pages); no PENDING page -> clear PENDING_WRITE and
\* complete; else retag the lowest PENDING page STORING.
WriteOp(k) ==
    LET o == op[k].object
        c == object[o].cookie
        pend == {p \in Pages : c \in Cookies /\ cookie[c].stores[p] = "PENDING"}
    IN /\ OpAct(k, "WriteOp")
       /\ IF ~Active(object[o]) \/ c = "NULL"
          THEN OpCommit([OpComplete(W0, k, FALSE) EXCEPT !.op[k].pc = "OpPut"])
          ELSE IF cookie[c].mem # "LIVE"
          THEN Oops("WriteOp: stores_lock of a freed cookie")
          ELSE IF pend = {}
          THEN OpCommit([OpComplete([W0 EXCEPT !.obj[o].flags = @ \ {"PENDING_WRITE"}], k, TRUE) EXCEPT !.op[k].pc = "OpPut"])
          ELSE LET p == CHOOSE p \in pend : TRUE   \* gang lookup: one page (CI: Pages has one)
               IN OpCommit([W0 EXCEPT !.ck[c].stores[p] = "STORING", !.op[k].pc = "WriteOpWritePage"])

\* The backend's write_page on the STORING page, then fscache_end_page_write;
\* an error aborts the object (raise ERROR) and completes the op; an EIO has
\* first set the cache's IOERROR (cachefiles_io_error_obj); success
\* re-enqueues the op (its get and the worker's put cancel out).
WriteOpWritePage(k, result) ==
    LET o == op[k].object
        c == object[o].cookie
        sto == {p \in Pages : c \in Cookies /\ cookie[c].stores[p] = "STORING"}
    IN /\ OpAt(k, "WriteOpWritePage")
       /\ result \in WriteResults
       /\ lastAction' = [name |-> "WriteOpWritePage", k |-> k, result |-> result]
       /\ cache' = IF result = "EIO" THEN [cache EXCEPT !.flags = @ \cup {"IOERROR"}] ELSE cache
       /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs \/ sto = {}
          THEN Oops("WriteOpWritePage: writes a netfs page through a NULL/freed cookie or after relinquish")
          ELSE LET p == CHOOSE p \in sto : TRUE
                   w1 == [W0 EXCEPT !.ck[c].stores[p] = "NONE"]
               IN IF result \in {"ERROR", "EIO"}
                  THEN OpCommit([OpComplete(Raise(w1, o, "ERROR"), k, TRUE) EXCEPT !.op[k].pc = "OpPut"])
                  ELSE OpCommit([w1 EXCEPT !.op[k].pc = "WriteOp"])

\* The attr_changed processor: only for an active object, use_cookie, the
\* backend's attr_changed, unuse (balanced within the step; a failed use skips
\* the backend call), complete. PRE_FIX takes no n_active unit: cachefiles_
\* attr_changed reads get_attr through object->cookie, which relinquish may
\* have NULLed while the object is still active (the §4.3 family of oopses).
OpAttrChanged(k) ==
    LET o == op[k].object
    IN /\ OpAct(k, "OpAttrChanged")
       /\ IF ~NewDesign /\ Active(object[o]) /\ ~CookieOK(W0, o)
          THEN Oops("OpAttrChanged: cachefiles_attr_changed reads get_attr through a NULL/freed object->cookie")
          ELSE OpCommit([OpComplete(W0, k, FALSE) EXCEPT !.op[k].pc = "OpPut"])

\* The op worker's put of its ref.
OpPut(k) ==
    /\ OpAct(k, "OpPut")
    /\ OpCommit(OpPutRef([W0 EXCEPT !.op[k].pc = "NONE"], k))

-----------------------------------------------------------------------------
(* A multi-page read's completions (cachefiles rdwr.c)                     *)

\* fscache_enqueue_retrieval -> fscache_enqueue_operation: ASSERTs that the
\* object is available and the op IN_PROGRESS; an ASYNC op's work item is
\* queued with a ref of its own (queue_work on a pending item fails and the
\* ref is put: no change). The copier's pc "ReadCopier" is the item queued or
\* running: it looks at op->to_do before it ends, so queueing it then changes
\* nothing. At "ReadCopierPut" it has found op->to_do empty and returned, and
\* fscache_op_work_func has still to put its ref: queue_work succeeds then
\* (the item is running, not pending) and the item runs again after it
\* (ReadCopierRequeue; a work item never runs twice at once).
EnqueueRetrieval(w, k, who) ==
    LET o == w.op[k].object IN
    IF "IS_AVAILABLE" \notin w.obj[o].flags
    THEN Bug(w, who \o ": ASSERT(fscache_object_is_available) in fscache_enqueue_operation")
    ELSE IF w.op[k].state # "IN_PROGRESS"
    THEN Bug(w, who \o ": ASSERTCMP(op->state == IN_PROGRESS) in fscache_enqueue_operation: the copier already completed the op")
    ELSE IF w.op[k].pc = "NONE" THEN [w EXCEPT !.op[k].pc = "ReadCopier", !.op[k].usage = @ + 1]
    ELSE IF w.op[k].pc = "ReadCopierPut" THEN [w EXCEPT !.op[k].pc = "ReadCopierRequeue", !.op[k].usage = @ + 1]
    ELSE w

\* cachefiles_read_waiter, run when page p's backing read completes (the backing
\* page is unlocked): under object->work_lock the monitor goes on op->to_do.
\* 3.12 drops work_lock and only then calls fscache_enqueue_retrieval(monitor->op),
\* holding no ref of its own (cache.waiters: ReadWaiterEnqueue). REPAIRED
\* (finding F14) takes an op ref first and enqueues under work_lock, as
\* 934140ab0283 and 7bb0c5338436 do: one step, its ref got and put.
ReadWaiter(k, p) ==
    /\ p \in op[k].io
    /\ lastAction' = [name |-> "ReadWaiter", k |-> k, p |-> p]
    /\ LET w1 == [W0 EXCEPT !.op[k].io = @ \ {p}, !.op[k].todo = Append(@, p)] IN
       IF Fixed("F14")
       THEN LET w2 == EnqueueRetrieval(w1, k, "ReadWaiter")
            IN IF w2.bug # "NONE" THEN Oops(w2.bug) /\ UNCHANGED cache
               ELSE Commit(w2) /\ UNCHANGED <<thread, oops, cache>>
       ELSE /\ Commit(w1)
            /\ cache' = [cache EXCEPT !.waiters = Append(@, [k |-> k, p |-> p, monitor |-> "LIVE"])]
            /\ UNCHANGED <<thread, oops>>

\* The rest of 3.12's cachefiles_read_waiter, after work_lock is dropped: it
\* reads monitor->op, which the copier may since have freed with the monitor
\* (after completing the op, and maybe freeing it too), then enqueues the op.
WaiterAt(k, p) == {i \in 1..Len(cache.waiters) : cache.waiters[i].k = k /\ cache.waiters[i].p = p}
ReadWaiterEnqueue(k, p) ==
    /\ WaiterAt(k, p) # {}
    /\ lastAction' = [name |-> "ReadWaiterEnqueue", k |-> k, p |-> p]
    /\ LET i == CHOOSE i \in WaiterAt(k, p) : TRUE IN
       IF cache.waiters[i].monitor = "FREED"
       THEN Oops("ReadWaiterEnqueue: cachefiles_read_waiter reads monitor->op after cachefiles_read_copier freed the monitor (use after free)")
            /\ UNCHANGED cache
       ELSE LET w1 == EnqueueRetrieval(W0, k, "ReadWaiterEnqueue")
            IN IF w1.bug # "NONE" THEN Oops(w1.bug) /\ UNCHANGED cache
               ELSE /\ Commit(w1)
                    /\ cache' = [cache EXCEPT !.waiters = SubSeq(@, 1, i - 1) \o SubSeq(@, i + 1, Len(@))]
                    /\ UNCHANGED <<thread, oops>>

\* cachefiles_read_copier, one monitor at a time, in op->to_do's order: take it
\* off the list, copy the page, mark it cached (the netfs's mark_page_cached
\* through object->cookie), fscache_end_io (the netfs's end_io_func with its
\* context: netfs data), and fscache_retrieval_complete(op, 1): 3.12's
\* atomic_sub here, its atomic_read in ReadCopierTest; REPAIRED (finding F15)
\* tests the value atomic_sub_return gives, here. The copier's own waiter
\* record, if its waiter has not yet read monitor->op, is marked TAKEN. The
\* copier first tests the cookie's INVALIDATING (through object->cookie): set,
\* the page ends with -ESTALE, neither copied nor marked cached. Else it acts
\* on `res`, the outcome of the page's backing read (CopyResults, fixed when
\* that read completed, so a parameter of the step whichever branch runs): up
\* to date ("OK"), or in error ("EIO": cachefiles_io_error_obj(object,
\* "Readpage failed on backing file %lx") sets the cache's IOERROR, and
\* fscache_end_io hands the netfs -EIO; the page is not marked cached). A page
\* neither up to date nor in error (truncated) is read again by
\* cachefiles_read_reissue: not modelled.
ReadCopier(k, res) ==
    LET o == op[k].object
        c == object[o].cookie
        p == Head(op[k].todo)
        w1 == [W0 EXCEPT !.op[k].todo = Tail(@), !.op[k].pc = "ReadCopierTest"]
        w2 == IF Fixed("F15") THEN RetrievalComplete(w1, k, "ReadCopier") ELSE w1
        waiters == [i \in 1..Len(cache.waiters) |->
                        IF cache.waiters[i].k = k /\ cache.waiters[i].p = p
                        THEN [cache.waiters[i] EXCEPT !.monitor = "TAKEN"] ELSE cache.waiters[i]]
    IN /\ OpAt(k, "ReadCopier") /\ op[k].todo # << >>
       /\ lastAction' = [name |-> "ReadCopier", k |-> k, result |-> res]
       /\ IF ~CookieOK(W0, o) \/ ~cookie[c].netfs
          THEN /\ Oops("ReadCopier: mark_page_cached and end_io_func through a NULL/freed cookie or cleared netfs data")
               /\ UNCHANGED cache
          ELSE IF "INVALIDATING" \in cookie[c].flags   \* -ESTALE: the backing page is not looked at
          THEN /\ IF w2.bug # "NONE" THEN Oops(w2.bug) /\ UNCHANGED cache
                  ELSE Commit(w2) /\ cache' = [cache EXCEPT !.waiters = waiters] /\ UNCHANGED <<thread, oops>>
          ELSE /\ IF w2.bug # "NONE" THEN Oops(w2.bug) /\ UNCHANGED cache
                  ELSE /\ Commit(w2)
                       /\ thread' = IF res = "EIO" THEN thread ELSE MarkCached(c, {p})
                       /\ cache' = [cache EXCEPT !.waiters = waiters,
                                                  !.flags = IF res = "EIO" THEN @ \cup {"IOERROR"} ELSE @]
                       /\ UNCHANGED oops

\* The rest of the copier's page: 3.12's atomic_read(&op->n_pages), and at 0
\* fscache_op_complete, whose ASSERT fails if the reader's completion of its
\* up-to-date page saw 0 too (F15); then the monitor's op ref is put (maybe the
\* last) and the monitor freed. The copier loops while op->to_do has monitors.
ReadCopierTest(k) ==
    LET w1 == IF Fixed("F15") THEN W0 ELSE RetrievalComplete(W0, k, "ReadCopierTest")
        w2 == OpPutRef([w1 EXCEPT !.op[k].pc = IF op[k].todo = << >> THEN "ReadCopierPut" ELSE "ReadCopier"], k)
    IN /\ OpAt(k, "ReadCopierTest")
       /\ lastAction' = [name |-> "ReadCopierTest", k |-> k]
       /\ IF w2.bug # "NONE" THEN Oops(w2.bug) /\ UNCHANGED cache
          ELSE /\ Commit(w2)
               /\ cache' = [cache EXCEPT !.waiters = [i \in 1..Len(@) |->
                                 IF @[i].k = k /\ @[i].monitor = "TAKEN" THEN [@[i] EXCEPT !.monitor = "FREED"]
                                 ELSE @[i]]]
               /\ UNCHANGED <<thread, oops>>

\* The copier found op->to_do empty and returned: fscache_op_work_func puts the
\* ref its queueing took (maybe the last: the op's release); queued again
\* meanwhile, the item runs again.
ReadCopierPut(k) ==
    /\ op[k].pc \in {"ReadCopierPut", "ReadCopierRequeue"}
    /\ lastAction' = [name |-> "ReadCopierPut", k |-> k]
    /\ OpCommit(OpPutRef([W0 EXCEPT !.op[k].pc = IF op[k].pc = "ReadCopierRequeue" THEN "ReadCopier" ELSE "NONE"], k))
    /\ UNCHANGED cache

OpStep(k) ==
    /\ oops = "NONE"
    /\ \/ /\ op[k].object \in Objects => ~SubmitLocked(op[k].object)
          /\ \/ (\/ OpInvalidateObject(k) \/ WriteOp(k) \/ OpAttrChanged(k) \/ OpPut(k)) /\ UNCHANGED cache
             \/ \E res \in WriteResults : WriteOpWritePage(k, res)
             \/ \E res \in CopyResults : ReadCopier(k, res)
             \/ ReadCopierTest(k) \/ ReadCopierPut(k)
       \* The waiter runs from the backing page's unlock and takes no object->lock.
       \/ \E p \in Pages : ReadWaiter(k, p) \/ ReadWaiterEnqueue(k, p)

-----------------------------------------------------------------------------
(* The cache's withdrawal (fscache_withdraw_cache, fs/fscache/cache.c)     *)

\* fscache_withdraw_cache: test_and_set_bit(WITHDRAWN) (nothing in 3.12 reads the
\* bit but this BUG_ON against a second withdrawal).
WithdrawCache ==
    /\ cache.wd = "WithdrawCache"
    /\ lastAction' = [name |-> "WithdrawCache"]
    /\ cache' = [cache EXCEPT !.wd = "WithdrawUnlist"]
    /\ UNCHANGED <<cookie, object, op, thread, oops>>

\* Then, under fscache_addremove_sem held for writing, take the cache off
\* fscache_cache_list (CacheGone). A data cookie's acquisition holds that
\* semaphore for reading from fscache_alloc_object to the end of
\* fscache_acquire_non_index_cookie (a thread at AttachObject or AcquireNewChild),
\* so this waits for it. sync_cache and dissociate_pages, next, act on the
\* backing files and netfs pages only (not modelled).
WithdrawUnlist ==
    /\ cache.wd = "WithdrawUnlist"
    /\ \A t \in Threads : thread[t].pc \notin {"AttachObject", "AcquireNewChild"}
    /\ lastAction' = [name |-> "WithdrawUnlist"]
    /\ cache' = [cache EXCEPT !.wd = "WithdrawAllObjects"]
    /\ UNCHANGED <<cookie, object, op, thread, oops>>

\* fscache_withdraw_all_objects, one round of its loop: under object_list_lock,
\* move object_list.next (the object attached last) to the dying list and
\* raise KILL on it (under that lock, so that fscache_drop_object cannot unlist
\* and free it meanwhile). The loop's unlocked list_empty test and its locked
\* re-test are one step: a round that finds the list empty ends the loop.
WithdrawAllObjects ==
    /\ cache.wd = "WithdrawAllObjects"
    /\ lastAction' = [name |-> "WithdrawAllObjects"]
    /\ IF cache.list = << >>
       THEN /\ cache' = [cache EXCEPT !.wd = "WithdrawWait"]
            /\ UNCHANGED <<cookie, object, op, thread, oops>>
       ELSE LET o == Head(cache.list) IN
            /\ cache' = [cache EXCEPT !.list = Tail(@), !.dying = @ \cup {o}]
            /\ Commit(Raise(W0, o, "KILL"))
            /\ UNCHANGED <<thread, oops>>

\* wait_event(fscache_cache_cleared_wq, object_count == 0): every object of the
\* cache destroyed (fscache_object_destroy counts it down); then
\* ASSERT(list_empty(&dying_objects)).
WithdrawWait ==
    /\ cache.wd = "WithdrawWait"
    /\ \A o \in Objects : object[o].mem # "LIVE"
    /\ lastAction' = [name |-> "WithdrawWait"]
    /\ IF cache.dying # {}
       THEN Oops("WithdrawWait: ASSERT the dying list is empty") /\ UNCHANGED cache
       ELSE /\ cache' = [cache EXCEPT !.wd = "Withdrawn"]
            /\ UNCHANGED <<cookie, object, op, thread, oops>>

WithdrawStep ==
    /\ oops = "NONE"
    /\ WithdrawCache \/ WithdrawUnlist \/ WithdrawAllObjects \/ WithdrawWait

-----------------------------------------------------------------------------
(* Specification                                                           *)

\* Every netfs thread finished and no worker has anything queued: the
\* behaviour has ended (explicit terminal stuttering).
Quiescent == /\ oops = "NONE"
             /\ \A t \in Threads : thread[t].pc = "Done"
             /\ \A o \in Objects : object[o].wq = "IDLE" /\ object[o].disp = "IDLE"
             /\ \A k \in OpIds : op[k].pc = "NONE"
             /\ cache.waiters = << >>
             /\ cache.wd \in {"NONE", "Withdrawn"}
Terminated == Quiescent /\ lastAction' = [name |-> "Terminated"] /\ UNCHANGED varsButLastAction

Next ==
    \/ \E t \in Threads : ThreadStep(t)
    \/ \E o \in Objects : ObjStep(o)
    \/ \E k \in OpIds : OpStep(k)
    \/ WithdrawStep
    \/ Terminated

Fairness ==
    /\ \A t \in Threads : WF_vars(ThreadStep(t))
    /\ \A o \in Objects : WF_vars(ObjStep(o))
    /\ \A k \in OpIds : WF_vars(OpStep(k))
    /\ IF Withdrawal THEN WF_vars(WithdrawStep) ELSE TRUE

Spec == Init /\ [][Next]_vars /\ Fairness

\* Weak fairness on every process step at once: a sound reduction for checking
\* temporal properties. Fairness implies WF_vars(ProcStep): if a behaviour of
\* Spec had ProcStep enabled forever from some point on without taking it, only
\* Terminated steps (which change lastAction alone) and stuttering would follow,
\* so the state but for lastAction would stay fixed; no guard reads lastAction,
\* so one process's step would stay enabled, and Fairness would take it. Hence
\* every behaviour of Spec is one of SpecWeakFair, and a temporal property that
\* holds for SpecWeakFair holds for Spec. TLC evaluates one ENABLED per state
\* for it instead of one per thread, object and op slot. The converse fails (a
\* behaviour that starves one process while others run is fair here), so the
\* tooling re-checks any liveness violation found under it with Spec.
ProcStep ==
    \/ \E t \in Threads : ThreadStep(t)
    \/ \E o \in Objects : ObjStep(o)
    \/ \E k \in OpIds : OpStep(k)
    \/ WithdrawStep

SpecWeakFair == Init /\ [][Next]_vars /\ WF_vars(ProcStep)

-----------------------------------------------------------------------------
(* Properties (fscache-domain.md §5). Properties that state 1362729b's own   *)
(* mechanism (object->cookie pinned, cookie refs held by objects, n_active) *)
(* are stated for the NEW designs only: PRE_FIX lacks that mechanism by     *)
(* construction and is checked for NoOops and the design-independent ones.  *)

TypeOK ==
    /\ cache.flags \subseteq {"IOERROR"}
    /\ cache.wd \in {"NONE", "WithdrawCache", "WithdrawUnlist", "WithdrawAllObjects", "WithdrawWait", "Withdrawn"}
    /\ cache.list \in Seq(Objects)
    /\ cache.dying \subseteq Objects
    /\ cache.waiters \in Seq([k : OpIds, p : Pages, monitor : {"LIVE", "TAKEN", "FREED"}])
    /\ \A c \in Cookies :
         /\ cookie[c].mem \in {"UNBORN", "LIVE", "FREED"}
         /\ cookie[c].usage \in Nat /\ cookie[c].n_children \in Nat /\ cookie[c].n_active \in Int
         /\ cookie[c].flags \subseteq {"LOOKING_UP", "NO_DATA_YET", "UNAVAILABLE", "INVALIDATING",
                                      "RELINQUISHED", "RETIRED", "CREATING"}
         /\ cookie[c].netfs \in BOOLEAN /\ cookie[c].unwoken \in BOOLEAN
         /\ \A p \in Pages : cookie[c].stores[p] \in {"NONE", "PENDING", "STORING"}
         /\ cookie[c].backing \subseteq Objects
    /\ \A o \in Objects :
         /\ object[o].mem \in {"UNBORN", "LIVE", "FREED"}
         /\ object[o].state \in States
         /\ object[o].oob \in {"init", "lookup", "run"}
         /\ object[o].oob_mask \subseteq Events /\ object[o].event_mask \subseteq Events
         /\ object[o].events \subseteq Events /\ object[o].dmask \subseteq Events
         /\ object[o].flags \subseteq {"IS_LIVE", "IS_LOOKED_UP", "IS_AVAILABLE", "PENDING_WRITE"}
         /\ object[o].cookie \in Cookies \cup {"NULL"}
         /\ object[o].parent \in Objects \cup {"FSDEF", "NULL"}
         /\ object[o].usage \in Nat /\ object[o].n_children \in Nat /\ object[o].n_ops \in Nat
         /\ object[o].n_obj_ops \in Nat /\ object[o].n_in_progress \in Nat
         /\ object[o].n_exclusive \in Nat /\ object[o].n_reads \in Nat
         /\ object[o].dependents \subseteq Objects
         /\ object[o].pending \in Seq(OpIds)
         /\ object[o].wq \in {"IDLE", "QUEUED", "RUNNING", "REQUEUED"}
         /\ object[o].disp \in DispPcs
         /\ object[o].exec \in WorkStates \cup {"NONE"}
         /\ object[o].lop \in OpIds \cup {0}
    /\ \A k \in OpIds :
         /\ op[k].state \in {"FREE", "INITIALISED", "PENDING", "IN_PROGRESS", "COMPLETE", "CANCELLED"}
         /\ op[k].kind \in {"NONE", "INVALIDATE", "WRITE", "READ", "ATTR_CHANGED"}
         /\ op[k].object \in Objects \cup {"NULL"}
         /\ op[k].flags \subseteq {"ASYNC", "MYTHREAD", "EXCLUSIVE", "UNUSE_COOKIE", "DEC_READ_CNT", "WAITING"}
         /\ op[k].usage \in Nat /\ op[k].pc \in OpPcs
         /\ op[k].io \subseteq Pages /\ op[k].todo \in Seq(Pages)
    /\ \A t \in Threads :
         /\ thread[t].pc \in ThreadPcs /\ thread[t].calls \in 0..MaxCalls
         /\ thread[t].op \in OpIds \cup {0} /\ thread[t].page \in Pages \cup {"NONE", "ALL"}
         /\ thread[t].retire \in BOOLEAN /\ thread[t].result \in {"OK", "ENOBUFS", "ENODATA", "NONE"}
         /\ thread[t].alloc \subseteq Objects /\ thread[t].cached \subseteq Pages
    /\ oops \in STRING

\* No dereference of a NULL/freed cookie, no use of cleared netfs data, no
\* kernel BUG/ASSERT: the fault 1362729b fixed and its relatives.
NoOops == oops = "NONE"

\* Some step can still be taken unless the behaviour has ended (or crashed):
\* the models run with CHECK_DEADLOCK FALSE because Terminated stutters in a
\* quiescent state; this is TLC's deadlock check without that stuttering, as
\* an invariant, so that a hang is a safety violation BFS finds (its shortest
\* trace) instead of a liveness violation needing the whole behaviour graph.
ProgressPossible == oops # "NONE" \/ Quiescent \/ ENABLED ProcStep

LiveObj(o) == object[o].mem = "LIVE"
Unattached(o) == \E t \in Threads : o \in thread[t].alloc

\* S1: from fscache_object_init to fscache_object_destroy object->cookie is a
\* live cookie (1362729b: the cookie is released only in object_destroy).
CookiePinnedByObject ==
    NewDesign => \A o \in Objects : LiveObj(o) => (object[o].cookie \in Cookies /\ cookie[object[o].cookie].mem = "LIVE")
\* S1, second half: object->cookie never changes while the object lives.
CookiePinnedByObjectStep ==
    [][NewDesign => \A o \in Objects : (LiveObj(o) /\ object'[o].mem = "LIVE") => object'[o].cookie = object[o].cookie]_vars

\* S2: usage = netfs ref (acquired, not yet put) + attached objects' refs
\* (taken in attach, dropped in object_destroy) + live child cookies; a freed
\* cookie has no refs left.
NetfsRef(c) == \E t \in Owners : TCookie[t] = c /\ thread[t].pc \notin {"AcquireCookie", "Done"}
CookieRefAccounting ==
    NewDesign =>
    \A c \in Cookies :
      /\ cookie[c].mem = "LIVE" =>
           cookie[c].usage = (IF NetfsRef(c) THEN 1 ELSE 0)
                             + Cardinality({o \in Objects : LiveObj(o) /\ object[o].cookie = c /\ ~Unattached(o)})
                             + Cardinality({d \in Cookies : Parent[d] = c /\ cookie[d].mem = "LIVE"})
      /\ cookie[c].mem = "FREED" => cookie[c].usage = 0

\* S3: a cookie is freed only with no backing objects (__fscache_cookie_put BUGs otherwise).
NoFreeWithBackingObjects ==
    \A c \in Cookies :
      /\ cookie[c].mem # "LIVE" => cookie[c].backing = {}
      /\ \A o \in cookie[c].backing : LiveObj(o) /\ object[o].cookie = c

\* S4: def/netfs_data are cleared only once n_active = 0 (so every party that
\* touches them through an n_active unit still sees them). The accesses
\* themselves are checked where they happen: a use of cleared netfs data oopses.
NetfsAccessGuarded ==
    NewDesign => \A c \in Cookies : (cookie[c].mem = "LIVE" /\ ~cookie[c].netfs) => cookie[c].n_active = 0

\* S5: n_active >= 0, and once 0 it stays 0 (inc-not-zero never resurrects it).
NActiveNonNegative == \A c \in Cookies : cookie[c].n_active >= 0
NActiveNoResurrection ==
    [][\A c \in Cookies : (cookie[c].mem = "LIVE" /\ cookie'[c].mem = "LIVE" /\ cookie[c].n_active = 0)
                          => cookie'[c].n_active = 0]_vars

\* S5b: a relinquish asleep on n_active is woken when n_active falls to 0 (no
\* fall to 0 through a plain atomic_dec that wakes nobody: F17).
NoLostWakeUp == \A c \in Cookies : ~cookie[c].unwoken

\* S6: n_active counts exactly the units held: the netfs baseline until
\* RelinquishDropActive, object workers inside lookup / invalidate / update,
\* and live ops flagged UNUSE_COOKIE (reads, writes, invalidation).
UnitHolders(c) ==
    (IF \E t \in Owners : TCookie[t] = c /\ thread[t].pc \notin {"AcquireCookie", "Done",
                                                                   "RelinquishWait", "RelinquishClear", "RelinquishPut"}
     THEN 1 ELSE 0)
    + Cardinality({o \in Objects : LiveObj(o) /\ object[o].cookie = c /\
                   object[o].disp \in {"LookupObject", "LookupCreate", "LookupAvailable", "LookupUnuse",
                                        "InvalidateWrites", "InvalidateSubmitOp", "UpdateObject"}})
    + Cardinality({k \in OpIds : op[k].state # "FREE" /\ "UNUSE_COOKIE" \in op[k].flags /\
                   op[k].object \in Objects /\ object[op[k].object].cookie = c})
    \* a reader or writer inside its submit: its op (UNUSE_COOKIE) is not yet on the object
    + Cardinality({t \in Threads : TCookie[t] = c /\ thread[t].pc \in SubmitPcs})
    \* an NFS task's read between its plain inc and cookie->lock (ReadSplit)
    + Cardinality({t \in Threads : TCookie[t] = c /\ thread[t].pc = "ReadCookieLocked"})
UseUnuseBalance ==
    NewDesign => \A c \in Cookies : cookie[c].mem = "LIVE" => cookie[c].n_active = UnitHolders(c)

\* S7: when relinquish has returned: n_active = 0, netfs data cleared, stores
\* empty, RELINQUISHED set, every still-attached object killed or dying.
Dying(o) == \/ "KILL" \in object[o].events \/ "IS_LIVE" \notin object[o].flags
            \/ object[o].exec \in {"ABORT_INIT", "LOOKUP_FAILURE", "KILL_OBJECT"}
            \/ object[o].state \in {"ABORT_INIT", "LOOKUP_FAILURE", "KILL_OBJECT", "KILL_DEPENDENTS",
                                    "WAIT_FOR_CLEARANCE", "DROP_OBJECT", "OBJECT_DEAD"}
RelinquishPostcondition ==
    NewDesign =>
    \A t \in Owners :
      LET c == TCookie[t] IN
      (thread[t].pc = "Done" /\ cookie[c].mem = "LIVE") =>
        /\ cookie[c].n_active = 0 /\ ~cookie[c].netfs /\ "RELINQUISHED" \in cookie[c].flags
        /\ \A p \in Pages : cookie[c].stores[p] = "NONE"
        /\ \A o \in cookie[c].backing : Dying(o)

\* S8: once KILL_OBJECT has cleared IS_LIVE no op is added to the object
\* (children's lookups, n_obj_ops, are not ops of the object itself).
NoNewOpsAfterDeath ==
    [][\A o \in Objects : (LiveObj(o) /\ object'[o].mem = "LIVE" /\ "IS_LIVE" \notin object[o].flags)
          => object'[o].n_ops - object'[o].n_obj_ops <= object[o].n_ops - object[o].n_obj_ops]_vars

\* S9: DROP_OBJECT and DEAD only with no dependents, ops or children (those
\* counts stay 0 until destroy).
DropPrecondition ==
    \A o \in Objects : (LiveObj(o) /\ object[o].state \in {"DROP_OBJECT", "OBJECT_DEAD"}) =>
        /\ object[o].dependents = {} /\ object[o].n_ops = 0 /\ object[o].n_children = 0
        /\ object[o].pending = << >>

\* S10: after OBJECT_DEAD no work runs (DispatchStart on a DEAD object oopses
\* unless it returns at once, F9); the dead object's dispatcher is idle and
\* every event is masked. A run queued before the object died may still be
\* pending (wq QUEUED): 3.12's work queue lets a running item be queued again
\* (finding F9), so "unqueued" held only at the coarser grain of earlier models.
DeadIsTerminal ==
    \A o \in Objects : (LiveObj(o) /\ object[o].state = "OBJECT_DEAD") =>
        object[o].disp = "IDLE" /\ object[o].wq \in {"IDLE", "QUEUED"} /\ object[o].event_mask = {}

\* S11: at most one dispatcher run per object (workqueue non-reentrancy).
SingleDispatcher ==
    \A o \in Objects : (object[o].disp # "IDLE") <=> (object[o].wq \in {"RUNNING", "REQUEUED"})

\* S12: op counters agree with the ops; an exclusive op runs alone.
OpsOf(o) == {k \in OpIds : op[k].state # "FREE" /\ op[k].object = o}
OpAccounting ==
    \A o \in Objects : LiveObj(o) =>
        /\ object[o].n_ops >= object[o].n_in_progress /\ object[o].n_in_progress >= 0
        /\ object[o].n_ops >= object[o].n_exclusive /\ object[o].n_exclusive >= 0
        /\ object[o].n_in_progress = Cardinality({k \in OpsOf(o) : op[k].state = "IN_PROGRESS"})
        /\ object[o].n_ops = Cardinality({k \in OpsOf(o) : op[k].state \in {"PENDING", "IN_PROGRESS", "COMPLETE", "CANCELLED"}})
                             + object[o].n_obj_ops
        /\ \A k \in OpsOf(o) : (op[k].state = "IN_PROGRESS" /\ "EXCLUSIVE" \in op[k].flags) => object[o].n_in_progress = 1

\* S13: a parent object outlives its attached children (n_children, and
\* n_obj_ops counted in n_ops, hold it out of DROP_OBJECT).
ParentOutlivesChild ==
    \A o \in Objects : (LiveObj(o) /\ object[o].parent \in Objects) =>
        LET p == object[o].parent IN
        LiveObj(p) /\ object[p].state \notin {"DROP_OBJECT", "OBJECT_DEAD"} /\ object[p].n_children > 0

\* S14: after InvalidateWrites no PENDING page is left until the exclusive op
\* is submitted, and the invalidation op runs alone.
InvalidationBarrier ==
    /\ \A o \in Objects : (LiveObj(o) /\ object[o].disp = "InvalidateSubmitOp" /\ CookieOK(W0, o)) =>
           \A p \in Pages : cookie[object[o].cookie].stores[p] # "PENDING"
    /\ \A k \in OpIds : (op[k].kind = "INVALIDATE" /\ op[k].state = "IN_PROGRESS") =>
           \A j \in OpIds \ {k} : ~(op[j].object = op[k].object /\ op[j].state = "IN_PROGRESS")

-----------------------------------------------------------------------------
(* Liveness (under Fairness)                                               *)

\* L1: relinquish returns (every n_active holder eventually lets go).
RelinquishTerminates ==
    \A t \in Threads : (thread[t].pc \in RelPcs) ~> (thread[t].pc = "Done" \/ oops # "NONE")
\* L2: a killed object reaches OBJECT_DEAD.
ObjectsDie ==
    \A o \in Objects : (LiveObj(o) /\ "KILL" \in object[o].events)
                       ~> (object[o].state = "OBJECT_DEAD" \/ ~LiveObj(o) \/ oops # "NONE")
\* L3: a dead object is destroyed ...
ObjectsDestroyed ==
    \A o \in Objects : (LiveObj(o) /\ object[o].state = "OBJECT_DEAD") ~> (~LiveObj(o) \/ oops # "NONE")
\* L3: ... and every relinquished cookie is eventually freed.
CookieFreed ==
    \A t \in Owners : (thread[t].pc = "Done" /\ cookie[TCookie[t]].mem = "LIVE")
                       ~> (cookie[TCookie[t]].mem = "FREED" \/ oops # "NONE")
\* L4: INVALIDATING is eventually cleared (fscache_wait_on_invalidate returns).
InvalidationResolves ==
    \A c \in Cookies : (cookie[c].mem = "LIVE" /\ "INVALIDATING" \in cookie[c].flags)
                       ~> ("INVALIDATING" \notin cookie[c].flags \/ cookie[c].mem # "LIVE" \/ oops # "NONE")
\* L5: LOOKING_UP is eventually cleared (deferred readers proceed).
LookupResolves ==
    \A c \in Cookies : (cookie[c].mem = "LIVE" /\ "LOOKING_UP" \in cookie[c].flags)
                       ~> ("LOOKING_UP" \notin cookie[c].flags \/ cookie[c].mem # "LIVE" \/ oops # "NONE")
\* L6: a PENDING op is eventually started or cancelled.
OpsResolve ==
    \A k \in OpIds : (op[k].state = "PENDING") ~> (op[k].state # "PENDING" \/ oops # "NONE")
\* Every netfs thread finishes: no netfs call blocks forever (wait on page
\* write, deferred lookup, op activation, invalidation, relinquish).
NetfsThreadsTerminate ==
    \A t \in Threads : <>(thread[t].pc = "Done" \/ oops # "NONE")

\* All of L1-L6 and NetfsThreadsTerminate at once, for models in which every
\* behaviour is finite (bounded calls, no unbounded retry loops): every fair
\* behaviour ends with all threads done and every cookie, object and op freed.
\* Implies: relinquish returned (L1), objects died and were destroyed (L2, L3),
\* cookies freed (L3), no INVALIDATING/LOOKING_UP left on a live cookie (L4, L5),
\* no op left pending (L6), no netfs call blocked. One tableau branch instead
\* of sixteen: this is what keeps the CI model's liveness check short.
AllClean ==
    /\ \A t \in Threads : thread[t].pc = "Done"
    /\ \A c \in Cookies : cookie[c].mem # "LIVE"
    /\ \A o \in Objects : object[o].mem # "LIVE"
    /\ \A k \in OpIds : op[k].state = "FREE"
    /\ cache.wd \in {"NONE", "Withdrawn"}
EventuallyClean == <>(AllClean \/ oops # "NONE")
=============================================================================
