-------------------------------- MODULE MCtwo --------------------------------
(* Two data cookies under one index ("D" and "E" under "I", each with its own *)
(* thread): the scope of finding F4. When one data cookie's lookup of the     *)
(* index object fails, the index object dies, and the other data cookie's     *)
(* acquire finds it attached but dying: its new object's attach fails, and     *)
(* 3.12 puts the cookie for an object that never took a ref. No netfs calls   *)
(* between acquire and relinquish, one op slot; every lookup fails (ERROR). *)
(* D and E are interchangeable: they are model values, each data thread is   *)
(* named by its cookie, and SYMMETRY Permutations({D, E}) swaps both at once  *)
(* (sound here: every property quantifies over all cookies and threads).     *)
EXTENDS FSCache, TLC

CONSTANTS D, E

MC_Cookies == {"I", D, E}
MC_Parent == [c \in MC_Cookies |-> IF c = "I" THEN "FSDEF" ELSE "I"]
MC_IndexCookies == {"I"}
MC_Threads == {"tI", D, E}
MC_TCookie == [t \in MC_Threads |-> IF t = "tI" THEN "I" ELSE t]
MC_Pages == {"p1"}
MC_NetfsCalls == {}
MC_LookupResults == {"ERROR"}
MC_WriteResults == {"OK"}
MC_RetireChoices == {FALSE}
MC_Symmetry == Permutations({D, E})
=============================================================================
