------------------------------- MODULE MClookup -------------------------------
(* The CI model with lookup faults: a lookup may find the object (POSITIVE), *)
(* find none (NEGATIVE: the object is then created, which may fail) or fail  *)
(* (ERROR), and the data thread makes one call, a read or an attr change.    *)
(* Findings F1 (a reader woken by a failed lookup ASSERTs IS_LOOKED_UP), F8  *)
(* (an object dropped before its lookup strands a deferred reader) and F10   *)
(* (KILL_OBJECT starts an ASYNC op queued on an object whose creation        *)
(* failed); F7 in POST_FIX (an attr change before the lookup completes).     *)
EXTENDS MCci

MC_LookupCalls == {"ReadPage", "AttrChanged"}
MC_LookupFaults == {"POSITIVE", "NEGATIVE", "ERROR"}
=============================================================================
