----------------------------- MODULE MCreadasync -----------------------------
(* The single-page reader through the copier: the CI cookies and threads;   *)
(* lookups find the objects (so reads go to the backing file), and a page   *)
(* read may find its backing page not yet up to date, when                  *)
(* cachefiles_read_backing_file_one starts the backing read, installs a     *)
(* monitor and returns: the page completes later on the op's work item      *)
(* (cachefiles_read_waiter, cachefiles_read_copier), after the read call    *)
(* returned, with an invalidation or the relinquish still to come.          *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_ReadResults == {"OK", "MONITOR"}
=============================================================================
