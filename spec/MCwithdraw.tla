----------------------------- MODULE MCwithdraw -----------------------------
(* Cache withdrawal: the CI model's cookies, threads and calls (index "I"   *)
(* under FSDEF owned by "tI", data "D" under "I" owned by "tD", one page,   *)
(* no faults) with fscache_withdraw_cache running beside them: KILL reaches *)
(* objects whose netfs is still using them, and an index object with live  *)
(* children.                                                               *)
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
MC_Withdrawal == TRUE
=============================================================================
