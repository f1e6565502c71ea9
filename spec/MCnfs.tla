-------------------------------- MODULE MCnfs --------------------------------
(* NFS's use of the API in 3.12: the inode's owner task acquires the data    *)
(* cookie, makes a call and turns caching off (as for an open for writing:  *)
(* nfs_fscache_zap_inode_cookie relinquishes the cookie, then clears         *)
(* nfsi->fscache), while another task of the inode reads a page through the *)
(* pointer it loaded from nfsi->fscache (nfs_readpage_from_fscache), without *)
(* NFS_INO_FSCACHE_LOCK. Its read can meet a cookie relinquish has cleared   *)
(* or freed, or bring n_active back from 0 (finding F16).                   *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD", "tR"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Borrowers == {"tR"}
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
=============================================================================
