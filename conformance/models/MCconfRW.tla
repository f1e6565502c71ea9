------------------------------- MODULE MCconfRW -------------------------------
(* Conformance model (reads and writes: one page read, then written back): the CI model's cookies and threads with   *)
(* fewer netfs calls, so that its full state graph is small enough for an   *)
(* edge-covering trace set replayed in CI. Lookups may fail; writes may fail. *)
EXTENDS FSCache

MC_Cookies == {"I", "D"}
MC_Parent == [c \in {"I", "D"} |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", "tD"}
MC_TCookie == [t \in {"tI", "tD"} |-> IF t = "tI" THEN "I" ELSE "D"]
MC_Pages == {"p1"}
MC_NetfsCalls == {"ReadPage", "WritePage"}
MC_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR"}
MC_WriteResults == {"OK", "ERROR"}
MC_RetireChoices == {FALSE, TRUE}
=============================================================================
