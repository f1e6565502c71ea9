-------------------------------- MODULE MCattr --------------------------------
(* The CI model with fscache_attr_changed among the data thread's calls       *)
(* (finding F7: an attr change before the lookup completes hits 3.12's        *)
(* ASSERT in fscache_submit_exclusive_op).                                    *)
EXTENDS MCci

MC_AttrCalls == {"AttrChanged", "ReadPage", "WritePage"}
=============================================================================
