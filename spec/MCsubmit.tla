------------------------------ MODULE MCsubmit ------------------------------
(* Submit-window model: the write-error model with a reader's submit split   *)
(* at the kernel's grain (SubmitWindow). A failed write aborts the object     *)
(* (ERROR -> KILL_OBJECT) while the data thread submits its next read: 3.12's *)
(* KILL_OBJECT clears IS_LIVE and tests n_ops without object->lock, inside    *)
(* the reader's locked section (finding F13).                                 *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK", "ERROR"}
MC_RetireChoices == {FALSE}
MC_SubmitWindow == TRUE
=============================================================================
