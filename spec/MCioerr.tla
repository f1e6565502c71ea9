------------------------------- MODULE MCioerr -------------------------------
(* Cache I/O error model: the CI cookies and threads; the data thread reads   *)
(* and writes up to three times, and the backend's page write fails with EIO, *)
(* which sets the cache's IOERROR flag (cachefiles_io_error_obj ->            *)
(* fscache_io_error) before the write op aborts its object. With IOERROR set  *)
(* no object is "active", a dying object is "dead", lookups fail and page     *)
(* writes are refused: the scope of finding F11 (a read whose op had started  *)
(* finds its object dead and puts the op while it is still in progress).      *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"EIO"}
MC_RetireChoices == {FALSE}
=============================================================================
