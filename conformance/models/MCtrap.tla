------------------------------- MODULE MCtrap -------------------------------
(* Trap model: the goals the full cover of MCconf cannot reach, because      *)
(* MCconf's netfs makes one call (Invalidate or ReadPage) and has one op     *)
(* slot. Here the data cookie's thread makes up to three calls among         *)
(* ReadPage, WritePage, Invalidate and UpdateCookie (a write needs a read    *)
(* first), so BFS reaches "InvalidateWrites drops a PENDING page" and "the   *)
(* UPDATE event takes WAIT_FOR_CMD to UPDATE_OBJECT". Too big for a full     *)
(* transition cover; used only for trap (shortest-behaviour) runs, one per   *)
(* goal of conformance/generate/goals.ts, each a few seconds of TLC.         *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "ReadPage", "WritePage", "UpdateCookie"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* As in MCconf: the netfs relinquishes the index only once the data cookie is gone.
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
