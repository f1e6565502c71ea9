---------------------------- MODULE MCtrapAttach ----------------------------
(* Trap model for an attach failure (finding F4): spec/MCtwo's scope, two    *)
(* data cookies "D" and "E" under the index "I", a thread each, no netfs     *)
(* calls, every lookup failing. When "D"'s lookup of the index object fails, *)
(* the index object dies while "E" is being acquired: E's new object cannot  *)
(* attach under a dying parent, and 3.12 puts a cookie ref never taken.      *)
(* Used only for trap runs (a shortest behaviour per goal).                  *)
EXTENDS FSCache

MC_Cookies == {"I", "D", "E"}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD", "tE"}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE IF t = "tD" THEN "D" ELSE "E"]
MC_Pages == {"p1"}
MC_NetfsCalls == {}
MC_LookupResults == {"ERROR"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}

\* ACTION_CONSTRAINT, a schedule that keeps the BFS to the goals short (no goal
\* needs more): the index thread does not relinquish.
Schedule == ~(lastAction'.name = "WaitOnPageWrite" /\ lastAction'.t = "tI")

=============================================================================
