------------------------------- MODULE MCpages -------------------------------
(* Multi-page read model: the CI cookie tree with the data thread reading   *)
(* both pages through __fscache_read_or_alloc_pages. The pages' backing     *)
(* reads complete one by one (cachefiles_read_waiter) and the op's work     *)
(* item copies them (cachefiles_read_copier) after the read call returned.  *)
(* 3.12's waiter enqueues the op after dropping work_lock, with no ref of   *)
(* its own: the copier may meanwhile have freed its monitor and completed   *)
(* the op (finding F14). A page already up to date is copied by the reader, *)
(* whose completion reads n_pages beside the copier's (finding F15).        *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1", "p2"}
MC_NetfsCalls == {"ReadPages"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
=============================================================================
