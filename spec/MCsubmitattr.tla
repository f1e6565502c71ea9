---------------------------- MODULE MCsubmitattr ----------------------------
(* Submit-window model with attr_changed: the submit model (MCsubmit) with *)
(* fscache_attr_changed among the data thread's calls, whose exclusive     *)
(* submit is two steps with the window as the reader's and the writer's    *)
(* are. A failed write aborts the object (ERROR -> KILL_OBJECT) while the  *)
(* data thread submits its next op: 3.12's KILL_OBJECT clears IS_LIVE and  *)
(* tests n_ops without object->lock, inside the submitter's locked section *)
(* (finding F13, here through fscache_submit_exclusive_op).                *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage", "AttrChanged"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK", "ERROR"}
MC_RetireChoices == {FALSE}
MC_SubmitWindow == TRUE
=============================================================================
