------------------------------- MODULE MCtrapWake -------------------------------
(* Trap model for relinquish's lost wake-up (F17), replayed whole in POST_FIX: *)
(* MCtrapNfs's NFS task reads p1 through its owner's cookie while the owner   *)
(* relinquishes it. The schedule keeps the graph to the paths that matter:    *)
(* the owner starts to relinquish (WaitOnPageWrite, a netfs call the        *)
(* harness scripts) only once the task's read has taken its n_active unit   *)
(* and not yet cookie->lock: the window in which a refused read's plain     *)
(* atomic_dec can leave relinquish asleep.                                  *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD", "tR"}
MC_TCookie == [t \in {"tI", "tD", "tR"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Borrowers == {"tR"}
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT: MCtrapNfs's schedule (the index thread does not
\* relinquish, the owner makes no call of its own) and the order above. It
\* constrains only the netfs's calls, which the replay scripts: every step of
\* the cache and of a call under way stays free.
Schedule == /\ ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")
            /\ ~(lastAction'.name = "ReadPage" /\ lastAction'.t = "tD")
            /\ (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tD") => thread["tR"].pc = "ReadCookieLocked"

=============================================================================
