------------------------------- MODULE MCtrapEio -------------------------------
(* Trap model for the cache's I/O errors: MCfail's scope (a lookup may find  *)
(* the object, find none and create it, fail, or fail with EIO; the create  *)
(* may fail with EIO too; the data thread reads once, one page or through   *)
(* the multi-page reader, and the backing page's read may meet EIO, found by *)
(* the reader or later by the copier), where the index thread does not      *)
(* relinquish. Each EIO breaks the cache (cachefiles_io_error), which its   *)
(* goal shows at once.                                                      *)
(* Used only for trap runs, for the goals of conformance/generate/goals.ts.  *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "ReadPages"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "EIO"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_ReadResults == {"OK", "EIO"}
MC_CopyResults == {"OK", "EIO"}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short (no goal
\* needs more): the index thread does not relinquish.
Schedule == ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")

=============================================================================
