------------------------------ MODULE MCtrapPages ------------------------------
(* Trap model for the multi-page reader (F14, F15): the CI cookie tree,     *)
(* the data thread reads both pages once through                           *)
(* __fscache_read_or_alloc_pages, one op slot, and the index thread does    *)
(* not relinquish. Used only for trap runs, for the goals of               *)
(* conformance/generate/goals.ts.                                           *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1", "p2"}
MC_NetfsCalls == {"ReadPages"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short: the
\* index thread does not relinquish.
Schedule == ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")

=============================================================================
