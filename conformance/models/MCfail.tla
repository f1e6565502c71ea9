------------------------------- MODULE MCfail --------------------------------
(* Conformance model for lookup faults: MCconf's cookie tree where a lookup  *)
(* may find the object, find none (the object is then created, which may     *)
(* fail) or fail, with an I/O error (EIO, which breaks the cache) or not; a  *)
(* failed index lookup kills the data object (KILL_DEPENDENTS); the data     *)
(* thread reads once, and the read of the backing page may meet EIO (which  *)
(* breaks the cache too); relinquish retires. Full transition cover in CI    *)
(* (MCfault has every fault at once, outside CI).                            *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR", "EIO"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {TRUE}
MC_ReadResults == {"OK", "EIO"}

DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
