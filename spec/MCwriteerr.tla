------------------------------ MODULE MCwriteerr ------------------------------
(* Write-error model: the CI cookies and threads; the data thread reads and  *)
(* writes up to three times and a write may fail. A failed write aborts the   *)
(* object (ERROR -> KILL_OBJECT) while the netfs goes on reading and writing: *)
(* the scope in which 3.12 queues ops on a dead object (finding F2).          *)
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
=============================================================================
