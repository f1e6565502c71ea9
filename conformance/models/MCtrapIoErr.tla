----------------------------- MODULE MCtrapIoErr -----------------------------
(* Trap model for the cache I/O error (spec/MCioerr's scope): the data thread *)
(* reads and writes up to three times, and the backend's page write fails     *)
(* with EIO, which sets the cache's IOERROR before the write op aborts the    *)
(* object. A read whose op already started then finds its object dead        *)
(* (dying, cache broken): 3.12 puts the op while it is still in progress      *)
(* (finding F11), the repair cancels it first. Used only for trap runs, one   *)
(* per goal of conformance/generate/goals.ts.                                 *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"EIO"}
MC_RetireChoices == {FALSE}
=============================================================================
