------------------------------ MODULE MClookupeio ------------------------------
(* A cache I/O error in a lookup: the CI cookies and threads; every lookup    *)
(* finds nothing (then creating the object may fail with EIO) or fails with   *)
(* EIO itself. cachefiles_walk_to_object reports an EIO from the walk         *)
(* ("Lookup failed") or from vfs_mkdir / vfs_create ("Create/mkdir failed")   *)
(* through cachefiles_io_error, which breaks the whole cache (IOERROR) before *)
(* the lookup reports its error: the data object's lookup can break the cache *)
(* under a reader, the index's under its child's lookup.                     *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"NEGATIVE", "EIO"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
=============================================================================
