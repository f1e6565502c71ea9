------------------------------ MODULE MCwindow ------------------------------
(* Conformance model for a reader's submit at the kernel's grain             *)
(* (SubmitWindow): the CI model's cookie tree, the data thread reads, writes *)
(* and reads again (three calls, two op slots), and every page write fails,  *)
(* which aborts the object (ERROR -> KILL_OBJECT) while the thread goes on.  *)
(* Its second read may be between its submit's test and its n_ops++ when    *)
(* KILL_OBJECT runs: 3.12 lets it in (finding F13), the repair holds it off. *)
(* Its full state graph is small enough for a transition cover in CI, which  *)
(* compares enabled steps: the lost repair shows as KILL_OBJECT enabled in   *)
(* the implementation inside the reader's locked section.                    *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"ERROR"}
MC_RetireChoices == {FALSE}
MC_SubmitWindow == TRUE

\* The data cookie's life is over (as MCconf).
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"

\* ACTION_CONSTRAINT (as MCconf): the index is relinquished only once the data
\* cookie is gone.
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
