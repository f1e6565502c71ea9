----------------------------- MODULE MCtrapExcl -----------------------------
(* Trap model for the invalidation's exclusive op meeting a write op: the    *)
(* data thread reads, writes and invalidates, with two op slots, so that     *)
(* INVALIDATE_OBJECT can allocate its op while the write op holds the other. *)
(* With one slot (the other models) the allocation fails and the object is   *)
(* killed instead, so an exclusive op queued behind one in progress is never *)
(* reached. Used only for trap runs, for the goals of                        *)
(* conformance/generate/goals.ts.                                            *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage", "Invalidate"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goal short: the index
\* thread does not relinquish, and the data thread reads, writes, then
\* invalidates (each call at most once).
Schedule ==
    /\ ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")
    /\ lastAction'.name = "ReadPage" => thread["tD"].calls = MaxCalls
    /\ lastAction'.name = "WritePage" => thread["tD"].calls = MaxCalls - 1
    /\ lastAction'.name = "Invalidate" => thread["tD"].calls = MaxCalls - 2

=============================================================================
