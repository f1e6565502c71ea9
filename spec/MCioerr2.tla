------------------------------ MODULE MCioerr2 ------------------------------
(* Cache I/O error across cookies: two data cookies D and E under one index. *)
(* D's thread reads a page and writes it back, and the write fails with EIO, *)
(* which breaks the cache (IOERROR); E's thread reads. E's object stays      *)
(* available and live but is no longer "active", so 3.12's fscache_submit_op *)
(* queues E's read on it, and nothing starts it: the reader waits forever    *)
(* (finding F12, a ProgressPossible violation). One op slot.                 *)
(*                                                                           *)
(* The scenario is steered by an action constraint, or BFS would not reach  *)
(* the hang (about 75 steps deep) in reasonable time: only D writes, E's     *)
(* thread acquires only once D's object waits for commands, D's first call   *)
(* waits for E's object likewise, and E reads only once the cache is broken. *)
(* A pass of the repaired design here is a claim about these behaviours.     *)
EXTENDS FSCache

MC_Cookies == {"I", "D", "E"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD", "tE"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE IF t = "tD" THEN "D" ELSE "E"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"EIO"}
MC_RetireChoices == {FALSE}
Quiet(o) == object[o].state = "WAIT_FOR_CMD" /\ object[o].wq = "IDLE"
\* Steps of these kinds are taken only in these states (an ACTION_CONSTRAINT).
MC_Scenario ==
    /\ lastAction'.name = "WritePage" => lastAction'.t = "tD"
    /\ lastAction'.name = "AcquireCookie" /\ lastAction'.t = "tE" => Quiet("D")
    /\ lastAction'.name = "ReadPage" /\ lastAction'.t = "tD" /\ thread["tD"].calls = MaxCalls => Quiet("E")
    /\ lastAction'.name = "ReadPage" /\ lastAction'.t = "tE" => Broken
=============================================================================
