------------------------------ MODULE MCtrapAsync ------------------------------
(* Trap model for the single-page reader's copier path: the CI cookie tree, *)
(* the data thread reads p1 through __fscache_read_or_alloc_page, whose     *)
(* backing page may not be up to date (ReadIO's MONITOR: the copier         *)
(* completes the page after the call returned), then invalidates the        *)
(* cookie; two op slots (the read op and the invalidation's). Used only for *)
(* the goals of conformance/generate/goals.ts.                              *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "Invalidate"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_ReadResults == {"OK", "MONITOR"}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goal short: the index
\* thread does not relinquish, and the data thread reads before it invalidates
\* (it relinquishes after both calls).
Schedule == /\ ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")
            /\ ~(lastAction'.name = "Invalidate" /\ thread["tD"].calls = 2)

=============================================================================
