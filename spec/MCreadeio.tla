------------------------------ MODULE MCreadeio ------------------------------
(* A cache I/O error in a page read: the CI cookies and threads; lookups find *)
(* the objects (so reads go to the backing file), and a read may meet EIO on *)
(* the backing page. cachefiles_read_backing_file_one reports it through      *)
(* cachefiles_io_error_obj, which breaks the whole cache (IOERROR) while the  *)
(* reader's own op completes: the data object is live and looked up under a  *)
(* broken cache, with a second read or a write still to come.                *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_ReadResults == {"OK", "EIO"}
=============================================================================
