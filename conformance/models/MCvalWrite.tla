------------------------------ MODULE MCvalWrite ------------------------------
(* Trace-validation model, write path (conformance/validate/): as          *)
(* MCvalRead with two calls among ReadPage and WritePage (a write needs a  *)
(* read of its page first, as the netfs API requires) and a page write     *)
(* that may fail (ERROR: an injected EIO aborts the object). 45,075 states.*)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"NEGATIVE"}
MC_WriteResults == {"OK", "ERROR"}
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
