----------------------------- MODULE MCtrapWrite -----------------------------
(* Trap model for writes that meet a queued page or a running write op: the  *)
(* data thread reads two pages and writes them, with two op slots, so that a *)
(* second write can be submitted while the first write op holds its slot.    *)
(* With one slot (the other models) such a write is refused for want of an   *)
(* op before fscache_write_page looks at the page, so already_queued and     *)
(* already_pending are never reached. Used only for trap runs, for the goals *)
(* of conformance/generate/goals.ts.                                         *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1", "p2"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
=============================================================================
