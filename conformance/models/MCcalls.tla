------------------------------- MODULE MCcalls -------------------------------
(* Conformance model for the netfs calls: MCconf's cookie tree, no faults,  *)
(* one op slot, and one call of each kind but reads and writes (Invalidate,  *)
(* WaitOnInvalidate, UpdateCookie, AttrChanged), so the invalidate op and an *)
(* attr change compete for the slot (the out-of-op-slot paths). Full         *)
(* transition cover in CI.                                                   *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "WaitOnInvalidate", "UpdateCookie", "AttrChanged"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
