------------------------------ MODULE MCtrapWindow ------------------------------
(* Trap model for the submit window (SubmitWindow, finding F13): the CI     *)
(* model's cookie tree, the data thread reads, writes or changes the        *)
(* file's attributes up to twice (one op slot), and the cache is withdrawn  *)
(* beside the netfs, which kills D's object while its thread goes on:       *)
(* inside a reader's or attr_changed's locked submit, or before a write     *)
(* whose submit then takes the dying object's IS_LOOKED_UP branch (3.12,    *)
(* F2). Used only for trap runs, for the goals of                           *)
(* conformance/generate/goals.ts.                                           *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage", "AttrChanged"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_SubmitWindow == TRUE
MC_Withdrawal == TRUE

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short (no goal
\* needs more): the index thread does not relinquish, and the withdrawal starts
\* once D's object is available.
Schedule ==
    /\ ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")
    /\ lastAction'.name = "WithdrawCache" => "IS_AVAILABLE" \in object["D"].flags

=============================================================================
