------------------------------- MODULE MClarge -------------------------------
(* Larger model: the CI cookies and threads ("I" under "FSDEF", "D" under    *)
(* "I"; "tI", "tD") with every netfs call but WaitOnInvalidate, both retire  *)
(* choices and faults: lookups POSITIVE, NEGATIVE or ERROR, writes OK or     *)
(* ERROR. (A third thread/cookie takes this past 1.3M states with one call   *)
(* each: too slow for "a few minutes" on this machine.)                     *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "UpdateCookie", "ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR"}
MC_WriteResults == {"OK", "ERROR"}
MC_RetireChoices == {FALSE, TRUE}
=============================================================================
