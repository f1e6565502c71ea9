----------------------------- MODULE MCwindowAttr -----------------------------
(* Conformance model for attr_changed's exclusive submit at the kernel's     *)
(* grain (SubmitWindow): MCwindow with AttrChanged among the data thread's   *)
(* three calls. Every page write fails, which aborts the object (ERROR ->    *)
(* KILL_OBJECT) while the thread goes on, so a read's or attr_changed's      *)
(* submit may be between its test and its n_ops++ when KILL_OBJECT runs:     *)
(* 3.12 lets it in (finding F13), the repair holds it off. Outside npm test  *)
(* (npm run conformance:full).                                               *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage", "AttrChanged"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"ERROR"}
MC_RetireChoices == {FALSE}
MC_SubmitWindow == TRUE

\* The data cookie's life is over (as MCconf).
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"

\* ACTION_CONSTRAINT (as MCconf): the index is relinquished only once the data
\* cookie is gone.
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
