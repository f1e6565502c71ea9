------------------------------ MODULE MCtrapStale ------------------------------
(* Trap model for the copier's stale page: the CI cookie tree, the data     *)
(* thread reads p1 through __fscache_read_or_alloc_pages and then          *)
(* invalidates the cookie, so the copier may reach the page with           *)
(* INVALIDATING set (-ESTALE); two op slots (the read op and the           *)
(* invalidation's). Used only for the goals of conformance/generate/goals.ts. *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPages", "Invalidate"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goal short: no
\* thread relinquishes, and the data thread reads before it invalidates.
Schedule == /\ lastAction'.name # "WaitOnPageWrite"
            /\ ~(lastAction'.name = "Invalidate" /\ thread["tD"].calls = 2)

=============================================================================
