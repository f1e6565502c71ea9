---------------------------- MODULE MCtrapWithdraw ----------------------------
(* Trap model for the cache's withdrawal (spec/MCwithdraw's scope, one op    *)
(* slot): the CI model's cookie tree, the data thread reads or invalidates   *)
(* once, and fscache_withdraw_cache runs beside the netfs: it waits for     *)
(* acquisitions, takes the cache off the cache list (a later acquisition    *)
(* fails), kills the listed objects head first and waits until every object *)
(* is destroyed. Used only for trap runs, for the goals of                  *)
(* conformance/generate/goals.ts.                                           *)
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
MC_Withdrawal == TRUE

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short (no goal
\* needs more): the index thread does not relinquish.
Schedule == ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")

=============================================================================
