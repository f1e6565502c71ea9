------------------------------- MODULE MCconf -------------------------------
(* Conformance model: the CI model's cookie tree (index "I" under FSDEF,     *)
(* data "D" under "I", one thread each, one page), no faults, one op slot,   *)
(* one netfs call (Invalidate or ReadPage), and a netfs schedule (ConfOrder) *)
(* so that its FULL state graph (lastAction included) is small enough for a  *)
(* transition cover replayed in CI: 8,994 states, 19,827 transitions.        *)
(* The races the n_active protocol is about (relinquish of "D" against its   *)
(* object's lookup, invalidation and op workers) are all kept.               *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"Invalidate", "ReadPage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* The data cookie's life is over: its thread is done, its object dead (or never
\* born), no worker or op has anything left to do.
DataGone ==
    /\ thread["tD"].pc = "Done" /\ object["D"].state \in {"OBJECT_DEAD", "WAIT_FOR_INIT"}
    /\ object["D"].wq = "IDLE" /\ object["D"].disp = "IDLE" /\ \A k \in OpIds : op[k].pc = "NONE"

\* ACTION_CONSTRAINT: the netfs starts relinquishing the index only once the data
\* cookie is gone (the usual netfs order). A schedule, not a change of the spec:
\* every transition kept is one of Spec's, and the only action ever pruned is
\* tI's WaitOnPageWrite from "Ready", a netfs call the replay driver takes from
\* the trace and never compares in enabled sets.
ConfOrder ==
    (lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI") => DataGone
=============================================================================
