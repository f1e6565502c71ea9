------------------------------ MODULE MCvalRead ------------------------------
(* Trace-validation model, read path (conformance/validate/): MCconf's     *)
(* cookie tree ("I" under FSDEF, "D" under "I"; threads "tI", "tD"; one     *)
(* page; one op slot) and its netfs schedule (ConfOrder: the index is       *)
(* relinquished once the data cookie is gone, which the validation driver  *)
(* keeps), one ReadPage call, and the lookup outcome a fresh real backend   *)
(* gives (NEGATIVE: the object is created). 12,062 states: the smallest    *)
(* full state graph recorded production runs are checked against.          *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"NEGATIVE"}
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
