-------------------------------- MODULE MCci --------------------------------
(* CI model: one index cookie "I" (parent "FSDEF") owned by thread "tI", one *)
(* data cookie "D" (parent "I") owned by "tD", one page. No faults: lookups *)
(* succeed, writes succeed. Small enough for safety AND liveness in seconds. *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
=============================================================================
