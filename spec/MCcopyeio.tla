------------------------------ MODULE MCcopyeio ------------------------------
(* A cache I/O error found by the copier: the CI cookies and threads; lookups *)
(* find the objects, the data thread reads its page through                  *)
(* __fscache_read_or_alloc_pages (the backing page is monitored and the op's *)
(* work item, cachefiles_read_copier, completes it after the call returned), *)
(* and the copier may find the backing read failed: "Readpage failed on     *)
(* backing file", cachefiles_io_error_obj breaks the whole cache (IOERROR)   *)
(* from the op's work item, while the netfs thread may be making its next    *)
(* call (a second read, or a write of a page a read marked cached) or        *)
(* relinquishing.                                                            *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPages", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_CopyResults == {"OK", "EIO"}
=============================================================================
