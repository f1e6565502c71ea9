------------------------------- MODULE MCfault -------------------------------
(* Conformance model with faults: MCconf's cookie tree ("I" under FSDEF, "D" *)
(* under "I"; threads "tI", "tD"; one page) where a lookup may be POSITIVE,  *)
(* NEGATIVE or fail (ERROR: LOOKUP_FAILURE, and KILL_DEPENDENTS when "D"     *)
(* waits on "I"), relinquish may retire, and the data thread makes one call  *)
(* of every kind but WritePage (which needs a read first: MCwrite). One op   *)
(* slot, so the invalidate op and a read compete for it (the nomem paths).  *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "WaitOnInvalidate", "UpdateCookie", "AttrChanged", "ReadPage"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE, TRUE}

\* As in MCconf: the netfs relinquishes the index only once the data cookie is gone.
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
