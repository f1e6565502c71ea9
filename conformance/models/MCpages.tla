------------------------------- MODULE MCpages -------------------------------
(* Conformance model for the multi-page reader: the CI cookie tree, one op  *)
(* slot, and one call, __fscache_read_or_alloc_pages over two pages, whose   *)
(* backing reads complete one by one (cachefiles_read_waiter) and whose      *)
(* copier hands the pages to the netfs after the call returned, or one of   *)
(* which the reader copies itself. In POST_FIX the graph holds 3.12's       *)
(* windows and their oopses (findings F14, F15). Full transition cover in   *)
(* npm run conformance:full, in POST_FIX and POST_FIX_REPAIRED.             *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1", "p2"}
MC_NetfsCalls == {"ReadPages"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"
    /\ cache.waiters = << >>
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
