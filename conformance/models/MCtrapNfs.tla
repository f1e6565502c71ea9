------------------------------- MODULE MCtrapNfs -------------------------------
(* Trap model for NFS's tasks (F16): the CI cookie tree, the data thread    *)
(* relinquishes its cookie (NFS turning caching off for a writer) while an  *)
(* NFS task reads p1 through the pointer it loaded, and the index thread    *)
(* does not relinquish. Used for the goals of conformance/generate/goals.ts *)
(* and, in the repaired design, for a full transition cover.               *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD", "tR"}
MC_TCookie == [t \in {"tI", "tD", "tR"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Borrowers == {"tR"}
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the state graph small: the index
\* thread does not relinquish, and the owner makes no call of its own.
Schedule == /\ ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")
            /\ ~(lastAction'.name = "ReadPage" /\ lastAction'.t = "tD")

=============================================================================
