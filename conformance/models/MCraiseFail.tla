------------------------------ MODULE MCraiseFail ------------------------------
(* Conformance model for the raise window with lookup faults: MCraise's     *)
(* scope (a netfs thread's fscache_raise_event in two steps, cookie->lock   *)
(* held between; the data thread invalidates or updates once) where a       *)
(* lookup may also find no object (then a create that may fail), fail, or   *)
(* fail with EIO, which breaks the cache: the objects' ERROR and KILL paths *)
(* run beside the netfs's raises of NEW_CHILD, INVALIDATE, UPDATE and       *)
(* relinquish's KILL. Full transition cover in `npm run conformance:full`.  *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "UpdateCookie"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR", "EIO"}
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
