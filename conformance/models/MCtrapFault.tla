----------------------------- MODULE MCtrapFault -----------------------------
(* Trap model for the lookup windows: MCconf's cookie tree, where a lookup   *)
(* may be POSITIVE, NEGATIVE (the object is then created, which may fail)    *)
(* or fail, and the data thread makes one call, ReadPage or AttrChanged.     *)
(* A read that finds the object looked up (negative) while it is still being *)
(* created queues its op: OBJECT_AVAILABLE starts it, or, when the creation  *)
(* fails, KILL_OBJECT does (finding F10 for the ASYNC attr op). Used only    *)
(* for trap runs, for the goals of conformance/generate/goals.ts.            *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "AttrChanged"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short (no goal
\* needs more): the index thread does not relinquish.
Schedule == ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")

=============================================================================
