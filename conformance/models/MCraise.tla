------------------------------- MODULE MCraise -------------------------------
(* Conformance model for a netfs thread's raise at the kernel's grain       *)
(* (RaiseWindow): the CI model's cookie tree, the data thread invalidates    *)
(* or updates (one call), so acquire's NEW_CHILD, invalidate's INVALIDATE, *)
(* update's UPDATE and relinquish's KILL each set their bit in one step and  *)
(* test the mask and enqueue in the next, cookie->lock held between, while   *)
(* the object's dispatcher stores its mask and re-reads its events. A raiser *)
(* that reads the mask before it sets the bit loses the wake-up; DROP_OBJECT *)
(* and INVALIDATE_OBJECT's submit wait for the raiser's lock. Its full state *)
(* graph is small enough for a transition cover in CI.                       *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "UpdateCookie"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_RaiseWindow == TRUE

\* The data cookie's life is over (as MCconf).
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"

\* ACTION_CONSTRAINT (as MCconf): the index is relinquished only once the data
\* cookie is gone.
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
