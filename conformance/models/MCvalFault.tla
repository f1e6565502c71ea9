------------------------------ MODULE MCvalFault ------------------------------
(* Trace-validation model with lookup faults (conformance/validate/): as   *)
(* MCvalRead, where a lookup may also fail (ERROR: an injected EIO, giving *)
(* LOOKUP_FAILURE, and KILL_DEPENDENTS when "D" waits on "I").             *)
(* 31,059 states.                                                          *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"NEGATIVE", "ERROR"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* MCconf's netfs schedule: the index is relinquished only once the data cookie
\* is gone. The validation driver keeps it (its index thread waits for DataGone
\* before WaitOnPageWrite). Without it such graphs grow 30-fold and more.
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
