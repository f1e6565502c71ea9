------------------------------- MODULE MCwrite -------------------------------
(* Conformance model for the write path and its faults: MCconf's cookie tree *)
(* where the data thread makes two calls among ReadPage, WritePage and       *)
(* Invalidate (a write needs a read of its page first), a page write may     *)
(* fail (ERROR aborts the object), and one op slot is shared by the write    *)
(* op, a read and the invalidate op (the nomem paths of all three).          *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK", "ERROR"}
MC_RetireChoices == {FALSE}

\* As in MCconf: the netfs relinquishes the index only once the data cookie is gone.
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
